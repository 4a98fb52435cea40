import assert from 'node:assert/strict';
import { ApiError, isApiError } from '../../../../src/core/errors';
import { HALO_BASE_URLS, HaloConnectClient } from '../../../../src/core/haloConnect/haloConnectClient';
import type { Query, QueryRequest } from '../../../../src/core/haloConnect/wireTypes';
import { assertKeyAbsent } from '../support/keyLeak';
import { rejectionOf, sendJson, startLoopback } from '../support/loopbackServer';
import type { LoopbackServer, RecordedRequest } from '../support/loopbackServer';

const KEY = 'halo-test-key-7f3a9c2e5b';
const SITE = '4e0a1c52-9a1b-4c3d-8e2f-1234567890ab';
const QUERY = '9b2f7c1e-0d3a-4b5c-8d6e-abcdefabcdef';

function site(id = SITE): Record<string, unknown> {
  return { id, pmsType: 'BestPractice', availability: 'online', status: 'active', catalogue: [{ name: 'BPSPatients', isDefault: true }] };
}

function query(status: string, extra: Record<string, unknown> = {}): Query {
  return {
    id: QUERY, integratorId: '00000000-0000-4000-8000-000000000001', siteId: SITE, mode: 'immediate', status,
    maxTimeInQueue: 30000, commandSize: 10, requestSize: 20, createdAt: '2025-01-01T00:00:00Z', updatedAt: '2025-01-01T00:00:01Z',
    ...extra,
  } as Query;
}

const base64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64');

describe('core/haloConnect HaloConnectClient (against a loopback server answering the documented shapes)', () => {
  let server: LoopbackServer;
  let client: HaloConnectClient;
  let last: () => RecordedRequest;

  before(async () => {
    server = await startLoopback((request, response) => {
      const url = new URL(request.url, 'http://x');
      const route = `${request.method} ${url.pathname}`;
      const sitePrefix = `/api/integrator/sites/${SITE}`;
      switch (route) {
        case 'GET /api/integrator/sites': return sendJson(response, 200, { sites: [site()] });
        case `GET ${sitePrefix}`: return sendJson(response, 200, site());
        case 'POST /api/integrator/pair-site': return sendJson(response, 200, site());
        case `POST ${sitePrefix}/queries/immediate`: {
          const text = (JSON.parse(request.body.toString()) as QueryRequest).command.text;
          if (text === 'selct') {
            return sendJson(response, 200, query('executionFailed', { errorDetails: { errorType: 'mssql', errorCode: 2812, errorMessage: "Could not find stored procedure 'selct'." } }));
          }
          if (text === 'big') {
            return sendJson(response, 400, query('executionFailed', { errorDetails: { errorType: 'http', errorCode: 413, errorMessage: 'Result exceeds 8 MB.' } }));
          }
          if (text === 'bad') {
            return sendJson(response, 500, query('executionFailed', { errorCode: 102, errorMessage: "Incorrect syntax near 'FROM'." }));
          }
          return sendJson(response, 200, query('successful', { result: { rows: 1, size: 10, data: base64([{ a: 1 }]) } }));
        }
        case `POST ${sitePrefix}/queries/async`: return sendJson(response, 201, query('initialising', { mode: 'async' }));
        case `GET ${sitePrefix}/queries/${QUERY}`: return sendJson(response, 200, query('queued', { mode: 'async' }));
        case `POST ${sitePrefix}/queries/status`: {
          const ids = (JSON.parse(request.body.toString()) as { queryIds: string[] }).queryIds;
          return sendJson(response, 200, { results: ids.map((id) => (id === QUERY ? { queryId: id, status: 'found', query: query('executing', { mode: 'async' }) } : { queryId: id, status: 'notFound' })) });
        }
        case `GET ${sitePrefix}/queries/${QUERY}/results/2`:
          return sendJson(response, 200, { data: base64([{ b: 2 }]), parameters: [] }, { Size: '11', 'Rows-Count': '1', 'Rows-Range-Start': '51', 'Rows-Range-End': '51' });
        case `GET ${sitePrefix}/queries/${QUERY}/results/3`:
          return sendJson(response, 410, { error: { status: 410, statusText: 'Gone', message: 'Access to the target resource is permanently no longer available at the origin server.' } });
        case `GET ${sitePrefix}/queries/${QUERY}/results/2/stream`:
          response.writeHead(200, { 'content-type': 'application/json' });
          response.write('{"data":"');
          return void setTimeout(() => response.end(`${base64([{ b: 2 }])}"}`), 20);
        case `GET ${sitePrefix}/fhir/R4/Patient`: return sendJson(response, 200, { resourceType: 'Bundle', type: 'searchset', total: 0 });
        case `GET ${sitePrefix}/fhir/R4/Patient/12/$summary`: return sendJson(response, 200, { resourceType: 'Bundle', type: 'document' });
        case `GET ${sitePrefix}/fhir/R4/Nope`:
          return sendJson(response, 404, { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'not-found', diagnostics: 'Resource type Nope is not supported.' }] });
        case `POST ${sitePrefix}/fhir/R4/Patient/_search`: return sendJson(response, 200, { resourceType: 'Bundle', type: 'searchset', total: 1 });
        case `POST ${sitePrefix}/queries/registered`: return sendJson(response, 202, { id: QUERY });
        case `GET ${sitePrefix}/queries/registered`: return sendJson(response, 200, { registeredQueries: [{ id: QUERY, name: 'Test', registeredQueryType: 'query', status: 'enabled', frequency: 60, duration: 120, createdAt: '2025-05-27T05:23:40.983Z', metrics: {} }] });
        case `GET ${sitePrefix}/queries/registered/${QUERY}`: return sendJson(response, 200, { id: QUERY, name: 'Test', registeredQueryType: 'query', status: 'enabled', frequency: 60, duration: 120, createdAt: '2025-05-27T05:23:40.983Z', metrics: {} });
        case `DELETE ${sitePrefix}/queries/registered/${QUERY}`: return void response.writeHead(204).end();
        case `GET ${sitePrefix}/queries/registered/${QUERY}/results`: return sendJson(response, 200, { data: base64([{ c: 3 }]), parameters: null, rows: 1, size: 11 });
      }
      sendJson(response, 404, { error: { status: 404, statusText: 'Not Found', message: `No route ${route}` } });
    });
    // A base URL with a path prefix, as a proxy or the Sandbox may have.
    client = new HaloConnectClient({ environment: { baseUrl: `${server.url}/api/` }, subscriptionKey: KEY, http: { maxAttempts: 1 } });
    last = () => server.requests[server.requests.length - 1];
  });

  after(async () => {
    client.dispose();
    await server.close();
  });

  function assertSent(method: string, pathAndQuery: string, body?: unknown): RecordedRequest {
    const request = last();
    assert.equal(request.method, method);
    assert.equal(request.url, pathAndQuery);
    assert.equal(request.headers['ocp-apim-subscription-key'], KEY);
    if (body !== undefined) {
      assert.equal(request.headers['content-type'], 'application/json');
      assert.deepEqual(JSON.parse(request.body.toString()), body);
    }
    return request;
  }

  it('knows the production and stage hosts', () => {
    assert.equal(HALO_BASE_URLS.production, 'https://api.haloconnect.io');
    assert.equal(HALO_BASE_URLS.stage, 'https://api.stage.haloconnect.io');
  });

  it('finds, gets and pairs sites', async () => {
    const sites = await client.findSites('BP 12&3', 'Best Practice');
    assert.deepEqual(sites, [site()]);
    assertSent('GET', '/api/integrator/sites?practiceManagementSiteId=BP+12%263&practiceManagementName=Best+Practice');
    assert.equal((await client.getSite(SITE)).id, SITE);
    assertSent('GET', `/api/integrator/sites/${SITE}`);
    await client.pairSite('777', 'Best Practice', 'ABC-123');
    assertSent('POST', '/api/integrator/pair-site?practiceManagementSiteId=777&practiceManagementName=Best+Practice&pairingCode=ABC-123');
    await client.pairSite('888', 'Zedmed');
    assertSent('POST', '/api/integrator/pair-site?practiceManagementSiteId=888&practiceManagementName=Zedmed');
  });

  it('validates the site GUID before sending anything', async () => {
    const before = server.requests.length;
    for (const bad of ['not-a-guid', '../../sites', `${SITE}/queries`, '']) {
      const error = await rejectionOf(client.getSite(bad));
      assert.ok(isApiError(error, 'badRequest'), bad);
    }
    assert.ok(isApiError(await rejectionOf(client.getResultPage(SITE, QUERY, 0)), 'badRequest'));
    assert.equal(server.requests.length, before);
  });

  it('runs an immediate query and surfaces failures as queryFailed or tooLarge', async () => {
    const request: QueryRequest = { command: { text: 'SELECT 1 AS a', executionMode: 'reader' }, maxTimeInQueue: 15000 };
    const ok = await client.runImmediate(SITE, request);
    assert.equal(ok.status, 'successful');
    assertSent('POST', `/api/integrator/sites/${SITE}/queries/immediate`, request);

    const failed = await rejectionOf(client.runImmediate(SITE, { command: { text: 'selct' } }));
    assert.ok(isApiError(failed, 'queryFailed'));
    assert.equal(failed.message, "Could not find stored procedure 'selct'.");
    assert.deepEqual(failed.details, { errorType: 'mssql', errorCode: 2812, errorMessage: "Could not find stored procedure 'selct'." });
    assert.equal(failed.status, undefined, 'it came inside a 200');

    const big = await rejectionOf(client.runImmediate(SITE, { command: { text: 'big' } }));
    assert.ok(isApiError(big, 'tooLarge'));
    assert.equal(big.status, 400);

    const flat = await rejectionOf(client.runImmediate(SITE, { command: { text: 'bad' } }));
    assert.ok(isApiError(flat, 'queryFailed'));
    assert.equal(flat.message, "Incorrect syntax near 'FROM'.");
    assert.equal(flat.details?.errorCode, 102);
    assert.equal(flat.request, `POST /api/integrator/sites/${SITE}/queries/immediate`);
  });

  it('submits async queries and reads their status singly and in a batch', async () => {
    const submitted = await client.submitAsync(SITE, { command: { text: 'SELECT 1' }, maxTimeInQueue: 3600000 });
    assert.equal(submitted.status, 'initialising');
    assertSent('POST', `/api/integrator/sites/${SITE}/queries/async`, { command: { text: 'SELECT 1' }, maxTimeInQueue: 3600000 });
    assert.equal((await client.getQuery(SITE, QUERY)).status, 'queued');
    assertSent('GET', `/api/integrator/sites/${SITE}/queries/${QUERY}`);
    const other = '11111111-2222-4333-8444-555555555555';
    const statuses = await client.getQueryStatuses(SITE, [QUERY, other]);
    assertSent('POST', `/api/integrator/sites/${SITE}/queries/status`, { queryIds: [QUERY, other] });
    assert.deepEqual(statuses.map((result) => [result.queryId, result.status, result.query?.status]), [
      [QUERY, 'found', 'executing'],
      [other, 'notFound', undefined],
    ]);
  });

  it('encodes query ids as one path segment', async () => {
    const error = await rejectionOf(client.getQuery(SITE, 'a/b?c'));
    assert.ok(isApiError(error, 'notFound'));
    assertSent('GET', `/api/integrator/sites/${SITE}/queries/a%2Fb%3Fc`);
  });

  it('reads a result page with its position headers, streams one, and maps 410 to expired', async () => {
    const { page, rows, size } = await client.getResultPage(SITE, QUERY, 2);
    assertSent('GET', `/api/integrator/sites/${SITE}/queries/${QUERY}/results/2`);
    assert.equal(Buffer.from(page.data ?? '', 'base64').toString(), '[{"b":2}]');
    assert.deepEqual(rows, { count: 1, rangeStart: 51, rangeEnd: 51 });
    assert.equal(size, 11);

    const stream = await client.streamResultPage(SITE, QUERY, 2);
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    assert.deepEqual(JSON.parse(Buffer.concat(chunks).toString()), { data: base64([{ b: 2 }]) });

    const gone = await rejectionOf(client.getResultPage(SITE, QUERY, 3));
    assert.ok(isApiError(gone, 'expired'));
    assert.match(gone.message, /permanently no longer available/);
  });

  it('reads and searches FHIR, form-encoded, and maps OperationOutcome errors', async () => {
    assert.equal((await client.fhirGet(SITE, 'Patient?given=John&birthdate=gt1900-01-01')).resourceType, 'Bundle');
    const get = assertSent('GET', `/api/integrator/sites/${SITE}/fhir/R4/Patient?given=John&birthdate=gt1900-01-01`);
    assert.match(String(get.headers.accept), /application\/fhir\+json/);
    await client.fhirGet(SITE, '/Patient/12/$summary');
    assertSent('GET', `/api/integrator/sites/${SITE}/fhir/R4/Patient/12/$summary`);
    assert.ok(isApiError(await rejectionOf(client.fhirGet(SITE, 'Patient/../../queries')), 'badRequest'));

    const bundle = await client.fhirSearch(SITE, 'Patient', { given: 'Zoë', birthdate: ['gt1900-01-01', 'lt2000-01-01'] });
    assert.equal(bundle.total, 1);
    const search = last();
    assert.equal(search.method, 'POST');
    assert.equal(search.url, `/api/integrator/sites/${SITE}/fhir/R4/Patient/_search`, 'no personal data in the URL');
    assert.equal(search.headers['content-type'], 'application/x-www-form-urlencoded');
    assert.equal(search.body.toString(), 'given=Zo%C3%AB&birthdate=gt1900-01-01&birthdate=lt2000-01-01');
    assert.ok(isApiError(await rejectionOf(client.fhirSearch(SITE, 'Patient/../x', {})), 'badRequest'));

    const missing = await rejectionOf(client.fhirGet(SITE, 'Nope'));
    assert.ok(isApiError(missing, 'notFound'));
    assert.equal(missing.message, 'Resource type Nope is not supported.');
  });

  it('creates, lists, gets, cancels and reads registered queries', async () => {
    const request = { name: 'Today', registeredQueryType: 'query' as const, frequency: 300, duration: 3600, registerCommand: { command: { text: 'SELECT 1' } } };
    assert.equal(await client.createRegisteredQuery(SITE, request), QUERY);
    assertSent('POST', `/api/integrator/sites/${SITE}/queries/registered`, request);
    assert.equal((await client.listRegisteredQueries(SITE))[0].status, 'enabled');
    assertSent('GET', `/api/integrator/sites/${SITE}/queries/registered`);
    assert.equal((await client.getRegisteredQuery(SITE, QUERY)).name, 'Test');
    assertSent('GET', `/api/integrator/sites/${SITE}/queries/registered/${QUERY}`);
    assert.equal(await client.cancelRegisteredQuery(SITE, QUERY), undefined);
    assertSent('DELETE', `/api/integrator/sites/${SITE}/queries/registered/${QUERY}`);
    const result = await client.getRegisteredQueryResult(SITE, QUERY);
    assertSent('GET', `/api/integrator/sites/${SITE}/queries/registered/${QUERY}/results`);
    assert.deepEqual(result, { data: base64([{ c: 3 }]), parameters: null, rows: 1, size: 11 });
  });

  it('keeps the subscription key out of failed-query errors even when the server echoes it', async () => {
    const echo = await startLoopback((request, response) =>
      sendJson(response, 200, query('executionFailed', { errorDetails: { errorType: 'haloLink', errorCode: 1, errorMessage: `bad key ${request.headers['ocp-apim-subscription-key']}` } })),
    );
    const echoing = new HaloConnectClient({ environment: { baseUrl: echo.url }, subscriptionKey: KEY });
    try {
      const error = await rejectionOf(echoing.runImmediate(SITE, { command: { text: 'x' } }));
      assert.ok(error instanceof ApiError && error.kind === 'queryFailed');
      assert.equal(error.message, 'bad key ***');
      assertKeyAbsent(error, KEY);
    } finally {
      echoing.dispose();
      await echo.close();
    }
  });
});
