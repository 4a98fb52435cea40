import type * as vscode from 'vscode';
import type { ChangeEmitter, SecretStore, StateStore } from '../../../../src/vscode/sites/connectionStore';
import type { SiteLog } from '../../../../src/vscode/sites/siteDirectory';

/** globalState in memory, holding JSON copies as VS Code's Memento does. */
export class MemoryState implements StateStore {
  readonly values = new Map<string, string>();

  get<T>(key: string): T | undefined {
    const text = this.values.get(key);
    return text === undefined ? undefined : (JSON.parse(text) as T);
  }

  async update(key: string, value: unknown): Promise<void> {
    this.values.set(key, JSON.stringify(value));
  }

  /** Everything persisted, as one string: what must never hold a secret. */
  dump(): string {
    return [...this.values.values()].join('\n');
  }
}

export class MemorySecrets implements SecretStore {
  readonly values = new Map<string, string>();

  async get(key: string): Promise<string | undefined> {
    return this.values.get(key);
  }

  async store(key: string, value: string): Promise<void> {
    this.values.set(key, value);
  }

  async delete(key: string): Promise<void> {
    this.values.delete(key);
  }
}

/** vscode.EventEmitter's behaviour, enough for the store and the directory. */
export class MemoryEmitter<T> implements ChangeEmitter<T> {
  private readonly listeners = new Set<(value: T) => unknown>();
  fired = 0;

  readonly event: vscode.Event<T> = (listener) => {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  };

  fire(value: T): void {
    this.fired++;
    for (const listener of [...this.listeners]) listener(value);
  }
}

export class MemoryLog implements SiteLog {
  readonly lines: string[] = [];

  debug(message: string): void {
    this.lines.push(`debug ${message}`);
  }

  info(message: string): void {
    this.lines.push(`info ${message}`);
  }

  warn(message: string): void {
    this.lines.push(`warn ${message}`);
  }
}
