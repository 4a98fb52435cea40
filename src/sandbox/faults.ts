/** How a result page is broken by the `malformedPages` fault. */
export type MalformedPageKind = 'base64' | 'json';

/**
 * Faults as JSON, for `POST /_sandbox/faults` and for {@link Faults.apply}. Every fault is bounded by a count
 * (default 1) so a forgotten fault cannot poison a whole test run.
 */
export interface FaultSpec {
  /** Delay the next `count` responses whose path starts with `pathPrefix` (default: every path) by `ms`. */
  latency?: { ms: number; pathPrefix?: string; count?: number };
  /** The next `count` requests answer 429 with `Retry-After: retryAfterSeconds` (default 1). */
  rateLimit?: { count?: number; retryAfterSeconds?: number };
  /** The next `count` requests answer 503 (with `Retry-After` when given). */
  unavailable?: { count?: number; retryAfterSeconds?: number };
  /** The next `count` async executions (on `siteId`, or any site) lose their site mid-query: it stays offline until the faults are cleared. */
  offlineMidQuery?: { siteId?: string; count?: number };
  /** The next `count` result pages served are corrupted: `base64` (not decodable) or `json` (decodes to truncated JSON). */
  malformedPages?: { count?: number; kind?: MalformedPageKind };
  /** The next `count` queries wait `ms` in the queue (async queries expire when it exceeds their maxTimeInQueue). */
  queueDelay?: { ms: number; count?: number };
}

/** A fault request the Sandbox refuses, with the reason. */
export class FaultSpecError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FaultSpecError';
  }
}

export interface RequestFault {
  status: 429 | 503;
  retryAfterSeconds?: number;
}

const MAX_COUNT = 10_000;
const MAX_DELAY_MS = 600_000;
const FAULT_NAMES = ['latency', 'rateLimit', 'unavailable', 'offlineMidQuery', 'malformedPages', 'queueDelay'] as const;

interface Counted<T> {
  remaining: number;
  value: T;
}

/** The Sandbox's injectable failures: armed by tests (in process or over HTTP), consumed by the server. */
export class Faults {
  private latencies: Counted<{ ms: number; pathPrefix: string }>[] = [];
  private requestFaults: Counted<RequestFault>[] = [];
  private offlineMidQueries: Counted<{ siteId?: string }>[] = [];
  private malformed: Counted<MalformedPageKind>[] = [];
  private queueDelays: Counted<number>[] = [];
  private readonly knockedOffline = new Set<string>();

  latency(ms: number, options: { pathPrefix?: string; count?: number } = {}): void {
    this.latencies.push({ remaining: checkCount(options.count), value: { ms: checkDelay(ms, 'latency.ms'), pathPrefix: options.pathPrefix ?? '' } });
  }

  rateLimit(count = 1, retryAfterSeconds = 1): void {
    this.requestFaults.push({ remaining: checkCount(count), value: { status: 429, retryAfterSeconds: checkSeconds(retryAfterSeconds) } });
  }

  unavailable(count = 1, retryAfterSeconds?: number): void {
    const value: RequestFault = { status: 503 };
    if (retryAfterSeconds !== undefined) {
      value.retryAfterSeconds = checkSeconds(retryAfterSeconds);
    }
    this.requestFaults.push({ remaining: checkCount(count), value });
  }

  offlineMidQuery(siteId?: string, count = 1): void {
    this.offlineMidQueries.push({ remaining: checkCount(count), value: { siteId } });
  }

  malformPages(count = 1, kind: MalformedPageKind = 'json'): void {
    if (kind !== 'base64' && kind !== 'json') {
      throw new FaultSpecError('malformedPages.kind must be "base64" or "json".');
    }
    this.malformed.push({ remaining: checkCount(count), value: kind });
  }

  queueDelay(ms: number, count = 1): void {
    this.queueDelays.push({ remaining: checkCount(count), value: checkDelay(ms, 'queueDelay.ms') });
  }

  /** Disarms every fault and brings back the sites a fault took offline. */
  clear(): void {
    this.latencies = [];
    this.requestFaults = [];
    this.offlineMidQueries = [];
    this.malformed = [];
    this.queueDelays = [];
    this.knockedOffline.clear();
  }

  /** Arms the faults a JSON body describes; validates all of it before arming any. */
  apply(spec: unknown): void {
    if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) {
      throw new FaultSpecError('The body must be a JSON object naming faults: ' + FAULT_NAMES.join(', ') + '.');
    }
    const body = spec as Record<string, unknown>;
    const unknownNames = Object.keys(body).filter((name) => !(FAULT_NAMES as readonly string[]).includes(name));
    if (unknownNames.length > 0) {
      throw new FaultSpecError(`Unknown fault "${unknownNames[0]}"; known faults: ${FAULT_NAMES.join(', ')}.`);
    }
    const staged = new Faults();
    const part = (name: string): Record<string, unknown> | undefined => {
      const value = body[name];
      if (value === undefined) {
        return undefined;
      }
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        throw new FaultSpecError(`${name} must be an object.`);
      }
      return value as Record<string, unknown>;
    };
    const latency = part('latency');
    if (latency) {
      staged.latency(num(latency.ms, 'latency.ms'), { pathPrefix: optString(latency.pathPrefix, 'latency.pathPrefix'), count: optNum(latency.count, 'latency.count') });
    }
    const rateLimit = part('rateLimit');
    if (rateLimit) {
      staged.rateLimit(optNum(rateLimit.count, 'rateLimit.count'), optNum(rateLimit.retryAfterSeconds, 'rateLimit.retryAfterSeconds'));
    }
    const unavailable = part('unavailable');
    if (unavailable) {
      staged.unavailable(optNum(unavailable.count, 'unavailable.count'), optNum(unavailable.retryAfterSeconds, 'unavailable.retryAfterSeconds'));
    }
    const offline = part('offlineMidQuery');
    if (offline) {
      staged.offlineMidQuery(optString(offline.siteId, 'offlineMidQuery.siteId'), optNum(offline.count, 'offlineMidQuery.count'));
    }
    const pages = part('malformedPages');
    if (pages) {
      staged.malformPages(optNum(pages.count, 'malformedPages.count'), optString(pages.kind, 'malformedPages.kind') as MalformedPageKind | undefined);
    }
    const queue = part('queueDelay');
    if (queue) {
      staged.queueDelay(num(queue.ms, 'queueDelay.ms'), optNum(queue.count, 'queueDelay.count'));
    }
    this.latencies.push(...staged.latencies);
    this.requestFaults.push(...staged.requestFaults);
    this.offlineMidQueries.push(...staged.offlineMidQueries);
    this.malformed.push(...staged.malformed);
    this.queueDelays.push(...staged.queueDelays);
  }

  /** What is still armed, as JSON. */
  snapshot(): Record<string, unknown> {
    return {
      latency: this.latencies.map((entry) => ({ ...entry.value, remaining: entry.remaining })),
      requests: this.requestFaults.map((entry) => ({ ...entry.value, remaining: entry.remaining })),
      offlineMidQuery: this.offlineMidQueries.map((entry) => ({ ...entry.value, remaining: entry.remaining })),
      malformedPages: this.malformed.map((entry) => ({ kind: entry.value, remaining: entry.remaining })),
      queueDelay: this.queueDelays.map((entry) => ({ ms: entry.value, remaining: entry.remaining })),
      sitesOffline: [...this.knockedOffline],
    };
  }

  /** Milliseconds to hold the response to `path`, consuming one use of every matching latency fault. */
  takeLatency(path: string): number {
    let total = 0;
    for (const entry of this.latencies) {
      if (path.startsWith(entry.value.pathPrefix)) {
        total += entry.value.ms;
        entry.remaining--;
      }
    }
    this.latencies = this.latencies.filter((entry) => entry.remaining > 0);
    return total;
  }

  takeRequestFault(): RequestFault | undefined {
    return take(this.requestFaults, () => true, (list) => (this.requestFaults = list));
  }

  /** True when this execution on `siteId` is the one that loses its site; the site then stays offline. */
  takeOfflineMidQuery(siteId: string): boolean {
    const hit = take(this.offlineMidQueries, (value) => value.siteId === undefined || value.siteId === siteId, (list) => (this.offlineMidQueries = list));
    if (hit) {
      this.knockedOffline.add(siteId);
    }
    return hit !== undefined;
  }

  isKnockedOffline(siteId: string): boolean {
    return this.knockedOffline.has(siteId);
  }

  takeMalformedPage(): MalformedPageKind | undefined {
    return take(this.malformed, () => true, (list) => (this.malformed = list));
  }

  takeQueueDelay(): number {
    return take(this.queueDelays, () => true, (list) => (this.queueDelays = list)) ?? 0;
  }
}

function take<T>(list: Counted<T>[], matches: (value: T) => boolean, replace: (list: Counted<T>[]) => void): T | undefined {
  const entry = list.find((candidate) => matches(candidate.value));
  if (!entry) {
    return undefined;
  }
  entry.remaining--;
  replace(list.filter((candidate) => candidate.remaining > 0));
  return entry.value;
}

function checkCount(count: number | undefined): number {
  const value = count ?? 1;
  if (!Number.isInteger(value) || value < 1 || value > MAX_COUNT) {
    throw new FaultSpecError(`count must be an integer from 1 to ${MAX_COUNT}.`);
  }
  return value;
}

function checkDelay(ms: number, field: string): number {
  if (!Number.isInteger(ms) || ms < 0 || ms > MAX_DELAY_MS) {
    throw new FaultSpecError(`${field} must be an integer from 0 to ${MAX_DELAY_MS}.`);
  }
  return ms;
}

function checkSeconds(seconds: number): number {
  if (!Number.isInteger(seconds) || seconds < 0 || seconds > 3600) {
    throw new FaultSpecError('retryAfterSeconds must be an integer from 0 to 3600.');
  }
  return seconds;
}

function num(value: unknown, field: string): number {
  if (typeof value !== 'number') {
    throw new FaultSpecError(`${field} must be a number.`);
  }
  return value;
}

function optNum(value: unknown, field: string): number | undefined {
  return value === undefined ? undefined : num(value, field);
}

function optString(value: unknown, field: string): string | undefined {
  if (value === undefined) {
    return undefined;
  }
  if (typeof value !== 'string') {
    throw new FaultSpecError(`${field} must be a string.`);
  }
  return value;
}
