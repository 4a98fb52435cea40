import { strict as assert } from 'node:assert';
import { decodeRows } from '../../../support/contractClient';
import { startTestSandbox } from '../../../support/sandboxFixture';
import type { TestSandbox } from '../../../support/sandboxFixture';

describe('Sandbox server: fault injection', () => {
  let t: TestSandbox;
  const select = { command: { text: 'SELECT TOP 3 InternalID FROM BPS_Patients ORDER BY InternalID' } };

  before(async () => {
    t = await startTestSandbox();
    // Compile the contract validators these timings would otherwise include.
    await t.client.get(`/integrator/sites?practiceManagementSiteId=1&practiceManagementName=Zedmed`);
    await t.client.get(t.sitePath('bestPractice'));
  });

  afterEach(() => {
    t.sandbox.faults.clear();
  });

  after(async () => {
    await t?.sandbox.stop();
  });

  const runAsyncToSuccess = async (role: 'bestPractice' = 'bestPractice') => {
    const created = await t.client.post(t.sitePath(role, '/queries/async'), select);
    t.clock.advance(5000);
    const query = (await t.client.get(t.sitePath(role, `/queries/${created.body.id}`))).body;
    assert.equal(query.status, 'successful');
    return query.id as string;
  };

  it('delays responses by the latency fault, only on the path prefix and only `count` times', async () => {
    t.sandbox.faults.latency(300, { pathPrefix: '/integrator/sites/', count: 1 });
    let started = Date.now();
    await t.client.get(`/integrator/sites?practiceManagementSiteId=1&practiceManagementName=Zedmed`);
    assert.ok(Date.now() - started < 250, 'another prefix is not delayed');
    started = Date.now();
    await t.client.get(t.sitePath('bestPractice'));
    assert.ok(Date.now() - started >= 290, 'the matching path is delayed');
    started = Date.now();
    await t.client.get(t.sitePath('bestPractice'));
    assert.ok(Date.now() - started < 250, 'the fault is used up');
  });

  it('answers the next N requests 429 with Retry-After, then serves normally', async () => {
    t.sandbox.faults.rateLimit(2, 3);
    for (let i = 0; i < 2; i++) {
      const limited = await t.client.post(t.sitePath('bestPractice', '/queries/immediate'), select, { allowUndocumented: [429] });
      assert.equal(limited.status, 429);
      assert.equal(limited.headers.get('Retry-After'), '3');
      assert.equal(limited.body.error.statusText, 'Too Many Requests');
    }
    assert.equal((await t.client.post(t.sitePath('bestPractice', '/queries/immediate'), select)).status, 200);
  });

  it('does not let an undocumented 429 pass the contract unnoticed', async () => {
    t.sandbox.faults.rateLimit(1);
    const response = await t.client.get(t.sitePath('bestPractice'), { expectViolation: true });
    assert.match(response.problems[0], /status 429 is not documented/);
  });

  it('answers the next N requests 503, then serves normally', async () => {
    t.sandbox.faults.unavailable(1, 2);
    const unavailable = await t.client.post(t.sitePath('bestPractice', '/queries/immediate'), select);
    assert.equal(unavailable.status, 503);
    assert.equal(unavailable.headers.get('Retry-After'), '2');
    assert.equal((await t.client.post(t.sitePath('bestPractice', '/queries/immediate'), select)).status, 200);
  });

  it('corrupts the next result page: undecodable base64 (which the contract catches), then truncated JSON', async () => {
    const id = await runAsyncToSuccess();
    const page = t.sitePath('bestPractice', `/queries/${id}/results/1`);
    t.sandbox.faults.malformPages(1, 'base64');
    const badBase64 = await t.client.get(page, { expectViolation: true });
    assert.match(badBase64.problems.join('\n'), /format "base64"/);
    t.sandbox.faults.malformPages(1, 'json');
    const badJson = await t.client.get(page);
    assert.throws(() => decodeRows(badJson.body.data), SyntaxError);
    const good = await t.client.get(page);
    assert.equal(decodeRows(good.body.data).length, 3);
  });

  it('takes a site offline in the middle of the next async execution: executionFailed (haloLink), site offline until cleared', async () => {
    const bp = t.site('bestPractice');
    t.sandbox.faults.offlineMidQuery(bp.id);
    const created = await t.client.post(t.sitePath('bestPractice', '/queries/async'), select);
    t.clock.advance(5000);
    const query = (await t.client.get(t.sitePath('bestPractice', `/queries/${created.body.id}`))).body;
    assert.equal(query.status, 'executionFailed');
    assert.equal(query.errorDetails.errorType, 'haloLink');
    assert.match(query.errorDetails.errorMessage, /went offline/);
    assert.equal((await t.client.get(t.sitePath('bestPractice'))).body.availability, 'offline');
    assert.equal((await t.client.post(t.sitePath('bestPractice', '/queries/immediate'), select)).status, 503);
    t.sandbox.faults.clear();
    assert.equal((await t.client.get(t.sitePath('bestPractice'))).body.availability, 'online');
  });

  describe('over HTTP (/_sandbox/faults)', () => {
    it('requires the key', async () => {
      assert.equal((await t.client.faults('POST', { rateLimit: { count: 1 } }, null)).status, 401);
      assert.equal((await t.client.faults('DELETE', undefined, 'wrong')).status, 401);
    });

    it('arms faults from JSON, reports what is armed, and DELETE clears them all', async () => {
      const armed = await t.client.faults('POST', {
        rateLimit: { count: 1, retryAfterSeconds: 5 },
        queueDelay: { ms: 10_000, count: 1 },
        malformedPages: { count: 2, kind: 'json' },
        latency: { ms: 10, pathPrefix: '/integrator/', count: 3 },
        offlineMidQuery: { count: 1 },
        unavailable: { count: 1 },
      });
      assert.equal(armed.status, 200);
      assert.equal(armed.body.requests.length, 2);
      assert.equal(armed.body.malformedPages[0].remaining, 2);
      const limited = await t.client.get(t.sitePath('bestPractice'), { allowUndocumented: [429] });
      assert.equal(limited.status, 429);
      assert.equal(limited.headers.get('Retry-After'), '5');
      assert.equal((await t.client.faults('DELETE')).status, 204);
      assert.deepEqual((await t.client.faults('GET')).body.requests, []);
      assert.equal((await t.client.get(t.sitePath('bestPractice'))).status, 200);
    });

    it('arms a queue delay that makes the next async query expire in the queue', async () => {
      assert.equal((await t.client.faults('POST', { queueDelay: { ms: 20_000 } })).status, 200);
      const created = await t.client.post(t.sitePath('bestPractice', '/queries/async'), { ...select, maxTimeInQueue: 10_000 });
      t.clock.advance(11_000);
      assert.equal((await t.client.get(t.sitePath('bestPractice', `/queries/${created.body.id}`))).body.status, 'expiredInQueue');
      const next = await t.client.post(t.sitePath('bestPractice', '/queries/async'), { ...select, maxTimeInQueue: 10_000 });
      t.clock.advance(5000);
      assert.equal((await t.client.get(t.sitePath('bestPractice', `/queries/${next.body.id}`))).body.status, 'successful');
    });

    it('answers 400 naming the problem for a bad fault body, arming nothing', async () => {
      for (const [body, message] of [
        [{ rateLimit: { count: 0 } }, /count must be an integer/],
        [{ teleport: {} }, /Unknown fault "teleport"/],
        [{ latency: { ms: 'slow' } }, /latency\.ms must be a number/],
        [{ malformedPages: { kind: 'xml' } }, /malformedPages\.kind/],
        [[1, 2], /JSON object/],
      ] as const) {
        const response = await t.client.faults('POST', body);
        assert.equal(response.status, 400, JSON.stringify(body));
        assert.match(response.body.error.message, message);
      }
      const mixed = await t.client.faults('POST', { rateLimit: { count: 1 }, queueDelay: { ms: -5 } });
      assert.equal(mixed.status, 400);
      assert.deepEqual((await t.client.faults('GET')).body.requests, []);
    });
  });
});
