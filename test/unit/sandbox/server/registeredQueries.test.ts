import { strict as assert } from 'node:assert';
import { SystemClock } from '../../../../src/sandbox/clock';
import { startSandbox } from '../../../../src/sandbox/sandbox';
import { ContractClient, decodeRows } from '../../../support/contractClient';
import { startTestSandbox } from '../../../support/sandboxFixture';
import type { TestSandbox } from '../../../support/sandboxFixture';

describe('Sandbox server: registered queries', () => {
  let t: TestSandbox;
  const registered = (rest = '') => t.sitePath('bestPractice', `/queries/registered${rest}`);
  const create = async (body: Record<string, unknown>) => {
    const response = await t.client.post(registered(), {
      name: 'Active patients',
      registeredQueryType: 'query',
      frequency: 60,
      duration: 120,
      registerCommand: { command: { text: 'SELECT COUNT(*) AS n FROM PATIENTS', executionMode: 'scalar' } },
      ...body,
    });
    assert.equal(response.status, 202, JSON.stringify(response.body));
    return response.body.id as string;
  };
  const get = async (id: string) => (await t.client.get(registered(`/${id}`))).body;

  before(async () => {
    t = await startTestSandbox();
  });

  after(async () => {
    await t?.sandbox.stop();
  });

  it('runs every frequency seconds for duration seconds, replacing the result only when its hash changes, then completes', async () => {
    const id = await create({});
    let query = await get(id);
    assert.equal(query.status, 'enabled');
    assert.equal(query.frequency, 60);
    assert.deepEqual(query.metrics, { executionSucceededCount: 0, executionFailedCount: 0, resultSizeSum: 0, requestSize: query.metrics.requestSize });
    assert.ok(query.metrics.requestSize > 0);
    const early = await t.client.get(registered(`/${id}/results`));
    assert.equal(early.status, 404);

    t.clock.advance(1000);
    query = await get(id);
    assert.equal(query.metrics.executionSucceededCount, 1);
    assert.ok(query.lastHash);
    assert.ok(query.metrics.lastSucceededAt);
    const first = await t.client.get(registered(`/${id}/results`));
    assert.equal(first.status, 200);
    assert.equal(first.body.rows, 1);
    assert.equal(first.body.parameters, null);
    const count = Number(decodeRows(first.body.data)[0].n);
    assert.equal(first.body.size, Buffer.from(first.body.data, 'base64').length);
    assert.equal(query.metrics.resultSizeSum, first.body.size);

    t.clock.advance(60_000);
    const unchanged = await get(id);
    assert.equal(unchanged.metrics.executionSucceededCount, 2);
    assert.equal(unchanged.lastHash, query.lastHash);
    assert.equal(unchanged.metrics.resultSizeSum, query.metrics.resultSizeSum);

    const write = await t.client.post(t.sitePath('bestPractice', '/queries/immediate'), {
      command: { text: `DELETE FROM PATIENTS WHERE INTERNALID = (SELECT MAX(INTERNALID) FROM PATIENTS)`, executionMode: 'nonQuery' },
    });
    assert.equal(write.body.result.rowsAffected, 1);
    t.clock.advance(60_000);
    const changed = await get(id);
    assert.equal(changed.metrics.executionSucceededCount, 3);
    assert.notEqual(changed.lastHash, query.lastHash);
    assert.equal(Number(decodeRows((await t.client.get(registered(`/${id}/results`))).body.data)[0].n), count - 1);
    assert.equal(changed.status, 'completed');
    assert.ok(changed.completedAt);

    t.clock.advance(600_000);
    assert.equal((await get(id)).metrics.executionSucceededCount, 3);
  });

  it('records failures with lastErrorDetails and counts them', async () => {
    const id = await create({ registerCommand: { command: { text: 'selct', type: 'storedProcedure' } }, duration: 60 });
    t.clock.advance(1000 + 60_000);
    const query = await get(id);
    assert.equal(query.status, 'completed');
    assert.equal(query.metrics.executionFailedCount, 2);
    assert.equal(query.metrics.executionSucceededCount, 0);
    assert.equal(query.lastErrorDetails.errorType, 'mssql');
    assert.equal(query.lastErrorDetails.errorCode, 2812);
    assert.ok(query.metrics.lastFailedAt);
    assert.equal((await t.client.get(registered(`/${id}/results`))).status, 404);
  });

  it('lists, cancels (204, status cancelled, no further runs) and answers 404 for unknown ids', async () => {
    const id = await create({ name: 'To cancel', duration: 3600 });
    t.clock.advance(1000);
    const list = await t.client.get(registered());
    assert.equal(list.status, 200);
    assert.ok(list.body.registeredQueries.some((q: { id: string; name: string }) => q.id === id && q.name === 'To cancel'));
    const cancelled = await t.client.delete(registered(`/${id}`));
    assert.equal(cancelled.status, 204);
    assert.equal(cancelled.text, '');
    const runs = (await get(id)).metrics.executionSucceededCount;
    t.clock.advance(600_000);
    const after = await get(id);
    assert.equal(after.status, 'cancelled');
    assert.equal(after.metrics.executionSucceededCount, runs);
    assert.equal((await t.client.delete(registered(`/${id}`))).status, 204);
    const unknown = '11111111-2222-4333-8444-555555555555';
    assert.equal((await t.client.get(registered(`/${unknown}`))).status, 404);
    assert.equal((await t.client.delete(registered(`/${unknown}`))).status, 404);
    assert.equal((await t.client.get(registered(`/${unknown}/results`))).status, 404);
    assert.equal((await t.client.get(registered('/not-a-guid'))).status, 400);
    // Another site does not see it.
    assert.equal((await t.client.get(t.sitePath('d4w', `/queries/registered/${id}`))).status, 404);
  });

  describe('validation', () => {
    const cases: [string, Record<string, unknown>, RegExp][] = [
      ['a frequency under 60 s', { frequency: 59 }, /frequency must be an integer from 60/],
      ['a duration over 24 h', { duration: 86_401 }, /duration must be an integer from 1 to 86400/],
      ['a fractional frequency', { frequency: 60.5 }, /frequency/],
      ['no name', { name: '' }, /name is required/],
      ['another registeredQueryType', { registeredQueryType: 'fhir' }, /registeredQueryType/],
      ['no command text', { registerCommand: { command: {} } }, /registerCommand\.command\.text/],
      ['no registerCommand', { registerCommand: undefined }, /registerCommand must be a JSON object/],
    ];
    for (const [what, body, message] of cases) {
      it(`answers 400 for ${what}`, async () => {
        const response = await t.client.post(registered(), {
          name: 'x',
          registeredQueryType: 'query',
          frequency: 60,
          duration: 120,
          registerCommand: { command: { text: 'SELECT 1' } },
          ...body,
        });
        assert.equal(response.status, 400);
        assert.match(response.body.error.message, message);
      });
    }
  });

  it('runs on a scaled real clock (registeredQueryMsPerSecond) and completes', async function () {
    this.timeout(20_000);
    const sandbox = await startSandbox({ patients: 100, clock: new SystemClock(), registeredQueryMsPerSecond: 2, lifecycle: { initialisingMs: 20 } });
    try {
      const client = new ContractClient(sandbox.url, sandbox.key);
      const site = sandbox.sites.find((candidate) => candidate.role === 'bestPractice')!;
      const base = `/integrator/sites/${site.id}/queries/registered`;
      const created = await client.post(base, {
        name: 'fast',
        registeredQueryType: 'query',
        frequency: 60,
        duration: 600,
        registerCommand: { command: { text: 'SELECT 1 AS one' } },
      });
      let query = (await client.get(`${base}/${created.body.id}`)).body;
      // 11 runs 120 ms apart: about 1.3 s of real time; polled every 50 ms for at most 10 s.
      for (let polls = 0; polls < 200 && query.status !== 'completed'; polls++) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        query = (await client.get(`${base}/${created.body.id}`)).body;
      }
      assert.equal(query.status, 'completed');
      assert.equal(query.metrics.executionSucceededCount, 11);
      assert.ok(Date.parse(query.completedAt) - Date.parse(query.createdAt) >= 1200);
    } finally {
      await sandbox.stop();
    }
  });
});
