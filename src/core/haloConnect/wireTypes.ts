/**
 * Halo Connect Cloud API wire types, taken from Halo's integrator OpenAPI document (version 26.619.10213,
 * `shared/reference/halo-connect/integrator-openapi.json`). Names follow the document's schemas.
 */

/** As a query parameter (`practiceManagementName`). */
export type PracticeManagementName = 'Best Practice' | 'Zedmed' | 'D4w';
/** As a field (`pmsType`). */
export type PmsType = 'BestPractice' | 'Zedmed' | 'D4w';

export type SiteAvailability = 'online' | 'offline' | 'unreachable';
export type SiteStatus = 'initialising' | 'active' | 'removed' | 'uninstalled';

export interface SiteCatalogue {
  name: string;
  isDefault: boolean;
}

export interface PracticeMetadata {
  pmsType?: PmsType;
  practiceName?: string;
  practiceManagementSiteId?: string;
  practiceManagementVersion?: string;
}

/** `SiteForIntegrator`. The flat fields after `practiceMetadata` are deprecated but still sent. */
export interface Site {
  id: string;
  pmsType: PmsType;
  availability: SiteAvailability;
  status: SiteStatus;
  haloLinkVersion?: string;
  enrichedAt?: string;
  catalogue?: SiteCatalogue[];
  practiceMetadata?: PracticeMetadata;
  name?: string;
  practiceManagementSiteId?: string;
  practiceManagementName?: PracticeManagementName;
  practiceManagementVersion?: string;
  createdAt?: string;
  authoritative?: boolean;
  clientTimestampUTC?: string;
  heartbeatTimestampUTC?: string;
}

export interface SitesResponse {
  sites: Site[];
}

export type ExecutionMode = 'reader' | 'nonQuery' | 'scalar';
export type CommandType = 'text' | 'storedProcedure';
export type ParameterDirection = 'input' | 'output' | 'inputOutput' | 'returnValue';
export type SqlDbType =
  | 'BigInt' | 'Binary' | 'Bit' | 'Char' | 'String' | 'Date' | 'DateTime' | 'DateTime2' | 'DateTimeOffset'
  | 'Decimal' | 'Float' | 'Image' | 'Int' | 'Money' | 'NChar' | 'NText' | 'NVarChar' | 'Real' | 'SmallDateTime'
  | 'SmallInt' | 'SmallMoney' | 'Structured' | 'Text' | 'Time' | 'Timestamp' | 'TinyInt' | 'Udt'
  | 'UniqueIdentifier' | 'VarBinary' | 'VarChar' | 'Variant' | 'Xml';

export const SQL_DB_TYPES: readonly SqlDbType[] = [
  'BigInt', 'Binary', 'Bit', 'Char', 'String', 'Date', 'DateTime', 'DateTime2', 'DateTimeOffset',
  'Decimal', 'Float', 'Image', 'Int', 'Money', 'NChar', 'NText', 'NVarChar', 'Real', 'SmallDateTime',
  'SmallInt', 'SmallMoney', 'Structured', 'Text', 'Time', 'Timestamp', 'TinyInt', 'Udt',
  'UniqueIdentifier', 'VarBinary', 'VarChar', 'Variant', 'Xml',
];

/** A command parameter. `value` is a string (or null); output values come back in the result's `parameters`. */
export interface Parameter {
  name: string;
  direction?: ParameterDirection;
  type?: SqlDbType;
  value?: string | null;
  size?: number;
}

export interface Command {
  text: string;
  executionMode?: ExecutionMode;
  type?: CommandType;
  parameters?: Parameter[];
}

export interface QueryRequest {
  /** Milliseconds: immediate 0–60000 (default 30000); async 0–7200000 (default 3600000). */
  maxTimeInQueue?: number;
  command: Command;
  catalogue?: string;
}

export interface RegisteredQueryRequest {
  name: string;
  registeredQueryType: 'query';
  /** Seconds between runs. */
  frequency: number;
  /** Seconds the query keeps running, at most 86400. */
  duration: number;
  registerCommand: { command: Command };
}

export type ErrorType = 'http' | 'mssql' | 'fbsql' | 'haloLink';

export interface ErrorDetails {
  errorType?: ErrorType;
  errorCode?: number;
  errorMessage?: string;
}

/** The general error envelope; some responses send the inner fields unwrapped. */
export interface ErrorEnvelope {
  error?: { status?: number; statusText?: string; message?: string };
  status?: number;
  statusText?: string;
  message?: string;
}

export interface TimingSpan {
  startTime: string;
  endTime?: string;
}

export interface StatusTiming {
  initialising: TimingSpan;
  queued?: TimingSpan;
  executing?: TimingSpan;
  downloading?: TimingSpan;
  uploading?: TimingSpan;
}

export interface QueryMetrics {
  sqlExecutionDuration: number;
}

/** `QueryResult` (reader/scalar) or `NonQueryResult` of an immediate query. */
export interface ImmediateResult {
  rows?: number;
  rowsAffected?: number;
  size: number;
  /** Base64 of UTF-8 JSON: an array of row objects. Absent for nonQuery. */
  data?: string;
  parameters?: Parameter[];
}

export type PageStatus = 'queued' | 'uploading' | 'cached';

export interface RowsRange {
  count: number;
  rangeStart: number;
  rangeEnd: number;
}

export interface PageInfo {
  pageNumber: number;
  status: PageStatus;
  size: number;
  rows: RowsRange;
}

export interface AsyncResult {
  rows?: number;
  rowsAffected?: number;
  size: number;
  pages: PageInfo[];
}

export type QueryMode = 'immediate' | 'async';

export type AsyncQueryStatus =
  | 'initialising'
  | 'initialisationFailedCacheError'
  | 'initialisationFailedSiteOffline'
  | 'initialisationFailedSiteUnreachable'
  | 'queued'
  | 'expiredInQueue'
  | 'executing'
  | 'executionFailed'
  | 'uploading'
  | 'uploadFailed'
  | 'successful';

export const TERMINAL_QUERY_STATUSES: ReadonlySet<AsyncQueryStatus> = new Set<AsyncQueryStatus>([
  'initialisationFailedCacheError',
  'initialisationFailedSiteOffline',
  'initialisationFailedSiteUnreachable',
  'expiredInQueue',
  'executionFailed',
  'uploadFailed',
  'successful',
]);

/** A query as the API returns it, immediate or async; which optional fields are present depends on `status`. */
export interface Query {
  id: string;
  integratorId: string;
  siteId: string;
  mode: QueryMode;
  status: AsyncQueryStatus;
  maxTimeInQueue: number;
  commandSize: number;
  requestSize: number;
  createdAt: string;
  updatedAt: string;
  statusTiming?: StatusTiming;
  metrics?: QueryMetrics;
  /** Immediate queries carry `ImmediateResult`; successful async queries carry `AsyncResult`. */
  result?: ImmediateResult | AsyncResult;
  resultSize?: number;
  completedAt?: string;
  errorDetails?: ErrorDetails;
  /** Deprecated flat copies of errorDetails. */
  errorCode?: number;
  errorMessage?: string;
}

export interface QueryStatusBatchResult {
  queryId: string;
  status: 'found' | 'notFound';
  query?: Query;
}

export interface QueryStatusBatchResponse {
  results: QueryStatusBatchResult[];
}

/**
 * A result page of an async query (the `Rows-*` and `Size` headers carry its position).
 * `data` is absent on a nonQuery's page (the OpenAPI's "Non Query Result" variant), which carries only parameters.
 */
export interface ResultPage {
  data?: string;
  parameters?: Parameter[] | null;
}

export type RegisteredQueryStatus = 'initialisationFailedCacheError' | 'enabled' | 'cancelled' | 'completed';

export interface RegisteredQueryMetrics {
  lastSucceededAt?: string;
  lastFailedAt?: string;
  lastExecutionDuration?: number;
  executionSucceededCount?: number;
  executionFailedCount?: number;
  resultSizeSum?: number;
  requestSize?: number;
}

export interface RegisteredQuery {
  id: string;
  name: string;
  registeredQueryType: 'query';
  status: RegisteredQueryStatus;
  frequency: number;
  duration: number;
  lastHash?: string;
  lastErrorDetails?: ErrorDetails;
  metrics: RegisteredQueryMetrics;
  createdAt: string;
  completedAt?: string;
}

export interface RegisteredQueriesResponse {
  registeredQueries: RegisteredQuery[];
}

export interface RegisteredQueryResult {
  data: string;
  parameters: Parameter[] | null;
  rows: number;
  size: number;
}

/** Halo's PMS name as a query parameter, from the `pmsType` spelling. */
export const PMS_NAME_BY_TYPE: Readonly<Record<PmsType, PracticeManagementName>> = {
  BestPractice: 'Best Practice',
  Zedmed: 'Zedmed',
  D4w: 'D4w',
};
