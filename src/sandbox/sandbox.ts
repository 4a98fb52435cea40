import { createHash } from 'node:crypto';
import type { PmsType, PracticeManagementName, SiteAvailability, SiteCatalogue } from '../core/haloConnect/wireTypes';
import type { Clock } from './clock';
import { SystemClock, TrackedClock } from './clock';
import { Faults } from './faults';
import { createHaloConnectHandler } from './haloConnect/haloConnectApi';
import { RegisteredQueries } from './haloConnect/registeredQueries';
import { DEFAULT_LIFECYCLE, SqlPassthrough } from './haloConnect/sqlPassthrough';
import type { LifecycleTimings } from './haloConnect/sqlPassthrough';
import { HttpServer } from './httpServer';
import { buildSandboxSites, seededGuid } from './sandboxSites';
import type { SandboxSite, SiteRole } from './sandboxSites';
import { loadSqlJs } from './sqlJsLoader';

export interface SandboxOptions {
  /** Loopback only: the Sandbox serves synthetic patient data and never listens beyond this machine. */
  host?: '127.0.0.1';
  /** 0 (the default) picks a free port. */
  port?: number;
  seed?: number;
  /** Patients of the main Best Practice clinic (the other clinics scale from it). */
  patients?: number;
  /** The subscription key clients must send; by default derived from the seed. */
  key?: string;
  /** The Sandbox's time: a ManualClock lets tests step through lifecycles and expiry. */
  clock?: Clock;
  /** Milliseconds per async status step. */
  lifecycle?: Partial<LifecycleTimings>;
  /** How long async result pages stay cached before answering 410 (default 24 h). */
  resultTtlMs?: number;
  /** Target size of an async result page (default 1 MiB). */
  pageSizeBytes?: number;
  /** Largest immediate result (default 8 MiB, per Halo's current limit). */
  immediateLimitBytes?: number;
  /** Clock milliseconds per second of a registered query's frequency and duration (default 1000). */
  registeredQueryMsPerSecond?: number;
  /** Where sql-wasm.wasm is, when sql.js cannot find it beside its own script (bundled hosts). */
  sqlWasmPath?: string;
}

/** A site as the Sandbox advertises it (to the CLI and to tests). */
export interface SandboxSiteInfo {
  role: SiteRole;
  id: string;
  pmsType: PmsType;
  practiceManagementName: PracticeManagementName;
  practiceManagementSiteId: string;
  practiceName: string;
  availability: SiteAvailability;
  paired: boolean;
  pairingCode?: string;
  catalogues: SiteCatalogue[];
}

export interface RunningSandbox {
  /** Base URL, e.g. `http://127.0.0.1:43117` (Halo paths start with `/integrator/`). */
  url: string;
  key: string;
  integratorId: string;
  sites: readonly SandboxSiteInfo[];
  faults: Faults;
  /** Closes the server and every connection, cancels every timer: afterwards nothing of the Sandbox keeps the process alive. */
  stop(): Promise<void>;
}

const MAX_REQUEST_BODY_BYTES = 4 * 1024 * 1024;

/** Starts the Sandbox: builds the practices' databases, then serves Halo Connect's integrator API on loopback. */
export async function startSandbox(options: SandboxOptions = {}): Promise<RunningSandbox> {
  const host = options.host ?? '127.0.0.1';
  if (host !== '127.0.0.1') {
    throw new Error('The Sandbox listens on 127.0.0.1 only.');
  }
  const seed = options.seed ?? 1;
  const patients = options.patients ?? 2000;
  const key = options.key ?? createHash('sha256').update(`${seed}/subscriptionKey`).digest('hex').slice(0, 32);
  const integratorId = seededGuid(seed, 'integrator');
  const clock = new TrackedClock(options.clock ?? new SystemClock());
  const faults = new Faults();
  const SQL = await loadSqlJs(options.sqlWasmPath);
  const sites = buildSandboxSites({ SQL, seed, patients, now: () => clock.now() });
  const availability = (site: SandboxSite): SiteAvailability => (faults.isKnockedOffline(site.id) ? 'offline' : site.availability);
  const passthrough = new SqlPassthrough({
    clock,
    faults,
    integratorId,
    lifecycle: { ...DEFAULT_LIFECYCLE, ...options.lifecycle },
    resultTtlMs: options.resultTtlMs ?? 24 * 3_600_000,
    pageSizeBytes: options.pageSizeBytes ?? 1_048_576,
    immediateLimitBytes: options.immediateLimitBytes ?? 8 * 1_048_576,
    availability,
  });
  const registered = new RegisteredQueries({
    clock,
    msPerSecond: options.registeredQueryMsPerSecond ?? 1000,
    firstRunDelayMs: (options.lifecycle?.initialisingMs ?? DEFAULT_LIFECYCLE.initialisingMs) * 5,
    availability,
  });
  let url = '';
  const server: HttpServer = new HttpServer(
    createHaloConnectHandler({ key, sites, faults, clock, passthrough, registered, availability, wait: (ms) => server.wait(ms), baseUrl: () => url }),
    MAX_REQUEST_BODY_BYTES,
  );
  const port = await server.listen(host, options.port ?? 0);
  url = `http://${host}:${port}`;
  let stopped: Promise<void> | undefined;
  return {
    url,
    key,
    integratorId,
    sites: sites.map((site) => ({
      role: site.role,
      id: site.id,
      pmsType: site.pmsType,
      practiceManagementName: site.practiceManagementName,
      practiceManagementSiteId: site.practiceManagementSiteId,
      practiceName: site.practiceName,
      availability: site.availability,
      paired: site.paired,
      pairingCode: site.pairingCode,
      catalogues: site.catalogues.map((catalogue) => ({ ...catalogue })),
    })),
    faults,
    stop: () => {
      stopped ??= (async () => {
        clock.cancelAll();
        await server.close();
        clock.cancelAll();
        for (const site of sites) {
          site.db.close();
        }
      })();
      return stopped;
    },
  };
}
