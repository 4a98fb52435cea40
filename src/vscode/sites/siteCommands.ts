import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import { isApiError } from '../../core/errors';
import { HALAXY_BASE_URLS } from '../../core/halaxy/halaxyClient';
import type { HalaxyRegion } from '../../core/halaxy/halaxyClient';
import { HALO_BASE_URLS } from '../../core/haloConnect/haloConnectClient';
import type { HaloEnvironment } from '../../core/haloConnect/haloConnectClient';
import type { PracticeManagementName, Site } from '../../core/haloConnect/wireTypes';
import { describeError } from '../errorMessages';
import { showRunError, withCancellableProgress } from '../runs/runSupport';
import { connectionTarget, normaliseBaseUrl, pmsLabel, rememberSite, SANDBOX_CONNECTION_ID, validate } from './connectionModel';
import type { StoredConnection } from './connectionModel';
import type { ConnectionStore } from './connectionStore';
import { SITE_COMMANDS } from './siteCommandIds';
import type { SitesDirectory } from './siteDirectory';
import type { RegisteredQueryNode, SitesTreeProvider } from './sitesTree';
import { RUN_COMMANDS } from './siteTypes';
import type { ActiveSite, QueryHistory, SiteSummary } from './siteTypes';

export interface SiteCommandServices {
  store: ConnectionStore;
  directory: SitesDirectory;
  activeSite: ActiveSite;
  history: QueryHistory;
  tree: SitesTreeProvider;
}

/**
 * What a command receives: a tree row (`connection`, `site`) when run from the view, `{ connectionId }` or
 * `{ siteKey }` when run from an error's button, nothing from the command palette (then it asks).
 */
type CommandArgument = { connection?: StoredConnection; site?: SiteSummary; connectionId?: string; siteKey?: string } | undefined;

const PMS_NAMES: readonly PracticeManagementName[] = ['Best Practice', 'Zedmed', 'D4w'];

/** Registers the commands of the Sites view, the status bar and the connection dialogs. */
export function registerSiteCommands(services: SiteCommandServices): vscode.Disposable[] {
  const commands = new SiteCommands(services);
  const entries: [string, (argument?: CommandArgument) => Promise<unknown> | void][] = [
    [SITE_COMMANDS.refresh, () => services.tree.refresh()],
    [SITE_COMMANDS.addConnection, () => commands.addConnection()],
    [SITE_COMMANDS.editConnection, (argument) => commands.editConnection(argument)],
    [SITE_COMMANDS.renameConnection, (argument) => commands.renameConnection(argument)],
    [SITE_COMMANDS.removeConnection, (argument) => commands.removeConnection(argument)],
    [SITE_COMMANDS.enterSecret, (argument) => commands.enterSecret(argument)],
    [SITE_COMMANDS.restoreSandbox, () => services.store.showSandbox()],
    [SITE_COMMANDS.addSite, (argument) => commands.addSite(argument)],
    [SITE_COMMANDS.pairSite, (argument) => commands.pairSite(argument)],
    [SITE_COMMANDS.removeSite, (argument) => commands.removeSite(argument)],
    [SITE_COMMANDS.resolveSiteAgain, (argument) => commands.resolveSiteAgain(argument)],
    [SITE_COMMANDS.useSite, (argument) => commands.useSite(argument)],
    [SITE_COMMANDS.switchSite, () => commands.switchSite()],
    [SITE_COMMANDS.openRegisteredQueryResult, (argument) => commands.openRegisteredQueryResult(argument as RegisteredQueryNode | undefined)],
    [SITE_COMMANDS.cancelRegisteredQuery, (argument) => commands.cancelRegisteredQuery(argument as RegisteredQueryNode | undefined)],
    [SITE_COMMANDS.clearHistory, () => commands.clearHistory()],
  ];
  return entries.map(([id, handler]) =>
    vscode.commands.registerCommand(id, async (argument?: CommandArgument) => {
      try {
        await handler(argument);
      } catch (error) {
        await showRunError(error);
      }
    }),
  );
}

class SiteCommands {
  constructor(private readonly services: SiteCommandServices) {}

  async addConnection(): Promise<void> {
    const { store } = this.services;
    const kinds: (vscode.QuickPickItem & { connectionKind: StoredConnection['kind'] })[] = [
      { connectionKind: 'haloConnect', label: '$(plug) Halo Connect', detail: 'Best Practice, Zedmed and D4w practices, with a subscription key from the Halo Connect portal' },
      { connectionKind: 'halaxy', label: '$(cloud) Halaxy', detail: "A Halaxy practice's API key: its client id and client secret" },
    ];
    if (!store.get(SANDBOX_CONNECTION_ID)) {
      kinds.push({ connectionKind: 'sandbox', label: '$(beaker) Sandbox', detail: 'The built-in emulator of both APIs over synthetic practices' });
    }
    const picked = await vscode.window.showQuickPick(kinds, { title: 'Add a connection', placeHolder: 'What does it connect to?' });
    if (!picked) return;
    if (picked.connectionKind === 'sandbox') {
      await store.showSandbox();
    } else if (picked.connectionKind === 'haloConnect') {
      await this.addHaloConnection();
    } else {
      await this.addHalaxyConnection();
    }
  }

  async editConnection(argument: CommandArgument): Promise<void> {
    const connection = await this.connectionFrom(argument, 'Edit which connection?', (candidate) => candidate.kind !== 'sandbox');
    if (!connection || connection.kind === 'sandbox') return;
    const secretLabel = connection.kind === 'halaxy' ? 'Client id and secret' : 'Subscription key';
    const where = connection.kind === 'halaxy' ? 'Region or URL' : 'Environment or URL';
    const choice = await vscode.window.showQuickPick(
      [
        { label: where, description: connectionTarget(connection) },
        { label: secretLabel, description: 'kept in secret storage' },
        { label: 'Name', description: connection.name },
      ],
      { title: `Edit ${connection.name}` },
    );
    if (!choice) return;
    if (choice.label === 'Name') {
      await this.renameConnection({ connection });
    } else if (choice.label === secretLabel) {
      await this.enterSecret({ connection });
    } else if (connection.kind === 'haloConnect') {
      const environment = await askHaloEnvironment(connection.environment);
      if (environment) await this.services.store.update(connection.id, { environment });
    } else {
      const region = await askHalaxyRegion(connection.region);
      if (region) await this.services.store.update(connection.id, { region });
    }
  }

  async renameConnection(argument: CommandArgument): Promise<void> {
    const connection = await this.connectionFrom(argument, 'Rename which connection?');
    if (!connection) return;
    const others = this.services.store.list().filter((candidate) => candidate.id !== connection.id).map((candidate) => candidate.name);
    const name = await vscode.window.showInputBox({
      title: `Rename ${connection.name}`,
      value: connection.name,
      prompt: 'The name shown in the Sites view and the status bar',
      validateInput: (value) => validate.connectionName(value, others),
    });
    if (name !== undefined) await this.services.store.update(connection.id, { name });
  }

  async removeConnection(argument: CommandArgument): Promise<void> {
    const connection = await this.connectionFrom(argument, 'Remove which connection?');
    if (!connection) return;
    const detail =
      connection.kind === 'sandbox'
        ? 'The Sandbox can be shown again with "Add Connection".'
        : `Its ${connection.kind === 'halaxy' ? 'client secret' : 'subscription key'} is deleted from secret storage${connection.kind === 'haloConnect' && connection.sites.length > 0 ? ` and its ${connection.sites.length} sites are forgotten` : ''}.`;
    const remove = 'Remove';
    const answer = await vscode.window.showWarningMessage(`Remove the connection "${connection.name}"?`, { modal: true, detail }, remove);
    if (answer === remove) await this.services.store.remove(connection.id);
  }

  async enterSecret(argument: CommandArgument): Promise<void> {
    const connection = await this.connectionFrom(argument, 'Enter the key of which connection?', (candidate) => candidate.kind !== 'sandbox');
    if (!connection || connection.kind === 'sandbox') return;
    if (connection.kind === 'haloConnect') {
      const key = await askSecret('subscription key', `Subscription key for ${connection.name}`);
      if (key === undefined || !(await this.checked((signal) => this.services.directory.checkHaloKey(connection.environment, key, signal), 'Checking the key…'))) return;
      await this.services.store.setSecret(connection.id, key);
    } else {
      const clientId = await askClientId(connection.clientId);
      if (clientId === undefined) return;
      const secret = await askSecret('client secret', `Client secret for ${connection.name}`);
      if (secret === undefined) return;
      const checked = await this.checked((signal) => this.services.directory.checkHalaxyKey(connection.region, clientId, secret, signal), 'Checking the API key…');
      if (!checked) return;
      await this.services.store.setSecret(connection.id, secret);
      if (clientId !== connection.clientId) await this.services.store.update(connection.id, { region: connection.region, clientId });
      const practiceName = checked.result?.practiceName;
      if (practiceName) await this.services.store.update(connection.id, { practiceName });
    }
    this.services.tree.refresh();
    void vscode.window.showInformationMessage(`Saved the key of "${connection.name}" in secret storage.`);
  }

  async addSite(argument: CommandArgument): Promise<void> {
    const connection = await this.haloConnectionFrom(argument, 'Add a site to which connection?');
    if (!connection) return;
    const pmsName = await askPms(`Add a site to ${connection.name}`);
    if (!pmsName) return;
    const pmsSiteId = await askPmsSiteId(pmsName);
    if (pmsSiteId === undefined) return;
    const found = await withCancellableProgress(`Looking up ${pmsName} site ${pmsSiteId}…`, (signal) =>
      this.services.directory.lookUpSites(connection.id, pmsName, pmsSiteId, signal),
    );
    if (found.length === 0) {
      const pair = 'Pair it';
      const answer = await vscode.window.showWarningMessage(
        `No ${pmsName} site with PMS site id ${pmsSiteId} is paired with this key. Pair it with a code from the practice?`,
        pair,
      );
      if (answer === pair) await this.pairWith(connection.id, pmsName, pmsSiteId);
      return;
    }
    const chosen = found.length === 1 ? found : await pickSites(found);
    if (!chosen || chosen.length === 0) return;
    await this.added(await this.services.directory.addSites(connection.id, chosen));
  }

  async pairSite(argument: CommandArgument): Promise<void> {
    const connection = await this.haloConnectionFrom(argument, 'Pair a site with which connection?');
    if (!connection) return;
    const pmsName = await askPms(`Pair a site with ${connection.name}`);
    if (!pmsName) return;
    const pmsSiteId = await askPmsSiteId(pmsName);
    if (pmsSiteId !== undefined) await this.pairWith(connection.id, pmsName, pmsSiteId);
  }

  async removeSite(argument: CommandArgument): Promise<void> {
    const site = await this.siteFrom(argument, 'Remove which site?', (candidate) => candidate.connectionKind === 'haloConnect');
    if (!site || site.connectionKind !== 'haloConnect') return;
    const remove = 'Remove';
    const answer = await vscode.window.showWarningMessage(
      `Remove ${site.name} from ${site.connectionName}?`,
      { modal: true, detail: 'It stays paired with Halo Connect: add it again by its PMS site id at any time.' },
      remove,
    );
    if (answer === remove) await this.services.store.forgetSite(site.connectionId, site.siteId);
  }

  async resolveSiteAgain(argument: CommandArgument): Promise<void> {
    const site = await this.siteFrom(argument, 'Look up which site again?', (candidate) => candidate.pms !== 'Halaxy');
    if (!site) return;
    const resolved = await withCancellableProgress(`Looking up ${site.name} again…`, (signal) => this.services.directory.resolveSiteAgain(site.key, signal));
    if (this.services.activeSite.current === undefined || this.services.activeSite.current.key === site.key) {
      await this.services.activeSite.set(resolved.key);
    }
    this.services.tree.refresh();
    void vscode.window.showInformationMessage(
      resolved.siteId === site.siteId ? `${resolved.name} still has the same GUID: try again later.` : `${resolved.name} now has GUID ${resolved.siteId}.`,
    );
  }

  async useSite(argument: CommandArgument): Promise<void> {
    const site = await this.siteFrom(argument, 'Use which site for SQL and FHIR?');
    if (site) await this.services.activeSite.set(site.key);
  }

  async switchSite(): Promise<void> {
    const site = await this.services.activeSite.pick();
    if (site) await this.services.activeSite.set(site.key);
  }

  async openRegisteredQueryResult(node: RegisteredQueryNode | undefined): Promise<void> {
    if (!node?.query) return;
    await vscode.commands.executeCommand(RUN_COMMANDS.showRegisteredQueryResult, { siteKey: node.site.key, queryId: node.query.id, name: node.query.name });
  }

  async cancelRegisteredQuery(node: RegisteredQueryNode | undefined): Promise<void> {
    if (!node?.query) return;
    const { site, query } = node;
    const cancel = 'Cancel the query';
    const answer = await vscode.window.showWarningMessage(
      `Cancel the registered query "${query.name}" at ${site.name}?`,
      { modal: true, detail: 'Halo stops running it. This cannot be undone: register it again to restart it.' },
      cancel,
    );
    if (answer !== cancel) return;
    await withCancellableProgress(`Cancelling "${query.name}"…`, async (signal) => {
      const target = await this.services.directory.connect(site, signal);
      if (target.api === 'haloConnect') await target.client.cancelRegisteredQuery(target.siteId, query.id, signal);
    });
    this.services.tree.invalidate(node.folderId);
  }

  async clearHistory(): Promise<void> {
    const clear = 'Clear history';
    const answer = await vscode.window.showWarningMessage('Clear the query history of every site?', { modal: true }, clear);
    if (answer === clear) this.services.history.clear();
  }

  private async addHaloConnection(): Promise<void> {
    const name = await this.askNewName('Halo Connect');
    if (name === undefined) return;
    const environment = await askHaloEnvironment();
    if (!environment) return;
    const key = await askSecret('subscription key', `Subscription key for ${name}`);
    if (key === undefined || !(await this.checked((signal) => this.services.directory.checkHaloKey(environment, key, signal), 'Checking the key…'))) return;
    const id = randomUUID();
    await this.services.store.add({ kind: 'haloConnect', id, name, environment, sites: [] }, key);
    // Straight on to its first site: a connection without sites has nothing to show.
    await this.addSite({ connectionId: id });
  }

  private async addHalaxyConnection(): Promise<void> {
    const name = await this.askNewName('Halaxy');
    if (name === undefined) return;
    const region = await askHalaxyRegion();
    if (!region) return;
    const clientId = await askClientId();
    if (clientId === undefined) return;
    const secret = await askSecret('client secret', `Client secret for ${name}`);
    if (secret === undefined) return;
    const checked = await this.checked((signal) => this.services.directory.checkHalaxyKey(region, clientId, secret, signal), 'Checking the API key…');
    if (!checked) return;
    const practiceName = checked.result?.practiceName;
    await this.services.store.add({ kind: 'halaxy', id: randomUUID(), name, region, clientId, practiceName }, secret);
    void vscode.window.showInformationMessage(`Added the Halaxy connection "${name}"${practiceName ? ` to ${practiceName}` : ''}.`);
  }

  /**
   * Runs a credentials check. Resolves with `{ result }` to go on (no result when the server could not be reached and
   * the user saves anyway), or undefined when the credentials were refused or the user gave up.
   */
  private async checked<T>(check: (signal: AbortSignal) => Promise<T>, title: string): Promise<{ result?: T } | undefined> {
    try {
      return { result: await withCancellableProgress(title, check) };
    } catch (error) {
      if (isApiError(error, 'cancelled')) return undefined;
      const description = describeError(error);
      if (isApiError(error, 'auth') || isApiError(error, 'forbidden')) {
        void vscode.window.showErrorMessage(`${description.message} Nothing was saved.`);
        return undefined;
      }
      const save = 'Save anyway';
      const answer = await vscode.window.showWarningMessage(`The server could not check it: ${description.message}`, save);
      return answer === save ? {} : undefined;
    }
  }

  private async pairWith(connectionId: string, pmsName: PracticeManagementName, pmsSiteId: string): Promise<void> {
    let pairingCode: string | undefined;
    if (pmsName === 'Best Practice') {
      pairingCode = await vscode.window.showInputBox({
        title: `Pair Best Practice site ${pmsSiteId}`,
        prompt: 'The pairing code the practice generated in Best Practice (Setup › Configuration › Halo Connect)',
        placeHolder: 'e.g. ABC123',
        ignoreFocusOut: true,
        validateInput: validate.pairingCode,
      });
      if (pairingCode === undefined) return;
    }
    const site = await withCancellableProgress(`Pairing ${pmsName} site ${pmsSiteId}…`, (signal) =>
      this.services.directory.pairSite(connectionId, pmsName, pmsSiteId, pairingCode, signal),
    );
    await this.added([site]);
  }

  private async added(sites: readonly SiteSummary[]): Promise<void> {
    if (sites.length === 0) return;
    const use = 'Use for SQL and FHIR';
    const names = sites.map((site) => site.name).join(', ');
    const answer = await vscode.window.showInformationMessage(`Added ${names} to ${sites[0].connectionName}.`, use);
    if (answer === use) await this.services.activeSite.set(sites[0].key);
  }

  private async askNewName(suggestion: string): Promise<string | undefined> {
    const names = this.services.store.list().map((connection) => connection.name);
    let value = suggestion;
    for (let index = 2; names.some((name) => name.toLowerCase() === value.toLowerCase()); index++) {
      value = `${suggestion} ${index}`;
    }
    const name = await vscode.window.showInputBox({
      title: 'Name the connection',
      value,
      prompt: 'Shown in the Sites view and the status bar',
      ignoreFocusOut: true,
      validateInput: (input) => validate.connectionName(input, names),
    });
    return name?.trim();
  }

  private async connectionFrom(
    argument: CommandArgument,
    title: string,
    filter: (connection: StoredConnection) => boolean = () => true,
  ): Promise<StoredConnection | undefined> {
    const { store } = this.services;
    const id = argument?.connection?.id ?? argument?.connectionId ?? argument?.site?.connectionId;
    if (id !== undefined) {
      return store.get(id);
    }
    const candidates = store.list().filter(filter);
    if (candidates.length <= 1) {
      if (candidates.length === 0) void vscode.window.showInformationMessage('There is no such connection: add one first.');
      return candidates[0];
    }
    const picked = await vscode.window.showQuickPick(
      candidates.map((connection) => ({ label: connection.name, description: connectionTarget(connection), connection })),
      { title },
    );
    return picked?.connection;
  }

  private async haloConnectionFrom(argument: CommandArgument, title: string): Promise<Extract<StoredConnection, { kind: 'haloConnect' }> | undefined> {
    const connection = await this.connectionFrom(argument, title, (candidate) => candidate.kind === 'haloConnect');
    if (connection && connection.kind !== 'haloConnect') {
      void vscode.window.showInformationMessage(`Sites are added to Halo Connect connections; ${connection.name} lists its own.`);
      return undefined;
    }
    return connection;
  }

  private async siteFrom(argument: CommandArgument, title: string, filter?: (site: SiteSummary) => boolean): Promise<SiteSummary | undefined> {
    const key = argument?.site?.key ?? argument?.siteKey;
    if (key !== undefined) {
      const site = this.services.directory.list().find((candidate) => candidate.key === key);
      if (!site) void vscode.window.showWarningMessage('That site is no longer in the list of sites.');
      return site;
    }
    return this.services.activeSite.pick({ title, filter });
  }
}

async function askHaloEnvironment(current?: HaloEnvironment): Promise<HaloEnvironment | undefined> {
  const custom = 'Custom URL…';
  const picked = await vscode.window.showQuickPick(
    [
      { label: 'Production', description: HALO_BASE_URLS.production, value: 'production' as const },
      { label: 'Stage', description: HALO_BASE_URLS.stage, value: 'stage' as const },
      { label: custom, description: 'a proxy, or a Sandbox started with npm run sandbox', value: undefined },
    ],
    { title: 'Halo Connect environment', ignoreFocusOut: true },
  );
  if (!picked) return undefined;
  if (picked.value) return picked.value;
  const url = await askBaseUrl('Halo Connect base URL', typeof current === 'object' ? current.baseUrl : 'http://127.0.0.1:');
  return url === undefined ? undefined : { baseUrl: url };
}

async function askHalaxyRegion(current?: HalaxyRegion): Promise<HalaxyRegion | undefined> {
  const picked = await vscode.window.showQuickPick(
    [
      { label: 'AU', description: `${HALAXY_BASE_URLS.au}: everywhere but the UK and EU`, value: 'au' as const },
      { label: 'EU', description: `${HALAXY_BASE_URLS.eu}: the UK and EU`, value: 'eu' as const },
      { label: 'Custom URL…', description: "a proxy, or the Sandbox's /main", value: undefined },
    ],
    { title: 'Halaxy region', ignoreFocusOut: true },
  );
  if (!picked) return undefined;
  if (picked.value) return picked.value;
  const url = await askBaseUrl('Halaxy base URL (ending in /main)', typeof current === 'object' ? current.baseUrl : 'https://');
  return url === undefined ? undefined : { baseUrl: url };
}

async function askBaseUrl(title: string, value: string): Promise<string | undefined> {
  const url = await vscode.window.showInputBox({ title, value, prompt: 'https://…, or http:// for a server on this machine', ignoreFocusOut: true, validateInput: validate.baseUrl });
  return url === undefined ? undefined : normaliseBaseUrl(url);
}

async function askSecret(what: string, title: string): Promise<string | undefined> {
  const secret = await vscode.window.showInputBox({
    title,
    prompt: `The ${what} is kept in VS Code's secret storage, never in settings or logs.`,
    password: true,
    ignoreFocusOut: true,
    validateInput: (value) => validate.secret(value, what),
  });
  return secret?.trim();
}

async function askClientId(value?: string): Promise<string | undefined> {
  const clientId = await vscode.window.showInputBox({
    title: 'Halaxy client id',
    prompt: "The API key's Client ID from Halaxy's API Key Manager",
    value,
    ignoreFocusOut: true,
    validateInput: (input) => validate.secret(input, 'client id'),
  });
  return clientId?.trim();
}

async function askPms(title: string): Promise<PracticeManagementName | undefined> {
  const picked = await vscode.window.showQuickPick(
    PMS_NAMES.map((name) => ({ label: name })),
    { title, placeHolder: 'The practice management system the site runs' },
  );
  return picked?.label as PracticeManagementName | undefined;
}

async function askPmsSiteId(pmsName: PracticeManagementName): Promise<string | undefined> {
  const id = await vscode.window.showInputBox({
    title: `${pmsName} site id`,
    prompt: `The site's id in ${pmsName}, as the practice gave it to you`,
    ignoreFocusOut: true,
    validateInput: validate.pmsSiteId,
  });
  return id?.trim();
}

async function pickSites(found: readonly Site[]): Promise<Site[] | undefined> {
  const picked = await vscode.window.showQuickPick(
    found.map((site) => {
      const remembered = rememberSite(site);
      return { label: remembered.name, description: `${pmsLabel(remembered.pmsType)} · ${site.availability} · ${site.status}`, detail: site.id, site, picked: true };
    }),
    { title: 'Several sites have this PMS site id: add which?', canPickMany: true },
  );
  return picked?.map((item) => item.site);
}
