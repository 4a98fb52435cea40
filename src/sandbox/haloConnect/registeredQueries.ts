import { createHash, randomUUID } from 'node:crypto';
import type { RegisteredQuery, RegisteredQueryResult, SiteAvailability } from '../../core/haloConnect/wireTypes';
import type { Clock, ClockTimer } from '../clock';
import { isoAt } from '../clock';
import type { SandboxSite } from '../sandboxSites';
import { HaloHttpError } from './haloErrors';
import type { ValidatedRegisteredQuery } from './requestValidation';
import { runCommand } from './sqlPassthrough';

export interface RegisteredQueriesOptions {
  clock: Clock;
  /** Real milliseconds per second of `frequency`/`duration`: 1000 by default, smaller to run a day's schedule in a test. */
  msPerSecond: number;
  /** Delay before the first run (Halo's examples show the first result a few seconds after creation). */
  firstRunDelayMs: number;
  availability(site: SandboxSite): SiteAvailability;
}

interface RegisteredRecord {
  siteId: string;
  site: SandboxSite;
  request: ValidatedRegisteredQuery;
  query: RegisteredQuery;
  result?: RegisteredQueryResult;
  runsLeft: number;
  timer?: ClockTimer;
}

/**
 * Halo's registered queries: each re-runs every `frequency` seconds while `duration` lasts (runs at 0, f, 2f, … ≤ d,
 * which matches Halo's example of three runs for frequency 60 and duration 120) and keeps the latest result,
 * replacing it only when its hash changes.
 */
export class RegisteredQueries {
  private readonly records = new Map<string, RegisteredRecord>();

  constructor(private readonly options: RegisteredQueriesOptions) {}

  create(site: SandboxSite, request: ValidatedRegisteredQuery, requestSize: number): string {
    const now = this.options.clock.now();
    const id = randomUUID();
    const record: RegisteredRecord = {
      siteId: site.id,
      site,
      request,
      runsLeft: Math.floor(request.duration / request.frequency) + 1,
      query: {
        id,
        name: request.name,
        registeredQueryType: 'query',
        status: 'enabled',
        frequency: request.frequency,
        duration: request.duration,
        metrics: { executionSucceededCount: 0, executionFailedCount: 0, resultSizeSum: 0, requestSize },
        createdAt: isoAt(now),
      },
    };
    this.records.set(id, record);
    record.timer = this.options.clock.schedule(() => this.run(record), this.options.firstRunDelayMs);
    return id;
  }

  list(site: SandboxSite): RegisteredQuery[] {
    return [...this.records.values()].filter((record) => record.siteId === site.id).map((record) => structuredClone(record.query));
  }

  get(site: SandboxSite, id: string): RegisteredQuery {
    return structuredClone(this.find(site, id).query);
  }

  /** Cancels an enabled query; cancelling one already cancelled is a no-op, one already completed is refused. */
  cancel(site: SandboxSite, id: string): void {
    const record = this.find(site, id);
    if (record.query.status === 'completed') {
      throw new HaloHttpError(400, `Registered query ${id} has already completed and cannot be cancelled.`);
    }
    record.timer?.cancel();
    record.timer = undefined;
    if (record.query.status !== 'cancelled') {
      record.query.status = 'cancelled';
      record.query.completedAt = isoAt(this.options.clock.now());
    }
  }

  latestResult(site: SandboxSite, id: string): RegisteredQueryResult {
    const record = this.find(site, id);
    if (!record.result) {
      throw new HaloHttpError(404, `Registered query ${id} has no result yet.`);
    }
    return { ...record.result };
  }

  private find(site: SandboxSite, id: string): RegisteredRecord {
    const record = this.records.get(id.toLowerCase());
    if (!record || record.siteId !== site.id) {
      throw new HaloHttpError(404, `Registered query ${id} was not found for this site.`);
    }
    return record;
  }

  private run(record: RegisteredRecord): void {
    const { clock } = this.options;
    record.timer = undefined;
    const metrics = record.query.metrics;
    const availability = this.options.availability(record.site);
    const run =
      availability === 'online'
        ? runCommand(record.site, record.request.command, undefined)
        : ({ ok: false, durationMs: 0, details: { errorType: 'haloLink', errorCode: 503, errorMessage: `The site is ${availability}: the query could not be run.` } } as const);
    const now = clock.now();
    metrics.lastExecutionDuration = run.durationMs;
    if (run.ok) {
      const json = JSON.stringify(run.rows ?? []);
      const hash = createHash('sha256').update(json).update(JSON.stringify(run.parameters)).digest('base64');
      metrics.lastSucceededAt = isoAt(now);
      metrics.executionSucceededCount = (metrics.executionSucceededCount ?? 0) + 1;
      if (hash !== record.query.lastHash) {
        // Only a changed result is uploaded (and counted in resultSizeSum), as Halo does.
        const size = Buffer.byteLength(json);
        record.query.lastHash = hash;
        record.result = {
          data: Buffer.from(json).toString('base64'),
          parameters: run.parameters.length > 0 ? run.parameters : null,
          rows: run.rows?.length ?? 0,
          size,
        };
        metrics.resultSizeSum = (metrics.resultSizeSum ?? 0) + size;
      }
    } else {
      metrics.lastFailedAt = isoAt(now);
      metrics.executionFailedCount = (metrics.executionFailedCount ?? 0) + 1;
      record.query.lastErrorDetails = run.details;
    }
    record.runsLeft--;
    if (record.runsLeft <= 0) {
      record.query.status = 'completed';
      record.query.completedAt = isoAt(now);
      return;
    }
    record.timer = clock.schedule(() => this.run(record), record.request.frequency * this.options.msPerSecond);
  }
}
