import type * as vscode from 'vscode';
import type { HalaxyClient } from '../../core/halaxy/halaxyClient';
import type { HaloConnectClient } from '../../core/haloConnect/haloConnectClient';
import type { PmsType, SiteCatalogue } from '../../core/haloConnect/wireTypes';

/**
 * The contracts between the two halves of the VS Code side: `src/vscode/sites` (connections, secrets, the tree, the
 * active site) and `src/vscode/documents` + `src/vscode/runs` (running SQL and FHIR, safety, progress, history, results).
 */

export type ConnectionKind = 'sandbox' | 'haloConnect' | 'halaxy';

/** A site as the UI lists it: from the persisted connection list, no network, no secrets. */
export interface SiteSummary {
  /** Stable and unique: `${connectionId}/${siteId}`. */
  key: string;
  connectionId: string;
  connectionName: string;
  connectionKind: ConnectionKind;
  /** The Halo GUID for Halo Connect and Sandbox sites; the client id for a Halaxy practice. */
  siteId: string;
  /** The practice name. */
  name: string;
  pms: PmsType | 'Halaxy';
  /** True when it may be a real clinic: Halo production or stage, Halaxy AU or EU, any URL not on this machine. */
  production: boolean;
  /** Writes run only after a modal confirmation unless this is true (the Sandbox always; otherwise a per-site setting). */
  allowWrites: boolean;
  catalogues: readonly SiteCatalogue[];
  /** What can run there: SQL through Halo Connect; FHIR through Halo's facade (Best Practice) or Halaxy. */
  supports: { sql: boolean; fhir: boolean };
}

/** A site ready to run against: its summary and a client (the Sandbox started, secrets read). */
export type SiteTarget = SiteSummary &
  ({ api: 'haloConnect'; client: HaloConnectClient } | { api: 'halaxy'; client: HalaxyClient });

export interface SiteDirectory {
  readonly onDidChange: vscode.Event<void>;
  list(): readonly SiteSummary[];
  /** By key, Halo GUID, or practice name (case-insensitive); undefined when nothing matches. */
  find(reference: string): SiteSummary | undefined;
  /** Starts the built-in Sandbox (when it is among the connections) so that its sites are listed: pins and pickers can find them. */
  loadSandboxSites(): Promise<void>;
  /** Makes the site's client (reused while the connection is unchanged). Rejects with ApiError('auth') when its secret is missing. */
  connect(site: SiteSummary, signal?: AbortSignal): Promise<SiteTarget>;
}

export interface ActiveSite {
  readonly onDidChange: vscode.Event<SiteSummary | undefined>;
  readonly current: SiteSummary | undefined;
  set(key: string | undefined): Promise<void>;
  /** A quick pick over the directory's sites (optionally filtered); undefined when the user dismissed it. */
  pick(options?: { title?: string; filter?: (site: SiteSummary) => boolean }): Promise<SiteSummary | undefined>;
}

/** One run, as history keeps it: the request and its outcome, never rows. */
export interface HistoryEntry {
  id: string;
  /** ISO time the run started. */
  at: string;
  siteKey: string;
  siteName: string;
  language: 'sql' | 'fhir';
  text: string;
  outcome: 'succeeded' | 'failed' | 'cancelled';
  rowCount?: number;
  durationMs: number;
}

export interface QueryHistory {
  readonly onDidChange: vscode.Event<void>;
  entries(): readonly HistoryEntry[];
  add(entry: HistoryEntry): void;
  clear(): void;
}

/**
 * Commands the tree invokes and the runs side implements: the seam between the two halves (ids shared with package.json).
 * Arguments: openFhirResource {siteKey, resourceType}; showRegisteredQueryResult {siteKey, queryId, name};
 * rerunHistoryEntry {entryId}.
 */
export const RUN_COMMANDS = {
  openFhirResource: 'practiceExplorer.openFhirResource',
  showRegisteredQueryResult: 'practiceExplorer.showRegisteredQueryResult',
  rerunHistoryEntry: 'practiceExplorer.rerunHistoryEntry',
} as const;
