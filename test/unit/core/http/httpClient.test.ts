import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ApiError, isApiError } from '../../../../src/core/errors';
import { HttpClient } from '../../../../src/core/http/httpClient';
import type { HttpClientOptions, RequestEvent, ResponseEvent } from '../../../../src/core/http/httpClient';
import { closedPort, rejectionOf, sendJson, sleep, startLoopback } from '../support/loopbackServer';
import type { Handler, LoopbackServer } from '../support/loopbackServer';

describe('core/http HttpClient', () => {
  const servers: LoopbackServer[] = [];
  const clients: HttpClient[] = [];

  async function serve(handler: Handler): Promise<LoopbackServer> {
    const server = await startLoopback(handler);
    servers.push(server);
    return server;
  }

  function client(options: HttpClientOptions = {}): HttpClient {
    const created = new HttpClient({ retryBaseDelayMs: 20, retryMaxDelayMs: 100, ...options });
    clients.push(created);
    return created;
  }

  afterEach(async () => {
    clients.splice(0).forEach((created) => created.dispose());
    await Promise.all(servers.splice(0).map((server) => server.close()));
  });

  it('loads node-fetch lazily, never with a static import', () => {
    const sources = ['httpClient.ts', 'loadFetch.ts', 'errorMapping.ts', 'hostLimiter.ts', 'retryTiming.ts'].map((name) =>
      readFileSync(join(__dirname, '../../../../src/core/http', name), 'utf8'),
    );
    for (const source of sources) {
      assert.doesNotMatch(source, /^import (?!type)[^;]*'node-fetch'/m);
      assert.doesNotMatch(source, /require\('node-fetch'\)/);
    }
    assert.match(sources[1], /import\('node-fetch'\)/);
  });

  it('returns JSON, Buffer, stream and empty bodies', async () => {
    const server = await serve((request, response) => {
      if (request.url === '/json') return sendJson(response, 200, { hello: 'wörld' });
      if (request.url === '/bytes') return void response.end(Buffer.from([0, 1, 2, 255]));
      if (request.url === '/stream') {
        response.write('part one,');
        setTimeout(() => response.end('part two'), 30);
        return;
      }
      response.writeHead(204).end();
    });
    const http = client();
    const json = await http.send({ method: 'GET', url: new URL('/json', server.url), responseBody: 'json' });
    assert.deepEqual(json.body, { hello: 'wörld' });
    assert.equal(json.headers.get('content-type'), 'application/json');
    const bytes = await http.send({ method: 'GET', url: new URL('/bytes', server.url), responseBody: 'buffer' });
    assert.deepEqual([...bytes.body], [0, 1, 2, 255]);
    const stream = await http.send({ method: 'GET', url: new URL('/stream', server.url), responseBody: 'stream' });
    const chunks: Buffer[] = [];
    for await (const chunk of stream.body) chunks.push(chunk as Buffer);
    assert.equal(Buffer.concat(chunks).toString(), 'part one,part two');
    const none = await http.send({ method: 'DELETE', url: new URL('/gone', server.url), responseBody: 'none' });
    assert.equal(none.status, 204);
    assert.equal(none.body, undefined);
  });

  it('times out a request that gets no answer', async () => {
    const server = await serve(() => undefined);
    const started = Date.now();
    const error = await rejectionOf(
      client({ timeoutMs: 200 }).send({ method: 'GET', url: new URL('/slow?x=1', server.url), responseBody: 'json' }),
    );
    const elapsed = Date.now() - started;
    assert.ok(isApiError(error, 'timeout'), String(error));
    assert.equal(error.request, 'GET /slow');
    assert.ok(elapsed >= 190 && elapsed < 1500, `elapsed ${elapsed}`);
    assert.equal(server.requests.length, 1, 'a timed-out request is not retried');
  });

  it('cancels mid-request at once and closes the request at the server', async () => {
    let serverSawClose = false;
    const server = await serve((_request, response) => {
      response.once('close', () => (serverSawClose = true));
    });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const started = Date.now();
    const error = await rejectionOf(
      client().send({ method: 'GET', url: new URL('/hang', server.url), responseBody: 'json', signal: controller.signal }),
    );
    assert.ok(isApiError(error, 'cancelled'), String(error));
    assert.ok(Date.now() - started < 1000);
    await sleep(50);
    assert.ok(serverSawClose, 'the server saw the connection close');
  });

  it('cancels during the wait before a retry, without sending again', async () => {
    const server = await serve((_request, response) => sendJson(response, 503, { error: { message: 'busy' } }, { 'retry-after': '5' }));
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 150);
    const started = Date.now();
    const error = await rejectionOf(
      client().send({ method: 'GET', url: new URL('/x', server.url), responseBody: 'json', signal: controller.signal }),
    );
    assert.ok(isApiError(error, 'cancelled'));
    assert.ok(Date.now() - started < 1000, 'did not sit out the Retry-After');
    await sleep(200);
    assert.equal(server.requests.length, 1);
  });

  it('honours Retry-After in seconds on 429', async () => {
    const server = await serve((request, response) => {
      if (server.requests.length === 1) return sendJson(response, 429, { error: { message: 'slow down' } }, { 'retry-after': '1' });
      sendJson(response, 200, { ok: request.url });
    });
    const started = Date.now();
    const result = await client().send({ method: 'POST', url: new URL('/q', server.url), body: '{}', responseBody: 'json' });
    const elapsed = Date.now() - started;
    assert.deepEqual(result.body, { ok: '/q' });
    assert.equal(server.requests.length, 2);
    assert.ok(server.requests[1].at - server.requests[0].at >= 990, `waited ${server.requests[1].at - server.requests[0].at} ms`);
    assert.ok(elapsed < 3000, `elapsed ${elapsed}`);
  });

  it('honours Retry-After as an HTTP-date', async () => {
    let retryAt = 0;
    const server = await serve((_request, response) => {
      if (server.requests.length === 1) {
        // HTTP-dates have one-second precision: aim at a whole second at least 1.5 s away.
        retryAt = Math.ceil((Date.now() + 1500) / 1000) * 1000;
        return sendJson(response, 503, {}, { 'retry-after': new Date(retryAt).toUTCString() });
      }
      sendJson(response, 200, { ok: true });
    });
    const result = await client().send({ method: 'GET', url: new URL('/d', server.url), responseBody: 'json' });
    assert.deepEqual(result.body, { ok: true });
    assert.equal(server.requests.length, 2);
    const second = server.requests[1].at;
    assert.ok(second >= retryAt - 20, `retried ${retryAt - second} ms early`);
    assert.ok(second < retryAt + 1500, 'retried reasonably soon after the date');
  });

  it('retries 503 with backoff and succeeds', async () => {
    const server = await serve((_request, response) => {
      if (server.requests.length <= 2) return sendJson(response, 503, { error: { message: 'Site could not be contacted.' } });
      sendJson(response, 200, { third: true });
    });
    const result = await client().send({ method: 'GET', url: new URL('/s', server.url), responseBody: 'json' });
    assert.deepEqual(result.body, { third: true });
    assert.equal(server.requests.length, 3);
  });

  it('gives up after the maximum attempts with the server message', async () => {
    const server = await serve((_request, response) => sendJson(response, 503, { error: { status: 503, message: 'Site could not be contacted.' } }));
    const error = await rejectionOf(client({ maxAttempts: 3 }).send({ method: 'GET', url: new URL('/s', server.url), responseBody: 'json' }));
    assert.ok(isApiError(error, 'siteOffline'));
    assert.equal(error.message, 'Site could not be contacted.');
    assert.equal(error.status, 503);
    assert.equal(server.requests.length, 3);
  });

  it('gives up at once when Retry-After reaches beyond the budget, carrying the wait', async () => {
    const server = await serve((_request, response) => sendJson(response, 429, { message: 'Rate limit is exceeded.' }, { 'retry-after': '120' }));
    const started = Date.now();
    const error = await rejectionOf(client().send({ method: 'GET', url: new URL('/r', server.url), responseBody: 'json' }));
    assert.ok(isApiError(error, 'rateLimited'));
    assert.equal(error.retryAfterSeconds, 120);
    assert.equal(error.message, 'Rate limit is exceeded.');
    assert.equal(server.requests.length, 1);
    assert.ok(Date.now() - started < 1000);
  });

  it('stops retrying when the time budget is spent', async () => {
    const server = await serve((_request, response) => sendJson(response, 503, {}, { 'retry-after': '0.3' }));
    const started = Date.now();
    const error = await rejectionOf(
      client({ maxAttempts: 50, retryBudgetMs: 1000 }).send({ method: 'GET', url: new URL('/b', server.url), responseBody: 'json' }),
    );
    const elapsed = Date.now() - started;
    assert.ok(isApiError(error, 'siteOffline'));
    assert.equal(error.message, 'The server answered 503 Service Unavailable.');
    assert.ok(server.requests.length >= 3 && server.requests.length <= 5, `${server.requests.length} attempts`);
    assert.ok(elapsed < 1500, `elapsed ${elapsed}`);
  });

  it('retries network failures for idempotent methods only', async () => {
    const port = await closedPort();
    const events: RequestEvent[] = [];
    const http = client({ maxAttempts: 3, onRequest: (event) => events.push(event) });
    const getError = await rejectionOf(http.send({ method: 'GET', url: new URL(`http://127.0.0.1:${port}/n?secret=1`), responseBody: 'json' }));
    assert.ok(isApiError(getError, 'network'));
    assert.equal(getError.request, 'GET /n');
    assert.match(getError.message, /ECONNREFUSED/);
    assert.deepEqual(events.map((event) => event.attempt), [1, 2, 3]);
    events.length = 0;
    const postError = await rejectionOf(http.send({ method: 'POST', url: new URL(`http://127.0.0.1:${port}/n`), body: '{}', responseBody: 'json' }));
    assert.ok(isApiError(postError, 'network'));
    assert.equal(events.length, 1);
  });

  it('keeps at most the per-host limit in flight', async () => {
    const server = await serve(async (_request, response) => {
      await sleep(40);
      sendJson(response, 200, { ok: true });
    });
    const http = client({ maxInFlightPerHost: 3 });
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, index) => http.send({ method: 'GET', url: new URL(`/p${index}`, server.url), responseBody: 'json' })),
    );
    assert.equal(results.length, 12);
    assert.equal(server.maxInFlight, 3);
  });

  it('frees a slot when a waiting request is cancelled, and when a stream is consumed', async () => {
    const server = await serve(async (request, response) => {
      if (request.url === '/stream') {
        response.write('a');
        await sleep(100);
        return void response.end('b');
      }
      sendJson(response, 200, { url: request.url });
    });
    const http = client({ maxInFlightPerHost: 1 });
    const stream = await http.send({ method: 'GET', url: new URL('/stream', server.url), responseBody: 'stream' });
    const controller = new AbortController();
    const waiting = http.send({ method: 'GET', url: new URL('/cancelled', server.url), responseBody: 'json', signal: controller.signal });
    const queued = http.send({ method: 'GET', url: new URL('/after', server.url), responseBody: 'json' });
    controller.abort();
    assert.ok(isApiError(await rejectionOf(waiting), 'cancelled'));
    await sleep(20);
    assert.equal(server.requests.length, 1, 'the queued request waits for the stream');
    const chunks: Buffer[] = [];
    for await (const chunk of stream.body) chunks.push(chunk as Buffer);
    assert.equal(Buffer.concat(chunks).toString(), 'ab');
    assert.deepEqual((await queued).body, { url: '/after' });
    assert.deepEqual(server.requests.map((request) => request.url), ['/stream', '/after']);
  });

  it('reuses one keep-alive socket for sequential requests', async () => {
    const server = await serve((request, response) =>
      request.url === '/missing' ? sendJson(response, 404, { error: { message: 'no such thing' } }) : sendJson(response, 200, { ok: true }),
    );
    const http = client();
    for (let index = 0; index < 3; index++) {
      await http.send({ method: 'GET', url: new URL('/k', server.url), responseBody: 'json' });
    }
    // An error response's body is drained too, so the socket stays usable.
    assert.ok(isApiError(await rejectionOf(http.send({ method: 'GET', url: new URL('/missing', server.url), responseBody: 'json' })), 'notFound'));
    await http.send({ method: 'GET', url: new URL('/k', server.url), responseBody: 'json' });
    assert.equal(server.connections, 1);
    assert.equal(new Set(server.requests.map((request) => request.remotePort)).size, 1);
  });

  it('maps error statuses and both error envelopes to kinds and the server message', async () => {
    const cases: Array<[number, unknown, string, string]> = [
      [400, { error: { status: 400, statusText: 'Bad Request', message: 'Request body is invalid.' } }, 'badRequest', 'Request body is invalid.'],
      [401, { statusCode: 401, message: 'Access denied due to missing subscription key.' }, 'auth', 'Access denied due to missing subscription key.'],
      [403, { status: 403, statusText: 'Forbidden', message: 'Site GUID changed.' }, 'forbidden', 'Site GUID changed.'],
      [404, { error: { message: 'Site not found.' } }, 'notFound', 'Site not found.'],
      [410, { error: { status: 410, statusText: 'Gone', message: 'Access to the target resource is permanently no longer available.' } }, 'expired', 'Access to the target resource is permanently no longer available.'],
      [413, undefined, 'tooLarge', 'The server answered 413 Payload Too Large.'],
      [422, { error: { message: 'Unprocessable.' } }, 'badRequest', 'Unprocessable.'],
      [500, { status: 'executionFailed', errorDetails: { errorType: 'mssql', errorCode: 2812, errorMessage: "Could not find stored procedure 'selct'." } }, 'badResponse', "Could not find stored procedure 'selct'."],
      [502, { error: { status: 502, message: 'The practice management software returned an unexpected result code.' } }, 'badResponse', 'The practice management software returned an unexpected result code.'],
      [504, { error: { status: 504, statusText: 'Gateway Timeout', message: 'Site did not answer in time.' } }, 'timeout', 'Site did not answer in time.'],
      [400, { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'invalid', diagnostics: 'Unknown search parameter "nme".' }] }, 'badRequest', 'Unknown search parameter "nme".'],
      [404, { resourceType: 'OperationOutcome', issue: [{ severity: 'fatal', code: 'exception', details: { coding: [{ code: '5003' }], text: 'Details of error' } }] }, 'notFound', 'Details of error'],
      [409, 'not json at all', 'badRequest', 'The server answered 409 Conflict.'],
    ];
    const server = await serve((request, response) => {
      const [status, body] = cases[Number(request.url.slice(1))];
      if (typeof body === 'string') return void response.writeHead(status).end(body);
      if (body === undefined) return void response.writeHead(status).end();
      sendJson(response, status, body);
    });
    const http = client({ maxAttempts: 1 });
    for (const [index, [status, , kind, message]] of cases.entries()) {
      const error = await rejectionOf(http.send({ method: 'POST', url: new URL(`/${index}`, server.url), body: '{}', responseBody: 'json' }));
      assert.ok(error instanceof ApiError, `case ${index}`);
      assert.equal(error.kind, kind, `case ${index}`);
      assert.equal(error.message, message, `case ${index}`);
      assert.equal(error.status, status);
      assert.equal(error.request, `POST /${index}`);
    }
    const withDetails = await rejectionOf(http.send({ method: 'POST', url: new URL('/7', server.url), responseBody: 'json' }));
    assert.deepEqual((withDetails as ApiError).details, { errorType: 'mssql', errorCode: 2812, errorMessage: "Could not find stored procedure 'selct'." });
    const outcome = await rejectionOf(http.send({ method: 'POST', url: new URL('/11', server.url), responseBody: 'json' }));
    assert.deepEqual((outcome as ApiError).details, { errorCode: 5003, errorMessage: 'Details of error' });
  });

  it('rejects a 200 whose JSON is malformed, and does not follow redirects', async () => {
    const elsewhere = await serve((_request, response) => sendJson(response, 200, { followed: true }));
    const server = await serve((request, response) => {
      if (request.url === '/bad') return void response.writeHead(200, { 'content-type': 'application/json' }).end('{"data": "abc"');
      response.writeHead(307, { location: `${elsewhere.url}/steal` }).end();
    });
    const http = client();
    const bad = await rejectionOf(http.send({ method: 'GET', url: new URL('/bad', server.url), responseBody: 'json' }));
    assert.ok(isApiError(bad, 'badResponse'));
    const redirected = await rejectionOf(
      http.send({ method: 'GET', url: new URL('/moved', server.url), headers: { 'Ocp-Apim-Subscription-Key': 'k-123456789' }, responseBody: 'json' }),
    );
    assert.ok(isApiError(redirected, 'badResponse'));
    assert.equal(redirected.status, 307);
    assert.equal(elsewhere.requests.length, 0);
  });

  it('reports requests and responses to the hooks without headers, bodies or query strings', async () => {
    const server = await serve((request, response) => {
      if (server.requests.length === 1) return sendJson(response, 503, {}, { 'retry-after': '0' });
      sendJson(response, 200, { url: request.url });
    });
    const requests: RequestEvent[] = [];
    const responses: ResponseEvent[] = [];
    await client({ onRequest: (event) => requests.push(event), onResponse: (event) => responses.push(event) }).send({
      method: 'GET',
      url: new URL('/hooked?practiceManagementSiteId=42', server.url),
      headers: { 'Ocp-Apim-Subscription-Key': 'hook-key-123456' },
      responseBody: 'json',
    });
    assert.deepEqual(requests, [
      { method: 'GET', path: '/hooked', attempt: 1 },
      { method: 'GET', path: '/hooked', attempt: 2 },
    ]);
    assert.deepEqual(
      responses.map(({ ms, ...rest }) => (assert.ok(ms >= 0 && ms < 1000), rest)),
      [
        { method: 'GET', path: '/hooked', attempt: 1, status: 503, errorKind: 'siteOffline' },
        { method: 'GET', path: '/hooked', attempt: 2, status: 200, errorKind: undefined },
      ],
    );
    assert.ok(!JSON.stringify([requests, responses]).includes('hook-key'));
  });
});
