import { strict as assert } from 'node:assert';
import { TOKEN_LIFETIME_SECONDS } from '../../../../../src/sandbox/halaxy/halaxyAuth';
import { halaxyRequest, startHalaxySandbox } from './halaxyFixture';
import type { HalaxyTestSandbox } from './halaxyFixture';

describe('Halaxy Sandbox: tokens and the gateway checks', () => {
  let t: HalaxyTestSandbox;

  before(async () => {
    t = await startHalaxySandbox();
  });

  after(async () => {
    await t?.sandbox.stop();
  });

  const tokenRequest = (body: unknown, contentType = 'application/json') =>
    halaxyRequest(`${t.base}/oauth/token`, 'POST', { raw: typeof body === 'string' ? body : JSON.stringify(body), contentType });

  const credentials = () => ({ grant_type: 'client_credentials', client_id: t.client('full').clientId, client_secret: t.client('full').clientSecret });

  it('issues a bearer token for JSON client credentials, honest about its 15 minutes by default', async () => {
    const response = await tokenRequest(credentials());
    assert.equal(response.status, 200);
    assert.match(String(response.headers['content-type']), /^application\/json/);
    assert.equal(response.headers['cache-control'], 'no-store');
    assert.deepEqual(Object.keys(response.body).sort(), ['access_token', 'expires_in', 'token_type']);
    assert.equal(response.body.token_type, 'Bearer');
    assert.equal(response.body.expires_in, TOKEN_LIFETIME_SECONDS);
    assert.match(response.body.access_token, /^[A-Za-z0-9_-]{43}$/);
    const again = await tokenRequest(credentials());
    assert.notEqual(again.body.access_token, response.body.access_token, 'every request gets a token of its own');
  });

  it('derives the keys from the seed: the same seed gives the same credentials, another seed others', async () => {
    const ids = t.sandbox.halaxy.clients.map((client) => client.clientId);
    assert.equal(new Set(ids).size, 3);
    assert.deepEqual(
      t.sandbox.halaxy.clients.map((client) => client.name),
      ['full', 'readOnly', 'noPatients'],
    );
    const same = await startHalaxySandbox({ patients: 100 });
    const other = await startHalaxySandbox({ patients: 100, seed: 2 });
    try {
      assert.deepEqual(
        same.sandbox.halaxy.clients.map((client) => [client.clientId, client.clientSecret]),
        t.sandbox.halaxy.clients.map((client) => [client.clientId, client.clientSecret]),
      );
      assert.ok(other.sandbox.halaxy.clients.every((client) => !ids.includes(client.clientId)));
    } finally {
      await same.sandbox.stop();
      await other.sandbox.stop();
    }
  });

  it('refuses wrong credentials with 401 invalid_client, and other grants with 400 unsupported_grant_type', async () => {
    const wrongSecret = await tokenRequest({ ...credentials(), client_secret: 'not-the-secret' });
    assert.equal(wrongSecret.status, 401);
    assert.equal(wrongSecret.body.error, 'invalid_client');
    const unknownClient = await tokenRequest({ ...credentials(), client_id: 'nobody' });
    assert.equal(unknownClient.status, 401);
    assert.equal(unknownClient.body.error_description, wrongSecret.body.error_description, 'which half was wrong is not revealed');
    const missing = await tokenRequest({ grant_type: 'client_credentials' });
    assert.equal(missing.status, 401);
    assert.equal(missing.body.error, 'invalid_client');
    const password = await tokenRequest({ ...credentials(), grant_type: 'password' });
    assert.equal(password.status, 400);
    assert.equal(password.body.error, 'unsupported_grant_type');
    const noGrant = await tokenRequest({ client_id: 'x', client_secret: 'y' });
    assert.equal(noGrant.status, 400);
    assert.equal(noGrant.body.error, 'invalid_request');
  });

  it('takes JSON only: a form-encoded body or broken JSON is an invalid_request', async () => {
    const form = await tokenRequest(new URLSearchParams(credentials()).toString(), 'application/x-www-form-urlencoded');
    assert.equal(form.status, 400);
    assert.equal(form.body.error, 'invalid_request');
    assert.match(form.body.error_description, /JSON, not as a form/);
    const broken = await tokenRequest('{"grant_type":', 'application/json');
    assert.equal(broken.status, 400);
    assert.equal(broken.body.error, 'invalid_request');
    const array = await tokenRequest([credentials()]);
    assert.equal(array.status, 400);
    const get = await halaxyRequest(`${t.base}/oauth/token`, 'GET');
    assert.equal(get.status, 405);
    assert.equal(get.headers.allow, 'POST');
  });

  it('serves FHIR with a live token, answers application/fhir+json, and refuses missing, unknown and malformed tokens with 401', async () => {
    const token = await t.token();
    const ok = await t.fhir('GET', 'metadata', { token });
    assert.equal(ok.status, 200);
    assert.match(String(ok.headers['content-type']), /^application\/fhir\+json/);
    assert.equal(ok.body.resourceType, 'CapabilityStatement');

    for (const [headers, pattern] of [
      [{}, /access token is required/],
      [{ Authorization: 'Bearer not-a-token' }, /not valid/],
      [{ Authorization: `Basic ${token}` }, /must be "Bearer/],
    ] as const) {
      const refused = await halaxyRequest(`${t.base}/Patient`, 'GET', { headers });
      assert.equal(refused.status, 401);
      assert.match(String(refused.headers['content-type']), /^application\/fhir\+json/);
      assert.equal(refused.body.resourceType, 'OperationOutcome');
      assert.equal(refused.body.issue[0].code, 'login');
      assert.match(refused.body.issue[0].diagnostics, pattern);
      assert.match(String(refused.headers['www-authenticate']), /^Bearer /);
    }
  });

  it('lets a token die 15 minutes after issue by the Sandbox clock, and a fresh one works again', async () => {
    const token = await t.token();
    t.clock.advance(TOKEN_LIFETIME_SECONDS * 1000 - 1);
    assert.equal((await t.fhir('GET', 'metadata', { token })).status, 200, 'alive until the last millisecond');
    t.clock.advance(1);
    const expired = await t.fhir('GET', 'metadata', { token });
    assert.equal(expired.status, 401);
    assert.match(expired.body.issue[0].diagnostics, /expired/);
    const fresh = await t.token();
    assert.equal((await t.fhir('GET', 'metadata', { token: fresh })).status, 200);
  });

  it('can advertise expires_in 3600 like the live API while the token still dies at 15 minutes', async () => {
    const liar = await startHalaxySandbox({ patients: 100, halaxyTokenExpiresIn: 3600 });
    try {
      const { clientId, clientSecret } = liar.client('readOnly');
      const response = await halaxyRequest(`${liar.base}/oauth/token`, 'POST', {
        json: { grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret },
        contentType: 'application/json',
      });
      assert.equal(response.body.expires_in, 3600);
      liar.clock.advance(TOKEN_LIFETIME_SECONDS * 1000);
      assert.equal((await liar.fhir('GET', 'metadata', { token: response.body.access_token })).status, 401);
    } finally {
      await liar.sandbox.stop();
    }
  });

  it('answers 403 without a User-Agent, on the token endpoint and on FHIR alike', async () => {
    const token = await t.token();
    const fhir = await t.fhir('GET', 'metadata', { token, userAgent: null });
    assert.equal(fhir.status, 403);
    assert.equal(fhir.body.issue[0].code, 'forbidden');
    assert.match(fhir.body.issue[0].diagnostics, /User-Agent/);
    const tokenEndpoint = await halaxyRequest(`${t.base}/oauth/token`, 'POST', { json: credentials(), contentType: 'application/json', userAgent: null });
    assert.equal(tokenEndpoint.status, 403);
  });

  it('checks media types: 406 for an Accept without JSON, 415 for a write in another format or a PATCH that is not merge-patch', async () => {
    const token = await t.token();
    assert.equal((await t.fhir('GET', 'metadata', { token, accept: null })).status, 200, 'no Accept takes the default');
    assert.equal((await t.fhir('GET', 'metadata', { token, accept: 'application/json, text/plain;q=0.5' })).status, 200);
    const xml = await t.fhir('GET', 'metadata', { token, accept: 'application/fhir+xml' });
    assert.equal(xml.status, 406);
    assert.equal(xml.body.resourceType, 'OperationOutcome');

    const patient = { resourceType: 'Patient', name: [{ family: 'Media' }] };
    const asText = await t.fhir('POST', 'Patient', { token, raw: JSON.stringify(patient), contentType: 'text/plain' });
    assert.equal(asText.status, 415);
    assert.match(asText.body.issue[0].diagnostics, /application\/json or application\/fhir\+json/);
    const formSearch = await t.fhir('POST', 'Patient/_search', { token, raw: '_count=1', contentType: 'application/x-www-form-urlencoded' });
    assert.equal(formSearch.status, 200, 'a form is fine for POST _search');
    assert.equal(formSearch.body.entry.length, 1);
    const patchAsJson = await t.fhir('PATCH', 'Patient/1', { token, json: { active: false }, contentType: 'application/json' });
    assert.equal(patchAsJson.status, 415);
    assert.match(patchAsJson.body.issue[0].diagnostics, /merge-patch\+json/);
    const brokenJson = await t.fhir('POST', 'Patient', { token, raw: '{"resourceType":', contentType: 'application/fhir+json' });
    assert.equal(brokenJson.status, 400);
    assert.equal(brokenJson.body.resourceType, 'OperationOutcome');
  });

  it('refuses DELETE with 405 and an Allow header: nothing can be deleted', async () => {
    const response = await t.fhir('DELETE', 'Patient/1');
    assert.equal(response.status, 405);
    assert.equal(response.headers.allow, 'GET, POST, PUT, PATCH');
    assert.equal(response.body.resourceType, 'OperationOutcome');
    assert.equal(response.body.issue[0].code, 'not-supported');
  });
});
