import assert from 'node:assert/strict';
import { isApiError } from '../../../../src/core/errors';
import { HaloConnectClient } from '../../../../src/core/haloConnect/haloConnectClient';
import { parseRows } from '../../../../src/core/results/parseRows';
import { startSandbox } from '../../../../src/sandbox/sandbox';
import type { RunningSandbox } from '../../../../src/sandbox/sandbox';
import { executeSql, TOO_LARGE_NOTE } from '../../../../src/vscode/runs/sqlExecution';
import { rejectionOf } from '../../core/support/loopbackServer';

describe('vscode/runs/sqlExecution against the Sandbox', function () {
  this.timeout(60_000);
  let sandbox: RunningSandbox;
  let client: HaloConnectClient;
  const fast = { pollInitialMs: 20, pollMaxMs: 100 };

  before(async () => {
    // A small immediate limit, so that a whole-table query is refused as too large and must fall back to async.
    sandbox = await startSandbox({ patients: 200, pageSizeBytes: 16 * 1024, immediateLimitBytes: 32 * 1024 });
    client = new HaloConnectClient({ environment: { baseUrl: sandbox.url }, subscriptionKey: sandbox.key });
  });

  after(async () => {
    client?.dispose();
    await sandbox?.stop();
  });

  const siteId = (): string => (sandbox.sites.find((site) => site.role === 'bestPractice') ?? sandbox.sites[0]).id;

  it('runs an immediate query and hands over its one page', async () => {
    const pages: Buffer[] = [];
    const progress: string[] = [];
    const outcome = await executeSql(client, siteId(), { command: { text: 'SELECT TOP 3 InternalID, Firstname FROM BPS_Patients ORDER BY InternalID' } }, {
      mode: 'immediate',
      onPage: (bytes) => pages.push(bytes),
      onProgress: (text) => progress.push(text),
    });
    assert.equal(outcome.mode, 'immediate');
    assert.equal(outcome.rowCount, 3);
    assert.deepEqual(outcome.notes, []);
    assert.equal(pages.length, 1);
    assert.deepEqual(parseRows(pages[0]).columns, ['InternalID', 'Firstname']);
    assert.deepEqual(progress, ['Running an immediate query']);
  });

  it('falls back to an async query when the immediate result is too large, and says so', async () => {
    const pages: Buffer[] = [];
    const progress: string[] = [];
    const outcome = await executeSql(client, siteId(), { command: { text: 'SELECT * FROM BPS_Patients' } }, {
      mode: 'immediate',
      onPage: (bytes) => pages.push(bytes),
      onProgress: (text) => progress.push(text),
      asyncOptions: fast,
    });
    assert.equal(outcome.mode, 'async');
    assert.deepEqual(outcome.notes, [TOO_LARGE_NOTE]);
    assert.ok(outcome.pages > 1, `${outcome.pages} pages`);
    assert.equal(pages.length, outcome.pages);
    const rows = pages.reduce((sum, page) => sum + parseRows(page).rows.length, 0);
    assert.equal(rows, outcome.rowCount);
    assert.ok(progress.includes('Too large for an immediate query: running it as an async query'));
    assert.ok(progress.includes('Executing at the practice'), progress.join(' | '));
    assert.ok(progress.some((text) => /^Downloading page \d+ of \d+$/.test(text)), progress.join(' | '));
  });

  it('reports the rows a nonQuery changed, immediate and async', async () => {
    const text = "UPDATE PATIENTS SET FIRSTNAME = FIRSTNAME WHERE INTERNALID IN (1, 2)";
    const immediate = await executeSql(client, siteId(), { command: { text, executionMode: 'nonQuery' } }, { mode: 'immediate', onPage: () => assert.fail('a nonQuery has no rows') });
    assert.equal(immediate.rowsAffected, 2);
    assert.equal(immediate.rowCount, undefined);
    const later = await executeSql(client, siteId(), { command: { text, executionMode: 'nonQuery' } }, { mode: 'async', onPage: () => assert.fail('a nonQuery has no rows'), asyncOptions: fast });
    assert.equal(later.rowsAffected, 2);
  });

  it('rejects a failed query with the server message', async () => {
    const error = await rejectionOf(executeSql(client, siteId(), { command: { text: 'SELECT nonsense FROM NoSuchTable' } }, { mode: 'immediate', onPage: () => undefined }));
    assert.ok(isApiError(error, 'queryFailed'), String(error));
  });

  it('stops polling when cancelled, with the query still queued', async () => {
    sandbox.faults.queueDelay(30_000);
    const controller = new AbortController();
    const statuses: string[] = [];
    const run = executeSql(client, siteId(), { command: { text: 'SELECT TOP 1 InternalID FROM BPS_Patients' } }, {
      mode: 'async',
      signal: controller.signal,
      onPage: () => assert.fail('cancelled before any page'),
      onProgress: (text) => {
        statuses.push(text);
        if (text === 'Queued at the practice') controller.abort();
      },
      asyncOptions: fast,
    });
    const error = await rejectionOf(run);
    assert.ok(isApiError(error, 'cancelled'), String(error));
    assert.ok(statuses.includes('Queued at the practice'), statuses.join(' | '));
  });
});
