import * as vscode from 'vscode';
import { QueryHistoryStore } from './vscode/runs/queryHistory';
import { registerRuns } from './vscode/runs/registerRuns';
import { SandboxHost } from './vscode/sandboxHost';
import { registerSites } from './vscode/sites/registerSites';

export function activate(context: vscode.ExtensionContext): void {
  const sandbox = new SandboxHost(__dirname);
  const log = vscode.window.createOutputChannel('Practice Data Explorer', { log: true });
  const history = new QueryHistoryStore(context.globalState);
  context.subscriptions.push(log, history);
  const { directory, activeSite } = registerSites(context, { sandbox, log, history });
  registerRuns(context, { directory, activeSite, history, log, sandbox });
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

