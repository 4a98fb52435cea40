import * as vscode from 'vscode';
import { QueryHistoryStore } from './vscode/runs/queryHistory';
import { registerRuns } from './vscode/runs/registerRuns';
import { registerSandboxCommands, SandboxHost } from './vscode/sandboxHost';
import { registerSites } from './vscode/sites/registerSites';

export function activate(context: vscode.ExtensionContext): void {
  const sandbox = new SandboxHost(__dirname);
  const log = vscode.window.createOutputChannel('Practice Data Explorer', { log: true });
  const history = new QueryHistoryStore(context.globalState);
  context.subscriptions.push(sandbox, log, history, ...registerSandboxCommands(sandbox));
  const { directory, activeSite } = registerSites(context, { sandbox, log, history });
  registerRuns(context, { directory, activeSite, history, log });
}
