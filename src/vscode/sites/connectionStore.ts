import type * as vscode from 'vscode';
import { SANDBOX_CONNECTION_ID, SANDBOX_CONNECTION_NAME } from './connectionModel';
import type { RememberedHalaxyPractice, RememberedSite, StoredConnection } from './connectionModel';

/** The part of a `vscode.Memento` (globalState) the store uses. */
export interface StateStore {
  get<T>(key: string): T | undefined;
  update(key: string, value: unknown): PromiseLike<void>;
}

/** The part of `vscode.SecretStorage` the store uses. */
export interface SecretStore {
  get(key: string): PromiseLike<string | undefined>;
  store(key: string, value: string): PromiseLike<void>;
  delete(key: string): PromiseLike<void>;
}

/** An event source: `vscode.EventEmitter` in the extension, a small stand-in under mocha. */
export interface ChangeEmitter<T> {
  readonly event: vscode.Event<T>;
  fire(value: T): void;
}

/** What the running Sandbox last said about its sites, kept so the list shows them before the Sandbox starts again. */
export interface SandboxSnapshot {
  sites: RememberedSite[];
  halaxy?: RememberedHalaxyPractice;
}

interface PersistedConnections {
  connections: StoredConnection[];
  sandboxHidden?: boolean;
}

const CONNECTIONS_KEY = 'practiceExplorer.connections';
const SANDBOX_SNAPSHOT_KEY = 'practiceExplorer.sandboxSites';
const SECRET_PREFIX = 'practiceExplorer.secret.';

/** Edits allowed on a connection after it was added (its kind and id never change). */
export type ConnectionChanges =
  | { name: string }
  | { environment: Extract<StoredConnection, { kind: 'haloConnect' }>['environment'] }
  | { region: Extract<StoredConnection, { kind: 'halaxy' }>['region']; clientId?: string }
  | { practiceName: string };

/**
 * The connections, persisted in globalState without secrets, and their secrets, in SecretStorage under one key per
 * connection id. The built-in Sandbox is always first unless the user removed it. Every change bumps the connection's
 * revision (so cached clients are rebuilt) and fires `onDidChange`.
 */
export class ConnectionStore {
  readonly onDidChange: vscode.Event<void>;
  private readonly revisions = new Map<string, number>();

  constructor(
    private readonly state: StateStore,
    private readonly secrets: SecretStore,
    private readonly changed: ChangeEmitter<void>,
  ) {
    this.onDidChange = changed.event;
  }

  /** The connections in display order: the Sandbox (unless removed), then the others in the order they were added. */
  list(): readonly StoredConnection[] {
    const persisted = this.persisted();
    const others = persisted.connections.filter((connection) => connection.kind !== 'sandbox');
    if (persisted.sandboxHidden) {
      return others;
    }
    const sandbox = persisted.connections.find((connection) => connection.kind === 'sandbox') ?? {
      kind: 'sandbox',
      id: SANDBOX_CONNECTION_ID,
      name: SANDBOX_CONNECTION_NAME,
    };
    return [sandbox, ...others];
  }

  get(id: string): StoredConnection | undefined {
    return this.list().find((connection) => connection.id === id);
  }

  /** Changes whenever the connection or its secret changes: a client built at one revision is stale at the next. */
  revision(id: string): number {
    return this.revisions.get(id) ?? 0;
  }

  async add(connection: Exclude<StoredConnection, { kind: 'sandbox' }>, secret: string): Promise<void> {
    if (this.get(connection.id)) {
      throw new Error(`A connection with id ${connection.id} exists already.`);
    }
    // The secret first: a listed connection without its secret would show as broken until the user re-entered it.
    await this.secrets.store(SECRET_PREFIX + connection.id, secret);
    await this.save((persisted) => ({ ...persisted, connections: [...persisted.connections, connection] }), connection.id);
  }

  async update(id: string, changes: ConnectionChanges): Promise<void> {
    await this.save(
      (persisted) => ({
        ...persisted,
        connections: this.withSandbox(persisted).map((connection) => (connection.id === id ? applyChanges(connection, changes) : connection)),
      }),
      id,
    );
  }

  /** Removes a connection and its secret; removing the Sandbox only hides it (`showSandbox` brings it back). */
  async remove(id: string): Promise<void> {
    if (id === SANDBOX_CONNECTION_ID) {
      await this.save((persisted) => ({ ...persisted, sandboxHidden: true }), id);
      return;
    }
    await this.secrets.delete(SECRET_PREFIX + id);
    await this.save((persisted) => ({ ...persisted, connections: persisted.connections.filter((connection) => connection.id !== id) }), id);
  }

  async showSandbox(): Promise<void> {
    await this.save((persisted) => ({ ...persisted, sandboxHidden: false }), SANDBOX_CONNECTION_ID);
  }

  getSecret(id: string): PromiseLike<string | undefined> {
    return this.secrets.get(SECRET_PREFIX + id);
  }

  async setSecret(id: string, secret: string): Promise<void> {
    await this.secrets.store(SECRET_PREFIX + id, secret);
    this.secretChanged(SECRET_PREFIX + id);
  }

  /** Called when SecretStorage reports a change (another window may have entered a key). */
  secretChanged(storageKey: string): void {
    if (storageKey.startsWith(SECRET_PREFIX)) {
      this.bump(storageKey.slice(SECRET_PREFIX.length));
      this.changed.fire();
    }
  }

  /** Adds Halo sites to a connection, or refreshes the ones it has (matched by GUID), keeping their order. */
  async rememberSites(connectionId: string, sites: readonly RememberedSite[]): Promise<void> {
    await this.editSites(connectionId, (current) => {
      const byId = new Map(sites.map((site) => [site.id, site]));
      const kept = current.map((site) => byId.get(site.id) ?? site);
      const added = sites.filter((site) => !current.some((existing) => existing.id === site.id));
      return [...kept, ...added];
    });
  }

  /** Puts `site` where the site with GUID `oldId` was (a site whose GUID changed, looked up again). */
  async replaceSite(connectionId: string, oldId: string, site: RememberedSite): Promise<void> {
    await this.editSites(connectionId, (current) =>
      current.filter((existing) => existing.id !== site.id || existing.id === oldId).map((existing) => (existing.id === oldId ? site : existing)),
    );
  }

  async forgetSite(connectionId: string, siteId: string): Promise<void> {
    await this.editSites(connectionId, (current) => current.filter((site) => site.id !== siteId));
  }

  sandboxSnapshot(): SandboxSnapshot {
    return this.state.get<SandboxSnapshot>(SANDBOX_SNAPSHOT_KEY) ?? { sites: [] };
  }

  async setSandboxSnapshot(snapshot: SandboxSnapshot): Promise<void> {
    if (JSON.stringify(snapshot) === JSON.stringify(this.sandboxSnapshot())) {
      return;
    }
    await this.state.update(SANDBOX_SNAPSHOT_KEY, snapshot);
    this.changed.fire();
  }

  private async editSites(connectionId: string, edit: (sites: RememberedSite[]) => RememberedSite[]): Promise<void> {
    const connection = this.get(connectionId);
    if (connection?.kind !== 'haloConnect') {
      throw new Error(`Connection ${connectionId} is not a Halo Connect connection.`);
    }
    await this.save(
      (persisted) => ({
        ...persisted,
        connections: persisted.connections.map((existing) =>
          existing.id === connectionId && existing.kind === 'haloConnect' ? { ...existing, sites: edit(existing.sites) } : existing,
        ),
      }),
      // Sites are data, not credentials: clients stay valid.
      undefined,
    );
  }

  /** The Sandbox's entry made explicit, so that renaming it persists. */
  private withSandbox(persisted: PersistedConnections): StoredConnection[] {
    return persisted.connections.some((connection) => connection.kind === 'sandbox')
      ? persisted.connections
      : [{ kind: 'sandbox', id: SANDBOX_CONNECTION_ID, name: SANDBOX_CONNECTION_NAME }, ...persisted.connections];
  }

  private persisted(): PersistedConnections {
    const value = this.state.get<PersistedConnections>(CONNECTIONS_KEY);
    const connections = Array.isArray(value?.connections) ? value.connections.filter(isStoredConnection) : [];
    return { connections, sandboxHidden: value?.sandboxHidden === true };
  }

  private async save(edit: (persisted: PersistedConnections) => PersistedConnections, changedId: string | undefined): Promise<void> {
    await this.state.update(CONNECTIONS_KEY, edit(this.persisted()));
    if (changedId !== undefined) {
      this.bump(changedId);
    }
    this.changed.fire();
  }

  private bump(id: string): void {
    this.revisions.set(id, this.revision(id) + 1);
  }
}

function applyChanges(connection: StoredConnection, changes: ConnectionChanges): StoredConnection {
  if ('name' in changes) {
    return { ...connection, name: changes.name.trim() };
  }
  if ('environment' in changes && connection.kind === 'haloConnect') {
    return { ...connection, environment: changes.environment };
  }
  if ('region' in changes && connection.kind === 'halaxy') {
    return { ...connection, region: changes.region, clientId: changes.clientId ?? connection.clientId };
  }
  if ('practiceName' in changes && connection.kind === 'halaxy') {
    return { ...connection, practiceName: changes.practiceName };
  }
  throw new Error(`That change does not apply to a ${connection.kind} connection.`);
}

/** Persisted data may come from another version of the extension: keep only entries this one understands. */
function isStoredConnection(value: unknown): value is StoredConnection {
  const candidate = value as Partial<StoredConnection> | null;
  if (typeof candidate !== 'object' || candidate === null || typeof candidate.id !== 'string' || typeof candidate.name !== 'string') {
    return false;
  }
  switch (candidate.kind) {
    case 'sandbox':
      return candidate.id === SANDBOX_CONNECTION_ID;
    case 'haloConnect':
      return candidate.environment !== undefined && Array.isArray(candidate.sites);
    case 'halaxy':
      return candidate.region !== undefined && typeof candidate.clientId === 'string';
    default:
      return false;
  }
}
