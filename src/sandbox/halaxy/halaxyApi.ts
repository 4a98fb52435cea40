import type { Clock } from '../clock';
import type { Faults } from '../faults';
import type { HttpHandler, HttpRequest, HttpResponse } from '../httpServer';
import { OAuthError } from './halaxyAuth';
import type { HalaxyAuth, HalaxyApiKey } from './halaxyAuth';
import type { HalaxyFhirService, HalaxyRequest } from './halaxyFhirService';
import { issue, ServiceError } from './resources/halaxyValidation';
import type { SlidingWindowRateLimiter } from './rateLimiter';
import { WebhookConfigError } from './webhooks';
import type { HalaxyWebhooks } from './webhooks';

/** Halaxy's API lives under `/main` on its host; so it does on the Sandbox's, beside Halo Connect's `/integrator`. */
export const HALAXY_BASE_PATH = '/main';

/** The Sandbox's own webhook settings (Halaxy has them in its UI only): GET lists, POST adds, DELETE clears. */
export const HALAXY_WEBHOOKS_PATH = '/_sandbox/halaxy/webhooks';

const TOKEN_PATH = `${HALAXY_BASE_PATH}/oauth/token`;
const FHIR_JSON = 'application/fhir+json; charset=utf-8';
const ACCEPTABLE = ['*/*', 'application/*', 'application/json', 'application/fhir+json'];
const JSON_BODIES = ['application/json', 'application/fhir+json'];
const MERGE_PATCH = 'application/merge-patch+json';
const FORM = 'application/x-www-form-urlencoded';
const ALLOWED_METHODS: readonly HalaxyRequest['method'][] = ['GET', 'POST', 'PUT', 'PATCH'];

/** True for the paths the Halaxy handler answers. */
export function isHalaxyPath(path: string): boolean {
  return path === HALAXY_BASE_PATH || path.startsWith(`${HALAXY_BASE_PATH}/`) || path === HALAXY_WEBHOOKS_PATH;
}

export interface HalaxyApiOptions {
  auth: HalaxyAuth;
  /** The key whose tokens may change the Sandbox's webhook settings (the practice's own, full-access key). */
  webhookAdmin: HalaxyApiKey;
  rateLimiter: SlidingWindowRateLimiter;
  service: HalaxyFhirService;
  webhooks: HalaxyWebhooks;
  faults: Faults;
  clock: Clock;
  /** Real-time wait for the latency fault. */
  wait(ms: number): Promise<void>;
  /** Absolute Halaxy base URL, `http://127.0.0.1:<port>/main`. */
  baseUrl(): string;
}

/** A refusal at the gateway, before the FHIR service sees the request, with the headers that go with it. */
class GatewayError extends ServiceError {
  constructor(
    status: number,
    code: 'login' | 'forbidden' | 'throttled' | 'transient' | 'too-long' | 'not-supported' | 'invalid',
    diagnostics: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(status, [issue(code, diagnostics)]);
    this.name = 'GatewayError';
  }
}

const fhirResponse = (status: number, body: unknown, headers: Record<string, string> = {}): HttpResponse => ({
  status,
  json: body,
  headers: { ...headers, 'content-type': FHIR_JSON },
});

const outcome = (error: GatewayError, headers: Record<string, string> = {}): HttpResponse =>
  fhirResponse(error.status, error.toOutcome(), { ...headers, ...error.headers });

/**
 * Halaxy's HTTP face over the Sandbox's Halaxy practice: the OAuth token endpoint, the gateway's checks (User-Agent,
 * bearer token, per-client sliding-window rate limit, media types, methods), fault injection, the FHIR service behind
 * them, and webhook notifications for the changes it reports.
 */
export function createHalaxyHandler(options: HalaxyApiOptions): HttpHandler {
  const { auth, faults, rateLimiter, webhooks } = options;

  const token = (request: HttpRequest): HttpResponse => {
    if (request.method !== 'POST') {
      throw new GatewayError(405, 'not-supported', 'The token endpoint takes POST only.', { Allow: 'POST' });
    }
    // OAuth answers in its own JSON (RFC 6749 §5.1, §5.2), never cached.
    const headers = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', pragma: 'no-cache' };
    try {
      return { status: 200, json: auth.issue(header(request, 'content-type'), request.body), headers };
    } catch (error) {
      if (error instanceof OAuthError) {
        return { status: error.status, json: error.toBody(), headers };
      }
      throw error;
    }
  };

  const authenticate = (request: HttpRequest): HalaxyApiKey => {
    const checked = auth.check(header(request, 'authorization'));
    if ('refused' in checked) {
      throw new GatewayError(401, 'login', checked.refused, { 'WWW-Authenticate': 'Bearer error="invalid_token"' });
    }
    return checked.client;
  };

  const fhir = (request: HttpRequest, client: HalaxyApiKey): HttpResponse => {
    const method = ALLOWED_METHODS.find((allowed) => allowed === request.method);
    if (!method) {
      // Nothing can be deleted through Halaxy's API (the service says so too; the gateway adds the Allow header).
      throw new GatewayError(405, 'not-supported', `${request.method} is not supported: Halaxy's API reads, creates and updates, and deletes nothing.`, {
        Allow: ALLOWED_METHODS.join(', '),
      });
    }
    checkAccept(request);
    let path: string;
    try {
      path = request.path.slice(HALAXY_BASE_PATH.length + 1).split('/').map(decodeURIComponent).join('/');
    } catch {
      throw new GatewayError(400, 'invalid', 'The request path is not validly percent-encoded.');
    }
    const body = readBody(request, method, path);
    const answer = options.service.handle({ method, path, params: request.query, body, baseUrl: options.baseUrl(), permissions: client.permissions });
    if (answer.changes && answer.changes.length > 0) {
      webhooks.notify(answer.changes);
    }
    return fhirResponse(answer.status, answer.body, answer.headers);
  };

  const webhookSettings = (request: HttpRequest): HttpResponse => {
    const client = authenticate(request);
    if (client !== options.webhookAdmin) {
      throw new GatewayError(403, 'forbidden', 'Only the full-access key may see or change the Sandbox\'s webhooks.');
    }
    if (request.method === 'GET') {
      return { status: 200, json: { webhooks: webhooks.list(), deliveries: webhooks.deliveries() } };
    }
    if (request.method === 'DELETE') {
      webhooks.clear();
      return { status: 204 };
    }
    if (request.method !== 'POST') {
      throw new GatewayError(405, 'not-supported', 'Webhook settings take GET, POST and DELETE.', { Allow: 'GET, POST, DELETE' });
    }
    try {
      return { status: 201, json: webhooks.register(parseJson(request.body)) };
    } catch (error) {
      if (error instanceof WebhookConfigError) {
        throw new GatewayError(400, 'invalid', error.message);
      }
      throw error;
    }
  };

  return async (request) => {
    let quota: Record<string, string> = {};
    try {
      if (request.path === HALAXY_WEBHOOKS_PATH) {
        return webhookSettings(request);
      }
      if (!header(request, 'user-agent')) {
        throw new GatewayError(403, 'forbidden', 'Requests must carry a User-Agent header naming the application.');
      }
      await options.wait(faults.takeLatency(request.path));
      const injected = faults.takeRequestFault();
      if (injected) {
        const headers: Record<string, string> = injected.retryAfterSeconds === undefined ? {} : { 'Retry-After': String(injected.retryAfterSeconds) };
        if (injected.status === 429) {
          Object.assign(headers, { 'x-ratelimit-limit': String(rateLimiter.limit), 'x-ratelimit-remaining': '0' });
          throw new GatewayError(429, 'throttled', 'Too many requests: slow down and retry after the time given in Retry-After.', headers);
        }
        throw new GatewayError(503, 'transient', 'Halaxy is temporarily unavailable: retry shortly.', headers);
      }
      if (request.bodyTooLarge) {
        throw new GatewayError(413, 'too-long', 'The request body is too large.');
      }
      if (request.path === TOKEN_PATH) {
        return token(request);
      }
      const client = authenticate(request);
      const decision = rateLimiter.take(client.clientId, options.clock.now());
      quota = { 'x-ratelimit-limit': String(decision.limit), 'x-ratelimit-remaining': String(decision.remaining) };
      if (!decision.allowed) {
        const retryAfter = String(decision.retryAfterSeconds);
        throw new GatewayError(429, 'throttled', `Rate limit of ${decision.limit} requests per minute exceeded: retry in ${retryAfter} s.`, { 'Retry-After': retryAfter });
      }
      const response = fhir(request, client);
      response.headers = { ...response.headers, ...quota };
      return response;
    } catch (error) {
      if (error instanceof GatewayError) {
        return outcome(error, quota);
      }
      throw error;
    }
  };
}

function header(request: HttpRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function mediaType(value: string | undefined): string {
  return (value ?? '').split(';')[0].trim().toLowerCase();
}

/** A missing Accept takes anything; one that names only other formats is refused, as Halaxy serves FHIR JSON alone. */
function checkAccept(request: HttpRequest): void {
  const accept = header(request, 'accept');
  if (accept === undefined || accept.trim() === '') {
    return;
  }
  if (!accept.split(',').some((range) => ACCEPTABLE.includes(mediaType(range)))) {
    throw new GatewayError(406, 'not-supported', `Halaxy answers in application/fhir+json only (Accept was "${accept}").`);
  }
}

/**
 * The body of a write as text for the service (which parses it and reports broken JSON in its own words): merge-patch
 * for PATCH, FHIR or plain JSON otherwise, a form for `POST {type}/_search`; 415 for anything else.
 */
function readBody(request: HttpRequest, method: HalaxyRequest['method'], path: string): string | undefined {
  if (method === 'GET' || request.body.length === 0) {
    return undefined;
  }
  const given = mediaType(header(request, 'content-type'));
  const accepted = method === 'PATCH' ? [MERGE_PATCH] : path.endsWith('/_search') ? [FORM, ...JSON_BODIES] : JSON_BODIES;
  if (!accepted.includes(given)) {
    throw new GatewayError(415, 'not-supported', `${method} bodies here must be ${accepted.join(' or ')} (Content-Type was "${given || 'absent'}").`);
  }
  return request.body.toString('utf8');
}

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    throw new GatewayError(400, 'invalid', 'The request body is not valid JSON.');
  }
}
