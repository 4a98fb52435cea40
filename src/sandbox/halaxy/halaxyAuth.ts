import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../clock';
import { FULL_ACCESS, NO_PATIENTS, READ_ONLY } from './halaxyPermissions';
import type { HalaxyPermissions } from './halaxyPermissions';

/** The Sandbox's three API keys. */
export type HalaxyClientName = 'full' | 'readOnly' | 'noPatients';

/** An API key as the practice creates it in Halaxy's API Key Manager: credentials plus per-resource permissions. */
export interface HalaxyApiKey {
  name: HalaxyClientName;
  clientId: string;
  clientSecret: string;
  permissions: HalaxyPermissions;
}

/** Halaxy's documented token lifetime: 15 minutes, whatever `expires_in` says. */
export const TOKEN_LIFETIME_SECONDS = 900;

/** Halaxy's token response (RFC 6749 §5.1). */
export interface TokenResponse {
  token_type: 'Bearer';
  expires_in: number;
  access_token: string;
}

/** A refused token request, answered in OAuth's own error shape (RFC 6749 §5.2), not as an OperationOutcome. */
export class OAuthError extends Error {
  constructor(
    readonly status: 400 | 401,
    readonly error: 'invalid_request' | 'invalid_client' | 'unsupported_grant_type',
    description: string,
  ) {
    super(description);
    this.name = 'OAuthError';
  }

  toBody(): { error: string; error_description: string } {
    return { error: this.error, error_description: this.message };
  }
}

const CLIENT_SPECS: readonly { name: HalaxyClientName; permissions: HalaxyPermissions }[] = [
  { name: 'full', permissions: FULL_ACCESS },
  { name: 'readOnly', permissions: READ_ONLY },
  { name: 'noPatients', permissions: NO_PATIENTS },
];

/** The Sandbox's API keys, full access first: a pure function of the seed, so that printed credentials survive a restart. */
export function buildHalaxyApiKeys(seed: number): HalaxyApiKey[] {
  const digest = (label: string) => createHash('sha256').update(`${seed}/halaxy/${label}`).digest();
  return CLIENT_SPECS.map(({ name, permissions }) => ({
    name,
    clientId: digest(`${name}/clientId`).toString('hex').slice(0, 32),
    clientSecret: digest(`${name}/clientSecret`).toString('base64url'),
    permissions,
  }));
}

export interface HalaxyAuthOptions {
  clients: readonly HalaxyApiKey[];
  clock: Clock;
  /**
   * What `expires_in` advertises, in seconds. Tokens die after {@link TOKEN_LIFETIME_SECONDS} regardless: 3600 emulates
   * the live API, whose responses may promise an hour while its documentation (and its gateway) allow 15 minutes.
   */
  advertisedExpiresIn?: number;
}

/** Where a bearer token was refused, said the way the 401 tells the client. */
export type BearerCheck = { client: HalaxyApiKey } | { refused: string };

const JSON_TYPES = ['application/json', 'application/fhir+json'];

/** Halaxy's OAuth 2.0 client-credentials grant and bearer-token checks, timed by the Sandbox clock. */
export class HalaxyAuth {
  // Insertion order is expiry order (one lifetime, a clock that never runs backwards), so pruning stops at the first live token.
  private readonly tokens = new Map<string, { client: HalaxyApiKey; expiresAt: number }>();
  private readonly advertisedExpiresIn: number;

  constructor(private readonly options: HalaxyAuthOptions) {
    this.advertisedExpiresIn = options.advertisedExpiresIn ?? TOKEN_LIFETIME_SECONDS;
    if (!Number.isInteger(this.advertisedExpiresIn) || this.advertisedExpiresIn < 1) {
      throw new RangeError(`expires_in must be a positive integer (got ${this.advertisedExpiresIn}).`);
    }
  }

  /**
   * `POST /main/oauth/token`. Halaxy documents a JSON body only, so a form-encoded body (RFC 6749's usual encoding) is
   * refused with `invalid_request` rather than quietly accepted: a client that works here must work against Halaxy.
   */
  issue(contentType: string | undefined, body: Buffer): TokenResponse {
    const mediaType = (contentType ?? '').split(';')[0].trim().toLowerCase();
    if (!JSON_TYPES.includes(mediaType)) {
      const hint = mediaType === 'application/x-www-form-urlencoded' ? ' Halaxy takes the client credentials as JSON, not as a form.' : '';
      throw new OAuthError(400, 'invalid_request', `The token request must be sent as Content-Type: application/json.${hint}`);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch {
      throw new OAuthError(400, 'invalid_request', 'The token request body is not valid JSON.');
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new OAuthError(400, 'invalid_request', 'The token request body must be a JSON object with grant_type, client_id and client_secret.');
    }
    const fields = parsed as Record<string, unknown>;
    if (fields.grant_type === undefined) {
      throw new OAuthError(400, 'invalid_request', 'grant_type is required.');
    }
    if (fields.grant_type !== 'client_credentials') {
      throw new OAuthError(400, 'unsupported_grant_type', `Only the client_credentials grant is supported (got ${JSON.stringify(fields.grant_type)}).`);
    }
    const client = this.findClient(fields.client_id, fields.client_secret);
    const now = this.options.clock.now();
    this.prune(now);
    const token = randomBytes(32).toString('base64url');
    this.tokens.set(token, { client, expiresAt: now + TOKEN_LIFETIME_SECONDS * 1000 });
    return { token_type: 'Bearer', expires_in: this.advertisedExpiresIn, access_token: token };
  }

  /** Checks an `Authorization` header: a live bearer token names the client it was issued to. */
  check(authorization: string | undefined): BearerCheck {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
    if (!match) {
      return { refused: authorization ? 'The Authorization header must be "Bearer <access token>".' : 'An access token is required: send Authorization: Bearer <access token>.' };
    }
    const entry = this.tokens.get(match[1]);
    if (!entry) {
      return { refused: 'The access token is not valid.' };
    }
    if (this.options.clock.now() >= entry.expiresAt) {
      return { refused: 'The access token has expired: request a new one.' };
    }
    return { client: entry.client };
  }

  private findClient(clientId: unknown, clientSecret: unknown): HalaxyApiKey {
    if (typeof clientId !== 'string' || typeof clientSecret !== 'string' || clientId === '' || clientSecret === '') {
      throw new OAuthError(401, 'invalid_client', 'client_id and client_secret are required.');
    }
    const client = this.options.clients.find((candidate) => candidate.clientId === clientId);
    if (!client || !sameText(client.clientSecret, clientSecret)) {
      // One message for both, as an OAuth server should: which half was wrong is not the caller's to learn.
      throw new OAuthError(401, 'invalid_client', 'Client authentication failed: unknown client_id or wrong client_secret.');
    }
    return client;
  }

  private prune(now: number): void {
    for (const [token, entry] of this.tokens) {
      if (entry.expiresAt > now) {
        return;
      }
      this.tokens.delete(token);
    }
  }
}

function sameText(expected: string, given: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}
