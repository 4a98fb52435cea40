import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { PassThrough } from 'node:stream';
import type { Readable } from 'node:stream';
import { ApiError } from '../errors';
import type { ApiErrorKind } from '../errors';
import { errorFromResponse, secretRedactor } from './errorMapping';
import type { ResponseErrorContext } from './errorMapping';
import { HostLimiter } from './hostLimiter';
import type { ReleaseSlot } from './hostLimiter';
import { loadFetch } from './loadFetch';
import { abortableDelay, backoffDelay, cancelledError, parseRetryAfter } from './retryTiming';

export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** How the caller wants a successful response's body: parsed JSON, bytes, a Node stream, or drained and dropped. */
export type ResponseBodyKind = 'json' | 'buffer' | 'stream' | 'none';

export type ResponseBody<K extends ResponseBodyKind> = K extends 'json'
  ? unknown
  : K extends 'buffer'
    ? Buffer
    : K extends 'stream'
      ? Readable
      : undefined;

export interface ResponseHeaders {
  get(name: string): string | null;
}

export interface HttpResponse<K extends ResponseBodyKind> {
  status: number;
  headers: ResponseHeaders;
  /**
   * For `stream`, the caller must read the stream to its end or destroy it: it holds a per-host slot until then.
   * Errors on the stream are `ApiError`s (`cancelled`, `network`).
   */
  body: ResponseBody<K>;
}

export interface HttpRequest<K extends ResponseBodyKind> {
  method: HttpMethod;
  url: URL;
  headers?: Readonly<Record<string, string>>;
  body?: string | Buffer;
  responseBody: K;
  signal?: AbortSignal;
  /** Overrides the client's per-attempt timeout. */
  timeoutMs?: number;
  /**
   * A chance to turn an error response into a more specific error (a failed query, say) before the generic
   * status mapping applies; return undefined to keep the generic one.
   */
  interpretError?: (context: ResponseErrorContext) => ApiError | undefined;
  /**
   * Values to keep out of errors besides the credential headers' (which are always kept out): a client secret sent
   * in the body, say.
   */
  secrets?: readonly string[];
  /** Sees the status and headers of every response, each attempt's, error or not (rate-limit quotas, for example). */
  onResponseHeaders?: (status: number, headers: ResponseHeaders) => void;
}

/** What the observability hooks see: never headers, bodies or query strings. */
export interface RequestEvent {
  method: HttpMethod;
  path: string;
  attempt: number;
}

export interface ResponseEvent extends RequestEvent {
  /** Absent when no response arrived (network failure, timeout, cancellation). */
  status?: number;
  ms: number;
  errorKind?: ApiErrorKind;
}

export interface HttpClientOptions {
  /** Per attempt, until the whole body has arrived (until the headers for streams). Default 30 000. */
  timeoutMs?: number;
  /** Attempts per request, the first included. Default 4. */
  maxAttempts?: number;
  /** No retry starts once this much time has passed since the first attempt. Default 60 000. */
  retryBudgetMs?: number;
  /** Requests in flight per host (`hostname:port`); the rest wait their turn. Default 4. */
  maxInFlightPerHost?: number;
  /** First backoff ceiling; doubles with each retry up to `retryMaxDelayMs`. Default 500. */
  retryBaseDelayMs?: number;
  /** Default 10 000. */
  retryMaxDelayMs?: number;
  onRequest?: (event: RequestEvent) => void;
  onResponse?: (event: ResponseEvent) => void;
}

const IDEMPOTENT_METHODS: ReadonlySet<HttpMethod> = new Set<HttpMethod>(['GET', 'HEAD', 'PUT', 'DELETE']);
const SENSITIVE_HEADERS: ReadonlySet<string> = new Set([
  'authorization',
  'proxy-authorization',
  'cookie',
  'ocp-apim-subscription-key',
  'x-api-key',
]);
const ERROR_BODY_LIMIT = 1024 * 1024;

/** A failure worth another attempt; never escapes the retry loop. */
class RetryableFailure {
  constructor(
    readonly error: ApiError,
    readonly retryAfterMs?: number,
  ) {}
}

interface Attempt {
  timedOut: boolean;
  timer?: ReturnType<typeof setTimeout>;
  releaseSlot: ReleaseSlot;
  onCallerAbort: () => void;
}

/**
 * The one fetch wrapper under every API client: keep-alive agents, a per-attempt timeout, cancellation through
 * `AbortSignal`, retries with backoff on 429/503 (and on network failures of idempotent methods) honouring
 * `Retry-After`, a per-host limit on requests in flight, and error responses mapped to `ApiError`.
 * Errors never carry the values of credential headers, even when a server echoes them back.
 */
export class HttpClient {
  private readonly timeoutMs: number;
  private readonly maxAttempts: number;
  private readonly retryBudgetMs: number;
  private readonly retryBaseDelayMs: number;
  private readonly retryMaxDelayMs: number;
  private readonly limiter: HostLimiter;
  private agents?: { http: HttpAgent; https: HttpsAgent };

  constructor(private readonly options: HttpClientOptions = {}) {
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.maxAttempts = Math.max(1, options.maxAttempts ?? 4);
    this.retryBudgetMs = options.retryBudgetMs ?? 60_000;
    this.retryBaseDelayMs = options.retryBaseDelayMs ?? 500;
    this.retryMaxDelayMs = options.retryMaxDelayMs ?? 10_000;
    this.limiter = new HostLimiter(options.maxInFlightPerHost ?? 4);
  }

  /** Sends `request`, retrying where that is safe, and resolves with a 2xx response or rejects with an `ApiError`. */
  async send<K extends ResponseBodyKind>(request: HttpRequest<K>): Promise<HttpResponse<K>> {
    const label = `${request.method} ${request.url.pathname}`;
    const redact = secretRedactor([...secretsIn(request.headers), ...(request.secrets ?? [])]);
    const started = Date.now();
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.attempt(request, attempt, label, redact);
      } catch (failure) {
        if (!(failure instanceof RetryableFailure)) {
          throw failure;
        }
        const wait = failure.retryAfterMs ?? backoffDelay(attempt, this.retryBaseDelayMs, this.retryMaxDelayMs);
        if (attempt >= this.maxAttempts || Date.now() + wait - started > this.retryBudgetMs) {
          throw failure.error;
        }
        await abortableDelay(wait, request.signal, label);
      }
    }
  }

  /** Closes the pooled keep-alive sockets. Requests after this open new ones. */
  dispose(): void {
    this.agents?.http.destroy();
    this.agents?.https.destroy();
    this.agents = undefined;
  }

  private agentFor(url: URL): HttpAgent {
    this.agents ??= { http: new HttpAgent({ keepAlive: true }), https: new HttpsAgent({ keepAlive: true }) };
    return url.protocol === 'https:' ? this.agents.https : this.agents.http;
  }

  private async attempt<K extends ResponseBodyKind>(
    request: HttpRequest<K>,
    attemptNumber: number,
    label: string,
    redact: (text: string) => string,
  ): Promise<HttpResponse<K>> {
    const fetch = await loadFetch();
    const releaseSlot = await this.limiter.acquire(request.url.host, request.signal, label);
    const controller = new AbortController();
    const attempt: Attempt = { timedOut: false, releaseSlot, onCallerAbort: () => controller.abort() };
    if (request.signal?.aborted) {
      releaseSlot();
      throw cancelledError(label);
    }
    request.signal?.addEventListener('abort', attempt.onCallerAbort, { once: true });
    const timeoutMs = request.timeoutMs ?? this.timeoutMs;
    attempt.timer = setTimeout(() => {
      attempt.timedOut = true;
      controller.abort();
    }, timeoutMs);

    const event: RequestEvent = { method: request.method, path: request.url.pathname, attempt: attemptNumber };
    const started = Date.now();
    let handedOver = false;
    const report = (status?: number, errorKind?: ApiErrorKind): void =>
      this.options.onResponse?.({ ...event, status, ms: Date.now() - started, errorKind });
    try {
      this.options.onRequest?.(event);
      let response: Awaited<ReturnType<typeof fetch>>;
      try {
        response = await fetch(request.url.href, {
          method: request.method,
          headers: request.headers,
          body: request.body,
          signal: controller.signal,
          agent: this.agentFor(request.url),
          // Following a redirect would send the subscription key to wherever it points.
          redirect: 'manual',
        });
      } catch (error) {
        throw this.transportFailure(error, request, attempt, label, timeoutMs, redact, report);
      }
      request.onResponseHeaders?.(response.status, response.headers);

      if (response.status >= 200 && response.status < 300) {
        if (request.responseBody === 'stream') {
          clearTimeout(attempt.timer);
          report(response.status);
          handedOver = true;
          return { status: response.status, headers: response.headers, body: relayStream(response.body, attempt, request.signal, label) as ResponseBody<K> };
        }
        let bytes: Buffer;
        try {
          bytes = Buffer.from(await response.arrayBuffer());
        } catch (error) {
          throw this.transportFailure(error, request, attempt, label, timeoutMs, redact, report);
        }
        report(response.status);
        return { status: response.status, headers: response.headers, body: decodeBody(request.responseBody, bytes, label) as ResponseBody<K> };
      }

      const raw = await readLimited(response.body, ERROR_BODY_LIMIT);
      const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));
      const context: ResponseErrorContext = {
        status: response.status,
        body: parseJsonOrUndefined(raw),
        request: label,
        retryAfterSeconds: retryAfterMs === undefined ? undefined : Math.ceil(retryAfterMs / 1000),
        redact,
      };
      const error =
        response.status >= 300 && response.status < 400
          ? new ApiError('badResponse', `The server answered ${response.status} with a redirect, which this client does not follow.`, { status: response.status, request: label })
          : (request.interpretError?.(context) ?? errorFromResponse(context));
      report(response.status, error.kind);
      if (response.status === 429 || response.status === 503) {
        throw new RetryableFailure(error, retryAfterMs);
      }
      throw error;
    } finally {
      if (!handedOver) {
        clearTimeout(attempt.timer);
        request.signal?.removeEventListener('abort', attempt.onCallerAbort);
        releaseSlot();
      }
    }
  }

  private transportFailure(
    error: unknown,
    request: HttpRequest<ResponseBodyKind>,
    attempt: Attempt,
    label: string,
    timeoutMs: number,
    redact: (text: string) => string,
    report: (status?: number, errorKind?: ApiErrorKind) => void,
  ): ApiError | RetryableFailure {
    if (request.signal?.aborted) {
      report(undefined, 'cancelled');
      return cancelledError(label);
    }
    if (attempt.timedOut) {
      report(undefined, 'timeout');
      // A timed-out request is not retried: the caller has already waited as long as it was willing to.
      return new ApiError('timeout', `The server did not answer within ${formatSeconds(timeoutMs)}.`, { request: label });
    }
    report(undefined, 'network');
    const code = (error as { code?: unknown }).code;
    const networkError = new ApiError(
      'network',
      `Could not reach the server${typeof code === 'string' ? ` (${code})` : ''}.`,
      { request: label, cause: sanitisedCause(error, redact) },
    );
    return IDEMPOTENT_METHODS.has(request.method) ? new RetryableFailure(networkError) : networkError;
  }
}

function secretsIn(headers: Readonly<Record<string, string>> | undefined): string[] {
  const secrets: string[] = [];
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (SENSITIVE_HEADERS.has(name.toLowerCase())) {
      secrets.push(value);
      // `Bearer <token>`: the token alone must go too.
      secrets.push(...value.split(/\s+/).slice(1));
    }
  }
  return secrets;
}

/**
 * node-fetch's errors name the full URL; keep only the underlying reason (`connect ECONNREFUSED …`) and its code,
 * redacted, so that a cause chain can be logged without leaking anything.
 */
function sanitisedCause(error: unknown, redact: (text: string) => string): Error {
  const original = error as { message?: unknown; code?: unknown };
  const message = typeof original.message === 'string' ? original.message : String(error);
  const reason = message.includes('reason: ') ? message.slice(message.indexOf('reason: ') + 'reason: '.length) : message;
  const cause = new Error(redact(reason.replace(/https?:\/\/\S+/g, '<url>')));
  if (typeof original.code === 'string') {
    Object.assign(cause, { code: original.code });
  }
  return cause;
}

function decodeBody(kind: ResponseBodyKind, bytes: Buffer, label: string): unknown {
  if (kind === 'buffer') {
    return bytes;
  }
  if (kind === 'none') {
    return undefined;
  }
  const parsed = parseJsonOrUndefined(bytes);
  if (parsed === undefined) {
    throw new ApiError('badResponse', 'The server sent a response that is not valid JSON.', { request: label });
  }
  return parsed;
}

function parseJsonOrUndefined(bytes: Buffer): unknown {
  if (bytes.length === 0) {
    return undefined;
  }
  try {
    return JSON.parse(bytes.toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

async function readLimited(body: NodeJS.ReadableStream | null, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  if (!body) {
    return Buffer.alloc(0);
  }
  try {
    for await (const chunk of body) {
      const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk);
      chunks.push(bytes.subarray(0, limit - size));
      size += bytes.length;
      if (size >= limit) {
        break;
      }
    }
  } catch {
    // A broken error body still leaves the status to report.
  }
  return Buffer.concat(chunks);
}

/**
 * Hands the response body to the caller as a stream whose errors are `ApiError`s, and gives the host slot back and
 * stops listening to the caller's signal once the stream closes, however it closes.
 */
function relayStream(source: NodeJS.ReadableStream | null, attempt: Attempt, signal: AbortSignal | undefined, label: string): Readable {
  const output = new PassThrough();
  if (!source) {
    output.end();
  } else {
    const readable = source as Readable;
    readable.on('error', (error: unknown) => {
      output.destroy(
        signal?.aborted
          ? cancelledError(label)
          : new ApiError('network', 'The connection broke while the response was arriving.', {
              request: label,
              cause: new Error((error as { code?: string }).code ?? 'stream error'),
            }),
      );
    });
    readable.pipe(output);
    output.once('close', () => {
      if (!readable.destroyed && !readable.readableEnded) {
        readable.destroy();
      }
    });
  }
  output.once('close', () => {
    signal?.removeEventListener('abort', attempt.onCallerAbort);
    attempt.releaseSlot();
  });
  return output;
}

function formatSeconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}
