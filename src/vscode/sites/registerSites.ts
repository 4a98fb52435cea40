import * as vscode from 'vscode';
import type { SandboxHost } from '../sandboxHost';
import { onDidChangeSettings, readSettings } from '../settings';
import { WorkspaceActiveSite } from './activeSite';
import { ConnectionStore } from './connectionStore';
import { SITES_VIEW } from './siteCommandIds';
import { registerSiteCommands } from './siteCommands';
import { SitesDirectory } from './siteDirectory';
import { SitesTreeProvider } from './sitesTree';
import type { ActiveSite, QueryHistory, SiteDirectory } from './siteTypes';

export interface SitesDependencies {
  sandbox: SandboxHost;
  log: vscode.LogOutputChannel;
  history: QueryHistory;
}

/**
 * Wires the sites half of the extension: connections and their secrets, the site directory, the active site and its
 * status-bar item, the Sites view and its commands. Nothing here touches the network until the user expands or runs.
 */
export function registerSites(context: vscode.ExtensionContext, { sandbox, log, history }: SitesDependencies): { directory: SiteDirectory; activeSite: ActiveSite } {
  const storeChanged = new vscode.EventEmitter<void>();
  const directoryChanged = new vscode.EventEmitter<void>();
  const store = new ConnectionStore(context.globalState, context.secrets, storeChanged);
  const directory = new SitesDirectory({ store, sandbox, writableSites: () => readSettings().writableSites, log, changed: directoryChanged });
  const activeSite = new WorkspaceActiveSite(directory, context.workspaceState);
  const tree = new SitesTreeProvider(store, directory, activeSite, history);
  context.subscriptions.push(
    storeChanged,
    directoryChanged,
    directory,
    activeSite,
    tree,
    vscode.window.createTreeView(SITES_VIEW, { treeDataProvider: tree, showCollapseAll: true }),
    // allowWrites follows the writableSites setting.
    onDidChangeSettings(() => directoryChanged.fire()),
    context.secrets.onDidChange((event) => store.secretChanged(event.key)),
    ...registerSiteCommands({ store, directory, activeSite, history, tree }),
  );
  return { directory, activeSite };
}
