import { isApiError } from '../../core/errors';
import { runAsyncQuery } from '../../core/haloConnect/asyncQueryRunner';
import type { AsyncQueryApi, AsyncQueryRunOptions } from '../../core/haloConnect/asyncQueryRunner';
import type { HaloConnectClient } from '../../core/haloConnect/haloConnectClient';
import type { AsyncQueryStatus, AsyncResult, ImmediateResult, QueryRequest } from '../../core/haloConnect/wireTypes';
import { readImmediateResult, returnedParameters } from '../../core/results/resultParameters';
import type { ReturnedParameter } from '../../core/results/resultParameters';

/** The part of the Halo Connect client a SQL run needs. */
export type SqlApi = AsyncQueryApi & Pick<HaloConnectClient, 'runImmediate'>;

export type SqlRunMode = 'immediate' | 'async';

export interface SqlRunOptions {
  mode: SqlRunMode;
  signal?: AbortSignal;
  /** A sentence on where the run is: "Queued at the practice", "Downloading page 2 of 5". */
  onProgress?: (text: string) => void;
  /** Each page of rows as it arrives, in page order: UTF-8 JSON of an array of row objects. */
  onPage: (bytes: Buffer) => void;
  /** Polling and download settings for the async path (tests shorten the polls). */
  asyncOptions?: Omit<AsyncQueryRunOptions, 'signal' | 'onProgress'>;
}

export interface SqlRunOutcome {
  /** What actually ran: an immediate run refused as too large ran again as async. */
  mode: SqlRunMode;
  rowCount?: number;
  /** Set for a nonQuery. */
  rowsAffected?: number;
  pages: number;
  parameters: ReturnedParameter[];
  /** Things the user should know about how it went. */
  notes: string[];
}

export const TOO_LARGE_NOTE = 'The result was too large for an immediate query, so it ran again as an async query.';

const STATUS_TEXT: Record<AsyncQueryStatus, string> = {
  initialising: 'Starting the query',
  initialisationFailedCacheError: 'The query could not start',
  initialisationFailedSiteOffline: 'The practice is offline',
  initialisationFailedSiteUnreachable: 'The practice is unreachable',
  queued: 'Queued at the practice',
  expiredInQueue: 'The query expired in the queue',
  executing: 'Executing at the practice',
  executionFailed: 'The query failed',
  uploading: 'Uploading the result',
  uploadFailed: 'The result could not be uploaded',
  successful: 'Downloading the result',
};

/** How an async query's status reads in a progress notification. */
export function describeQueryStatus(status: AsyncQueryStatus): string {
  return STATUS_TEXT[status];
}

/**
 * Runs one SQL command on a Halo site: immediate by default, async when asked, and async automatically when the
 * immediate run is refused as too large (the outcome says so in its notes). Pages reach `onPage` as they arrive.
 * Rejects with the `ApiError` of the failure; aborting the signal stops polling and downloads (`cancelled`).
 */
export async function executeSql(api: SqlApi, siteId: string, request: QueryRequest, options: SqlRunOptions): Promise<SqlRunOutcome> {
  if (options.mode === 'immediate') {
    options.onProgress?.('Running an immediate query');
    try {
      const query = await api.runImmediate(siteId, request, options.signal);
      const outcome = readImmediateResult((query.result ?? { size: 0 }) as ImmediateResult);
      if (outcome.kind === 'nonQuery') {
        return { mode: 'immediate', rowsAffected: outcome.rowsAffected, pages: 0, parameters: outcome.parameters, notes: [] };
      }
      options.onPage(outcome.bytes);
      return { mode: 'immediate', rowCount: outcome.rowCount, pages: 1, parameters: outcome.parameters, notes: [] };
    } catch (error) {
      if (!isApiError(error, 'tooLarge')) throw error;
      options.onProgress?.('Too large for an immediate query: running it as an async query');
      const outcome = await executeAsync(api, siteId, request, options);
      return { ...outcome, notes: [TOO_LARGE_NOTE, ...outcome.notes] };
    }
  }
  return executeAsync(api, siteId, request, options);
}

async function executeAsync(api: SqlApi, siteId: string, request: QueryRequest, options: SqlRunOptions): Promise<SqlRunOutcome> {
  let result: AsyncResult | undefined;
  let pages = 0;
  let parameters: ReturnedParameter[] = [];
  const notes: string[] = [];
  const items = runAsyncQuery(api, siteId, request, {
    ...options.asyncOptions,
    signal: options.signal,
    onProgress: (progress) => {
      if (progress.type === 'status') {
        if (progress.status === 'successful') result = progress.query.result as AsyncResult | undefined;
        options.onProgress?.(describeQueryStatus(progress.status));
      } else {
        options.onProgress?.(`Downloading page ${progress.pagesReceived} of ${progress.pageCount}`);
      }
    },
  });
  for await (const item of items) {
    if (item.kind === 'pageError') {
      notes.push(item.error.message);
      continue;
    }
    pages++;
    if (item.parameters.length > 0) parameters = returnedParameters(item.parameters);
    if (item.bytes.length > 0) options.onPage(item.bytes);
  }
  if (result?.rowsAffected !== undefined && result.rows === undefined) {
    return { mode: 'async', rowsAffected: result.rowsAffected, pages, parameters, notes };
  }
  return { mode: 'async', rowCount: result?.rows, pages, parameters, notes };
}
