import assert from 'node:assert/strict';
import { isApiError } from '../../../../src/core/errors';
import { HttpClient } from '../../../../src/core/http/httpClient';
import { TokenCache } from '../../../../src/core/halaxy/tokenCache';
import { rejectionOf, sendJson, sleep, startLoopback } from '../support/loopbackServer';
import type { LoopbackServer } from '../support/loopbackServer';

describe('core/halaxy TokenCache', () => {
  let server: LoopbackServer;
  let http: HttpClient;
  /** What the next token response carries; `fail` answers 500 instead. */
  let answer: { expiresIn?: number; fail?: boolean; delayMs?: number };
  let time: number;

  before(async () => {
    server = await startLoopback(async (_request, response) => {
      await sleep(answer.delayMs ?? 0);
      if (answer.fail) return sendJson(response, 500, { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'exception', diagnostics: 'Token service down.' }] });
      const token = `token-${server.requests.length}-abcdefgh`;
      sendJson(response, 200, { token_type: 'Bearer', access_token: token, ...(answer.expiresIn === undefined ? {} : { expires_in: answer.expiresIn }) });
    });
    http = new HttpClient({ maxAttempts: 1 });
  });

  beforeEach(() => {
    server.requests.length = 0;
    answer = { expiresIn: 3600 };
    time = Date.UTC(2025, 5, 2);
  });

  after(async () => {
    http.dispose();
    await server.close();
  });

  function cache(): TokenCache {
    return new TokenCache({
      tokenUrl: new URL('/main/oauth/token', server.url),
      clientId: 'client-id',
      clientSecret: 'client-secret-0123456789',
      http,
      headers: { Accept: 'application/fhir+json', 'Content-Type': 'application/json', 'User-Agent': 'test/1' },
      now: () => time,
    });
  }

  /** The instant (seconds after the first request) at which the cache first asks for a second token. */
  async function refreshAfterSeconds(tokens: TokenCache): Promise<number> {
    const start = time;
    const first = await tokens.token();
    for (let second = 0; second <= 3600; second++) {
      time = start + second * 1000;
      if ((await tokens.token()) !== first) {
        return second;
      }
    }
    throw new Error('The token was never refreshed.');
  }

  it('keeps a token for min(expires_in, 900 s) less a 60 s margin', async () => {
    assert.equal(await refreshAfterSeconds(cache()), 840, 'expires_in 3600 is capped at Halaxy’s 15 minutes');
    answer = { expiresIn: 300 };
    assert.equal(await refreshAfterSeconds(cache()), 240);
    answer = {};
    assert.equal(await refreshAfterSeconds(cache()), 840, 'no expires_in: the documented 15 minutes');
    answer = { expiresIn: 60 };
    assert.equal(await refreshAfterSeconds(cache()), 30, 'a short-lived token keeps half its life');
  });

  it('shares one token request among concurrent callers', async () => {
    answer = { expiresIn: 900, delayMs: 50 };
    const tokens = cache();
    const values = await Promise.all(Array.from({ length: 6 }, () => tokens.token()));
    assert.equal(new Set(values).size, 1);
    assert.equal(server.requests.length, 1);
  });

  it('shares a failure too, then tries again on the next call', async () => {
    answer = { fail: true, delayMs: 30 };
    const tokens = cache();
    const failures = await Promise.all(Array.from({ length: 3 }, () => rejectionOf(tokens.token())));
    assert.ok(failures.every((failure) => isApiError(failure, 'badResponse') && failure.message === 'Token service down.'));
    assert.equal(server.requests.length, 1);
    answer = { expiresIn: 900 };
    assert.match(await tokens.token(), /^token-2-/);
  });

  it('forgets only the token that was refused', async () => {
    const tokens = cache();
    const first = await tokens.token();
    tokens.invalidate('some-older-token');
    assert.equal(await tokens.token(), first);
    tokens.invalidate(first);
    const second = await tokens.token();
    assert.notEqual(second, first);
    // A request refused with the old token after the new one arrived must not throw the new one away.
    tokens.invalidate(first);
    assert.equal(await tokens.token(), second);
    assert.equal(server.requests.length, 2);
  });

  it('lets one caller give up without cancelling the request the others wait for', async () => {
    answer = { expiresIn: 900, delayMs: 80 };
    const tokens = cache();
    const controller = new AbortController();
    const quitter = tokens.token(controller.signal);
    const stayer = tokens.token();
    controller.abort();
    const quit = await rejectionOf(quitter);
    assert.ok(isApiError(quit, 'cancelled'));
    assert.equal(quit.request, 'POST /main/oauth/token');
    assert.match(await stayer, /^token-1-/);
    assert.equal(server.requests.length, 1);
    assert.ok(isApiError(await rejectionOf(tokens.token(AbortSignal.abort())), 'cancelled'), 'an aborted caller gets no token, cached or not');
    assert.ok(isApiError(await rejectionOf(cache().token(AbortSignal.abort())), 'cancelled'));
    assert.equal(server.requests.length, 1, 'and starts no request');
  });
});
