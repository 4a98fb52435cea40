import * as path from 'path';
import type * as vscode from 'vscode';
import type { RunningSandbox, SandboxOptions } from '../sandbox/sandbox';

type SandboxModule = { startSandbox(options: SandboxOptions): Promise<RunningSandbox> };

/**
 * Runs the built-in Sandbox inside the extension host, started on first use. The Sandbox is its own bundle
 * (dist/sandbox.js), required only here, so activation never loads SQLite, faker or the SQL parser.
 */
export class SandboxHost implements vscode.Disposable {
  private running?: Promise<RunningSandbox>;

  constructor(private readonly bundleDirectory: string) {}

  /** The running Sandbox, started on 127.0.0.1 on a free port if it is not running yet. */
  start(): Promise<RunningSandbox> {
    if (!this.running) {
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- a runtime path, resolved beside this bundle
      const sandboxModule = require(path.join(this.bundleDirectory, 'sandbox.js')) as SandboxModule;
      this.running = sandboxModule.startSandbox({ host: '127.0.0.1', port: 0 });
      this.running.catch(() => (this.running = undefined));
    }
    return this.running;
  }

  async stop(): Promise<boolean> {
    const running = this.running;
    this.running = undefined;
    if (!running) return false;
    await (await running).stop();
    return true;
  }

  dispose(): void {
    void this.stop();
  }
}
