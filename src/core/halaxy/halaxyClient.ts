import { ApiError, isApiError } from '../errors';
import { isBundle, nextPageUrl } from '../fhir/bundle';
import type { Bundle, FhirResource } from '../fhir/bundle';
import { parseReference } from '../fhir/reference';
import { searchQuery } from '../fhir/searchQuery';
import type { SearchParams } from '../fhir/searchQuery';
import { errorFromResponse } from '../http/errorMapping';
import { HttpClient } from '../http/httpClient';
import type { HttpClientOptions, HttpMethod, HttpResponse, ResponseHeaders } from '../http/httpClient';
import { PRODUCT_USER_AGENT } from '../productInfo';
import { TokenCache } from './tokenCache';

/** Halaxy's two hosts (AU serves everywhere but the UK and EU), or any other base URL (the Sandbox, a proxy). */
export type HalaxyRegion = 'au' | 'eu' | { baseUrl: string };

export const HALAXY_BASE_URLS: Readonly<Record<'au' | 'eu', string>> = {
  au: 'https://au-api.halaxy.com/main',
  eu: 'https://eu-api.halaxy.com/main',
};

/** The client's request quota as the last response told it (`x-ratelimit-limit`, `x-ratelimit-remaining`). */
export interface RateLimit {
  limit: number;
  remaining: number;
  /** When the response arrived, epoch milliseconds by the client's clock. */
  at: number;
}

export interface HalaxyClientOptions {
  region: HalaxyRegion;
  /** The API key's Client ID and Client Secret, as the practice copied them from Halaxy's API Key Manager. */
  clientId: string;
  clientSecret: string;
  /** Sent on every request in place of the extension's own name and version. */
  userAgent?: string;
  http?: HttpClientOptions;
  /** Epoch milliseconds, for token lifetimes and rate-limit times; tests pass a clock they move by hand. */
  now?: () => number;
  /** Called with the quota after every response that carries it, errors and retried attempts included. */
  onRateLimit?: (rateLimit: RateLimit) => void;
}

export interface SearchPagesOptions {
  /** The most Bundles to fetch; the last one's `next` link tells whether more remained. Default 100. */
  maxPages?: number;
  signal?: AbortSignal;
}

const DEFAULT_MAX_PAGES = 100;
const FHIR_JSON = 'application/fhir+json';
const RESOURCE_TYPE = /^[A-Z][A-Za-z]{1,63}$/;
const RESOURCE_ID = /^[A-Za-z0-9\-.]{1,64}$/;

interface Call {
  method: HttpMethod;
  url: URL;
  body?: unknown;
  contentType?: string;
  signal?: AbortSignal;
}

/**
 * A client for Halaxy's FHIR R4 API: the client-credentials token (cached, refreshed once when refused), the headers
 * Halaxy's gateway insists on, reads, searches with paging, writes and Halaxy's operations. Methods reject with
 * `ApiError`: a key without the permission gets `forbidden`, an operation Halaxy does not offer `notAllowed`,
 * validation failures `badRequest` with the server's issue texts.
 */
export class HalaxyClient {
  private readonly http: HttpClient;
  private readonly baseUrl: URL;
  private readonly tokens: TokenCache;
  private readonly now: () => number;
  private readonly userAgent: string;
  private latestRateLimit?: RateLimit;

  constructor(private readonly options: HalaxyClientOptions) {
    const base = typeof options.region === 'string' ? HALAXY_BASE_URLS[options.region] : options.region.baseUrl;
    this.baseUrl = new URL(base.replace(/\/+$/, ''));
    this.http = new HttpClient(options.http);
    this.now = options.now ?? Date.now;
    this.userAgent = options.userAgent ?? PRODUCT_USER_AGENT;
    this.tokens = new TokenCache({
      tokenUrl: this.url('oauth/token'),
      clientId: options.clientId,
      clientSecret: options.clientSecret,
      http: this.http,
      headers: this.baseHeaders('application/json'),
      now: this.now,
      onResponseHeaders: (_status, headers) => this.noteRateLimit(headers),
    });
  }

  /** The quota the latest response reported, or undefined before any response carried one. */
  get rateLimit(): RateLimit | undefined {
    return this.latestRateLimit;
  }

  /** Closes pooled connections. */
  dispose(): void {
    this.http.dispose();
  }

  /** `GET {type}/{id}`. */
  async read(type: string, id: string, signal?: AbortSignal): Promise<FhirResource> {
    return this.resource({ method: 'GET', url: this.url(instancePath(type, id)), signal });
  }

  /** `GET {type}?{params}`: the first page. `_count`, `page`, `_sort`, `_include` and the rest go in `params`. */
  async search(type: string, params: SearchParams = {}, signal?: AbortSignal): Promise<Bundle> {
    return this.bundleAt(this.searchUrl(checkedType(type), params), signal);
  }

  /** Every page of a search, one Bundle at a time, following each page's `next` link up to `maxPages`. */
  async *searchPages(type: string, params: SearchParams = {}, options: SearchPagesOptions = {}): AsyncGenerator<Bundle, void, undefined> {
    const maxPages = options.maxPages ?? DEFAULT_MAX_PAGES;
    if (!Number.isInteger(maxPages) || maxPages < 1) {
      throw new RangeError(`maxPages must be a positive integer, not ${maxPages}.`);
    }
    const visited = new Set<string>();
    let url: URL | undefined = this.searchUrl(checkedType(type), params);
    for (let page = 1; url !== undefined && page <= maxPages; page++) {
      visited.add(url.href);
      const bundle = await this.bundleAt(url, options.signal);
      yield bundle;
      const next = nextPageUrl(bundle, this.baseUrl, url);
      if (next !== undefined && visited.has(next.href)) {
        throw new ApiError('badResponse', `Page ${page} of the ${type} search links back to a page already read.`);
      }
      url = next;
    }
  }

  /** `POST {resourceType}`: resolves with the resource as Halaxy stored it (its new id included). */
  async create(resource: FhirResource, signal?: AbortSignal): Promise<FhirResource> {
    const type = checkedType(resource.resourceType);
    return this.write({ method: 'POST', url: this.url(type), body: resource, signal }, type);
  }

  /** `PUT {resourceType}/{id}`. Halaxy drops writable fields the resource omits: send the whole resource. */
  async update(resource: FhirResource, signal?: AbortSignal): Promise<FhirResource> {
    if (typeof resource.id !== 'string') {
      throw new ApiError('badRequest', `The ${resource.resourceType} to update has no id.`);
    }
    return this.write({ method: 'PUT', url: this.url(instancePath(resource.resourceType, resource.id)), body: resource, signal }, resource.resourceType, resource.id);
  }

  /** `PATCH {type}/{id}` with a JSON merge patch (RFC 7386): only the fields given change, `null` removes one. */
  async patch(type: string, id: string, mergePatch: Record<string, unknown>, signal?: AbortSignal): Promise<FhirResource> {
    const url = this.url(instancePath(type, id));
    return this.write({ method: 'PATCH', url, body: mergePatch, contentType: 'application/merge-patch+json', signal }, type, id);
  }

  /** `POST Appointment/$book` with a Parameters resource. */
  async book(parameters: FhirResource, signal?: AbortSignal): Promise<FhirResource> {
    if (parameters.resourceType !== 'Parameters') {
      throw new ApiError('badRequest', `Appointment/$book takes a Parameters resource, not ${String(parameters.resourceType)}.`);
    }
    return this.resource({ method: 'POST', url: this.url('Appointment/$book'), body: parameters, signal });
  }

  /** `GET Appointment/$find`: free appointment times (`start`, `end`, `duration`, `practitioner`, …). */
  async find(params: SearchParams, signal?: AbortSignal): Promise<FhirResource> {
    return this.resource({ method: 'GET', url: this.searchUrl('Appointment/$find', params), signal });
  }

  /** `GET Patient/$export-ids`: the ids of every patient the key may see. */
  async exportPatientIds(signal?: AbortSignal): Promise<FhirResource> {
    return this.resource({ method: 'GET', url: this.url('Patient/$export-ids'), signal });
  }

  /** `GET metadata`: the CapabilityStatement. */
  async capabilities(signal?: AbortSignal): Promise<FhirResource> {
    const statement = await this.resource({ method: 'GET', url: this.url('metadata'), signal });
    if (statement.resourceType !== 'CapabilityStatement') {
      throw new ApiError('badResponse', `GET metadata answered with a ${statement.resourceType}, not a CapabilityStatement.`);
    }
    return statement;
  }

  private async bundleAt(url: URL, signal: AbortSignal | undefined): Promise<Bundle> {
    const body = await this.json({ method: 'GET', url, signal });
    if (!isBundle(body)) {
      throw new ApiError('badResponse', 'The search answered with something other than a Bundle.', { request: `GET ${url.pathname}` });
    }
    return body;
  }

  /**
   * A write's answer: the resource in the body, or, when Halaxy sends none, the resource read back from the
   * `Location` header (create) or from its own address (update, patch).
   */
  private async write(call: Call, type: string, id?: string): Promise<FhirResource> {
    const response = await this.send(call);
    if (response.body.length > 0) {
      return asResource(parseJson(response.body, label(call)), label(call));
    }
    const location = parseReference(stripQuery(response.headers.get('location') ?? ''));
    const target = id ?? (location?.type === type ? location.id : undefined);
    if (target === undefined) {
      throw new ApiError('badResponse', `The server created the ${type} but said neither what it stored nor where.`, { request: label(call) });
    }
    return this.read(type, target, call.signal);
  }

  private async json(call: Call): Promise<unknown> {
    const response = await this.send(call);
    return parseJson(response.body, label(call));
  }

  private async resource(call: Call): Promise<FhirResource> {
    return asResource(await this.json(call), label(call));
  }

  /** Sends with the cached token; a 401 means the token died early, so it is replaced and the request sent once more. */
  private async send(call: Call): Promise<HttpResponse<'buffer'>> {
    const token = await this.tokens.token(call.signal);
    try {
      return await this.sendWith(token, call);
    } catch (error) {
      if (!isApiError(error, 'auth') || error.status !== 401) {
        throw error;
      }
      this.tokens.invalidate(token);
      return this.sendWith(await this.tokens.token(call.signal), call);
    }
  }

  private sendWith(token: string, call: Call): Promise<HttpResponse<'buffer'>> {
    return this.http.send({
      method: call.method,
      url: call.url,
      headers: { ...this.baseHeaders(call.contentType ?? 'application/json'), Authorization: `Bearer ${token}` },
      body: call.body === undefined ? undefined : JSON.stringify(call.body),
      // Bytes, not parsed JSON: a write may answer with an empty body.
      responseBody: 'buffer',
      signal: call.signal,
      secrets: [this.options.clientSecret],
      onResponseHeaders: (_status, headers) => this.noteRateLimit(headers),
      // Halo's 503 means a practice's site is offline; Halaxy's means the API itself is unavailable.
      interpretError: (context) => (context.status === 503 ? errorFromResponse(context, 'badResponse') : undefined),
    });
  }

  private baseHeaders(contentType: string): Record<string, string> {
    return { Accept: FHIR_JSON, 'Content-Type': contentType, 'User-Agent': this.userAgent };
  }

  private noteRateLimit(headers: ResponseHeaders): void {
    const limit = headerInteger(headers, 'x-ratelimit-limit');
    const remaining = headerInteger(headers, 'x-ratelimit-remaining');
    if (limit === undefined || remaining === undefined) {
      return;
    }
    this.latestRateLimit = { limit, remaining, at: this.now() };
    this.options.onRateLimit?.(this.latestRateLimit);
  }

  private searchUrl(path: string, params: SearchParams): URL {
    const url = this.url(path);
    url.search = searchQuery(params);
    return url;
  }

  private url(path: string): URL {
    const url = new URL(this.baseUrl.href);
    url.pathname = `${this.baseUrl.pathname.replace(/\/+$/, '')}/${path}`;
    return url;
  }
}

function checkedType(type: unknown): string {
  if (typeof type !== 'string' || !RESOURCE_TYPE.test(type)) {
    // Checked before sending: anything else would reach Halaxy as a path that means something else.
    throw new ApiError('badRequest', `"${String(type)}" is not a FHIR resource type.`);
  }
  return type;
}

function instancePath(type: string, id: string): string {
  // `.` and `..` are valid FHIR ids in form, but a URL would resolve them to another path.
  if (!RESOURCE_ID.test(id) || id === '.' || id === '..') {
    throw new ApiError('badRequest', `"${id}" is not a FHIR resource id.`);
  }
  return `${checkedType(type)}/${id}`;
}

function parseJson(bytes: Buffer, request: string): unknown {
  try {
    return JSON.parse(bytes.toString('utf8')) as unknown;
  } catch {
    throw new ApiError('badResponse', 'The server sent a response that is not valid JSON.', { request });
  }
}

function label(call: Call): string {
  return `${call.method} ${call.url.pathname}`;
}

function asResource(body: unknown, request: string): FhirResource {
  const resourceType = (body as Partial<FhirResource> | null)?.resourceType;
  if (typeof body !== 'object' || body === null || Array.isArray(body) || typeof resourceType !== 'string') {
    throw new ApiError('badResponse', 'The server answered with something other than a FHIR resource.', { request });
  }
  return body as FhirResource;
}

function headerInteger(headers: ResponseHeaders, name: string): number | undefined {
  const text = headers.get(name)?.trim();
  return text !== undefined && /^\d+$/.test(text) ? Number(text) : undefined;
}

function stripQuery(location: string): string {
  return location.split(/[?#]/)[0];
}
