import { ApiError } from '../errors';
import type { QueryErrorDetails } from '../errors';
import { redactDetails } from '../http/errorMapping';
import type { AsyncQueryStatus, Query } from './wireTypes';

interface FailedQueryContext {
  request: string;
  status?: number;
  /** Removes secrets from text the server wrote. */
  redact: (text: string) => string;
}

/**
 * The error for a query body whose status is `executionFailed`, whether it came in a 200 or an error status;
 * undefined for any other body. A result over the immediate size limit (`errorCode 413`) is `tooLarge`, since the
 * remedy is running it as an async query rather than fixing the SQL.
 */
export function failedQueryError(body: unknown, context: FailedQueryContext): ApiError | undefined {
  const query = body as Partial<Query> | undefined;
  if (typeof query !== 'object' || query === null || query.status !== 'executionFailed') {
    return undefined;
  }
  const source = query.errorDetails ?? { errorCode: query.errorCode, errorMessage: query.errorMessage };
  const details: QueryErrorDetails = {
    errorType: source.errorType,
    errorCode: typeof source.errorCode === 'number' ? source.errorCode : undefined,
    errorMessage: typeof source.errorMessage === 'string' ? context.redact(source.errorMessage) : undefined,
  };
  const tooLarge = context.status === 413 || details.errorCode === 413;
  return new ApiError(tooLarge ? 'tooLarge' : 'queryFailed', details.errorMessage ?? 'The query failed at the practice.', {
    status: context.status,
    details,
    request: context.request,
  });
}

const STATUS_FAILURES: Partial<Record<AsyncQueryStatus, { kind: ApiError['kind']; message: string }>> = {
  initialisationFailedSiteOffline: { kind: 'siteOffline', message: 'The practice closed its connection to Halo before the query could start.' },
  initialisationFailedSiteUnreachable: { kind: 'siteUnreachable', message: 'The practice has not contacted Halo for two minutes, so the query could not start.' },
  // The query waited longer than its maxTimeInQueue: like any other deadline passing, a timeout (retry later, or allow longer).
  expiredInQueue: { kind: 'timeout', message: 'The query waited in the queue longer than its maxTimeInQueue and expired.' },
  initialisationFailedCacheError: { kind: 'badResponse', message: 'Halo could not prepare storage for the query result.' },
  uploadFailed: { kind: 'badResponse', message: 'The practice ran the query but its result could not be uploaded.' },
};

/** The error a terminal, unsuccessful async query status stands for; undefined for every other status. */
export function asyncStatusError(query: Query, request: string, redact: (text: string) => string): ApiError | undefined {
  if (query.status === 'executionFailed') {
    return failedQueryError(query, { request, redact });
  }
  const failure = STATUS_FAILURES[query.status];
  if (!failure) {
    return undefined;
  }
  const serverMessage = query.errorDetails?.errorMessage ?? query.errorMessage;
  return new ApiError(failure.kind, serverMessage ? redact(serverMessage) : failure.message, {
    details: query.errorDetails && redactDetails(query.errorDetails, redact),
    request,
  });
}
