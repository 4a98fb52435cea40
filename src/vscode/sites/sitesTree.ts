import * as vscode from 'vscode';
import type { RegisteredQuery, SiteCatalogue } from '../../core/haloConnect/wireTypes';
import { Disposable } from '../disposable';
import { describeError } from '../errorMessages';
import type { ErrorAction } from '../errorMessages';
import { connectionTarget, pmsLabel } from './connectionModel';
import type { RememberedSite, StoredConnection } from './connectionModel';
import type { ConnectionStore } from './connectionStore';
import { CONTEXT_VALUES, SITE_COMMANDS } from './siteCommandIds';
import type { SitesDirectory } from './siteDirectory';
import { fhirResourceTypes, registeredQueries } from './siteQueries';
import { RUN_COMMANDS } from './siteTypes';
import type { ActiveSite, HistoryEntry, QueryHistory, SiteSummary } from './siteTypes';

/** A row of the Sites view. Each builds its own TreeItem, with an id that stays the same across refreshes. */
export interface SiteTreeNode {
  readonly id: string;
  treeItem(): vscode.TreeItem;
  children?(): Promise<SiteTreeNode[]>;
}

interface TreeServices {
  store: ConnectionStore;
  directory: SitesDirectory;
  activeSite: ActiveSite;
  history: QueryHistory;
  /** Lists fetched from a site (FHIR resources, registered queries), kept until Refresh. */
  cachedList(id: string, load: () => Promise<SiteTreeNode[]>): Promise<SiteTreeNode[]>;
  /** `getSite` for a Halo site, once until Refresh (a failed attempt is forgotten so that expanding again retries). */
  refreshSite(site: SiteSummary): Promise<void>;
}

const RETRY: ErrorAction = { title: 'Retry', command: SITE_COMMANDS.refresh };

/**
 * The Sites view: Connection → Site → Catalogues · FHIR resources · Registered queries, and the query history.
 * Listing needs no network; expanding a site asks Halo for its details once (until Refresh). Failures and empty lists
 * show as message rows, with the action that helps as a clickable row beneath.
 */
export class SitesTreeProvider extends Disposable implements vscode.TreeDataProvider<SiteTreeNode> {
  private readonly changed = this.register(new vscode.EventEmitter<SiteTreeNode | undefined>());
  readonly onDidChangeTreeData = this.changed.event;
  private readonly lists = new Map<string, Promise<SiteTreeNode[]>>();
  private readonly siteRefreshes = new Map<string, Promise<void>>();
  private readonly services: TreeServices;

  constructor(store: ConnectionStore, directory: SitesDirectory, activeSite: ActiveSite, history: QueryHistory) {
    super();
    this.services = {
      store,
      directory,
      activeSite,
      history,
      refreshSite: (site) => {
        let refresh = this.siteRefreshes.get(site.key);
        if (!refresh) {
          refresh = directory.refreshSite(site).then(() => undefined);
          this.siteRefreshes.set(site.key, refresh);
          refresh.catch(() => this.siteRefreshes.delete(site.key));
        }
        return refresh;
      },
      cachedList: (id, load) => {
        let list = this.lists.get(id);
        if (!list) {
          list = load();
          this.lists.set(id, list);
        }
        return list;
      },
    };
    this.register(directory.onDidChange(() => this.changed.fire(undefined)));
    this.register(activeSite.onDidChange(() => this.changed.fire(undefined)));
    this.register(history.onDidChange(() => this.changed.fire(undefined)));
  }

  /** Forgets every fetched detail and list, and redraws: the next expansion asks the servers again. */
  refresh(): void {
    this.lists.clear();
    this.siteRefreshes.clear();
    this.changed.fire(undefined);
  }

  /** Forgets one fetched list (after cancelling a registered query, say) and redraws. */
  invalidate(nodeId: string): void {
    this.lists.delete(nodeId);
    this.changed.fire(undefined);
  }

  getTreeItem(node: SiteTreeNode): vscode.TreeItem {
    return node.treeItem();
  }

  async getChildren(node?: SiteTreeNode): Promise<SiteTreeNode[]> {
    if (node) {
      return node.children ? node.children() : [];
    }
    const connections: SiteTreeNode[] = this.services.store.list().map((connection) => new ConnectionNode(connection, this.services));
    return this.services.history.entries().length > 0 ? [...connections, new HistoryNode(this.services)] : connections;
  }
}

class ConnectionNode implements SiteTreeNode {
  readonly id: string;

  constructor(
    readonly connection: StoredConnection,
    private readonly services: TreeServices,
  ) {
    this.id = `connection:${connection.id}`;
  }

  treeItem(): vscode.TreeItem {
    const { connection } = this;
    const item = new vscode.TreeItem(
      connection.name,
      // The Sandbox opens at once so a newcomer sees its clinics; real connections wait to be asked.
      connection.kind === 'sandbox' ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed,
    );
    item.id = this.id;
    item.description = kindLabel(connection);
    item.iconPath = new vscode.ThemeIcon(connection.kind === 'sandbox' ? 'beaker' : connection.kind === 'halaxy' ? 'cloud' : 'plug');
    item.contextValue = {
      sandbox: CONTEXT_VALUES.sandboxConnection,
      haloConnect: CONTEXT_VALUES.haloConnection,
      halaxy: CONTEXT_VALUES.halaxyConnection,
    }[connection.kind];
    const tooltip = new vscode.MarkdownString();
    tooltip.appendMarkdown(`**${escapeMarkdown(connection.name)}**\n\n`);
    tooltip.appendText(`${kindLabel(connection)}: ${connectionTarget(connection)}`);
    if (connection.kind !== 'sandbox') {
      tooltip.appendText(`\n\nThe ${connection.kind === 'halaxy' ? 'client secret' : 'subscription key'} is kept in VS Code's secret storage.`);
    }
    item.tooltip = tooltip;
    return item;
  }

  async children(): Promise<SiteTreeNode[]> {
    const { connection, services } = this;
    if (connection.kind === 'sandbox') {
      try {
        await services.directory.loadSandbox();
      } catch (error) {
        return messageNodes(`${this.id}/error`, 'The Sandbox did not start: ' + describeError(error).message, [RETRY]);
      }
    }
    const sites = services.directory.sitesOf(connection).map((site) => new SiteNode(site, services));
    if (sites.length === 0 && connection.kind === 'haloConnect') {
      return messageNodes(`${this.id}/empty`, 'No sites yet: add one by its PMS site id, or pair one with a code from the practice.', [
        { title: 'Add a site by its PMS site id', command: SITE_COMMANDS.addSite, args: [{ connectionId: connection.id }] },
        { title: 'Pair a site', command: SITE_COMMANDS.pairSite, args: [{ connectionId: connection.id }] },
      ], 'info');
    }
    return sites;
  }
}

class SiteNode implements SiteTreeNode {
  readonly id: string;

  constructor(
    readonly site: SiteSummary,
    private readonly services: TreeServices,
  ) {
    this.id = `site:${site.key}`;
  }

  treeItem(): vscode.TreeItem {
    const { site } = this;
    const remembered = this.services.directory.remembered(site);
    const active = this.services.activeSite.current?.key === site.key;
    const item = new vscode.TreeItem(site.name, vscode.TreeItemCollapsibleState.Collapsed);
    item.id = this.id;
    item.description = [pmsLabel(site.pms), remembered?.availability !== 'online' ? remembered?.availability : undefined, active ? 'active' : undefined]
      .filter((part) => part !== undefined)
      .join(' · ');
    item.iconPath = siteIcon(site, remembered);
    item.contextValue = site.connectionKind === 'sandbox' ? CONTEXT_VALUES.sandboxSite : site.pms === 'Halaxy' ? CONTEXT_VALUES.halaxySite : CONTEXT_VALUES.haloSite;
    item.tooltip = siteTooltip(site, remembered, active);
    item.accessibilityInformation = { label: `${site.name}, ${pmsLabel(site.pms)} site of ${site.connectionName}${remembered?.availability ? `, ${remembered.availability}` : ''}` };
    return item;
  }

  async children(): Promise<SiteTreeNode[]> {
    const { site, services } = this;
    if (site.pms !== 'Halaxy') {
      try {
        await services.refreshSite(site);
      } catch (error) {
        const description = describeError(error, { site, retry: RETRY });
        return messageNodes(`${this.id}/error`, description.message, description.actions);
      }
    }
    // The summary may have changed with the refresh (catalogues, say): read it again.
    const current = services.directory.list().find((candidate) => candidate.key === site.key) ?? site;
    const folders: SiteTreeNode[] = [];
    if (current.catalogues.length > 0) folders.push(new CataloguesNode(current));
    if (current.supports.fhir) folders.push(new FhirResourcesNode(current, services));
    if (current.pms !== 'Halaxy') folders.push(new RegisteredQueriesNode(current, services));
    return folders;
  }
}

class CataloguesNode implements SiteTreeNode {
  readonly id: string;

  constructor(private readonly site: SiteSummary) {
    this.id = `catalogues:${site.key}`;
  }

  treeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem('Catalogues', vscode.TreeItemCollapsibleState.Collapsed);
    item.id = this.id;
    item.description = String(this.site.catalogues.length);
    item.iconPath = new vscode.ThemeIcon('library');
    item.contextValue = CONTEXT_VALUES.catalogues;
    item.tooltip = 'The databases a query can run against at this site: the default one unless a document picks another.';
    // A plain-string tooltip would otherwise be what a screen reader reads for the row.
    item.accessibilityInformation = { label: `Catalogues, ${this.site.catalogues.length}` };
    return item;
  }

  async children(): Promise<SiteTreeNode[]> {
    return this.site.catalogues.map((catalogue) => new CatalogueNode(this.site, catalogue));
  }
}

class CatalogueNode implements SiteTreeNode {
  readonly id: string;

  constructor(
    site: SiteSummary,
    private readonly catalogue: SiteCatalogue,
  ) {
    this.id = `catalogue:${site.key}/${catalogue.name}`;
  }

  treeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(this.catalogue.name, vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    item.description = this.catalogue.isDefault ? 'default' : undefined;
    item.iconPath = new vscode.ThemeIcon('database');
    item.contextValue = CONTEXT_VALUES.catalogue;
    return item;
  }
}

class FhirResourcesNode implements SiteTreeNode {
  readonly id: string;

  constructor(
    private readonly site: SiteSummary,
    private readonly services: TreeServices,
  ) {
    this.id = `fhir:${site.key}`;
  }

  treeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem('FHIR resources', vscode.TreeItemCollapsibleState.Collapsed);
    item.id = this.id;
    item.iconPath = new vscode.ThemeIcon('symbol-structure');
    item.contextValue = CONTEXT_VALUES.fhirResources;
    item.tooltip =
      this.site.pms === 'Halaxy' ? "The resources Halaxy's CapabilityStatement lists." : "The resources Halo Connect's FHIR facade serves for this site.";
    // A plain-string tooltip would otherwise be what a screen reader reads for the row.
    item.accessibilityInformation = { label: 'FHIR resources' };
    return item;
  }

  children(): Promise<SiteTreeNode[]> {
    const { site, services } = this;
    return services.cachedList(this.id, async () => {
      try {
        const types = await fhirResourceTypes(await services.directory.connect(site));
        if (types.length === 0) {
          return messageNodes(`${this.id}/empty`, "The site's CapabilityStatement lists no resources.", [], 'info');
        }
        return types.map((type) => new FhirResourceNode(site, type));
      } catch (error) {
        const description = describeError(error, { site, retry: RETRY });
        return messageNodes(`${this.id}/error`, description.message, description.actions);
      }
    });
  }
}

class FhirResourceNode implements SiteTreeNode {
  readonly id: string;

  constructor(
    private readonly site: SiteSummary,
    private readonly resourceType: string,
  ) {
    this.id = `fhirResource:${site.key}/${resourceType}`;
  }

  treeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(this.resourceType, vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    item.iconPath = new vscode.ThemeIcon('symbol-class');
    item.contextValue = CONTEXT_VALUES.fhirResource;
    item.tooltip = `Open the first page of ${this.resourceType} at ${this.site.name}`;
    item.command = {
      title: `Open ${this.resourceType}`,
      command: RUN_COMMANDS.openFhirResource,
      arguments: [{ siteKey: this.site.key, resourceType: this.resourceType }],
    };
    return item;
  }
}

class RegisteredQueriesNode implements SiteTreeNode {
  readonly id: string;

  constructor(
    private readonly site: SiteSummary,
    private readonly services: TreeServices,
  ) {
    this.id = `registered:${site.key}`;
  }

  treeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem('Registered queries', vscode.TreeItemCollapsibleState.Collapsed);
    item.id = this.id;
    item.iconPath = new vscode.ThemeIcon('history');
    item.contextValue = CONTEXT_VALUES.registeredQueries;
    item.tooltip = 'Queries Halo re-runs at this site on a schedule; the latest result of each can be opened.';
    // A plain-string tooltip would otherwise be what a screen reader reads for the row.
    item.accessibilityInformation = { label: 'Registered queries' };
    return item;
  }

  children(): Promise<SiteTreeNode[]> {
    const { site, services } = this;
    return services.cachedList(this.id, async () => {
      try {
        const queries = await registeredQueries(await services.directory.connect(site));
        if (queries.length === 0) {
          return messageNodes(`${this.id}/empty`, 'No registered queries: register one from a SQL document.', [], 'info');
        }
        return queries.map((query) => new RegisteredQueryNode(site, query, this.id));
      } catch (error) {
        const description = describeError(error, { site, retry: RETRY });
        return messageNodes(`${this.id}/error`, description.message, description.actions);
      }
    });
  }
}

/** A registered query's row; commands get it as their argument. */
export class RegisteredQueryNode implements SiteTreeNode {
  readonly id: string;

  constructor(
    readonly site: SiteSummary,
    readonly query: RegisteredQuery,
    /** The folder's id, forgotten once the query is cancelled so the folder is fetched again. */
    readonly folderId: string,
  ) {
    this.id = `registeredQuery:${site.key}/${query.id}`;
  }

  treeItem(): vscode.TreeItem {
    const { query } = this;
    const item = new vscode.TreeItem(query.name, vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    item.description = `${query.status} · every ${formatSeconds(query.frequency)}`;
    item.iconPath = new vscode.ThemeIcon(
      query.status === 'enabled' ? 'sync' : query.status === 'completed' ? 'check' : query.status === 'cancelled' ? 'circle-slash' : 'error',
    );
    item.contextValue = query.status === 'enabled' ? CONTEXT_VALUES.enabledRegisteredQuery : CONTEXT_VALUES.finishedRegisteredQuery;
    const metrics = query.metrics ?? {};
    const tooltip = new vscode.MarkdownString();
    tooltip.appendMarkdown(`**${escapeMarkdown(query.name)}**: ${query.status}\n\n`);
    const lines = [
      `Runs every ${formatSeconds(query.frequency)} for ${formatSeconds(query.duration)}, registered ${formatTime(query.createdAt)}`,
      query.completedAt ? `Completed ${formatTime(query.completedAt)}` : undefined,
      `Succeeded ${metrics.executionSucceededCount ?? 0} times, failed ${metrics.executionFailedCount ?? 0} times`,
      metrics.lastSucceededAt ? `Last succeeded ${formatTime(metrics.lastSucceededAt)}` : undefined,
      metrics.lastFailedAt ? `Last failed ${formatTime(metrics.lastFailedAt)}` : undefined,
      metrics.lastExecutionDuration !== undefined ? `Last run took ${metrics.lastExecutionDuration} ms` : undefined,
      query.lastErrorDetails?.errorMessage ? `Last error: ${query.lastErrorDetails.errorMessage}` : undefined,
    ];
    tooltip.appendText(lines.filter((line) => line !== undefined).join('\n'));
    item.tooltip = tooltip;
    item.command = { title: 'Open latest result', command: SITE_COMMANDS.openRegisteredQueryResult, arguments: [this] };
    return item;
  }
}

class HistoryNode implements SiteTreeNode {
  readonly id = 'history';

  constructor(private readonly services: TreeServices) {}

  treeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem('Query history', vscode.TreeItemCollapsibleState.Collapsed);
    item.id = this.id;
    item.description = String(this.services.history.entries().length);
    item.iconPath = new vscode.ThemeIcon('history');
    item.contextValue = CONTEXT_VALUES.history;
    item.tooltip = 'What ran where and when, newest first (the requests and row counts only, never the rows).';
    // A plain-string tooltip would otherwise be what a screen reader reads for the row.
    item.accessibilityInformation = { label: `Query history, ${this.services.history.entries().length} entries` };
    return item;
  }

  async children(): Promise<SiteTreeNode[]> {
    return this.services.history.entries().map((entry) => new HistoryEntryNode(entry));
  }
}

class HistoryEntryNode implements SiteTreeNode {
  readonly id: string;

  constructor(private readonly entry: HistoryEntry) {
    this.id = `historyEntry:${entry.id}`;
  }

  treeItem(): vscode.TreeItem {
    const { entry } = this;
    const item = new vscode.TreeItem(firstLine(entry.text), vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    const rows = entry.rowCount !== undefined ? `${entry.rowCount} ${entry.rowCount === 1 ? 'row' : 'rows'}` : entry.outcome;
    item.description = `${entry.siteName} · ${formatTime(entry.at)} · ${rows}`;
    item.iconPath = new vscode.ThemeIcon(
      entry.outcome === 'succeeded' ? 'pass' : entry.outcome === 'failed' ? 'error' : 'circle-slash',
      new vscode.ThemeColor(entry.outcome === 'succeeded' ? 'testing.iconPassed' : entry.outcome === 'failed' ? 'testing.iconFailed' : 'disabledForeground'),
    );
    item.contextValue = CONTEXT_VALUES.historyEntry;
    const tooltip = new vscode.MarkdownString();
    tooltip.appendMarkdown(`**${entry.language.toUpperCase()}** on ${escapeMarkdown(entry.siteName)}, ${formatTime(entry.at)}: ${entry.outcome}`);
    tooltip.appendMarkdown(`${entry.rowCount !== undefined ? `, ${entry.rowCount} rows` : ''} in ${entry.durationMs} ms\n\n`);
    tooltip.appendCodeblock(entry.text.length > 2000 ? `${entry.text.slice(0, 2000)}\n…` : entry.text, entry.language);
    item.tooltip = tooltip;
    item.command = { title: 'Run again', command: RUN_COMMANDS.rerunHistoryEntry, arguments: [{ entryId: entry.id }] };
    return item;
  }
}

class MessageNode implements SiteTreeNode {
  constructor(
    readonly id: string,
    private readonly text: string,
    private readonly severity: 'info' | 'warning',
  ) {}

  treeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(this.text, vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    item.iconPath = new vscode.ThemeIcon(this.severity, this.severity === 'warning' ? new vscode.ThemeColor('problemsWarningIcon.foreground') : undefined);
    item.tooltip = this.text;
    item.contextValue = CONTEXT_VALUES.message;
    return item;
  }
}

class ActionNode implements SiteTreeNode {
  constructor(
    readonly id: string,
    private readonly action: ErrorAction,
  ) {}

  treeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(this.action.title, vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    item.iconPath = new vscode.ThemeIcon('arrow-right');
    item.contextValue = CONTEXT_VALUES.action;
    item.command = { title: this.action.title, command: this.action.command, arguments: this.action.args };
    return item;
  }
}

/** A sentence row and, beneath it, one clickable row per action. */
function messageNodes(id: string, text: string, actions: readonly ErrorAction[], severity: 'info' | 'warning' = 'warning'): SiteTreeNode[] {
  return [new MessageNode(id, text, severity), ...actions.map((action, index) => new ActionNode(`${id}/action/${index}`, action))];
}

function kindLabel(connection: StoredConnection): string {
  switch (connection.kind) {
    case 'sandbox':
      return 'synthetic practices';
    case 'haloConnect':
      return `Halo Connect ${connectionTarget(connection)}`;
    case 'halaxy':
      return `Halaxy ${connectionTarget(connection)}`;
  }
}

function siteIcon(site: SiteSummary, remembered: RememberedSite | undefined): vscode.ThemeIcon {
  if (site.pms === 'Halaxy') {
    return new vscode.ThemeIcon('cloud', site.production ? new vscode.ThemeColor('problemsWarningIcon.foreground') : undefined);
  }
  switch (remembered?.availability) {
    case 'offline':
      return new vscode.ThemeIcon('debug-disconnect', new vscode.ThemeColor('disabledForeground'));
    case 'unreachable':
      return new vscode.ThemeIcon('warning', new vscode.ThemeColor('problemsWarningIcon.foreground'));
    case 'online':
      return new vscode.ThemeIcon('database', new vscode.ThemeColor(site.production ? 'problemsWarningIcon.foreground' : 'testing.iconPassed'));
    default:
      return new vscode.ThemeIcon('database');
  }
}

function siteTooltip(site: SiteSummary, remembered: RememberedSite | undefined, active: boolean): vscode.MarkdownString {
  const tooltip = new vscode.MarkdownString();
  tooltip.appendMarkdown(`**${escapeMarkdown(site.name)}**${site.production ? ' · **PRODUCTION**' : ''}${active ? ' · active' : ''}\n\n`);
  const lines = [
    `${pmsVersionLabel(site, remembered)} · ${site.connectionName}`,
    remembered?.availability ? `Availability: ${remembered.availability}${remembered.status ? ` · status: ${remembered.status}` : ''}` : undefined,
    remembered?.haloLinkVersion ? `Halo Link ${remembered.haloLinkVersion}` : undefined,
    site.pms === 'Halaxy' ? `Client id: ${site.siteId}` : `Site GUID: ${site.siteId}`,
    remembered?.pmsSiteId ? `PMS site id: ${remembered.pmsSiteId}` : undefined,
    site.catalogues.length > 0 ? `Catalogues: ${site.catalogues.map((catalogue) => catalogue.name + (catalogue.isDefault ? ' (default)' : '')).join(', ')}` : undefined,
    site.allowWrites ? 'Writes run without asking.' : 'Read-only: writes ask for confirmation first.',
  ];
  tooltip.appendText(lines.filter((line) => line !== undefined).join('\n'));
  return tooltip;
}

/** "Best Practice Saffron SP1 1.12.0.1987" already names the PMS; a bare "36.2.3" does not. */
function pmsVersionLabel(site: SiteSummary, remembered: RememberedSite | undefined): string {
  const pms = pmsLabel(site.pms);
  const version = remembered?.pmsVersion;
  if (!version) return pms;
  return version.toLowerCase().startsWith(pms.toLowerCase()) ? version : `${pms} ${version}`;
}

function firstLine(text: string): string {
  const line = text.split('\n').map((part) => part.trim()).find((part) => part !== '' && !part.startsWith('--') && !part.startsWith('#')) ?? text.trim();
  return line.length > 80 ? `${line.slice(0, 79)}…` : line;
}

function formatSeconds(seconds: number): string {
  if (seconds % 3600 === 0 && seconds >= 3600) return `${seconds / 3600} h`;
  if (seconds % 60 === 0 && seconds >= 60) return `${seconds / 60} min`;
  return `${seconds} s`;
}

function formatTime(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&');
}
