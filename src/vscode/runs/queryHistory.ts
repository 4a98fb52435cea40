import * as vscode from 'vscode';
import { Disposable } from '../disposable';
import type { HistoryEntry, QueryHistory } from '../sites/siteTypes';
import { appendToHistory } from './historyList';

const STORAGE_KEY = 'practiceExplorer.queryHistory';

/**
 * Run history in the extension's globalState, newest first and capped. It holds the request and its outcome only:
 * never rows, never secrets (the request text is what the user wrote; keys live in SecretStorage).
 */
export class QueryHistoryStore extends Disposable implements QueryHistory {
  private readonly changed = this.register(new vscode.EventEmitter<void>());
  readonly onDidChange = this.changed.event;

  constructor(private readonly state: vscode.Memento) {
    super();
  }

  entries(): readonly HistoryEntry[] {
    const stored = this.state.get<unknown>(STORAGE_KEY, []);
    return Array.isArray(stored) ? stored.filter(isHistoryEntry) : [];
  }

  add(entry: HistoryEntry): void {
    void this.save(appendToHistory(this.entries(), entry));
  }

  clear(): void {
    void this.save([]);
  }

  private async save(entries: readonly HistoryEntry[]): Promise<void> {
    await this.state.update(STORAGE_KEY, entries);
    this.changed.fire();
  }
}

function isHistoryEntry(value: unknown): value is HistoryEntry {
  const entry = value as Partial<HistoryEntry> | null;
  return (
    typeof entry === 'object' &&
    entry !== null &&
    typeof entry.id === 'string' &&
    typeof entry.text === 'string' &&
    typeof entry.siteKey === 'string' &&
    (entry.language === 'sql' || entry.language === 'fhir')
  );
}
