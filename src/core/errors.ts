/** What went wrong, as the UI needs to tell it: each kind maps to one sentence and one action. */
export type ApiErrorKind =
  | 'auth'
  | 'forbidden'
  | 'notFound'
  | 'notAllowed'
  | 'siteOffline'
  | 'siteUnreachable'
  | 'rateLimited'
  | 'timeout'
  | 'tooLarge'
  | 'queryFailed'
  | 'expired'
  | 'badRequest'
  | 'badResponse'
  | 'network'
  | 'cancelled';

/** The server's own account of a failed query (Halo's `errorDetails`). */
export interface QueryErrorDetails {
  errorType?: 'http' | 'mssql' | 'fbsql' | 'haloLink';
  errorCode?: number;
  errorMessage?: string;
}

export interface ApiErrorInit {
  /** HTTP status, when the error came from a response. */
  status?: number;
  /** Halo's errorDetails, or a FHIR OperationOutcome's first issue, when the server sent one. */
  details?: QueryErrorDetails;
  /** Seconds the server asked us to wait (Retry-After). */
  retryAfterSeconds?: number;
  /** The request that failed, as `METHOD path` (never the query string's secrets, never a key). */
  request?: string;
  cause?: unknown;
}

/**
 * The one error type of the core. `message` is the server's own message where there was one,
 * so the UI can show it verbatim; it never holds a subscription key, a client secret or a token.
 */
export class ApiError extends Error {
  readonly kind: ApiErrorKind;
  readonly status?: number;
  readonly details?: QueryErrorDetails;
  readonly retryAfterSeconds?: number;
  readonly request?: string;

  constructor(kind: ApiErrorKind, message: string, init: ApiErrorInit = {}) {
    super(message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = 'ApiError';
    this.kind = kind;
    this.status = init.status;
    this.details = init.details;
    this.retryAfterSeconds = init.retryAfterSeconds;
    this.request = init.request;
  }
}

export function isApiError(value: unknown, kind?: ApiErrorKind): value is ApiError {
  return value instanceof ApiError && (kind === undefined || value.kind === kind);
}
