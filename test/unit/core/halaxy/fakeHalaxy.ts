import type { ServerResponse } from 'node:http';
import { sendJson, sleep, startLoopback } from '../support/loopbackServer';
import type { LoopbackServer, RecordedRequest } from '../support/loopbackServer';

export const CLIENT_ID = 'client-0123456789';
export const CLIENT_SECRET = 'secret-LEAKCHECK-abcdef0123456789';

export interface FakeHalaxyOptions {
  /** Delay before the token endpoint answers, so concurrent callers overlap. */
  tokenDelayMs?: number;
  /** Headers added to every response (rate-limit headers, say). */
  headers?: (request: RecordedRequest) => Record<string, string>;
}

/** Answers one API request that passed the bearer check; `token` is the one it carried. */
export type FakeRoute = (request: RecordedRequest, response: ServerResponse, token: string) => void | Promise<void>;

export interface FakeHalaxy {
  server: LoopbackServer;
  /** `{server}/main`, as a region's base URL. */
  baseUrl: string;
  tokenRequests(): RecordedRequest[];
  apiRequests(): RecordedRequest[];
  /** Refuses every token issued so far with 401, as Halaxy does once a token expires. */
  revokeTokens(): void;
  /** Tokens issued so far, in order (`token-1`, `token-2`, …). */
  issued: string[];
}

/**
 * A loopback server that speaks Halaxy's token endpoint and bearer checks (tokens `token-1`, `token-2`, …) and hands
 * every authorised request under `/main/` to `route`.
 */
export async function startFakeHalaxy(route: FakeRoute, options: FakeHalaxyOptions = {}): Promise<FakeHalaxy> {
  const issued: string[] = [];
  const live = new Set<string>();
  const server = await startLoopback(async (request, response) => {
    const extra = options.headers?.(request) ?? {};
    const path = request.url.split('?')[0];
    if (path === '/main/oauth/token') {
      await sleep(options.tokenDelayMs ?? 0);
      const body = JSON.parse(request.body.toString('utf8')) as Record<string, unknown>;
      if (body.client_id !== CLIENT_ID || body.client_secret !== CLIENT_SECRET) {
        return sendJson(response, 401, { error: 'invalid_client', error_description: 'Client authentication failed.' }, extra);
      }
      const token = `token-${issued.length + 1}-${'x'.repeat(24)}`;
      issued.push(token);
      live.add(token);
      return sendJson(response, 200, { token_type: 'Bearer', expires_in: 3600, access_token: token }, extra);
    }
    const token = /^Bearer (\S+)$/.exec(request.headers.authorization ?? '')?.[1];
    if (token === undefined || !live.has(token)) {
      return sendJson(response, 401, outcome('login', 'The access token has expired.'), extra);
    }
    for (const [name, value] of Object.entries(extra)) {
      response.setHeader(name, value);
    }
    await route(request, response, token);
  });
  return {
    server,
    baseUrl: `${server.url}/main`,
    tokenRequests: () => server.requests.filter((request) => request.url === '/main/oauth/token'),
    apiRequests: () => server.requests.filter((request) => request.url !== '/main/oauth/token'),
    revokeTokens: () => live.clear(),
    issued,
  };
}

export function outcome(code: string, diagnostics: string): unknown {
  return { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code, diagnostics }] };
}

/** FHIR JSON, as Halaxy sends it. */
export function sendFhir(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  sendJson(response, status, body, { 'content-type': 'application/fhir+json', ...headers });
}
