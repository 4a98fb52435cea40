import type * as vscode from 'vscode';
import { ApiError } from '../../core/errors';
import { HalaxyClient } from '../../core/halaxy/halaxyClient';
import type { HalaxyRegion } from '../../core/halaxy/halaxyClient';
import { HaloConnectClient } from '../../core/haloConnect/haloConnectClient';
import type { HaloEnvironment } from '../../core/haloConnect/haloConnectClient';
import { PMS_NAME_BY_TYPE } from '../../core/haloConnect/wireTypes';
import type { PracticeManagementName, Site } from '../../core/haloConnect/wireTypes';
import type { HttpClientOptions } from '../../core/http/httpClient';
import { abortable } from '../../core/http/retryTiming';
import type { RunningSandbox } from '../../sandbox/sandbox';
import {
  connectionIsProduction,
  findSite,
  halaxySiteSummary,
  haloSiteSummary,
  isWritable,
  rememberSite,
  SANDBOX_CONNECTION_ID,
} from './connectionModel';
import type { HalaxyConnection, HaloConnection, RememberedSite, StoredConnection } from './connectionModel';
import type { ChangeEmitter, ConnectionStore, SandboxSnapshot } from './connectionStore';
import type { SiteDirectory, SiteSummary, SiteTarget } from './siteTypes';

/** What the directory writes to the log: `vscode.LogOutputChannel` has all of it. */
export interface SiteLog {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
}

/** The embedded Sandbox, started on first use (`SandboxHost`). */
export interface SandboxStarter {
  start(): Promise<RunningSandbox>;
}

export interface SitesDirectoryOptions {
  store: ConnectionStore;
  sandbox: SandboxStarter;
  /** The `writableSites` setting, read when the list is built. */
  writableSites: () => readonly string[];
  log: SiteLog;
  /** Fired on every change to the list: the store's, the Sandbox's, the settings' (the caller fires it for those). */
  changed: ChangeEmitter<void>;
  /** Timeouts and retries for every client (tests shorten them). */
  http?: HttpClientOptions;
}

type Client = HaloConnectClient | HalaxyClient;

/**
 * The sites of every connection, and clients to reach them. Listing never touches the network: Halo sites are the
 * remembered ones, the Sandbox's come from what it said when it last ran (`loadSandbox` starts it and refreshes them).
 * Clients are built on `connect` from the connection and its secret, and reused until either changes.
 */
export class SitesDirectory implements SiteDirectory {
  readonly onDidChange: vscode.Event<void>;
  private readonly clients = new Map<string, { fingerprint: string; client: Client }>();
  private readonly storeSubscription: vscode.Disposable;
  private sandboxLoad?: { running: RunningSandbox; done: Promise<void> };

  constructor(private readonly options: SitesDirectoryOptions) {
    this.onDidChange = options.changed.event;
    this.storeSubscription = options.store.onDidChange(() => options.changed.fire());
  }

  dispose(): void {
    this.storeSubscription.dispose();
    for (const { client } of this.clients.values()) {
      client.dispose();
    }
    this.clients.clear();
  }

  list(): readonly SiteSummary[] {
    return this.options.store.list().flatMap((connection) => this.sitesOf(connection));
  }

  /** The sites of one connection, in the order the tree shows them. */
  sitesOf(connection: StoredConnection): SiteSummary[] {
    const writable = this.options.writableSites();
    const production = connectionIsProduction(connection);
    const options = (site: Pick<SiteSummary, 'key' | 'siteId' | 'name'>) => ({
      production,
      allowWrites: connection.kind === 'sandbox' || isWritable(site, writable),
    });
    const halo = (sites: readonly RememberedSite[]): SiteSummary[] =>
      sites.map((site) => {
        const summary = haloSiteSummary(connection, site, { production, allowWrites: false });
        return { ...summary, ...options(summary) };
      });
    switch (connection.kind) {
      case 'sandbox': {
        const snapshot = this.options.store.sandboxSnapshot();
        const halaxy = snapshot.halaxy ? [halaxySiteSummary(connection, snapshot.halaxy, { production, allowWrites: true })] : [];
        return [...halo(snapshot.sites), ...halaxy];
      }
      case 'haloConnect':
        return halo(connection.sites);
      case 'halaxy': {
        const summary = halaxySiteSummary(connection, { clientId: connection.clientId, name: connection.practiceName ?? connection.name }, { production, allowWrites: false });
        return [{ ...summary, ...options(summary) }];
      }
    }
  }

  /** The built-in Sandbox is among the connections (the user may have removed it). */
  hasSandbox(): boolean {
    return this.options.store.get(SANDBOX_CONNECTION_ID) !== undefined;
  }

  find(reference: string): SiteSummary | undefined {
    return findSite(this.list(), reference);
  }

  /** The remembered Halo metadata of a site (versions, availability), when it has any. */
  remembered(site: SiteSummary): RememberedSite | undefined {
    const connection = this.options.store.get(site.connectionId);
    const sites = connection?.kind === 'haloConnect' ? connection.sites : connection?.kind === 'sandbox' ? this.options.store.sandboxSnapshot().sites : [];
    return sites.find((remembered) => remembered.id === site.siteId);
  }

  async connect(site: SiteSummary, signal?: AbortSignal): Promise<SiteTarget> {
    const connection = this.options.store.get(site.connectionId);
    if (!connection) {
      throw new ApiError('notFound', `The connection "${site.connectionName}" has been removed.`);
    }
    if (connection.kind === 'sandbox') {
      const running = await abortable(this.loadSandbox(), signal);
      const current = this.sitesOf(connection).find((candidate) => candidate.key === site.key);
      if (!current) {
        throw new ApiError('notFound', `The Sandbox has no site "${site.name}" any more.`);
      }
      const halaxyKey = running.halaxy?.clients[0];
      if (current.pms === 'Halaxy' && halaxyKey) {
        const client = this.cached('sandbox/halaxy', running.url, () =>
          this.halaxyClient({ baseUrl: running.halaxy.url }, halaxyKey.clientId, halaxyKey.clientSecret),
        );
        return { ...current, api: 'halaxy', client };
      }
      const client = this.cached('sandbox/halo', running.url, () => this.haloClient({ baseUrl: running.url }, running.key));
      return { ...current, api: 'haloConnect', client };
    }
    const current = this.sitesOf(connection).find((candidate) => candidate.key === site.key);
    if (!current) {
      throw new ApiError('notFound', `"${site.name}" is no longer among the sites of ${connection.name}.`);
    }
    if (connection.kind === 'haloConnect') {
      return { ...current, api: 'haloConnect', client: await this.haloClientFor(connection) };
    }
    return { ...current, api: 'halaxy', client: await this.halaxyClientFor(connection) };
  }

  /**
   * Starts the Sandbox if it is not running and lists its paired sites and its Halaxy practice (once per start).
   * Resolves with the running Sandbox.
   */
  async loadSandbox(): Promise<RunningSandbox> {
    const running = await this.options.sandbox.start();
    if (this.sandboxLoad?.running !== running) {
      const done = this.snapshotSandbox(running);
      this.sandboxLoad = { running, done };
      done.catch(() => {
        if (this.sandboxLoad?.done === done) this.sandboxLoad = undefined;
      });
    }
    await this.sandboxLoad.done;
    return running;
  }

  async loadSandboxSites(): Promise<void> {
    if (this.hasSandbox()) await this.loadSandbox();
  }

  /** `GET /integrator/sites`: the sites with this PMS id that the connection's key may use (for adding by lookup). */
  async lookUpSites(connectionId: string, pmsName: PracticeManagementName, pmsSiteId: string, signal?: AbortSignal): Promise<Site[]> {
    return (await this.haloClientFor(this.haloConnection(connectionId))).findSites(pmsSiteId.trim(), pmsName, signal);
  }

  /** `POST /integrator/pair-site`, then remembers the paired site. */
  async pairSite(connectionId: string, pmsName: PracticeManagementName, pmsSiteId: string, pairingCode: string | undefined, signal?: AbortSignal): Promise<SiteSummary> {
    const connection = this.haloConnection(connectionId);
    const site = await (await this.haloClientFor(connection)).pairSite(pmsSiteId.trim(), pmsName, pairingCode?.trim(), signal);
    return (await this.addSites(connectionId, [site]))[0];
  }

  /** Remembers Halo sites on a connection (found by lookup, say) and resolves with their summaries. */
  async addSites(connectionId: string, sites: readonly Site[]): Promise<SiteSummary[]> {
    await this.options.store.rememberSites(connectionId, sites.map(rememberSite));
    const listed = this.list();
    return sites.flatMap((site) => listed.filter((summary) => summary.connectionId === connectionId && summary.siteId === site.id));
  }

  /**
   * `GET /integrator/sites/{id}` for a Halo site (the Sandbox's included), remembering what it says (availability,
   * versions, catalogues). Undefined for a Halaxy practice, which has no such record.
   */
  async refreshSite(site: SiteSummary, signal?: AbortSignal): Promise<RememberedSite | undefined> {
    const target = await this.connect(site, signal);
    if (target.api !== 'haloConnect') {
      return undefined;
    }
    const fresh = rememberSite(await target.client.getSite(target.siteId, signal));
    await this.remember(target.connectionId, fresh);
    return fresh;
  }

  /**
   * Looks up again, by its PMS site id, a Halo site whose GUID stopped working (Halo answers 403 when a site was
   * re-installed under a new GUID), and puts the new GUID in its place. Resolves with the site's new summary.
   */
  async resolveSiteAgain(key: string, signal?: AbortSignal): Promise<SiteSummary> {
    const site = this.list().find((candidate) => candidate.key === key);
    if (!site) {
      throw new ApiError('notFound', 'That site is no longer in the list of sites.');
    }
    const connection = this.options.store.get(site.connectionId);
    if (connection?.kind === 'sandbox') {
      // The Sandbox's GUIDs follow from its seed: listing its sites again is all there is to do.
      this.sandboxLoad = undefined;
      await abortable(this.loadSandbox(), signal);
      return this.list().find((candidate) => candidate.key === key) ?? site;
    }
    if (connection?.kind !== 'haloConnect') {
      throw new ApiError('badRequest', `${site.name} is a Halaxy practice: it has no Halo site to look up again.`);
    }
    const remembered = connection.sites.find((candidate) => candidate.id === site.siteId);
    if (!remembered?.pmsSiteId) {
      throw new ApiError('badRequest', `${site.name} was added without its PMS site id, so it cannot be looked up again: remove it and add it again.`);
    }
    const pmsName = PMS_NAME_BY_TYPE[remembered.pmsType];
    const found = await (await this.haloClientFor(connection)).findSites(remembered.pmsSiteId, pmsName, signal);
    const replacement = chooseReplacement(found);
    if (!replacement) {
      throw new ApiError('notFound', `Halo has no ${pmsName} site with PMS site id ${remembered.pmsSiteId} for this key any more: the practice may need to pair again.`);
    }
    const fresh = rememberSite(replacement);
    await this.options.store.replaceSite(connection.id, remembered.id, fresh);
    this.options.log.info(`Site ${site.name} (PMS site id ${remembered.pmsSiteId}) resolved again: ${remembered.id} → ${fresh.id}.`);
    const resolved = this.list().find((candidate) => candidate.connectionId === connection.id && candidate.siteId === fresh.id);
    if (!resolved) {
      throw new ApiError('badResponse', `The site found for ${site.name} could not be remembered.`);
    }
    return resolved;
  }

  /** Checks a Halo Connect key before it is saved: a lookup that matches nothing still needs an accepted key. */
  async checkHaloKey(environment: HaloEnvironment, subscriptionKey: string, signal?: AbortSignal): Promise<void> {
    const client = this.haloClient(environment, subscriptionKey);
    try {
      await client.findSites('0', 'Best Practice', signal);
    } finally {
      client.dispose();
    }
  }

  /** Checks a Halaxy API key before it is saved (a token and the CapabilityStatement) and finds its practice's name. */
  async checkHalaxyKey(region: HalaxyRegion, clientId: string, clientSecret: string, signal?: AbortSignal): Promise<{ practiceName?: string }> {
    const client = this.halaxyClient(region, clientId, clientSecret);
    try {
      await client.capabilities(signal);
      return { practiceName: await halaxyPracticeName(client, signal, this.options.log) };
    } finally {
      client.dispose();
    }
  }

  private async snapshotSandbox(running: RunningSandbox): Promise<void> {
    const previous = new Map(this.options.store.sandboxSnapshot().sites.map((site) => [site.id, site]));
    const sites = running.sites
      .filter((site) => site.paired)
      .map((site): RememberedSite => ({
        ...previous.get(site.id),
        id: site.id,
        name: site.practiceName,
        pmsType: site.pmsType,
        pmsSiteId: site.practiceManagementSiteId,
        availability: site.availability,
        catalogues: site.catalogues.map(({ name, isDefault }) => ({ name, isDefault })),
      }));
    const snapshot: SandboxSnapshot = { sites };
    const halaxyKey = running.halaxy?.clients[0];
    if (halaxyKey) {
      const client = this.cached('sandbox/halaxy', running.url, () => this.halaxyClient({ baseUrl: running.halaxy.url }, halaxyKey.clientId, halaxyKey.clientSecret));
      const name = (await halaxyPracticeName(client, undefined, this.options.log)) ?? 'Halaxy practice';
      snapshot.halaxy = { clientId: halaxyKey.clientId, name };
    }
    await this.options.store.setSandboxSnapshot(snapshot);
    this.options.log.info(`Sandbox running at ${running.url} with ${sites.length} paired sites${snapshot.halaxy ? ' and a Halaxy practice' : ''}.`);
  }

  private async remember(connectionId: string, fresh: RememberedSite): Promise<void> {
    if (connectionId === SANDBOX_CONNECTION_ID) {
      const snapshot = this.options.store.sandboxSnapshot();
      await this.options.store.setSandboxSnapshot({ ...snapshot, sites: snapshot.sites.map((site) => (site.id === fresh.id ? fresh : site)) });
      return;
    }
    const connection = this.options.store.get(connectionId);
    const before = connection?.kind === 'haloConnect' ? connection.sites.find((site) => site.id === fresh.id) : undefined;
    if (JSON.stringify(before) !== JSON.stringify(fresh)) {
      await this.options.store.rememberSites(connectionId, [fresh]);
    }
  }

  private haloConnection(connectionId: string): HaloConnection {
    const connection = this.options.store.get(connectionId);
    if (connection?.kind !== 'haloConnect') {
      throw new ApiError('badRequest', 'Sites are added to Halo Connect connections only.');
    }
    return connection;
  }

  private async haloClientFor(connection: HaloConnection): Promise<HaloConnectClient> {
    const key = await this.secretOf(connection, 'subscription key');
    return this.cached(connection.id, String(this.options.store.revision(connection.id)), () => this.haloClient(connection.environment, key));
  }

  private async halaxyClientFor(connection: HalaxyConnection): Promise<HalaxyClient> {
    const secret = await this.secretOf(connection, 'client secret');
    return this.cached(connection.id, String(this.options.store.revision(connection.id)), () =>
      this.halaxyClient(connection.region, connection.clientId, secret),
    );
  }

  private async secretOf(connection: StoredConnection, what: string): Promise<string> {
    const secret = await this.options.store.getSecret(connection.id);
    if (!secret) {
      throw new ApiError('auth', `No ${what} is stored for the connection "${connection.name}".`);
    }
    return secret;
  }

  /** Each id holds one kind of client only, so the cast gives back what `build` made for it. */
  private cached<C extends Client>(id: string, fingerprint: string, build: () => C): C {
    const entry = this.clients.get(id);
    if (entry?.fingerprint === fingerprint) {
      return entry.client as C;
    }
    entry?.client.dispose();
    const client = build();
    this.clients.set(id, { fingerprint, client });
    return client;
  }

  private haloClient(environment: HaloEnvironment, subscriptionKey: string): HaloConnectClient {
    return new HaloConnectClient({ environment, subscriptionKey, http: this.httpOptions() });
  }

  private halaxyClient(region: HalaxyRegion, clientId: string, clientSecret: string): HalaxyClient {
    return new HalaxyClient({ region, clientId, clientSecret, http: this.httpOptions() });
  }

  /** The log hook: method, path (no query string), status and time; the HTTP layer never hands it headers or bodies. */
  private httpOptions(): HttpClientOptions {
    const { log } = this.options;
    return {
      ...this.options.http,
      onResponse: (event) => {
        const outcome = event.status !== undefined ? String(event.status) : (event.errorKind ?? 'no response');
        const line = `${event.method} ${event.path} → ${outcome} in ${Math.round(event.ms)} ms${event.attempt > 1 ? ` (attempt ${event.attempt})` : ''}`;
        if (event.errorKind !== undefined) log.warn(line);
        else log.debug(line);
      },
    };
  }
}

/** Of the sites a lookup found, the one to use in place of a GUID that stopped working: active, online, newest. */
export function chooseReplacement(found: readonly Site[]): Site | undefined {
  const usable = found.filter((site) => site.status !== 'removed' && site.status !== 'uninstalled');
  const score = (site: Site): number => (site.status === 'active' ? 2 : 0) + (site.availability === 'online' ? 1 : 0);
  return [...usable].sort((a, b) => score(b) - score(a) || (b.createdAt ?? '').localeCompare(a.createdAt ?? ''))[0];
}

/** The name of a Halaxy key's practice: its practice group (`PG-…` Organization), when the key may read Organizations. */
async function halaxyPracticeName(client: HalaxyClient, signal: AbortSignal | undefined, log: SiteLog): Promise<string | undefined> {
  try {
    const bundle = await client.search('Organization', { type: 'practice-group', _count: 20 }, signal);
    const group = (bundle.entry ?? []).map((entry) => entry.resource).find((resource) => typeof resource?.id === 'string' && resource.id.startsWith('PG-'));
    return typeof group?.name === 'string' ? group.name : undefined;
  } catch (error) {
    log.info(`The Halaxy practice's name could not be read: ${error instanceof Error ? error.message : String(error)}`);
    return undefined;
  }
}
