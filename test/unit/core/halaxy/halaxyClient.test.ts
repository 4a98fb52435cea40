import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ApiError, isApiError } from '../../../../src/core/errors';
import { bundleResources } from '../../../../src/core/fhir/bundle';
import type { Bundle } from '../../../../src/core/fhir/bundle';
import { HALAXY_BASE_URLS, HalaxyClient } from '../../../../src/core/halaxy/halaxyClient';
import type { HalaxyClientOptions, RateLimit } from '../../../../src/core/halaxy/halaxyClient';
import { rejectionOf, sendJson, sleep, startLoopback } from '../support/loopbackServer';
import type { LoopbackServer } from '../support/loopbackServer';
import { CLIENT_ID, CLIENT_SECRET, outcome, sendFhir, startFakeHalaxy } from './fakeHalaxy';
import type { FakeHalaxy, FakeHalaxyOptions, FakeRoute } from './fakeHalaxy';

const packageJson = JSON.parse(readFileSync(join(__dirname, '../../../../package.json'), 'utf8')) as { name: string; version: string };
const USER_AGENT = `${packageJson.name}/${packageJson.version}`;

const patient = (id: string) => ({ resourceType: 'Patient', id, name: [{ family: `Family ${id}` }] });

describe('core/halaxy HalaxyClient', () => {
  const fakes: FakeHalaxy[] = [];
  const others: LoopbackServer[] = [];
  const clients: HalaxyClient[] = [];

  async function fake(route: FakeRoute, options?: FakeHalaxyOptions): Promise<FakeHalaxy> {
    const started = await startFakeHalaxy(route, options);
    fakes.push(started);
    return started;
  }

  function client(halaxy: { baseUrl: string }, options: Partial<HalaxyClientOptions> = {}): HalaxyClient {
    const created = new HalaxyClient({
      region: { baseUrl: halaxy.baseUrl },
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      ...options,
      http: { retryBaseDelayMs: 5, retryMaxDelayMs: 20, ...options.http },
    });
    clients.push(created);
    return created;
  }

  afterEach(async () => {
    clients.splice(0).forEach((created) => created.dispose());
    await Promise.all([...fakes.splice(0).map((started) => started.server), ...others.splice(0)].map((server) => server.close()));
  });

  it('knows the AU and EU hosts', () => {
    assert.deepEqual(HALAXY_BASE_URLS, { au: 'https://au-api.halaxy.com/main', eu: 'https://eu-api.halaxy.com/main' });
  });

  it('gets a token with a JSON client-credentials body, then sends the headers Halaxy requires on every call', async () => {
    const halaxy = await fake((request, response) => sendFhir(response, 200, patient(request.url.split('/').pop() ?? '')));
    const halaxyClient = client(halaxy);
    assert.deepEqual(await halaxyClient.read('Patient', 'p1'), patient('p1'));
    await halaxyClient.read('Patient', 'p2');

    const [tokenRequest] = halaxy.tokenRequests();
    assert.equal(halaxy.tokenRequests().length, 1, 'the second call reuses the token');
    assert.equal(tokenRequest.method, 'POST');
    assert.equal(tokenRequest.headers.accept, 'application/fhir+json');
    assert.equal(tokenRequest.headers['content-type'], 'application/json');
    assert.equal(tokenRequest.headers['user-agent'], USER_AGENT);
    assert.deepEqual(JSON.parse(tokenRequest.body.toString()), { grant_type: 'client_credentials', client_id: CLIENT_ID, client_secret: CLIENT_SECRET });

    const reads = halaxy.apiRequests();
    assert.deepEqual(reads.map((request) => `${request.method} ${request.url}`), ['GET /main/Patient/p1', 'GET /main/Patient/p2']);
    for (const read of reads) {
      assert.equal(read.headers.authorization, `Bearer ${halaxy.issued[0]}`);
      assert.equal(read.headers.accept, 'application/fhir+json');
      assert.equal(read.headers['content-type'], 'application/json');
      assert.equal(read.headers['user-agent'], USER_AGENT);
    }
  });

  it('sends a caller-chosen User-Agent instead, on the token request too', async () => {
    const halaxy = await fake((_request, response) => sendFhir(response, 200, patient('p1')));
    await client(halaxy, { userAgent: 'PracticeReports/2.1' }).read('Patient', 'p1');
    assert.deepEqual(halaxy.server.requests.map((request) => request.headers['user-agent']), ['PracticeReports/2.1', 'PracticeReports/2.1']);
  });

  it('sends every method with its verb, path, body and content type', async () => {
    const halaxy = await fake((request, response) => {
      const path = request.url.split('?')[0];
      const body = request.body.length > 0 ? (JSON.parse(request.body.toString()) as Record<string, unknown>) : undefined;
      if (request.method === 'POST' && path === '/main/Patient') return sendFhir(response, 201, { ...body, id: 'new1' });
      if (request.method === 'PUT' || request.method === 'PATCH') return sendFhir(response, 200, { ...patient('p1'), ...body });
      if (path === '/main/Appointment/$book') return sendFhir(response, 201, { resourceType: 'Appointment', id: 'a9', status: 'booked' });
      if (path === '/main/Appointment/$find') return sendFhir(response, 200, { resourceType: 'Bundle', type: 'searchset', entry: [] });
      if (path === '/main/Patient/$export-ids') return sendFhir(response, 200, { resourceType: 'Parameters', parameter: [{ name: 'id', valueString: 'p1' }] });
      if (path === '/main/metadata') return sendFhir(response, 200, { resourceType: 'CapabilityStatement', fhirVersion: '4.3.0' });
      sendFhir(response, 404, outcome('not-found', `No route for ${path}`));
    });
    const halaxyClient = client(halaxy);

    const created = await halaxyClient.create({ resourceType: 'Patient', name: [{ family: 'New' }] });
    assert.equal(created.id, 'new1');
    const updated = await halaxyClient.update({ ...patient('p1'), gender: 'female' });
    assert.equal(updated.gender, 'female');
    const patched = await halaxyClient.patch('Patient', 'p1', { telecom: [{ system: 'phone', value: '0412 345 678' }] });
    assert.deepEqual(patched.telecom, [{ system: 'phone', value: '0412 345 678' }]);
    const parameters = { resourceType: 'Parameters', parameter: [{ name: 'appointment', resource: { resourceType: 'Appointment', status: 'proposed' } }] };
    assert.equal((await halaxyClient.book(parameters)).id, 'a9');
    await halaxyClient.find({ start: '2025-06-02T09:00:00+10:00', duration: 30, practitioner: 'Practitioner/PR-1' });
    assert.equal((await halaxyClient.exportPatientIds()).resourceType, 'Parameters');
    assert.equal((await halaxyClient.capabilities()).fhirVersion, '4.3.0');

    const sent = halaxy.apiRequests().map((request) => ({
      line: `${request.method} ${request.url}`,
      type: request.headers['content-type'],
      body: request.body.length > 0 ? JSON.parse(request.body.toString()) : undefined,
    }));
    assert.deepEqual(sent, [
      { line: 'POST /main/Patient', type: 'application/json', body: { resourceType: 'Patient', name: [{ family: 'New' }] } },
      { line: 'PUT /main/Patient/p1', type: 'application/json', body: { ...patient('p1'), gender: 'female' } },
      { line: 'PATCH /main/Patient/p1', type: 'application/merge-patch+json', body: { telecom: [{ system: 'phone', value: '0412 345 678' }] } },
      { line: 'POST /main/Appointment/$book', type: 'application/json', body: parameters },
      { line: 'GET /main/Appointment/$find?start=2025-06-02T09:00:00%2B10:00&duration=30&practitioner=Practitioner/PR-1', type: 'application/json', body: undefined },
      { line: 'GET /main/Patient/$export-ids', type: 'application/json', body: undefined },
      { line: 'GET /main/metadata', type: 'application/json', body: undefined },
    ]);
  });

  it('reads a created resource back from Location when the write answers without a body', async () => {
    const halaxy = await fake((request, response) => {
      if (request.method === 'POST') return void response.writeHead(201, { location: `${halaxy.baseUrl}/Patient/77/_history/1` }).end();
      if (request.method === 'PATCH') return void response.writeHead(204).end();
      sendFhir(response, 200, patient(request.url.split('/').pop() ?? ''));
    });
    const halaxyClient = client(halaxy);
    assert.deepEqual(await halaxyClient.create({ resourceType: 'Patient' }), patient('77'));
    assert.deepEqual(await halaxyClient.patch('Patient', '78', { active: true }), patient('78'));
    assert.deepEqual(
      halaxy.apiRequests().map((request) => `${request.method} ${request.url}`),
      ['POST /main/Patient', 'GET /main/Patient/77', 'PATCH /main/Patient/78', 'GET /main/Patient/78'],
    );
  });

  it('refuses a write answered with neither a body nor a Location', async () => {
    const halaxy = await fake((_request, response) => void response.writeHead(201).end());
    const error = await rejectionOf(client(halaxy).create({ resourceType: 'Patient' }));
    assert.ok(isApiError(error, 'badResponse'));
    assert.equal(error.request, 'POST /main/Patient');
  });

  it('refuses malformed types and ids before sending anything', async () => {
    const halaxy = await fake((_request, response) => sendFhir(response, 200, patient('p1')));
    const halaxyClient = client(halaxy);
    for (const attempt of [
      () => halaxyClient.read('Patient', '../metadata'),
      () => halaxyClient.read('Patient', '..'),
      () => halaxyClient.patch('Patient', '.', {}),
      () => halaxyClient.read('patient/x', 'p1'),
      () => halaxyClient.search('Patient?x=1'),
      () => halaxyClient.create({ resourceType: '../oauth/token' }),
      () => halaxyClient.update({ resourceType: 'Patient' }),
      () => halaxyClient.book({ resourceType: 'Appointment' }),
    ]) {
      assert.ok(isApiError(await rejectionOf(attempt()), 'badRequest'));
    }
    assert.equal(halaxy.server.requests.length, 0);
  });

  it('encodes search parameters: + as %2B, spaces as %20, repeats kept, FHIR punctuation readable', async () => {
    const halaxy = await fake((_request, response) => sendFhir(response, 200, { resourceType: 'Bundle', type: 'searchset', total: 0, link: [] }));
    const bundle = await client(halaxy).search('Appointment', {
      date: ['ge2025-06-01T00:00:00+10:00', 'lt2025-07-01'],
      patient: 'Patient/123',
      name: 'Mary Ann',
      _include: 'Appointment:patient',
      _sort: '-date',
      _count: 20,
      page: 1,
      _summary: undefined,
    });
    assert.equal(bundle.total, 0);
    assert.equal(
      halaxy.apiRequests()[0].url,
      '/main/Appointment?date=ge2025-06-01T00:00:00%2B10:00&date=lt2025-07-01&patient=Patient/123&name=Mary%20Ann&_include=Appointment:patient&_sort=-date&_count=20&page=1',
    );
  });

  it('refuses a search answered with something other than a Bundle', async () => {
    const halaxy = await fake((_request, response) => sendFhir(response, 200, patient('p1')));
    assert.ok(isApiError(await rejectionOf(client(halaxy).search('Patient')), 'badResponse'));
  });

  describe('paging', () => {
    const PATIENTS = Array.from({ length: 7 }, (_, index) => patient(`p${index + 1}`));

    /** Pages of two, with next links absolute, base-relative and root-relative in turn. */
    const pagedRoute =
      (base: () => string, nextStyle: (page: number) => string = (page) => [`${base()}/`, '', '/main/'][page % 3]): FakeRoute =>
      (request, response) => {
        const params = new URL(request.url, 'http://x').searchParams;
        const page = Number(params.get('page') ?? '1');
        const count = Number(params.get('_count') ?? '2');
        const slice = PATIENTS.slice((page - 1) * count, page * count);
        const link = [{ relation: 'self', url: `${base()}/Patient?_count=${count}&page=${page}` }];
        if (page * count < PATIENTS.length) {
          link.push({ relation: 'next', url: `${nextStyle(page)}Patient?_count=${count}&page=${page + 1}` });
        }
        sendFhir(response, 200, {
          resourceType: 'Bundle',
          type: 'searchset',
          total: PATIENTS.length,
          link,
          entry: slice.map((resource) => ({ fullUrl: `${base()}/Patient/${resource.id}`, resource, search: { mode: 'match' } })),
        });
      };

    it('follows absolute and relative next links to the last page', async () => {
      const halaxy: FakeHalaxy = await fake(pagedRoute(() => halaxy.baseUrl));
      const bundles: Bundle[] = [];
      for await (const bundle of client(halaxy).searchPages('Patient', { _count: 2 })) {
        bundles.push(bundle);
      }
      assert.deepEqual(bundles.flatMap((bundle) => bundleResources(bundle).map((resource) => resource.id)), PATIENTS.map((resource) => resource.id));
      assert.deepEqual(halaxy.apiRequests().map((request) => request.url), [
        '/main/Patient?_count=2',
        '/main/Patient?_count=2&page=2',
        '/main/Patient?_count=2&page=3',
        '/main/Patient?_count=2&page=4',
      ]);
    });

    it('stops at maxPages', async () => {
      const halaxy: FakeHalaxy = await fake(pagedRoute(() => halaxy.baseUrl));
      let pages = 0;
      for await (const bundle of client(halaxy).searchPages('Patient', { _count: 2 }, { maxPages: 2 })) {
        pages++;
        assert.ok(bundle.link?.some((link) => link.relation === 'next'), 'more pages remained');
      }
      assert.equal(pages, 2);
      assert.equal(halaxy.apiRequests().length, 2);
      await assert.rejects(client(halaxy).searchPages('Patient', {}, { maxPages: 0 }).next(), RangeError);
    });

    it('is cancelled between pages without sending another request', async () => {
      const halaxy: FakeHalaxy = await fake(pagedRoute(() => halaxy.baseUrl));
      const controller = new AbortController();
      const error = await rejectionOf(
        (async () => {
          for await (const bundle of client(halaxy).searchPages('Patient', { _count: 2 }, { signal: controller.signal })) {
            assert.equal(bundle.entry?.length, 2);
            controller.abort();
          }
        })(),
      );
      assert.ok(isApiError(error, 'cancelled'), String(error));
      assert.equal(halaxy.apiRequests().length, 1);
    });

    it('refuses a next link to another host, and one that loops back', async () => {
      const elsewhere = await startLoopback((_request, response) => sendJson(response, 200, {}));
      others.push(elsewhere);
      const leaking: FakeHalaxy = await fake(pagedRoute(() => leaking.baseUrl, () => `${elsewhere.url}/main/`));
      const received: Bundle[] = [];
      const leak = await rejectionOf((async () => {
        for await (const bundle of client(leaking).searchPages('Patient', { _count: 2 })) {
          received.push(bundle);
        }
      })());
      assert.equal(received.length, 1);
      assert.ok(isApiError(leak, 'badResponse'));
      assert.match(leak.message, /outside the API/);
      assert.equal(elsewhere.requests.length, 0, 'the token never went to the other host');

      // Every page says the next one is page 2: the second time it is named, the client stops.
      const looping: FakeHalaxy = await fake((_request, response) =>
        sendFhir(response, 200, { resourceType: 'Bundle', type: 'searchset', link: [{ relation: 'next', url: 'Patient?_count=2&page=2' }] }),
      );
      const pages: Bundle[] = [];
      const loop = await rejectionOf((async () => {
        for await (const bundle of client(looping).searchPages('Patient', { _count: 2 })) {
          pages.push(bundle);
        }
      })());
      assert.ok(isApiError(loop, 'badResponse'));
      assert.match(loop.message, /links back to a page already read/);
      assert.equal(pages.length, 2);
      assert.equal(looping.apiRequests().length, 2);
    });
  });

  describe('errors', () => {
    it('turns OperationOutcomes into kinds with the server diagnostics', async () => {
      const cases: Array<[number, unknown, string, string]> = [
        [400, outcome('invalid', 'Unknown search parameter "nme".'), 'badRequest', 'Unknown search parameter "nme".'],
        [403, outcome('forbidden', 'This API key may not create Patient.'), 'forbidden', 'This API key may not create Patient.'],
        [404, outcome('not-found', 'Patient/zz is not known.'), 'notFound', 'Patient/zz is not known.'],
        [405, outcome('not-supported', 'DocumentReference cannot be read.'), 'notAllowed', 'DocumentReference cannot be read.'],
        [409, outcome('conflict', 'The slot is no longer free.'), 'badRequest', 'The slot is no longer free.'],
        [
          422,
          {
            resourceType: 'OperationOutcome',
            issue: [
              { severity: 'error', code: 'required', diagnostics: 'Patient.name is required.' },
              { severity: 'warning', code: 'informational', diagnostics: 'Patient.gender was empty.' },
              { severity: 'error', code: 'value', details: { text: 'Patient.birthDate must not be in the future.' } },
            ],
          },
          'badRequest',
          'Patient.name is required. Patient.birthDate must not be in the future.',
        ],
        [
          422,
          { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'invalid', diagnostics: 'subject must be Type/id' }, { severity: 'error', code: 'invalid', diagnostics: 'date is not a date' }] },
          'badRequest',
          'subject must be Type/id; date is not a date',
        ],
        [429, outcome('throttled', 'Too many requests.'), 'rateLimited', 'Too many requests.'],
        [500, outcome('exception', 'Internal error.'), 'badResponse', 'Internal error.'],
        [503, undefined, 'badResponse', 'The server answered 503 Service Unavailable.'],
      ];
      const halaxy = await fake((request, response) => {
        const [status, body] = cases[Number(request.url.split('/').pop())];
        if (body === undefined) return void response.writeHead(status).end();
        sendFhir(response, status, body);
      });
      const halaxyClient = client(halaxy, { http: { maxAttempts: 1 } });
      for (const [index, [status, , kind, message]] of cases.entries()) {
        const error = await rejectionOf(halaxyClient.read('Patient', String(index)));
        assert.ok(error instanceof ApiError, `case ${index}`);
        assert.deepEqual([error.kind, error.message, error.status, error.request], [kind, message, status, `GET /main/Patient/${index}`], `case ${index}`);
      }
    });

    it('refreshes the token once on 401 and retries the request', async () => {
      const halaxy: FakeHalaxy = await fake((_request, response) => {
        if (halaxy.apiRequests().length === 1) {
          // The first token dies while the client still trusts it.
          halaxy.revokeTokens();
          return sendFhir(response, 401, outcome('login', 'The access token has expired.'));
        }
        sendFhir(response, 200, patient('p1'));
      });
      assert.deepEqual(await client(halaxy).create({ resourceType: 'Patient' }), patient('p1'));
      assert.equal(halaxy.tokenRequests().length, 2);
      assert.deepEqual(halaxy.apiRequests().map((request) => request.headers.authorization), [`Bearer ${halaxy.issued[0]}`, `Bearer ${halaxy.issued[1]}`]);
    });

    it('gives up with auth when the fresh token is refused too', async () => {
      const halaxy = await fake((_request, response) => sendFhir(response, 401, outcome('login', 'The access token is not valid.')));
      const error = await rejectionOf(client(halaxy).read('Patient', 'p1'));
      assert.ok(isApiError(error, 'auth'));
      assert.equal(error.message, 'The access token is not valid.');
      assert.equal(halaxy.tokenRequests().length, 2);
      assert.equal(halaxy.apiRequests().length, 2);
    });

    it('needs one new token when several requests are refused together', async () => {
      const halaxy = await fake((_request, response) => sendFhir(response, 200, patient('p1')));
      const halaxyClient = client(halaxy);
      await halaxyClient.read('Patient', 'p1');
      halaxy.revokeTokens();
      const reads = await Promise.all(Array.from({ length: 4 }, (_, index) => halaxyClient.read('Patient', `p${index}`)));
      assert.equal(reads.length, 4);
      assert.equal(halaxy.tokenRequests().length, 2, 'one new token served every refused request');
      const authorizations = halaxy.apiRequests().map((request) => request.headers.authorization);
      assert.deepEqual(authorizations.filter((value) => value === `Bearer ${halaxy.issued[0]}`).length, 5);
      assert.deepEqual(authorizations.filter((value) => value === `Bearer ${halaxy.issued[1]}`).length, 4);
    });

    it('maps refused credentials to auth with the OAuth error description', async () => {
      const halaxy = await fake((_request, response) => sendFhir(response, 200, patient('p1')));
      const error = await rejectionOf(client(halaxy, { clientSecret: 'wrong-secret-0123456789' }).read('Patient', 'p1'));
      assert.ok(isApiError(error, 'auth'));
      assert.equal(error.message, 'Client authentication failed.');
      assert.equal(error.request, 'POST /main/oauth/token');
      assert.equal(halaxy.apiRequests().length, 0);
    });

    it('maps an OAuth 400 invalid_client to auth, and other token failures to their own kinds', async () => {
      const server = await startLoopback((request, response) => {
        if (request.url.endsWith('/a/main/oauth/token')) return sendJson(response, 400, { error: 'invalid_client', error_description: 'Unknown client.' });
        if (request.url.endsWith('/b/main/oauth/token')) return sendJson(response, 400, { error: 'invalid_request', error_description: 'Body is not JSON.' });
        if (request.url.endsWith('/c/main/oauth/token')) return sendJson(response, 200, { token_type: 'Bearer', expires_in: 900 });
        sendJson(response, 200, { token_type: 'mac', access_token: 'abcdefgh' });
      });
      others.push(server);
      const kindFor = async (prefix: string): Promise<[string, string]> => {
        const error = (await rejectionOf(
          client({ baseUrl: `${server.url}/${prefix}/main` }).read('Patient', 'p1'),
        )) as ApiError;
        return [error.kind, error.message];
      };
      assert.deepEqual(await kindFor('a'), ['auth', 'Unknown client.']);
      assert.deepEqual(await kindFor('b'), ['badRequest', 'Body is not JSON.']);
      assert.deepEqual(await kindFor('c'), ['badResponse', 'The token endpoint answered without a bearer access token.']);
      assert.deepEqual(await kindFor('d'), ['badResponse', 'The token endpoint answered without a bearer access token.']);
    });
  });

  describe('rate limits', () => {
    const quota = (): FakeHalaxyOptions['headers'] => {
      let remaining = 500;
      return () => ({ 'x-ratelimit-limit': '500', 'x-ratelimit-remaining': String(--remaining) });
    };

    it('reads the quota from every response, the token endpoint and errors included', async () => {
      const halaxy = await fake(
        (request, response) => (request.url.endsWith('/missing') ? sendFhir(response, 404, outcome('not-found', 'No.')) : sendFhir(response, 200, patient('p1'))),
        { headers: quota() },
      );
      const seen: RateLimit[] = [];
      const halaxyClient = client(halaxy, { now: () => 1_000_000, onRateLimit: (rateLimit) => seen.push(rateLimit) });
      assert.equal(halaxyClient.rateLimit, undefined);
      await halaxyClient.read('Patient', 'p1');
      await rejectionOf(halaxyClient.read('Patient', 'missing'));
      assert.deepEqual(seen, [
        { limit: 500, remaining: 499, at: 1_000_000 },
        { limit: 500, remaining: 498, at: 1_000_000 },
        { limit: 500, remaining: 497, at: 1_000_000 },
      ]);
      assert.deepEqual(halaxyClient.rateLimit, seen[2]);
    });

    it('waits out a 429 for retry-after seconds, then succeeds', async () => {
      const halaxy: FakeHalaxy = await fake(
        (_request, response) => {
          if (halaxy.apiRequests().length === 1) {
            return sendFhir(response, 429, outcome('throttled', 'Rate limit exceeded.'), { 'retry-after': '1', 'x-ratelimit-remaining': '0' });
          }
          sendFhir(response, 200, patient('p1'), { 'x-ratelimit-remaining': '7' });
        },
        { headers: () => ({ 'x-ratelimit-limit': '10', 'x-ratelimit-remaining': '9' }) },
      );
      const seen: number[] = [];
      const halaxyClient = client(halaxy, { onRateLimit: (rateLimit) => seen.push(rateLimit.remaining) });
      assert.deepEqual(await halaxyClient.read('Patient', 'p1'), patient('p1'));
      const [refused, accepted] = halaxy.apiRequests();
      assert.ok(accepted.at - refused.at >= 950, `retried after ${accepted.at - refused.at} ms`);
      assert.deepEqual(seen, [9, 0, 7], 'token response, the 429, the retry');
      assert.equal(halaxyClient.rateLimit?.remaining, 7);
    });

    it('gives up with rateLimited when retry-after reaches past the retry budget', async () => {
      const halaxy = await fake((_request, response) => sendFhir(response, 429, outcome('throttled', 'Rate limit exceeded.'), { 'retry-after': '45' }));
      const error = await rejectionOf(client(halaxy, { http: { retryBudgetMs: 5000 } }).read('Patient', 'p1'));
      assert.ok(isApiError(error, 'rateLimited'));
      assert.equal(error.retryAfterSeconds, 45);
      assert.equal(halaxy.apiRequests().length, 1);
    });
  });

  it('cancels any call, before the token arrives or while the request is in flight', async () => {
    const halaxy = await fake(() => undefined, { tokenDelayMs: 200 });
    const halaxyClient = client(halaxy);
    const early = new AbortController();
    const pending = halaxyClient.read('Patient', 'p1', early.signal);
    early.abort();
    assert.ok(isApiError(await rejectionOf(pending), 'cancelled'));

    const late = new AbortController();
    const hanging = halaxyClient.search('Patient', {}, late.signal);
    for (let waited = 0; halaxy.apiRequests().length === 0 && waited < 200; waited++) {
      await sleep(10);
    }
    assert.equal(halaxy.apiRequests().length, 1, 'the search reached the server');
    late.abort();
    assert.ok(isApiError(await rejectionOf(hanging), 'cancelled'));
    assert.equal(halaxy.tokenRequests().length, 1, 'the cancelled caller did not cancel the shared token request');
  });
});
