import { createHash } from 'node:crypto';
import type { PmsType, PracticeManagementName, SiteAvailability, SiteCatalogue } from '../core/haloConnect/wireTypes';
import type { Clock } from './clock';
import { SystemClock, TrackedClock } from './clock';
import { generatePractice } from './data/practiceGenerator';
import { deriveSeed } from './data/random';
import { Faults } from './faults';
import { createHalaxyHandler, HALAXY_BASE_PATH, isHalaxyPath } from './halaxy/halaxyApi';
import { buildHalaxyApiKeys, HalaxyAuth } from './halaxy/halaxyAuth';
import type { HalaxyApiKey } from './halaxy/halaxyAuth';
import { HalaxyFhirService } from './halaxy/halaxyFhirService';
import { SlidingWindowRateLimiter } from './halaxy/rateLimiter';
import { HalaxyWebhooks } from './halaxy/webhooks';
import type { HalaxyWebhookConfig } from './halaxy/webhooks';
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
  /** Halaxy: requests per minute per API key, in a sliding window (default 500, Halaxy's limit). */
  halaxyRateLimit?: number;
  /**
   * Halaxy: what token responses say in `expires_in` (default 900, the truth). Tokens die 15 minutes after issue
   * whatever it says: 3600 reproduces the live API, whose `expires_in` may promise an hour.
   */
  halaxyTokenExpiresIn?: number;
  /** Halaxy: webhooks set up from the start (more can be added with `POST /_sandbox/halaxy/webhooks`). */
  halaxyWebhooks?: readonly HalaxyWebhookConfig[];
  /** Halaxy: clock milliseconds before each webhook retry, one retry per entry (default 1 s, 5 s, 30 s). */
  halaxyWebhookRetryDelaysMs?: readonly number[];
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

/** The Sandbox's Halaxy practice as a client sees it. */
export interface SandboxHalaxyInfo {
  /** Halaxy's base URL on the Sandbox, `http://127.0.0.1:<port>/main` (the token endpoint is `<url>/oauth/token`). */
  url: string;
  /** The practice's API keys: full access, read only, and everything but Patients. */
  clients: readonly HalaxyApiKey[];
  /** Webhook settings and deliveries, in process (over HTTP: `/_sandbox/halaxy/webhooks`). */
  webhooks: HalaxyWebhooks;
}

export interface RunningSandbox {
  /** Base URL, e.g. `http://127.0.0.1:43117` (Halo paths start with `/integrator/`, Halaxy's with `/main/`). */
  url: string;
  key: string;
  integratorId: string;
  sites: readonly SandboxSiteInfo[];
  halaxy: SandboxHalaxyInfo;
  faults: Faults;
  /** Closes the server and every connection, cancels every timer: afterwards nothing of the Sandbox keeps the process alive. */
  stop(): Promise<void>;
}

const MAX_REQUEST_BODY_BYTES = 4 * 1024 * 1024;

/** Starts the Sandbox: builds the practices, then serves Halo Connect's integrator API and Halaxy's API on loopback. */
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
  let url = '';
  const halaxyUrl = (): string => url + HALAXY_BASE_PATH;
  // Before any practice is built, so that a bad Halaxy option fails the start at once.
  const halaxyClients = buildHalaxyApiKeys(seed);
  const halaxyAuth = new HalaxyAuth({ clients: halaxyClients, clock, advertisedExpiresIn: options.halaxyTokenExpiresIn });
  const rateLimiter = new SlidingWindowRateLimiter(options.halaxyRateLimit ?? 500);
  const webhooks = new HalaxyWebhooks({ clock, seed, baseUrl: halaxyUrl, retryDelaysMs: options.halaxyWebhookRetryDelaysMs });
  for (const config of options.halaxyWebhooks ?? []) {
    webhooks.register(config);
  }
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
  const halaxyPractice = generatePractice({
    seed: deriveSeed(seed, 'halaxy'),
    patients: Math.max(100, Math.round(patients * 0.5)),
    now: new Date(clock.now()),
    software: 'Halaxy',
    kind: 'medical',
  });
  const halo = createHaloConnectHandler({ key, sites, faults, clock, passthrough, registered, availability, wait: (ms) => server.wait(ms), baseUrl: () => url });
  const halaxy = createHalaxyHandler({
    auth: halaxyAuth,
    webhookAdmin: halaxyClients[0],
    rateLimiter,
    service: new HalaxyFhirService({ practice: halaxyPractice, now: () => new Date(clock.now()) }),
    webhooks,
    faults,
    clock,
    wait: (ms) => server.wait(ms),
    baseUrl: halaxyUrl,
  });
  const server: HttpServer = new HttpServer((request) => (isHalaxyPath(request.path) ? halaxy(request) : halo(request)), MAX_REQUEST_BODY_BYTES);
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
    halaxy: { url: halaxyUrl(), clients: halaxyClients, webhooks },
    faults,
    stop: () => {
      stopped ??= (async () => {
        clock.cancelAll();
        await Promise.all([server.close(), webhooks.close()]);
        clock.cancelAll();
        for (const site of sites) {
          site.db.close();
        }
      })();
      return stopped;
    },
  };
}
