import { ApiError } from '../errors';
import { errorFromResponse } from '../http/errorMapping';
import type { HttpClient, HttpRequest } from '../http/httpClient';
import { abortable, cancelledError } from '../http/retryTiming';

export interface TokenCacheOptions {
  /** `{base}/oauth/token`. */
  tokenUrl: URL;
  clientId: string;
  clientSecret: string;
  http: HttpClient;
  /** Headers every Halaxy request carries (Accept, Content-Type, User-Agent). */
  headers: Readonly<Record<string, string>>;
  /** Milliseconds since the epoch; tests pass a clock they move by hand. */
  now?: () => number;
  /** Sees every response of the token endpoint, as the client's other requests do. */
  onResponseHeaders?: HttpRequest<'json'>['onResponseHeaders'];
}

/** Halaxy's documentation says tokens last 15 minutes, whatever `expires_in` claims. */
const MAX_LIFETIME_SECONDS = 900;

/** How long before its end a token is dropped, so that none expires in flight. */
const MARGIN_MS = 60_000;

/** The OAuth 2 error codes that mean the credentials themselves were refused (RFC 6749 §5.2). */
const CREDENTIAL_ERRORS: ReadonlySet<string> = new Set(['invalid_client', 'invalid_grant', 'unauthorized_client']);

interface CachedToken {
  value: string;
  /** Epoch milliseconds after which the token is not used again. */
  usableUntil: number;
}

/**
 * Halaxy access tokens by the client-credentials grant: one token at a time, reused until shortly before it expires,
 * and one token request however many callers need a token at once.
 */
export class TokenCache {
  private cached?: CachedToken;
  private pending?: Promise<CachedToken>;
  private readonly now: () => number;

  constructor(private readonly options: TokenCacheOptions) {
    this.now = options.now ?? Date.now;
  }

  /** A usable token, fetched only when there is none. */
  async token(signal?: AbortSignal): Promise<string> {
    const request = `POST ${this.options.tokenUrl.pathname}`;
    if (signal?.aborted) {
      throw cancelledError(request);
    }
    if (this.cached && this.now() < this.cached.usableUntil) {
      return this.cached.value;
    }
    // The shared request carries no caller's signal: one caller giving up must not fail the others waiting on it.
    this.pending ??= this.request().finally(() => {
      this.pending = undefined;
    });
    return (await abortable(this.pending, signal, request)).value;
  }

  /**
   * Forgets `token` after the API refused it. A token that was already replaced is left alone, so that several
   * requests refused together lead to one new token, not one each.
   */
  invalidate(token: string): void {
    if (this.cached?.value === token) {
      this.cached = undefined;
    }
  }

  private async request(): Promise<CachedToken> {
    // Counted from before the request, so the token is dropped early rather than late.
    const requestedAt = this.now();
    const { body } = await this.options.http.send({
      method: 'POST',
      url: this.options.tokenUrl,
      headers: this.options.headers,
      body: JSON.stringify({ grant_type: 'client_credentials', client_id: this.options.clientId, client_secret: this.options.clientSecret }),
      responseBody: 'json',
      secrets: [this.options.clientSecret],
      onResponseHeaders: this.options.onResponseHeaders,
      interpretError: (context) => {
        const code = (context.body as { error?: unknown } | undefined)?.error;
        const refused = context.status === 401 || (context.status === 400 && typeof code === 'string' && CREDENTIAL_ERRORS.has(code));
        return refused ? errorFromResponse(context, 'auth') : undefined;
      },
    });
    const { access_token: value, token_type: type, expires_in: expiresIn } = (body ?? {}) as Record<string, unknown>;
    if (typeof value !== 'string' || value === '' || (type !== undefined && String(type).toLowerCase() !== 'bearer')) {
      throw new ApiError('badResponse', 'The token endpoint answered without a bearer access token.', { request: `POST ${this.options.tokenUrl.pathname}` });
    }
    const lifetimeMs = Math.min(typeof expiresIn === 'number' && expiresIn > 0 ? expiresIn : MAX_LIFETIME_SECONDS, MAX_LIFETIME_SECONDS) * 1000;
    // A short-lived token keeps at least half its life, however large the margin.
    const token = { value, usableUntil: requestedAt + lifetimeMs - Math.min(MARGIN_MS, lifetimeMs / 2) };
    this.cached = token;
    return token;
  }
}
