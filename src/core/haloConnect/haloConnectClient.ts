import type { Readable } from 'node:stream';
import { ApiError } from '../errors';
import type { FhirResource } from '../fhir/bundle';
import { secretRedactor } from '../http/errorMapping';
import { HttpClient } from '../http/httpClient';
import type { HttpClientOptions, HttpMethod, ResponseBody, ResponseBodyKind, ResponseHeaders } from '../http/httpClient';
import { asyncStatusError, failedQueryError } from './queryErrors';
import type {
  PracticeManagementName,
  Query,
  QueryRequest,
  QueryStatusBatchResult,
  RegisteredQuery,
  RegisteredQueryRequest,
  RegisteredQueryResult,
  ResultPage,
  RowsRange,
  Site,
} from './wireTypes';

/** Halo's two hosts, or any other base URL (the Sandbox, a proxy). */
export type HaloEnvironment = 'production' | 'stage' | { baseUrl: string };

export interface HaloConnectClientOptions {
  environment: HaloEnvironment;
  subscriptionKey: string;
  http?: HttpClientOptions;
}

/** A result page with its position, read from the `Size` and `Rows-*` headers (undefined if the server omitted them). */
export interface ResultPageResponse {
  page: ResultPage;
  rows?: RowsRange;
  size?: number;
}

export const HALO_BASE_URLS: Readonly<Record<'production' | 'stage', string>> = {
  production: 'https://api.haloconnect.io',
  stage: 'https://api.stage.haloconnect.io',
};

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface Call<K extends ResponseBodyKind> {
  method: HttpMethod;
  path: string;
  query?: Record<string, string | undefined>;
  json?: unknown;
  form?: URLSearchParams;
  responseBody: K;
  signal?: AbortSignal;
  accept?: string;
}

/**
 * A client for every endpoint of Halo Connect's integrator API (OpenAPI 26.619.10213). Methods resolve with the
 * wire types and reject with `ApiError`; a query that failed at the practice rejects with `queryFailed`
 * (or `tooLarge`) carrying Halo's `errorDetails`.
 */
export class HaloConnectClient {
  private readonly http: HttpClient;
  private readonly baseUrl: URL;
  private readonly redact: (text: string) => string;

  constructor(private readonly options: HaloConnectClientOptions) {
    const base = typeof options.environment === 'string' ? HALO_BASE_URLS[options.environment] : options.environment.baseUrl;
    this.baseUrl = new URL(base);
    this.http = new HttpClient(options.http);
    this.redact = secretRedactor([options.subscriptionKey]);
  }

  /** Closes pooled connections. */
  dispose(): void {
    this.http.dispose();
  }

  /** `GET /integrator/sites`: the sites matching a PMS site id (both filters are required by Halo). */
  async findSites(pmsSiteId: string, pmsName: PracticeManagementName, signal?: AbortSignal): Promise<Site[]> {
    const body = await this.call({
      method: 'GET',
      path: '/integrator/sites',
      query: { practiceManagementSiteId: pmsSiteId, practiceManagementName: pmsName },
      responseBody: 'json',
      signal,
    });
    return arrayField<Site>(body, 'sites', 'GET /integrator/sites');
  }

  async getSite(siteId: string, signal?: AbortSignal): Promise<Site> {
    return (await this.call({ method: 'GET', path: sitePath(siteId), responseBody: 'json', signal })) as Site;
  }

  /** `POST /integrator/pair-site`. Best Practice sites need the pairing code the practice generated. */
  async pairSite(pmsSiteId: string, pmsName: PracticeManagementName, pairingCode?: string, signal?: AbortSignal): Promise<Site> {
    return (await this.call({
      method: 'POST',
      path: '/integrator/pair-site',
      query: { practiceManagementSiteId: pmsSiteId, practiceManagementName: pmsName, pairingCode },
      responseBody: 'json',
      signal,
    })) as Site;
  }

  /** Runs a query at once; rejects with `queryFailed`/`tooLarge` if it failed, even inside a 200. */
  async runImmediate(siteId: string, request: QueryRequest, signal?: AbortSignal): Promise<Query> {
    const path = `${sitePath(siteId)}/queries/immediate`;
    const query = (await this.call({ method: 'POST', path, json: request, responseBody: 'json', signal })) as Query;
    const failure = failedQueryError(query, { request: `POST ${path}`, redact: this.redact });
    if (failure) {
      throw failure;
    }
    return query;
  }

  /** Submits an async query; resolves with it in its first status (normally `initialising`). */
  async submitAsync(siteId: string, request: QueryRequest, signal?: AbortSignal): Promise<Query> {
    return (await this.call({ method: 'POST', path: `${sitePath(siteId)}/queries/async`, json: request, responseBody: 'json', signal })) as Query;
  }

  /** A query, immediate or async, in whatever status it is: a failed status is data here, not an error. */
  async getQuery(siteId: string, queryId: string, signal?: AbortSignal): Promise<Query> {
    return (await this.call({ method: 'GET', path: queryPath(siteId, queryId), responseBody: 'json', signal })) as Query;
  }

  /**
   * The error a query's terminal failure status stands for (`executionFailed` → `queryFailed`, offline → `siteOffline`,
   * …), or undefined while it is running or once it succeeded.
   */
  queryFailure(query: Query): ApiError | undefined {
    return asyncStatusError(query, `GET ${queryPath(query.siteId, query.id)}`, this.redact);
  }

  /** `POST …/queries/status`: the status of several queries in one request. */
  async getQueryStatuses(siteId: string, queryIds: readonly string[], signal?: AbortSignal): Promise<QueryStatusBatchResult[]> {
    const path = `${sitePath(siteId)}/queries/status`;
    const body = await this.call({ method: 'POST', path, json: { queryIds }, responseBody: 'json', signal });
    return arrayField<QueryStatusBatchResult>(body, 'results', `POST ${path}`);
  }

  /** One page (1-based) of an async query's result; 410 (`expired`) once Halo's cache has dropped it. */
  async getResultPage(siteId: string, queryId: string, pageNumber: number, signal?: AbortSignal): Promise<ResultPageResponse> {
    const path = pagePath(siteId, queryId, pageNumber);
    const response = await this.send({ method: 'GET', path, responseBody: 'json', signal });
    const page = response.body as ResultPage;
    if (typeof page !== 'object' || page === null || (page.data !== undefined && typeof page.data !== 'string')) {
      throw new ApiError('badResponse', `Result page ${pageNumber} of query ${queryId} is not a result page.`, { request: `GET ${path}` });
    }
    return { page, ...pagePosition(response.headers) };
  }

  /** The `/stream` variant of a result page: its JSON as a byte stream. Read it to the end or destroy it. */
  async streamResultPage(siteId: string, queryId: string, pageNumber: number, signal?: AbortSignal): Promise<Readable> {
    return this.call({ method: 'GET', path: `${pagePath(siteId, queryId, pageNumber)}/stream`, responseBody: 'stream', signal });
  }

  /** `GET …/fhir/R4/{pathAndQuery}`, for example `Patient?given=John`, `Patient/12`, `metadata`. */
  async fhirGet(siteId: string, pathAndQuery: string, signal?: AbortSignal): Promise<FhirResource> {
    const [path, query] = splitFhirPath(pathAndQuery);
    const url = this.url(`${sitePath(siteId)}/fhir/R4/${path}`);
    url.search = query;
    return (await this.sendUrl({ method: 'GET', url, responseBody: 'json', signal, accept: FHIR_ACCEPT })).body as FhirResource;
  }

  /** `POST …/fhir/R4/{resource}/_search` with the parameters form-encoded: keeps personal data out of URLs and logs. */
  async fhirSearch(
    siteId: string,
    resource: string,
    formParams: URLSearchParams | Record<string, string | readonly string[]>,
    signal?: AbortSignal,
  ): Promise<FhirResource> {
    if (!/^[A-Za-z]+$/.test(resource)) {
      throw new ApiError('badRequest', `"${resource}" is not a FHIR resource type.`);
    }
    const form = formParams instanceof URLSearchParams ? formParams : toSearchParams(formParams);
    return (await this.call({
      method: 'POST',
      path: `${sitePath(siteId)}/fhir/R4/${resource}/_search`,
      form,
      responseBody: 'json',
      signal,
      accept: FHIR_ACCEPT,
    })) as FhirResource;
  }

  /** Registers a query to re-run every `frequency` seconds; resolves with its id (Halo answers 202). */
  async createRegisteredQuery(siteId: string, request: RegisteredQueryRequest, signal?: AbortSignal): Promise<string> {
    const path = `${sitePath(siteId)}/queries/registered`;
    const body = (await this.call({ method: 'POST', path, json: request, responseBody: 'json', signal })) as { id?: unknown };
    if (typeof body?.id !== 'string') {
      throw new ApiError('badResponse', 'The server accepted the registered query but sent no id.', { request: `POST ${path}` });
    }
    return body.id;
  }

  async listRegisteredQueries(siteId: string, signal?: AbortSignal): Promise<RegisteredQuery[]> {
    const path = `${sitePath(siteId)}/queries/registered`;
    const body = await this.call({ method: 'GET', path, responseBody: 'json', signal });
    return arrayField<RegisteredQuery>(body, 'registeredQueries', `GET ${path}`);
  }

  async getRegisteredQuery(siteId: string, queryId: string, signal?: AbortSignal): Promise<RegisteredQuery> {
    return (await this.call({ method: 'GET', path: registeredPath(siteId, queryId), responseBody: 'json', signal })) as RegisteredQuery;
  }

  async cancelRegisteredQuery(siteId: string, queryId: string, signal?: AbortSignal): Promise<void> {
    await this.call({ method: 'DELETE', path: registeredPath(siteId, queryId), responseBody: 'none', signal });
  }

  /** The latest result of a registered query (one piece, no pages). */
  async getRegisteredQueryResult(siteId: string, queryId: string, signal?: AbortSignal): Promise<RegisteredQueryResult> {
    const path = `${registeredPath(siteId, queryId)}/results`;
    return (await this.call({ method: 'GET', path, responseBody: 'json', signal })) as RegisteredQueryResult;
  }

  private async call<K extends ResponseBodyKind>(call: Call<K>): Promise<ResponseBody<K>> {
    return (await this.send(call)).body;
  }

  private send<K extends ResponseBodyKind>(call: Call<K>): Promise<{ body: ResponseBody<K>; headers: ResponseHeaders }> {
    const url = this.url(call.path);
    for (const [name, value] of Object.entries(call.query ?? {})) {
      if (value !== undefined) {
        url.searchParams.set(name, value);
      }
    }
    return this.sendUrl({ ...call, url });
  }

  private sendUrl<K extends ResponseBodyKind>(call: Omit<Call<K>, 'path'> & { url: URL }): Promise<{ body: ResponseBody<K>; headers: ResponseHeaders }> {
    const headers: Record<string, string> = {
      'Ocp-Apim-Subscription-Key': this.options.subscriptionKey,
      Accept: call.accept ?? 'application/json',
    };
    let body: string | undefined;
    if (call.json !== undefined) {
      headers['Content-Type'] = 'application/json';
      body = JSON.stringify(call.json);
    } else if (call.form) {
      headers['Content-Type'] = 'application/x-www-form-urlencoded';
      body = call.form.toString();
    }
    return this.http.send({
      method: call.method,
      url: call.url,
      headers,
      body,
      responseBody: call.responseBody,
      signal: call.signal,
      interpretError: (context) => failedQueryError(context.body, context),
    });
  }

  private url(path: string): URL {
    const url = new URL(this.baseUrl.href);
    url.pathname = `${this.baseUrl.pathname.replace(/\/+$/, '')}${path}`;
    url.search = '';
    return url;
  }
}

const FHIR_ACCEPT = 'application/fhir+json, application/json';

function sitePath(siteId: string): string {
  if (!GUID.test(siteId)) {
    // Checked before sending: a malformed id would otherwise reach Halo as a path that means something else.
    throw new ApiError('badRequest', `"${siteId}" is not a Halo site GUID.`);
  }
  return `/integrator/sites/${siteId}`;
}

function queryPath(siteId: string, queryId: string): string {
  return `${sitePath(siteId)}/queries/${segment(queryId, 'query id')}`;
}

function registeredPath(siteId: string, queryId: string): string {
  return `${sitePath(siteId)}/queries/registered/${segment(queryId, 'registered query id')}`;
}

function pagePath(siteId: string, queryId: string, pageNumber: number): string {
  if (!Number.isInteger(pageNumber) || pageNumber < 1) {
    throw new ApiError('badRequest', `Result pages are numbered from 1; ${pageNumber} is not a page number.`);
  }
  return `${queryPath(siteId, queryId)}/results/${pageNumber}`;
}

function segment(value: string, what: string): string {
  if (value.trim() === '' || value === '.' || value === '..') {
    throw new ApiError('badRequest', `"${value}" is not a valid ${what}.`);
  }
  return encodeURIComponent(value);
}

/** `Patient/12/$summary?x=y` → the path with each segment encoded (keeping `$` and the like), and the query. */
function splitFhirPath(pathAndQuery: string): [string, string] {
  const questionMark = pathAndQuery.indexOf('?');
  const path = (questionMark < 0 ? pathAndQuery : pathAndQuery.slice(0, questionMark)).replace(/^\/+/, '');
  const query = questionMark < 0 ? '' : pathAndQuery.slice(questionMark + 1);
  const segments = path.split('/');
  if (path === '' || segments.some((part) => part === '' || part === '.' || part === '..' || part.includes('\\'))) {
    throw new ApiError('badRequest', `"${path}" is not a FHIR path.`);
  }
  return [segments.map((part) => encodeURIComponent(decodeLenient(part)).replace(/%24/g, '$').replace(/%3A/gi, ':')).join('/'), query];
}

function decodeLenient(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

function toSearchParams(params: Record<string, string | readonly string[]>): URLSearchParams {
  const form = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    for (const item of typeof value === 'string' ? [value] : value) {
      form.append(name, item);
    }
  }
  return form;
}

function arrayField<T>(body: unknown, field: string, request: string): T[] {
  const value = (body as Record<string, unknown> | null)?.[field];
  if (!Array.isArray(value)) {
    throw new ApiError('badResponse', `The server's answer has no "${field}" list.`, { request });
  }
  return value as T[];
}

function pagePosition(headers: ResponseHeaders): { rows?: RowsRange; size?: number } {
  const integer = (name: string): number | undefined => {
    const text = headers.get(name);
    return text !== null && /^\d+$/.test(text.trim()) ? Number(text) : undefined;
  };
  const count = integer('Rows-Count');
  const rangeStart = integer('Rows-Range-Start');
  const rangeEnd = integer('Rows-Range-End');
  return {
    rows: count === undefined || rangeStart === undefined || rangeEnd === undefined ? undefined : { count, rangeStart, rangeEnd },
    size: integer('Size'),
  };
}
