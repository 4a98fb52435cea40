import { strict as assert } from 'node:assert';
import { decodeRows, waitFor } from '../../../support/contractClient';
import { startTestSandbox } from '../../../support/sandboxFixture';
import type { TestSandbox } from '../../../support/sandboxFixture';

describe('Sandbox server: immediate queries', () => {
  let t: TestSandbox;
  const immediate = (role: Parameters<TestSandbox['sitePath']>[0] = 'bestPractice') => t.sitePath(role, '/queries/immediate');

  before(async () => {
    t = await startTestSandbox({ immediateLimitBytes: 32 * 1024 });
  });

  after(async () => {
    await t?.sandbox.stop();
  });

  it('runs a T-SQL reader query and returns the rows as base64 JSON with timing, metrics and sizes', async () => {
    const text = 'SELECT TOP 5 InternalID, Firstname, Surname, DOB FROM BPS_Patients ORDER BY InternalID';
    const response = await t.client.post(immediate(), { command: { text } });
    assert.equal(response.status, 200);
    const query = response.body;
    assert.equal(query.mode, 'immediate');
    assert.equal(query.status, 'successful');
    assert.equal(query.siteId, t.site('bestPractice').id);
    assert.equal(query.integratorId, t.sandbox.integratorId);
    assert.equal(query.maxTimeInQueue, 30000);
    assert.equal(query.commandSize, Buffer.byteLength(JSON.stringify({ text })));
    assert.equal(query.requestSize, Buffer.byteLength(JSON.stringify({ command: { text } })));
    const rows = decodeRows(query.result.data);
    assert.equal(rows.length, 5);
    assert.equal(query.result.rows, 5);
    assert.deepEqual(Object.keys(rows[0]), ['InternalID', 'Firstname', 'Surname', 'DOB']);
    assert.equal(query.result.size, Buffer.from(query.result.data, 'base64').length);
    assert.equal(query.resultSize, query.result.data.length);
    assert.ok(query.statusTiming.initialising.startTime && query.statusTiming.executing.startTime);
    assert.equal(typeof query.metrics.sqlExecutionDuration, 'number');
    assert.ok(query.completedAt);
  });

  it('keeps every immediate query retrievable by id and through the batch status call', async () => {
    const first = await t.client.post(immediate(), { command: { text: 'SELECT COUNT(*) AS n FROM BPS_Patients', executionMode: 'scalar' } });
    const second = await t.client.post(immediate(), { command: { text: 'SELECT nope FROM nowhere' } });
    const fetched = await t.client.get(t.sitePath('bestPractice', `/queries/${first.body.id}`));
    assert.equal(fetched.status, 200);
    assert.deepEqual(fetched.body, first.body);
    const missing = '11111111-2222-4333-8444-555555555555';
    const batch = await t.client.post(t.sitePath('bestPractice', '/queries/status'), { queryIds: [first.body.id, second.body.id, missing] });
    assert.equal(batch.status, 200);
    assert.deepEqual(
      batch.body.results.map((r: { queryId: string; status: string; query?: { status: string } }) => [r.queryId, r.status, r.query?.status]),
      [
        [first.body.id, 'found', 'successful'],
        [second.body.id, 'found', 'executionFailed'],
        [missing, 'notFound', undefined],
      ],
    );
    // Another site does not see this site's queries.
    assert.equal((await t.client.get(t.sitePath('d4w', `/queries/${first.body.id}`))).status, 404);
  });

  it('answers a scalar as a one-row result', async () => {
    const response = await t.client.post(immediate(), { command: { text: 'SELECT COUNT(*) FROM BPS_Patients', executionMode: 'scalar' } });
    assert.equal(response.status, 200);
    const rows = decodeRows(response.body.result.data);
    assert.equal(rows.length, 1);
    assert.equal(Object.keys(rows[0]).length, 1);
    assert.ok(Number(Object.values(rows[0])[0]) > 0);
  });

  it('runs nonQuery writes that persist for the Sandbox\'s lifetime', async () => {
    const before = decodeRows((await t.client.post(immediate(), { command: { text: 'SELECT TOP 1 INTERNALID, SURNAME FROM PATIENTS ORDER BY INTERNALID' } })).body.result.data)[0];
    const update = await t.client.post(immediate(), {
      command: { text: `UPDATE PATIENTS SET SURNAME = 'Sandboxwrite' WHERE INTERNALID = ${Number(before.INTERNALID)}`, executionMode: 'nonQuery' },
    });
    assert.equal(update.status, 200);
    assert.deepEqual(update.body.result, { rowsAffected: 1, size: 0 });
    const after = await t.client.post(immediate(), { command: { text: `SELECT SURNAME FROM PATIENTS WHERE INTERNALID = ${Number(before.INTERNALID)}` } });
    assert.deepEqual(decodeRows(after.body.result.data), [{ SURNAME: 'Sandboxwrite' }]);
  });

  it('runs a stored procedure', async () => {
    const response = await t.client.post(immediate(), { command: { text: 'BP_GetAllUsers', type: 'storedProcedure' } });
    assert.equal(response.status, 200, JSON.stringify(response.body));
    assert.ok(decodeRows(response.body.result.data).length > 0);
  });

  it('reports SQL errors as executionFailed with mssql errorDetails and the deprecated flat fields, on a 400', async () => {
    const response = await t.client.post(immediate(), { command: { text: 'SELECT * FROM NoSuchTable' } });
    assert.equal(response.status, 400);
    const query = response.body;
    assert.equal(query.status, 'executionFailed');
    assert.equal(query.errorDetails.errorType, 'mssql');
    assert.equal(query.errorDetails.errorCode, 208);
    assert.match(query.errorDetails.errorMessage, /NoSuchTable/);
    assert.equal(query.errorCode, 208);
    assert.equal(query.errorMessage, query.errorDetails.errorMessage);
    assert.ok(query.completedAt);
  });

  it('refuses a result over the immediate size limit with Halo\'s http 413 error', async () => {
    const response = await t.client.post(immediate(), { command: { text: 'SELECT * FROM BPS_Patients' } });
    assert.equal(response.status, 400);
    assert.equal(response.body.status, 'executionFailed');
    assert.deepEqual(
      { type: response.body.errorDetails.errorType, code: response.body.errorDetails.errorCode },
      { type: 'http', code: 413 },
    );
    assert.match(response.body.errorDetails.errorMessage, /results were too large/);
  });

  describe('request validation', () => {
    const cases: [string, unknown, RegExp][] = [
      ['no command', { maxTimeInQueue: 100 }, /command is required/],
      ['no command text', { command: { executionMode: 'reader' } }, /command\.text/],
      ['empty command text', { command: { text: '  ' } }, /command\.text/],
      ['an unknown execution mode', { command: { text: 'SELECT 1', executionMode: 'read' } }, /command\.executionMode must be one of: reader, nonQuery, scalar/],
      ['an unknown command type', { command: { text: 'SELECT 1', type: 'proc' } }, /command\.type/],
      ['maxTimeInQueue above 60000', { command: { text: 'SELECT 1' }, maxTimeInQueue: 60001 }, /maxTimeInQueue must be an integer from 0 to 60000/],
      ['a negative maxTimeInQueue', { command: { text: 'SELECT 1' }, maxTimeInQueue: -1 }, /maxTimeInQueue/],
      ['a fractional maxTimeInQueue', { command: { text: 'SELECT 1' }, maxTimeInQueue: 1.5 }, /maxTimeInQueue/],
      ['a bad parameter direction', { command: { text: 'SELECT 1', parameters: [{ name: '@a', direction: 'sideways' }] } }, /command\.parameters\[0\]\.direction/],
      ['a bad parameter type', { command: { text: 'SELECT 1', parameters: [{ name: '@a', type: 'Integer' }] } }, /command\.parameters\[0\]\.type/],
      ['an unknown catalogue', { command: { text: 'SELECT 1' }, catalogue: 'Nope' }, /catalogue "Nope"/],
    ];
    for (const [what, body, message] of cases) {
      it(`answers 400 for ${what}`, async () => {
        const response = await t.client.post(immediate(), body);
        assert.equal(response.status, 400);
        assert.match(response.body.error.message, message);
      });
    }

    it('answers 400 for a body that is not JSON', async () => {
      const response = await t.client.request('POST', immediate(), { raw: '{"command":', contentType: 'application/json' });
      assert.equal(response.status, 400);
      assert.match(response.body.error.message, /not valid JSON/);
    });

    it('answers 400 for a malformed site GUID and 404 for an unknown one', async () => {
      assert.equal((await t.client.post('/integrator/sites/xyz/queries/immediate', { command: { text: 'SELECT 1' } })).status, 400);
      assert.equal((await t.client.post('/integrator/sites/00000000-0000-4000-8000-000000000000/queries/immediate', { command: { text: 'SELECT 1' } })).status, 404);
    });
  });

  it('queries a Zedmed site\'s second catalogue by name', async () => {
    const zedmed = t.site('zedmed');
    const second = zedmed.catalogues.find((catalogue) => !catalogue.isDefault);
    assert.ok(second);
    const response = await t.client.post(immediate('zedmed'), { command: { text: 'SELECT 1 AS one' }, catalogue: second.name.toLowerCase() });
    assert.equal(response.status, 200);
  });

  it('answers 503 "Site could not be contacted" for the offline site and 504 for the unreachable one', async () => {
    const offline = await t.client.post(immediate('offline'), { command: { text: 'SELECT 1' } });
    assert.equal(offline.status, 503);
    assert.match(offline.body.error.message, /^Site could not be contacted/);
    const unreachable = await t.client.post(immediate('unreachable'), { command: { text: 'SELECT 1' } });
    assert.equal(unreachable.status, 504);
    assert.equal(unreachable.body.error.statusText, 'Gateway Timeout');
  });

  describe('maxTimeInQueue against the queue delay', () => {
    it('waits out a queue delay shorter than maxTimeInQueue, then runs', async () => {
      t.sandbox.faults.queueDelay(800);
      const pending = t.client.post(immediate(), { command: { text: 'SELECT 1 AS one' }, maxTimeInQueue: 1000 });
      await waitFor(() => t.clock.pending > 0, 5000, 'the queue delay to be scheduled');
      t.clock.advance(800);
      const response = await pending;
      assert.equal(response.status, 200);
    });

    it('times out with 504 when the queue delay exceeds maxTimeInQueue', async () => {
      t.sandbox.faults.queueDelay(5000);
      const pending = t.client.post(immediate(), { command: { text: 'SELECT 1 AS one' }, maxTimeInQueue: 2000 });
      await waitFor(() => t.clock.pending > 0, 5000, 'the queue delay to be scheduled');
      t.clock.advance(2000);
      const response = await pending;
      assert.equal(response.status, 504);
      assert.equal(response.body.error.message, 'Query took more than 2 seconds to return a result.');
    });
  });
});
