import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { AsyncQueryStatus, ErrorDetails, PageInfo, Parameter, Query, SiteAvailability, TimingSpan } from '../../core/haloConnect/wireTypes';
import type { Clock } from '../clock';
import { isoAt } from '../clock';
import type { Faults } from '../faults';
import type { SandboxSite } from '../sandboxSites';
import { SqlExecutionError } from '../sql/types';
import type { Row } from '../sql/types';
import { HALO_MESSAGES, HaloHttpError } from './haloErrors';
import type { NormalisedCommand, ValidatedQueryRequest } from './requestValidation';
import { paginate } from './resultPages';
import type { StoredPage } from './resultPages';

/** How long an async query spends in each step before the next (milliseconds of the Sandbox's clock). */
export interface LifecycleTimings {
  initialisingMs: number;
  queuedMs: number;
  executingMs: number;
  uploadingMs: number;
}

/** About 0.6 s end to end: long enough for a client to see every status, short enough not to slow anyone down. */
export const DEFAULT_LIFECYCLE: LifecycleTimings = { initialisingMs: 100, queuedMs: 150, executingMs: 200, uploadingMs: 150 };

export interface SqlPassthroughOptions {
  clock: Clock;
  faults: Faults;
  integratorId: string;
  lifecycle: LifecycleTimings;
  resultTtlMs: number;
  pageSizeBytes: number;
  immediateLimitBytes: number;
  availability(site: SandboxSite): SiteAvailability;
}

/** What running a command on a site's database produced. */
export type CommandRun =
  | { ok: true; rows?: Row[]; rowsAffected?: number; parameters: Parameter[]; durationMs: number }
  | { ok: false; details: ErrorDetails; durationMs: number };

/** Runs a command, turning SQL Server-style failures into Halo's `errorDetails`. */
export function runCommand(site: SandboxSite, command: NormalisedCommand, catalogue: string | undefined): CommandRun {
  const started = performance.now();
  try {
    const outcome = site.database.execute({ ...command, catalogue });
    return { ok: true, rows: outcome.rows, rowsAffected: outcome.rowsAffected, parameters: outcome.parameters, durationMs: elapsed(started) };
  } catch (error) {
    const details: ErrorDetails =
      error instanceof SqlExecutionError
        ? { errorType: 'mssql', errorCode: error.errorCode, errorMessage: error.message }
        : // Anything else is the Sandbox failing, which Halo would report as its agent's own error.
          { errorType: 'haloLink', errorCode: 500, errorMessage: error instanceof Error ? error.message : String(error) };
    return { ok: false, details, durationMs: elapsed(started) };
  }
}

function elapsed(started: number): number {
  return Math.max(0, Math.round(performance.now() - started));
}

/** Finds the catalogue a request names, case-insensitively as SQL Server would; 400 when the site has none by that name. */
export function resolveCatalogue(site: SandboxSite, catalogue: string | undefined): string | undefined {
  if (catalogue === undefined) {
    return undefined;
  }
  const match = site.catalogues.find((candidate) => candidate.name.toLowerCase() === catalogue.toLowerCase());
  if (!match) {
    throw new HaloHttpError(400, `catalogue "${catalogue}" is not a catalogue of this site; its catalogues are: ${site.catalogues.map((c) => c.name).join(', ')}.`);
  }
  return match.name;
}

/** Throws what Halo answers when a site cannot take a query right now. */
export function assertReachable(availability: SiteAvailability): void {
  if (availability === 'offline') {
    throw new HaloHttpError(503, HALO_MESSAGES.siteOffline);
  }
  if (availability === 'unreachable') {
    // Halo Cloud knows the site but gets no answer from its Halo Link: the gateway times out.
    throw new HaloHttpError(504, 'Site could not be reached: its Halo Link did not respond in time. Please try again later or contact a system administrator.');
  }
}

interface QueryRecord {
  siteId: string;
  query: Query;
  pages?: StoredPage[];
  parameters?: Parameter[];
  /** Epoch ms after which the cached result pages answer 410 (async) or the query is forgotten (immediate). */
  expiresAt?: number;
}

/** Halo's SQL passthrough: immediate queries, the async lifecycle, query status and result pages. */
export class SqlPassthrough {
  private readonly records = new Map<string, QueryRecord>();

  constructor(private readonly options: SqlPassthroughOptions) {}

  /** `POST …/queries/immediate`: the status and body to answer with. */
  async runImmediate(site: SandboxSite, request: ValidatedQueryRequest, requestSize: number): Promise<{ status: number; body: Query }> {
    const { clock, faults } = this.options;
    assertReachable(this.options.availability(site));
    const catalogue = resolveCatalogue(site, request.catalogue);
    const record = this.createRecord(site, request, requestSize, 'immediate');
    const query = record.query;
    const queueDelay = faults.takeQueueDelay();
    if (queueDelay > request.maxTimeInQueue) {
      await this.sleep(request.maxTimeInQueue);
      const now = clock.now();
      query.statusTiming!.initialising.endTime = isoAt(now);
      this.finish(record, 'expiredInQueue', now);
      throw new HaloHttpError(504, `Query took more than ${Math.round(request.maxTimeInQueue / 1000)} seconds to return a result.`);
    }
    await this.sleep(queueDelay);
    const executingStart = clock.now();
    const run = runCommand(site, request.command, catalogue);
    const executingEnd = executingStart + run.durationMs;
    query.statusTiming!.initialising.endTime = isoAt(executingStart);
    query.statusTiming!.executing = { startTime: isoAt(executingStart), endTime: isoAt(executingEnd) };
    query.metrics = { sqlExecutionDuration: run.durationMs };
    if (!run.ok) {
      this.fail(record, run.details, executingEnd);
      // The command itself is at fault (as with Halo's parameter-conversion failures): a 400 the client must fix, not retry.
      return { status: 400, body: query };
    }
    const { result, size } = immediateResult(run, request.command);
    if (size > this.options.immediateLimitBytes) {
      const limit = `${Math.round((this.options.immediateLimitBytes / 1_048_576) * 10) / 10}mb`;
      this.fail(record, { errorType: 'http', errorCode: 413, errorMessage: HALO_MESSAGES.tooLarge.replace('{limit}', limit) }, executingEnd);
      // Too large for an immediate answer: the fix is an async query, so this too is the client's 400.
      return { status: 400, body: query };
    }
    query.statusTiming!.uploading = { startTime: isoAt(executingEnd) };
    query.result = result;
    query.resultSize = 'data' in result ? (result.data?.length ?? 0) : 0;
    this.finish(record, 'successful', executingEnd);
    return { status: 200, body: query };
  }

  /** `POST …/queries/async`: records the query (status `initialising`) and sets its lifecycle going on the clock. */
  submitAsync(site: SandboxSite, request: ValidatedQueryRequest, requestSize: number): Query {
    const catalogue = resolveCatalogue(site, request.catalogue);
    const record = this.createRecord(site, request, requestSize, 'async');
    this.options.clock.schedule(() => this.afterInitialising(record, site, request, catalogue), this.options.lifecycle.initialisingMs);
    return structuredClone(record.query);
  }

  /** A query of this site, or undefined (unknown, another site's, or forgotten after its TTL). */
  get(site: SandboxSite, queryId: string): Query | undefined {
    const record = this.find(site, queryId);
    return record ? structuredClone(record.query) : undefined;
  }

  /** `GET …/results/{n}`: the stored page, or the HTTP error Halo answers. */
  page(site: SandboxSite, queryId: string, pageNumber: number): { page: StoredPage; parameters?: Parameter[] } {
    const record = this.find(site, queryId);
    if (!record) {
      throw new HaloHttpError(404, `Query ${queryId} was not found for this site.`);
    }
    if (record.query.mode === 'immediate') {
      throw new HaloHttpError(404, 'Immediate queries return their result inline and have no result pages.');
    }
    if (record.query.status === 'successful' && record.expiresAt !== undefined && this.options.clock.now() >= record.expiresAt) {
      throw new HaloHttpError(410, HALO_MESSAGES.gone);
    }
    if (record.query.status !== 'successful' || !record.pages) {
      throw new HaloHttpError(404, `Query ${queryId} has no result pages (status: ${record.query.status}).`);
    }
    const page = record.pages[pageNumber - 1];
    if (!page) {
      throw new HaloHttpError(404, `Page ${pageNumber} does not exist: the result has ${record.pages.length} page(s).`);
    }
    return { page, parameters: record.parameters };
  }

  private createRecord(site: SandboxSite, request: ValidatedQueryRequest, requestSize: number, mode: 'immediate' | 'async'): QueryRecord {
    this.sweep();
    const now = isoAt(this.options.clock.now());
    const query: Query = {
      id: randomUUID(),
      integratorId: this.options.integratorId,
      siteId: site.id,
      mode,
      status: 'initialising',
      maxTimeInQueue: request.maxTimeInQueue,
      commandSize: request.commandSize,
      requestSize,
      createdAt: now,
      updatedAt: now,
      statusTiming: { initialising: { startTime: now } },
    };
    const record: QueryRecord = { siteId: site.id, query };
    this.records.set(query.id, record);
    return record;
  }

  private find(site: SandboxSite, queryId: string): QueryRecord | undefined {
    this.sweep();
    const record = this.records.get(queryId.toLowerCase());
    return record && record.siteId === site.id ? record : undefined;
  }

  /** Forgets immediate queries past their TTL and frees expired async pages, so a long session does not grow without bound. */
  private sweep(): void {
    const now = this.options.clock.now();
    for (const [id, record] of this.records) {
      if (record.expiresAt !== undefined && now >= record.expiresAt) {
        if (record.query.mode === 'immediate') {
          this.records.delete(id);
        } else {
          record.pages = undefined;
          record.parameters = undefined;
        }
      }
    }
  }

  private sleep(ms: number): Promise<void> {
    return ms <= 0 ? Promise.resolve() : new Promise((resolve) => this.options.clock.schedule(resolve, ms));
  }

  private transition(record: QueryRecord, status: AsyncQueryStatus, now: number): void {
    record.query.status = status;
    record.query.updatedAt = isoAt(now);
  }

  private finish(record: QueryRecord, status: AsyncQueryStatus, now: number): void {
    this.transition(record, status, now);
    record.query.completedAt = isoAt(now);
    record.expiresAt = now + this.options.resultTtlMs;
  }

  private fail(record: QueryRecord, details: ErrorDetails, now: number): void {
    record.query.errorDetails = details;
    record.query.errorCode = details.errorCode;
    record.query.errorMessage = details.errorMessage;
    this.finish(record, 'executionFailed', now);
  }

  private afterInitialising(record: QueryRecord, site: SandboxSite, request: ValidatedQueryRequest, catalogue: string | undefined): void {
    const { clock, faults, lifecycle } = this.options;
    const now = clock.now();
    const timing = record.query.statusTiming!;
    timing.initialising.endTime = isoAt(now);
    const availability = this.options.availability(site);
    if (availability !== 'online') {
      this.finish(record, availability === 'offline' ? 'initialisationFailedSiteOffline' : 'initialisationFailedSiteUnreachable', now);
      return;
    }
    this.transition(record, 'queued', now);
    timing.queued = { startTime: isoAt(now) };
    const delay = lifecycle.queuedMs + faults.takeQueueDelay();
    if (delay > request.maxTimeInQueue) {
      clock.schedule(() => {
        const expiredAt = clock.now();
        (timing.queued as TimingSpan).endTime = isoAt(expiredAt);
        this.finish(record, 'expiredInQueue', expiredAt);
      }, request.maxTimeInQueue);
      return;
    }
    clock.schedule(() => this.execute(record, site, request.command, catalogue), delay);
  }

  private execute(record: QueryRecord, site: SandboxSite, command: NormalisedCommand, catalogue: string | undefined): void {
    const { clock, faults, lifecycle } = this.options;
    const started = clock.now();
    const timing = record.query.statusTiming!;
    (timing.queued as TimingSpan).endTime = isoAt(started);
    timing.executing = { startTime: isoAt(started) };
    this.transition(record, 'executing', started);
    if (faults.takeOfflineMidQuery(site.id)) {
      clock.schedule(() => {
        const now = clock.now();
        timing.executing!.endTime = isoAt(now);
        // Halo Link dropped off while the database was working: Halo reports the execution as failed by its agent.
        this.fail(record, { errorType: 'haloLink', errorCode: 503, errorMessage: 'The site went offline while the query was executing. Please try again once the site is back online.' }, now);
      }, lifecycle.executingMs);
      return;
    }
    const run = runCommand(site, command, catalogue);
    clock.schedule(() => {
      const now = clock.now();
      timing.executing!.endTime = isoAt(now);
      record.query.metrics = { sqlExecutionDuration: run.durationMs };
      if (!run.ok) {
        this.fail(record, run.details, now);
        return;
      }
      this.upload(record, run, command, now);
    }, lifecycle.executingMs + run.durationMs);
  }

  private upload(record: QueryRecord, run: Extract<CommandRun, { ok: true }>, command: NormalisedCommand, now: number): void {
    const { clock, lifecycle, pageSizeBytes } = this.options;
    const timing = record.query.statusTiming!;
    const nonQuery = command.executionMode === 'nonQuery';
    const pages = nonQuery ? [{ json: '', size: 0, count: 0, rangeStart: 0, rangeEnd: -1 }] : paginate(run.rows ?? [], pageSizeBytes);
    record.pages = pages;
    record.parameters = run.parameters.length > 0 ? run.parameters : undefined;
    const size = pages.reduce((sum, page) => sum + page.size, 0);
    const result = (statusOf: (index: number) => PageInfo['status']): Query['result'] => {
      const pageInfos: PageInfo[] = pages.map((page, index) => ({
        pageNumber: index + 1,
        status: statusOf(index),
        size: page.size,
        rows: { count: page.count, rangeStart: page.rangeStart, rangeEnd: page.rangeEnd },
      }));
      return nonQuery ? { rowsAffected: run.rowsAffected ?? 0, size, pages: pageInfos } : { rows: run.rows?.length ?? 0, size, pages: pageInfos };
    };
    timing.uploading = { startTime: isoAt(now) };
    this.transition(record, 'uploading', now);
    record.query.result = result((index) => (index === 0 ? 'uploading' : 'queued'));
    clock.schedule(() => {
      const done = clock.now();
      timing.uploading!.endTime = isoAt(done);
      record.query.result = result(() => 'cached');
      // resultSize: bytes the client downloads, i.e. the base64 `data` of every page.
      record.query.resultSize = pages.reduce((sum, page) => sum + Math.ceil(page.size / 3) * 4, 0);
      this.finish(record, 'successful', done);
    }, lifecycle.uploadingMs);
  }
}

function immediateResult(run: Extract<CommandRun, { ok: true }>, command: NormalisedCommand): { result: NonNullable<Query['result']>; size: number } {
  const parameters = run.parameters.length > 0 ? { parameters: run.parameters } : {};
  if (command.executionMode === 'nonQuery') {
    return { result: { rowsAffected: run.rowsAffected ?? 0, size: 0, ...parameters }, size: 0 };
  }
  const json = JSON.stringify(run.rows ?? []);
  const size = Buffer.byteLength(json);
  return { result: { rows: run.rows?.length ?? 0, size, data: Buffer.from(json).toString('base64'), ...parameters }, size };
}
