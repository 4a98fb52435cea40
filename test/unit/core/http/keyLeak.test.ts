import assert from 'node:assert/strict';
import { ApiError } from '../../../../src/core/errors';
import { HttpClient } from '../../../../src/core/http/httpClient';
import type { HttpRequest, ResponseBodyKind } from '../../../../src/core/http/httpClient';
import { assertKeyAbsent } from '../support/keyLeak';
import { closedPort, rejectionOf, sendJson, sleep, startLoopback } from '../support/loopbackServer';
import type { LoopbackServer } from '../support/loopbackServer';

const KEY = 'sk-LEAKCHECK-0123456789abcdef';

describe('core/http: the subscription key never leaks', () => {
  let server: LoopbackServer;
  let http: HttpClient;

  before(async () => {
    server = await startLoopback(async (request, response) => {
      const path = request.url.split('?')[0];
      const echo = `Access denied due to invalid subscription key ${request.headers['ocp-apim-subscription-key']}.`;
      switch (path) {
        case '/401': return sendJson(response, 401, { statusCode: 401, message: echo });
        case '/403': return sendJson(response, 403, { error: { status: 403, message: echo } });
        case '/404': return sendJson(response, 404, { status: 404, statusText: 'Not Found', message: echo });
        case '/410': return sendJson(response, 410, { error: { message: echo } });
        case '/413': return sendJson(response, 413, {});
        case '/429': return sendJson(response, 429, { message: echo }, { 'retry-after': '0' });
        case '/503': return sendJson(response, 503, { error: { message: echo } }, { 'retry-after': '999' });
        case '/504': return sendJson(response, 504, { error: { message: echo } });
        case '/400': return sendJson(response, 400, { resourceType: 'OperationOutcome', issue: [{ diagnostics: echo }] });
        case '/500': return sendJson(response, 500, { status: 'executionFailed', errorDetails: { errorType: 'mssql', errorCode: 1, errorMessage: echo } });
        case '/badjson': return void response.writeHead(200).end(`{"key": "${request.headers['ocp-apim-subscription-key']}"`);
        case '/redirect': return void response.writeHead(302, { location: `/elsewhere?key=${KEY}` }).end(echo);
        case '/hang': return void (await sleep(10_000));
        case '/reset': return void response.socket?.destroy();
      }
      sendJson(response, 200, {});
    });
    http = new HttpClient({ maxAttempts: 2, retryBaseDelayMs: 5, timeoutMs: 150 });
  });

  after(async () => {
    http.dispose();
    await server.close();
  });

  function send(path: string, extra: Partial<HttpRequest<ResponseBodyKind>> = {}): Promise<unknown> {
    return rejectionOf(
      http.send({
        method: 'GET',
        url: new URL(`${path}?practiceManagementSiteId=1`, server.url),
        headers: { 'Ocp-Apim-Subscription-Key': KEY, Accept: 'application/json' },
        responseBody: 'json',
        ...extra,
      }),
    );
  }

  for (const path of ['/401', '/403', '/404', '/410', '/413', '/429', '/503', '/504', '/400', '/500', '/badjson', '/redirect', '/hang', '/reset']) {
    it(`keeps the key out of the error for ${path}`, async () => {
      const error = await send(path);
      assert.ok(error instanceof ApiError);
      assertKeyAbsent(error, KEY);
      assert.equal(error.request, `GET ${path}`);
    });
  }

  it('redacts the key the server echoes, instead of dropping the message', async () => {
    const error = (await send('/401')) as ApiError;
    assert.equal(error.message, 'Access denied due to invalid subscription key ***.');
    const failed = (await send('/500')) as ApiError;
    assert.equal(failed.details?.errorMessage, 'Access denied due to invalid subscription key ***.');
  });

  it('keeps the key out of network failures and cancellations', async () => {
    const port = await closedPort();
    const refused = await rejectionOf(
      http.send({ method: 'GET', url: new URL(`http://127.0.0.1:${port}/x`), headers: { 'Ocp-Apim-Subscription-Key': KEY }, responseBody: 'json' }),
    );
    assert.ok(refused instanceof ApiError && refused.kind === 'network');
    assert.ok(refused.cause instanceof Error, 'the cause is kept, sanitised');
    assertKeyAbsent(refused, KEY);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 30);
    const cancelled = await send('/hang', { signal: controller.signal, timeoutMs: 5000 });
    assert.ok(cancelled instanceof ApiError && cancelled.kind === 'cancelled');
    assertKeyAbsent(cancelled, KEY);
  });
});
