import assert from 'node:assert/strict';
import { ApiError } from '../../../../src/core/errors';
import type { RequestEvent, ResponseEvent } from '../../../../src/core/http/httpClient';
import { HalaxyClient } from '../../../../src/core/halaxy/halaxyClient';
import { assertKeyAbsent } from '../support/keyLeak';
import { closedPort, rejectionOf, sendJson, startLoopback } from '../support/loopbackServer';
import type { LoopbackServer } from '../support/loopbackServer';

const SECRET = 'halaxy-secret-LEAKCHECK-0123456789';
const TOKEN = 'halaxy-token-LEAKCHECK-abcdef012345';

describe('core/halaxy: the client secret and the access token never leak', () => {
  let server: LoopbackServer;
  const events: Array<RequestEvent | ResponseEvent> = [];

  before(async () => {
    server = await startLoopback((request, response) => {
      const [, tokenMode, , ...rest] = request.url.split('?')[0].split('/');
      const path = `/${rest.join('/')}`;
      if (path === '/oauth/token') {
        const body = request.body.toString();
        // Every way a token endpoint might echo what it was sent.
        switch (tokenMode) {
          case 'token401': return sendJson(response, 401, { error: 'invalid_client', error_description: `Bad secret in ${body}` });
          case 'token403': return sendJson(response, 403, { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'forbidden', diagnostics: body }] });
          case 'token500': return sendJson(response, 500, { message: `Failed on ${body}` });
          case 'tokenBadJson': return void response.writeHead(200).end(`{"echo": ${body}`);
        }
        return sendJson(response, 200, { token_type: 'Bearer', expires_in: 900, access_token: TOKEN });
      }
      const echo = `Refused ${request.headers.authorization} for ${SECRET}`;
      switch (path) {
        case '/Patient/a401': return sendJson(response, 401, { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'login', diagnostics: echo }] });
        case '/Patient/a403': return sendJson(response, 403, { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'forbidden', details: { text: echo } }] });
        case '/Patient/a422': return sendJson(response, 422, { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'invalid', diagnostics: echo }, { severity: 'fatal', code: 'invalid', diagnostics: TOKEN }] });
        case '/Patient/a429': return sendJson(response, 429, { message: echo }, { 'retry-after': '600' });
        case '/Patient/a500': return sendJson(response, 500, { error: { message: echo } });
        case '/Patient/aBadJson': return void response.writeHead(200).end(`{"echo": "${echo}"`);
      }
      sendJson(response, 200, { resourceType: 'Patient', id: 'ok' });
    });
  });

  after(() => server.close());

  function client(tokenMode: string, baseUrl = `${server.url}/${tokenMode}/main`): HalaxyClient {
    return new HalaxyClient({
      region: { baseUrl },
      clientId: 'client-id-0123',
      clientSecret: SECRET,
      http: { maxAttempts: 2, retryBaseDelayMs: 1, onRequest: (event) => events.push(event), onResponse: (event) => events.push(event) },
    });
  }

  async function failure(tokenMode: string, id: string): Promise<ApiError> {
    const halaxyClient = client(tokenMode);
    try {
      const error = await rejectionOf(halaxyClient.read('Patient', id));
      assert.ok(error instanceof ApiError, String(error));
      return error;
    } finally {
      halaxyClient.dispose();
    }
  }

  for (const tokenMode of ['token401', 'token403', 'token500', 'tokenBadJson']) {
    it(`keeps the secret out of a failed token request (${tokenMode})`, async () => {
      const error = await failure(tokenMode, 'ok');
      assertKeyAbsent(error, SECRET);
      assert.equal(error.request, `POST /${tokenMode}/main/oauth/token`);
    });
  }

  it('redacts the echoed secret instead of dropping the message', async () => {
    const error = await failure('token401', 'ok');
    assert.equal(error.message, 'Bad secret in {"grant_type":"client_credentials","client_id":"client-id-0123","client_secret":"***"}');
  });

  for (const id of ['a401', 'a403', 'a422', 'a429', 'a500', 'aBadJson']) {
    it(`keeps the token and the secret out of an API error (${id})`, async () => {
      const error = await failure('ok', id);
      assertKeyAbsent(error, TOKEN);
      assertKeyAbsent(error, SECRET);
    });
  }

  it('keeps both out of network failures, and out of the hooks', async () => {
    const port = await closedPort();
    const refused = await rejectionOf(client('x', `http://127.0.0.1:${port}/main`).read('Patient', 'ok'));
    assert.ok(refused instanceof ApiError && refused.kind === 'network');
    assertKeyAbsent(refused, SECRET);
    const hooked = JSON.stringify(events);
    assert.ok(events.length > 20, 'the hooks saw the requests');
    assert.ok(!hooked.includes(SECRET) && !hooked.includes(TOKEN));
  });
});
