import * as path from 'path';
import * as vscode from 'vscode';
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

/** The palette's *Start Sandbox* (which offers the URL and key for other tools) and *Stop Sandbox*. */
export function registerSandboxCommands(sandbox: SandboxHost): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('practiceExplorer.startSandbox', async () => {
      const running = await sandbox.start();
      const copy = 'Copy URL and key';
      const choice = await vscode.window.showInformationMessage(`Sandbox running at ${running.url} with ${running.sites.length} sites.`, copy);
      if (choice === copy) {
        await vscode.env.clipboard.writeText(`HALO_CONNECT_URL=${running.url}\nHALO_CONNECT_KEY=${running.key}\n`);
      }
    }),
    vscode.commands.registerCommand('practiceExplorer.stopSandbox', async () => {
      const stopped = await sandbox.stop();
      void vscode.window.showInformationMessage(stopped ? 'Sandbox stopped.' : 'The Sandbox was not running.');
    }),
  ];
}
