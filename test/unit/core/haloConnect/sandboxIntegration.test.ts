import assert from 'node:assert/strict';
import { isApiError } from '../../../../src/core/errors';
import { runAsyncQuery } from '../../../../src/core/haloConnect/asyncQueryRunner';
import type { AsyncQueryProgress } from '../../../../src/core/haloConnect/asyncQueryRunner';
import { HaloConnectClient } from '../../../../src/core/haloConnect/haloConnectClient';
import type { ImmediateResult } from '../../../../src/core/haloConnect/wireTypes';
import { parseRows } from '../../../../src/core/results/parseRows';
import { readImmediateResult } from '../../../../src/core/results/resultParameters';
import { startSandbox } from '../../../../src/sandbox/sandbox';
import type { RunningSandbox } from '../../../../src/sandbox/sandbox';
import { rejectionOf } from '../support/loopbackServer';

describe('core/haloConnect against the Sandbox', function () {
  this.timeout(60_000);
  let sandbox: RunningSandbox;
  let client: HaloConnectClient;

  before(async () => {
    sandbox = await startSandbox({ patients: 200, pageSizeBytes: 16 * 1024 });
    client = new HaloConnectClient({ environment: { baseUrl: sandbox.url }, subscriptionKey: sandbox.key });
  });

  after(async () => {
    client?.dispose();
    await sandbox?.stop();
  });

  const bestPractice = (): RunningSandbox['sites'][number] => sandbox.sites.find((site) => site.role === 'bestPractice') ?? sandbox.sites[0];

  it('finds a site and runs an immediate query', async () => {
    const site = bestPractice();
    const found = await client.findSites(site.practiceManagementSiteId, site.practiceManagementName);
    assert.deepEqual(found.map((entry) => entry.id), [site.id]);
    const query = await client.runImmediate(site.id, { command: { text: 'SELECT TOP 3 InternalID, Firstname, DOB FROM BPS_Patients ORDER BY InternalID' } });
    const outcome = readImmediateResult(query.result as ImmediateResult);
    assert.equal(outcome.kind, 'rows');
    const parsed = parseRows(outcome.kind === 'rows' ? outcome.bytes : Buffer.alloc(0));
    assert.deepEqual(parsed.columns, ['InternalID', 'Firstname', 'DOB']);
    assert.equal(parsed.rows.length, 3);
  });

  it('reports a failed query as queryFailed with the server message', async () => {
    const error = await rejectionOf(client.runImmediate(bestPractice().id, { command: { text: 'selct' } }));
    assert.ok(isApiError(error, 'queryFailed'));
    assert.ok(error.message.length > 0);
    assert.ok(error.details?.errorType);
  });

  it('runs an async query through its statuses and reads every page in order', async () => {
    const site = bestPractice();
    const progress: AsyncQueryProgress[] = [];
    const pageNumbers: number[] = [];
    let rows = 0;
    for await (const item of runAsyncQuery(client, site.id, { command: { text: 'SELECT * FROM BPS_Patients' } }, { pollInitialMs: 25, onProgress: (event) => progress.push(event) })) {
      assert.equal(item.kind, 'page');
      pageNumbers.push(item.pageNumber);
      rows += item.kind === 'page' ? parseRows(item.bytes).rows.length : 0;
    }
    assert.ok(pageNumbers.length > 1, `${pageNumbers.length} pages`);
    assert.deepEqual(pageNumbers, pageNumbers.map((_, index) => index + 1));
    assert.ok(rows > 0);
    const statuses = progress.flatMap((event) => (event.type === 'status' ? [event.status] : []));
    assert.equal(statuses[statuses.length - 1], 'successful');
  });
});
