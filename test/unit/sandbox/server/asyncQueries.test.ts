import { strict as assert } from 'node:assert';
import { request as httpRequest } from 'node:http';
import { DEFAULT_LIFECYCLE } from '../../../../src/sandbox/haloConnect/sqlPassthrough';
import { decodeRows } from '../../../support/contractClient';
import { startTestSandbox } from '../../../support/sandboxFixture';
import type { TestSandbox } from '../../../support/sandboxFixture';

const PAGE_SIZE = 16 * 1024;
const TTL = 60 * 60 * 1000;

describe('Sandbox server: async queries', () => {
  let t: TestSandbox;
  type Role = Parameters<TestSandbox['sitePath']>[0];

  before(async () => {
    t = await startTestSandbox({ pageSizeBytes: PAGE_SIZE, resultTtlMs: TTL });
  });

  after(async () => {
    await t?.sandbox.stop();
  });

  const submit = async (body: unknown, role: Role = 'bestPractice') => {
    const response = await t.client.post(t.sitePath(role, '/queries/async'), body);
    assert.equal(response.status, 201, JSON.stringify(response.body));
    return response.body as { id: string; status: string };
  };
  const status = async (id: string, role: Role = 'bestPractice') => (await t.client.get(t.sitePath(role, `/queries/${id}`))).body;
  /** Advances the clock in 10 ms steps until the query leaves `from` (at most `limitMs`), returning the new state. */
  const advanceFrom = async (id: string, from: string, limitMs = 5000, role: Role = 'bestPractice') => {
    for (let waited = 0; waited <= limitMs; waited += 10) {
      const query = await status(id, role);
      if (query.status !== from) {
        return query;
      }
      t.clock.advance(10);
    }
    throw new Error(`query stayed ${from} for ${limitMs} ms`);
  };
  const runToEnd = async (id: string, role: Role = 'bestPractice') => {
    let query = await status(id, role);
    for (let step = 0; step < 10 && !['successful', 'executionFailed', 'expiredInQueue', 'initialisationFailedSiteOffline', 'initialisationFailedSiteUnreachable'].includes(query.status); step++) {
      query = await advanceFrom(id, query.status, 10 * 60_000, role);
    }
    return query;
  };

  it('walks initialising → queued → executing → uploading → successful by the clock, with timing per state', async () => {
    const created = await submit({ command: { text: 'SELECT TOP 20 InternalID, Surname FROM BPS_Patients ORDER BY InternalID' }, maxTimeInQueue: 900000 });
    assert.equal(created.status, 'initialising');
    const seen = [created.status];
    const t0 = t.clock.now();
    let query = await status(created.id);
    assert.equal(query.status, 'initialising');
    assert.equal(query.statusTiming.initialising.endTime, undefined);
    while (query.status !== 'successful') {
      query = await advanceFrom(created.id, query.status);
      seen.push(query.status);
      if (query.status === 'queued') {
        assert.equal(Date.parse(query.statusTiming.initialising.endTime) - t0, DEFAULT_LIFECYCLE.initialisingMs);
        assert.ok(query.statusTiming.queued.startTime);
      }
      if (query.status === 'executing') {
        assert.ok(query.statusTiming.queued.endTime);
        assert.equal(query.result, undefined);
      }
      if (query.status === 'uploading') {
        assert.ok(query.statusTiming.executing.endTime);
        assert.equal(typeof query.metrics.sqlExecutionDuration, 'number');
        assert.equal(query.result.pages[0].status, 'uploading');
      }
    }
    assert.deepEqual(seen, ['initialising', 'queued', 'executing', 'uploading', 'successful']);
    assert.equal(query.mode, 'async');
    assert.equal(query.maxTimeInQueue, 900000);
    assert.ok(query.statusTiming.uploading.endTime);
    assert.equal(query.completedAt, query.statusTiming.uploading.endTime);
    assert.equal(query.result.rows, 20);
    assert.deepEqual(query.result.pages.map((p: { status: string }) => p.status), ['cached']);
    assert.deepEqual(query.result.pages[0].rows, { count: 20, rangeStart: 0, rangeEnd: 19 });
    assert.equal(query.resultSize, Math.ceil(query.result.size / 3) * 4);
  });

  it('splits a large result into ~pageSizeBytes pages on row boundaries that concatenate to exactly the rows', async () => {
    const text = 'SELECT * FROM BPS_Patients ORDER BY InternalID';
    const created = await submit({ command: { text } });
    const query = await runToEnd(created.id);
    assert.equal(query.status, 'successful');
    const pages = query.result.pages as { pageNumber: number; size: number; rows: { count: number; rangeStart: number; rangeEnd: number } }[];
    assert.ok(pages.length >= 3, `expected several pages, got ${pages.length}`);
    const all: unknown[] = [];
    for (const page of pages) {
      const response = await t.client.get(t.sitePath('bestPractice', `/queries/${created.id}/results/${page.pageNumber}`));
      assert.equal(response.status, 200);
      const json = Buffer.from(response.body.data, 'base64').toString('utf8');
      const rows = JSON.parse(json) as unknown[];
      assert.equal(response.headers.get('Size'), String(Buffer.byteLength(json)));
      assert.equal(Number(response.headers.get('Size')), page.size);
      assert.equal(response.headers.get('Rows-Count'), String(rows.length));
      assert.equal(Number(response.headers.get('Rows-Range-Start')), all.length);
      assert.equal(Number(response.headers.get('Rows-Range-End')), all.length + rows.length - 1);
      assert.deepEqual(page.rows, { count: rows.length, rangeStart: all.length, rangeEnd: all.length + rows.length - 1 });
      if (page.pageNumber < pages.length) {
        assert.ok(page.size <= PAGE_SIZE, `page ${page.pageNumber} is ${page.size} bytes`);
        assert.ok(page.size > PAGE_SIZE / 2, `page ${page.pageNumber} is only ${page.size} bytes`);
      }
      all.push(...rows);
    }
    assert.equal(all.length, query.result.rows);
    assert.equal(query.result.size, pages.reduce((sum, page) => sum + page.size, 0));
    const direct = await t.client.post(t.sitePath('bestPractice', '/queries/immediate'), { command: { text } });
    assert.deepEqual(all, decodeRows(direct.body.result.data));
  });

  it('streams a page as its decoded JSON, chunked, with the same headers', async () => {
    const created = await submit({ command: { text: 'SELECT * FROM BPS_Patients ORDER BY InternalID' } });
    await runToEnd(created.id);
    const page = await t.client.get(t.sitePath('bestPractice', `/queries/${created.id}/results/2`));
    const path = t.sitePath('bestPractice', `/queries/${created.id}/results/2/stream`);
    const streamed = await t.client.get(path);
    assert.equal(streamed.status, 200);
    assert.equal(streamed.text, Buffer.from(page.body.data, 'base64').toString('utf8'));
    for (const header of ['Size', 'Rows-Count', 'Rows-Range-Start', 'Rows-Range-End']) {
      assert.equal(streamed.headers.get(header), page.headers.get(header), header);
    }
    const transferEncoding = await new Promise<string | undefined>((resolve, reject) => {
      const url = new URL(t.sandbox.url + path);
      const req = httpRequest({ host: url.hostname, port: url.port, path: url.pathname, headers: { 'Ocp-Apim-Subscription-Key': t.sandbox.key } }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.headers['transfer-encoding']));
      });
      req.on('error', reject);
      req.end();
    });
    assert.equal(transferEncoding, 'chunked');
  });

  it('answers 404 for a page past the end, 400 for a non-positive page number, 404/400 for unknown/malformed query ids', async () => {
    const created = await submit({ command: { text: 'SELECT TOP 3 InternalID FROM BPS_Patients' } });
    await runToEnd(created.id);
    const base = t.sitePath('bestPractice', `/queries/${created.id}/results`);
    assert.equal((await t.client.get(`${base}/2`)).status, 404);
    assert.equal((await t.client.get(`${base}/2/stream`)).status, 404);
    for (const bad of ['0', '-1', 'abc', '1.5']) {
      const response = await t.client.get(`${base}/${bad}`);
      assert.equal(response.status, 400, bad);
      assert.match(response.body.error.message, /pageNumber/);
    }
    assert.equal((await t.client.get(t.sitePath('bestPractice', '/queries/11111111-2222-4333-8444-555555555555'))).status, 404);
    assert.equal((await t.client.get(t.sitePath('bestPractice', '/queries/not-an-id'))).status, 400);
    assert.equal((await t.client.get(t.sitePath('bestPractice', '/queries/11111111-2222-4333-8444-555555555555/results/1'))).status, 404);
  });

  it('answers 404 for pages of a query still running, and 410 once the cached result expired', async () => {
    const created = await submit({ command: { text: 'SELECT TOP 3 InternalID FROM BPS_Patients' } });
    const page = t.sitePath('bestPractice', `/queries/${created.id}/results/1`);
    assert.equal((await t.client.get(page)).status, 404);
    const done = await runToEnd(created.id);
    assert.equal((await t.client.get(page)).status, 200);
    t.clock.advance(Date.parse(done.completedAt) + TTL - t.clock.now() - 1);
    assert.equal((await t.client.get(page)).status, 200);
    t.clock.advance(1);
    const gone = await t.client.get(page);
    assert.equal(gone.status, 410);
    assert.equal(gone.body.error.statusText, 'Gone');
    assert.equal((await t.client.get(`${page}/stream`)).status, 410);
    assert.equal((await status(created.id)).status, 'successful');
  });

  it('gives an empty result one empty page', async () => {
    const created = await submit({ command: { text: 'SELECT InternalID FROM BPS_Patients WHERE 1 = 0' } });
    const query = await runToEnd(created.id);
    assert.equal(query.result.rows, 0);
    assert.deepEqual(query.result.pages[0].rows, { count: 0, rangeStart: 0, rangeEnd: -1 });
    const page = await t.client.get(t.sitePath('bestPractice', `/queries/${created.id}/results/1`));
    assert.deepEqual(decodeRows(page.body.data), []);
    assert.equal(page.headers.get('Rows-Count'), '0');
  });

  it('runs nonQuery async: rowsAffected, one page without data', async () => {
    const created = await submit({ command: { text: "UPDATE PATIENTS SET CITY = 'Asyncville' WHERE INTERNALID IN (SELECT TOP 2 INTERNALID FROM PATIENTS ORDER BY INTERNALID)", executionMode: 'nonQuery' } });
    const query = await runToEnd(created.id);
    assert.equal(query.status, 'successful', JSON.stringify(query));
    assert.equal(query.result.rowsAffected, 2);
    const page = await t.client.get(t.sitePath('bestPractice', `/queries/${created.id}/results/1`));
    assert.equal(page.status, 200);
    assert.equal(page.body.data, undefined);
  });

  it('fails with initialisationFailedSiteOffline / initialisationFailedSiteUnreachable for sites out of reach', async () => {
    const offline = await runToEnd((await submit({ command: { text: 'SELECT 1' } }, 'offline')).id, 'offline');
    assert.equal(offline.status, 'initialisationFailedSiteOffline');
    assert.ok(offline.completedAt);
    const unreachable = await runToEnd((await submit({ command: { text: 'SELECT 1' } }, 'unreachable')).id, 'unreachable');
    assert.equal(unreachable.status, 'initialisationFailedSiteUnreachable');
  });

  it('fails with executionFailed and mssql errorDetails for a SQL error', async () => {
    const query = await runToEnd((await submit({ command: { text: 'SELEC 1' } })).id);
    assert.equal(query.status, 'executionFailed');
    assert.equal(query.errorDetails.errorType, 'mssql');
    assert.equal(query.errorCode, query.errorDetails.errorCode);
    assert.equal(query.errorMessage, query.errorDetails.errorMessage);
    assert.ok(query.statusTiming.executing.endTime);
  });

  it('expires in the queue when the queue delay exceeds maxTimeInQueue', async () => {
    t.sandbox.faults.queueDelay(10_000);
    const query = await runToEnd((await submit({ command: { text: 'SELECT 1' }, maxTimeInQueue: 5000 })).id);
    assert.equal(query.status, 'expiredInQueue');
    assert.equal(Date.parse(query.statusTiming.queued.endTime) - Date.parse(query.statusTiming.queued.startTime), 5000);
  });

  it('validates the async body: maxTimeInQueue up to 7200000', async () => {
    const ok = await t.client.post(t.sitePath('bestPractice', '/queries/async'), { command: { text: 'SELECT 1' }, maxTimeInQueue: 7_200_000 });
    assert.equal(ok.status, 201);
    const tooLong = await t.client.post(t.sitePath('bestPractice', '/queries/async'), { command: { text: 'SELECT 1' }, maxTimeInQueue: 7_200_001 });
    assert.equal(tooLong.status, 400);
    assert.match(tooLong.body.error.message, /maxTimeInQueue must be an integer from 0 to 7200000/);
    const noText = await t.client.post(t.sitePath('bestPractice', '/queries/async'), { command: {} });
    assert.equal(noText.status, 400);
    await runToEnd(ok.body.id);
  });

  it('reports async queries in the batch status call, and validates its body', async () => {
    const a = await submit({ command: { text: 'SELECT 1 AS a' } });
    const batch = await t.client.post(t.sitePath('bestPractice', '/queries/status'), { queryIds: [a.id] });
    assert.equal(batch.body.results[0].status, 'found');
    assert.equal(batch.body.results[0].query.status, 'initialising');
    await runToEnd(a.id);
    const done = await t.client.post(t.sitePath('bestPractice', '/queries/status'), { queryIds: [a.id] });
    assert.equal(done.body.results[0].query.status, 'successful');
    assert.equal((await t.client.post(t.sitePath('bestPractice', '/queries/status'), { queryIds: 'x' })).status, 400);
    assert.equal((await t.client.post(t.sitePath('bestPractice', '/queries/status'), { queryIds: ['nope'] })).status, 400);
    assert.equal((await t.client.post(t.sitePath('bestPractice', '/queries/status'), {})).status, 400);
  });
});
