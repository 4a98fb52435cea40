import { ApiError, isApiError } from '../errors';
import { abortableDelay, cancelledError } from '../http/retryTiming';
import { decodePage } from '../results/decodePage';
import type { HaloConnectClient } from './haloConnectClient';
import { TERMINAL_QUERY_STATUSES } from './wireTypes';
import type { AsyncQueryStatus, AsyncResult, PageInfo, Parameter, Query, QueryRequest, RowsRange } from './wireTypes';

/** The part of the client the runner needs (the Sandbox or a test can offer the same). */
export type AsyncQueryApi = Pick<HaloConnectClient, 'submitAsync' | 'getQuery' | 'getResultPage' | 'queryFailure'>;

export interface AsyncQueryRunOptions {
  signal?: AbortSignal;
  onProgress?: (progress: AsyncQueryProgress) => void;
  /** First wait between status polls, growing by `pollFactor` up to `pollMaxMs`. Defaults 250, 1.5, 5000. */
  pollInitialMs?: number;
  pollFactor?: number;
  pollMaxMs?: number;
  /** How long to wait for a terminal status before giving up with `timeout`. Default 10 minutes. */
  maxWaitMs?: number;
  /** Pages downloading at once. Default 4. */
  pageConcurrency?: number;
  /** Pages downloaded ahead of the one the consumer is waiting for, bounding memory. Default 2 × pageConcurrency. */
  maxPagesAhead?: number;
}

export type AsyncQueryProgress =
  | { type: 'status'; status: AsyncQueryStatus; query: Query }
  | { type: 'page'; pageNumber: number; pageCount: number; pagesReceived: number };

interface PagePosition {
  queryId: string;
  pageNumber: number;
  pageCount: number;
  /** From the page's `Rows-*` headers, else from the query's page list; undefined only if the server gave neither. */
  rows?: RowsRange;
}

/** A page of rows: `bytes` is the decoded `data`, UTF-8 JSON of an array of row objects (empty for a nonQuery). */
export interface AsyncResultPage extends PagePosition {
  kind: 'page';
  bytes: Buffer;
  parameters: Parameter[];
}

/**
 * A page that arrived but could not be read (malformed base64 or JSON envelope). It takes the page's place in the
 * sequence so the consumer knows exactly which rows are missing, and the other pages are still delivered.
 */
export interface AsyncPageFailure extends PagePosition {
  kind: 'pageError';
  error: ApiError;
}

export type AsyncQueryItem = AsyncResultPage | AsyncPageFailure;

/**
 * Submits an async query and yields its result pages in page order as they arrive: status polls with growing
 * waits, then downloads with bounded concurrency (a later page may finish first; it is held until its turn).
 * A failed status rejects with its `ApiError` (`expiredInQueue` → `timeout`, `executionFailed` → `queryFailed`, …).
 * Aborting the signal, or leaving the `for await` loop early, stops polling and aborts downloads at once.
 */
export function runAsyncQuery(api: AsyncQueryApi, siteId: string, request: QueryRequest, options: AsyncQueryRunOptions = {}): AsyncGenerator<AsyncQueryItem, void, undefined> {
  return run(api, siteId, options, (signal) => api.submitAsync(siteId, request, signal));
}

/** Like {@link runAsyncQuery} for a query already submitted (after a restart, say). */
export function followAsyncQuery(api: AsyncQueryApi, siteId: string, queryId: string, options: AsyncQueryRunOptions = {}): AsyncGenerator<AsyncQueryItem, void, undefined> {
  return run(api, siteId, options, (signal) => api.getQuery(siteId, queryId, signal));
}

async function* run(
  api: AsyncQueryApi,
  siteId: string,
  options: AsyncQueryRunOptions,
  first: (signal: AbortSignal) => Promise<Query>,
): AsyncGenerator<AsyncQueryItem, void, undefined> {
  // Our own controller, so that leaving the loop early can abort whatever is still in flight.
  const controller = new AbortController();
  const onCallerAbort = (): void => controller.abort();
  options.signal?.addEventListener('abort', onCallerAbort, { once: true });
  try {
    if (options.signal?.aborted) {
      throw cancelledError();
    }
    const query = await waitForTerminal(api, siteId, await first(controller.signal), options, controller.signal);
    const failure = api.queryFailure(query);
    if (failure) {
      throw failure;
    }
    yield* downloadPages(api, siteId, query, options, controller.signal);
  } finally {
    options.signal?.removeEventListener('abort', onCallerAbort);
    controller.abort();
  }
}

async function waitForTerminal(api: AsyncQueryApi, siteId: string, initial: Query, options: AsyncQueryRunOptions, signal: AbortSignal): Promise<Query> {
  const deadline = Date.now() + (options.maxWaitMs ?? 600_000);
  const factor = options.pollFactor ?? 1.5;
  const maxDelay = options.pollMaxMs ?? 5000;
  let delay = options.pollInitialMs ?? 250;
  let query = initial;
  options.onProgress?.({ type: 'status', status: query.status, query });
  while (!TERMINAL_QUERY_STATUSES.has(query.status)) {
    const remaining = deadline - Date.now();
    if (remaining <= 0) {
      throw new ApiError('timeout', `Query ${query.id} was still ${query.status} when the wait for it ran out.`);
    }
    await abortableDelay(Math.min(delay, remaining), signal);
    const previous = query.status;
    query = await api.getQuery(siteId, query.id, signal);
    if (query.status !== previous) {
      options.onProgress?.({ type: 'status', status: query.status, query });
    }
    delay = Math.min(maxDelay, delay * factor);
  }
  return query;
}

/** A download's outcome; a fatal error is kept until the page's turn so earlier pages still reach the consumer. */
type Settled = AsyncQueryItem | { kind: 'fatal'; error: unknown };

async function* downloadPages(
  api: AsyncQueryApi,
  siteId: string,
  query: Query,
  options: AsyncQueryRunOptions,
  signal: AbortSignal,
): AsyncGenerator<AsyncQueryItem, void, undefined> {
  const pages: PageInfo[] = [...((query.result as AsyncResult | undefined)?.pages ?? [])].sort((a, b) => a.pageNumber - b.pageNumber);
  const concurrency = Math.max(1, options.pageConcurrency ?? 4);
  const maxAhead = Math.max(concurrency, options.maxPagesAhead ?? concurrency * 2);
  const downloads = new Map<number, Promise<Settled>>();
  let nextToStart = 0;
  let nextToYield = 0;
  let inFlight = 0;
  let received = 0;

  const fetchPage = async (info: PageInfo): Promise<Settled> => {
    const position: PagePosition = { queryId: query.id, pageNumber: info.pageNumber, pageCount: pages.length, rows: info.rows };
    try {
      const { page, rows } = await api.getResultPage(siteId, query.id, info.pageNumber, signal);
      const item: AsyncQueryItem = { ...position, rows: rows ?? info.rows, kind: 'page', bytes: decodePage(page.data ?? ''), parameters: page.parameters ?? [] };
      received++;
      options.onProgress?.({ type: 'page', pageNumber: info.pageNumber, pageCount: pages.length, pagesReceived: received });
      return item;
    } catch (error) {
      if (isApiError(error, 'badResponse')) {
        return {
          ...position,
          kind: 'pageError',
          error: new ApiError('badResponse', `Page ${info.pageNumber} of query ${query.id} could not be read: ${error.message}`, {
            status: error.status,
            request: error.request,
            cause: error,
          }),
        };
      }
      return { kind: 'fatal', error };
    }
  };

  const launch = (): void => {
    while (!signal.aborted && nextToStart < pages.length && inFlight < concurrency && nextToStart - nextToYield < maxAhead) {
      const index = nextToStart++;
      inFlight++;
      downloads.set(
        index,
        fetchPage(pages[index]).finally(() => {
          inFlight--;
          launch();
        }),
      );
    }
  };

  launch();
  while (nextToYield < pages.length) {
    const settled = await (downloads.get(nextToYield) as Promise<Settled>);
    downloads.delete(nextToYield);
    nextToYield++;
    launch();
    if (settled.kind === 'fatal') {
      throw settled.error;
    }
    yield settled;
  }
}
