import * as vscode from 'vscode';
import { SandboxHost } from './vscode/sandboxHost';

export function activate(context: vscode.ExtensionContext): void {
  const sandbox = new SandboxHost(__dirname);
  context.subscriptions.push(
    sandbox,
    vscode.commands.registerCommand('practiceExplorer.startSandbox', async () => {
      const running = await sandbox.start();
      const copy = 'Copy URL and key';
      const choice = await vscode.window.showInformationMessage(
        `Sandbox running at ${running.url} with ${running.sites.length} sites.`,
        copy,
      );
      if (choice === copy) {
        await vscode.env.clipboard.writeText(`HALO_CONNECT_URL=${running.url}\nHALO_CONNECT_KEY=${running.key}\n`);
      }
    }),
    vscode.commands.registerCommand('practiceExplorer.stopSandbox', async () => {
      const stopped = await sandbox.stop();
      void vscode.window.showInformationMessage(stopped ? 'Sandbox stopped.' : 'The Sandbox was not running.');
    }),
  );
}

