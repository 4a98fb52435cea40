import assert from 'node:assert/strict';
import { createHook } from 'node:async_hooks';
import { isApiError } from '../../../../src/core/errors';
import { followAsyncQuery, runAsyncQuery } from '../../../../src/core/haloConnect/asyncQueryRunner';
import type { AsyncQueryItem, AsyncQueryProgress, AsyncQueryRunOptions } from '../../../../src/core/haloConnect/asyncQueryRunner';
import { HaloConnectClient } from '../../../../src/core/haloConnect/haloConnectClient';
import { parseRows } from '../../../../src/core/results/parseRows';
import { rejectionOf, sendJson, sleep, startLoopback } from '../support/loopbackServer';
import type { LoopbackServer } from '../support/loopbackServer';

const SITE = '0f8e2d4c-6b1a-4e3f-9a7b-5c6d7e8f9a0b';
const QUERY = 'c3d2e1f0-a9b8-4c7d-8e6f-5a4b3c2d1e0f';

interface PageScript {
  rows: unknown[];
  delayMs: number;
  /** Answer only when the test releases it (no timer involved). */
  held?: boolean;
  /** Replaces the base64 `data`. */
  data?: string;
  /** Replaces the whole response body. */
  body?: string;
  status?: number;
}

interface Scenario {
  /** Status answered by the submit, then by each successive poll (the last repeats). */
  walk: string[];
  failure?: Record<string, unknown>;
  pages: PageScript[];
}

const RUN: AsyncQueryRunOptions = { pollInitialMs: 20, pollFactor: 1.5, pollMaxMs: 100 };

function queryBody(status: string, scenario: Scenario): Record<string, unknown> {
  const body: Record<string, unknown> = {
    id: QUERY, integratorId: '00000000-0000-4000-8000-000000000009', siteId: SITE, mode: 'async', status,
    maxTimeInQueue: 3600000, commandSize: 8, requestSize: 30, createdAt: '2025-01-01T00:00:00Z', updatedAt: '2025-01-01T00:00:00Z',
  };
  if (status === 'successful') {
    let start = 1;
    body.result = {
      rows: scenario.pages.reduce((sum, page) => sum + page.rows.length, 0),
      size: 100,
      // Listed out of order on purpose: the runner sorts by pageNumber.
      pages: scenario.pages
        .map((page, index) => {
          const rows = { count: page.rows.length, rangeStart: start, rangeEnd: start + page.rows.length - 1 };
          start += page.rows.length;
          return { pageNumber: index + 1, status: 'cached', size: 10, rows };
        })
        .reverse(),
    };
  }
  return { ...body, ...(status === scenario.walk[scenario.walk.length - 1] ? scenario.failure : {}) };
}

describe('core/haloConnect asyncQueryRunner (against a loopback server walking a query through its statuses)', () => {
  let server: LoopbackServer;
  let client: HaloConnectClient;
  let scenario: Scenario;
  let polls = 0;
  let abortedDownloads = 0;
  let releaseHeld: () => void = () => undefined;
  let held = new Promise<void>((resolve) => (releaseHeld = resolve));

  before(async () => {
    server = await startLoopback(async (request, response) => {
      const path = request.url.split('?')[0];
      const prefix = `/integrator/sites/${SITE}/queries`;
      if (request.method === 'POST' && path === `${prefix}/async`) {
        polls = 0;
        return sendJson(response, 201, queryBody(scenario.walk[0], scenario));
      }
      if (request.method === 'GET' && path === `${prefix}/${QUERY}`) {
        polls++;
        return sendJson(response, 200, queryBody(scenario.walk[Math.min(polls, scenario.walk.length - 1)], scenario));
      }
      const page = /\/results\/(\d+)$/.exec(path);
      if (page) {
        const script = scenario.pages[Number(page[1]) - 1];
        let aborted = false;
        response.once('close', () => {
          if (!response.writableFinished) {
            aborted = true;
            abortedDownloads++;
          }
        });
        await (script.held ? held : sleep(script.delayMs));
        if (aborted) return;
        if (script.status) {
          return sendJson(response, script.status, { error: { status: script.status, message: 'Access to the target resource is permanently no longer available at the origin server.' } });
        }
        const text = script.body ?? JSON.stringify({ data: script.data ?? Buffer.from(JSON.stringify(script.rows)).toString('base64'), parameters: [] });
        const first = scenario.pages.slice(0, Number(page[1]) - 1).reduce((sum, p) => sum + p.rows.length, 1);
        response.writeHead(200, {
          'content-type': 'application/json',
          Size: String(text.length),
          'Rows-Count': String(script.rows.length),
          'Rows-Range-Start': String(first),
          'Rows-Range-End': String(first + script.rows.length - 1),
        });
        return void response.end(text);
      }
      sendJson(response, 404, { error: { message: `no route ${path}` } });
    });
    client = new HaloConnectClient({ environment: { baseUrl: server.url }, subscriptionKey: 'runner-key-123456', http: { maxInFlightPerHost: 8 } });
  });

  beforeEach(() => {
    server.requests.length = 0;
    server.maxInFlight = 0;
    abortedDownloads = 0;
  });

  after(async () => {
    releaseHeld();
    client.dispose();
    await server.close();
  });

  async function collect(iterable: AsyncIterable<AsyncQueryItem>): Promise<AsyncQueryItem[]> {
    const items: AsyncQueryItem[] = [];
    for await (const item of iterable) items.push(item);
    return items;
  }

  const rowsOf = (count: number, from: number): unknown[] => Array.from({ length: count }, (_, index) => ({ n: from + index, name: `row ${from + index}` }));

  it('walks the statuses with growing poll waits and yields pages in order although they finish out of order', async () => {
    scenario = {
      walk: ['initialising', 'queued', 'queued', 'executing', 'uploading', 'successful'],
      pages: [
        { rows: rowsOf(3, 1), delayMs: 400 },
        { rows: rowsOf(2, 4), delayMs: 80 },
        { rows: rowsOf(2, 6), delayMs: 200 },
        { rows: rowsOf(1, 8), delayMs: 5 },
      ],
    };
    const progress: AsyncQueryProgress[] = [];
    const items = await collect(runAsyncQuery(client, SITE, { command: { text: 'SELECT n, name FROM t' } }, { ...RUN, pageConcurrency: 4, onProgress: (event) => progress.push(event) }));

    assert.deepEqual(items.map((item) => [item.kind, item.pageNumber, item.pageCount]), [
      ['page', 1, 4], ['page', 2, 4], ['page', 3, 4], ['page', 4, 4],
    ]);
    const rows = items.flatMap((item) => (item.kind === 'page' ? parseRows(item.bytes).rows : []));
    assert.deepEqual(rows.map((row) => row[0]), [1, 2, 3, 4, 5, 6, 7, 8]);
    assert.deepEqual(items.map((item) => item.rows), [
      { count: 3, rangeStart: 1, rangeEnd: 3 }, { count: 2, rangeStart: 4, rangeEnd: 5 },
      { count: 2, rangeStart: 6, rangeEnd: 7 }, { count: 1, rangeStart: 8, rangeEnd: 8 },
    ]);

    assert.deepEqual(progress.filter((event) => event.type === 'status').map((event) => event.status), ['initialising', 'queued', 'executing', 'uploading', 'successful']);
    const received = progress.filter((event) => event.type === 'page');
    assert.deepEqual(received.map((event) => event.pageNumber), [4, 2, 3, 1], 'pages finished out of order');
    assert.deepEqual(received.map((event) => event.pagesReceived), [1, 2, 3, 4]);

    const pollTimes = server.requests.filter((request) => request.url.endsWith(QUERY)).map((request) => request.at);
    assert.equal(pollTimes.length, 5);
    const gaps = pollTimes.slice(1).map((at, index) => at - pollTimes[index]);
    [30, 45, 67, 100].forEach((expected, index) => assert.ok(gaps[index] >= expected - 15, `gap ${index} was ${gaps[index]} ms, expected about ${expected}`));
  });

  it('keeps at most pageConcurrency downloads in flight', async () => {
    scenario = { walk: ['successful'], pages: Array.from({ length: 9 }, (_, index) => ({ rows: rowsOf(1, index), delayMs: 30 + (index % 3) * 20 })) };
    const items = await collect(runAsyncQuery(client, SITE, { command: { text: 'x' } }, { ...RUN, pageConcurrency: 2 }));
    assert.equal(items.length, 9);
    assert.equal(server.maxInFlight, 2);
  });

  it('yields an error item, naming query and page, for a malformed page and keeps the others', async () => {
    scenario = {
      walk: ['executing', 'successful'],
      pages: [
        { rows: rowsOf(1, 1), delayMs: 5 },
        { rows: rowsOf(1, 2), delayMs: 5, data: 'bm90IGJhc2U2NCE*#@!' },
        { rows: rowsOf(1, 3), delayMs: 5, body: '{"data": "W10=", ' },
        { rows: rowsOf(1, 4), delayMs: 5 },
      ],
    };
    const items = await collect(runAsyncQuery(client, SITE, { command: { text: 'x' } }, RUN));
    assert.deepEqual(items.map((item) => item.kind), ['page', 'pageError', 'pageError', 'page']);
    for (const item of items) {
      if (item.kind === 'pageError') {
        assert.ok(isApiError(item.error, 'badResponse'));
        assert.match(item.error.message, new RegExp(`^Page ${item.pageNumber} of query ${QUERY} could not be read`));
        assert.deepEqual(item.rows, { count: 1, rangeStart: item.pageNumber, rangeEnd: item.pageNumber });
      }
    }
    assert.match((items[1] as { error: Error }).error.message, /base64/);
    assert.match((items[2] as { error: Error }).error.message, /not valid JSON/);
  });

  it('throws a fatal page error (410 expired) after yielding the pages before it', async () => {
    scenario = { walk: ['successful'], pages: [{ rows: rowsOf(1, 1), delayMs: 50 }, { rows: [], delayMs: 5, status: 410 }, { rows: rowsOf(1, 3), delayMs: 5 }] };
    const seen: number[] = [];
    const error = await rejectionOf(
      (async () => {
        for await (const item of runAsyncQuery(client, SITE, { command: { text: 'x' } }, RUN)) seen.push(item.pageNumber);
      })(),
    );
    assert.ok(isApiError(error, 'expired'));
    assert.deepEqual(seen, [1]);
  });

  const failures: Array<[string, string, Record<string, unknown>?]> = [
    ['executionFailed', 'queryFailed', { errorDetails: { errorType: 'mssql', errorCode: 208, errorMessage: "Invalid object name 'BPS_Patient'." } }],
    ['initialisationFailedSiteOffline', 'siteOffline'],
    ['initialisationFailedSiteUnreachable', 'siteUnreachable'],
    ['expiredInQueue', 'timeout'],
    ['uploadFailed', 'badResponse'],
    ['initialisationFailedCacheError', 'badResponse'],
  ];
  for (const [status, kind, failure] of failures) {
    it(`maps the terminal status ${status} to ${kind}`, async () => {
      scenario = { walk: ['queued', status], failure, pages: [] };
      const error = await rejectionOf(collect(runAsyncQuery(client, SITE, { command: { text: 'x' } }, RUN)));
      assert.ok(isApiError(error, kind as never), `${status} gave ${String(error)}`);
      if (status === 'executionFailed') {
        assert.equal(error.message, "Invalid object name 'BPS_Patient'.");
        assert.deepEqual(error.details, failure?.errorDetails);
      }
      assert.equal(server.requests.filter((request) => request.url.includes('/results/')).length, 0);
    });
  }

  it('gives up with timeout when no terminal status comes within maxWaitMs', async () => {
    scenario = { walk: ['queued'], pages: [] };
    const started = Date.now();
    const error = await rejectionOf(collect(runAsyncQuery(client, SITE, { command: { text: 'x' } }, { ...RUN, maxWaitMs: 300 })));
    assert.ok(isApiError(error, 'timeout'));
    assert.match(error.message, /still queued/);
    assert.ok(Date.now() - started < 800);
  });

  it('stops polling at once when the signal aborts, and sends nothing afterwards', async () => {
    scenario = { walk: ['queued'], pages: [] };
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 120);
    const error = await rejectionOf(collect(runAsyncQuery(client, SITE, { command: { text: 'x' } }, { ...RUN, signal: controller.signal })));
    assert.ok(isApiError(error, 'cancelled'));
    const count = server.requests.length;
    assert.ok(count >= 2, 'it did poll before the abort');
    await sleep(500);
    assert.equal(server.requests.length, count);
  });

  it('aborts in-flight downloads when the consumer breaks out, leaving no timer or request behind', async () => {
    scenario = {
      walk: ['successful'],
      pages: [{ rows: rowsOf(1, 1), delayMs: 5 }, ...Array.from({ length: 7 }, (_, index) => ({ rows: rowsOf(1, index + 2), delayMs: 0, held: true }))],
    };
    // Timers created by src/core during the run, until they fire or are cleared.
    const pendingCoreTimers = new Set<number>();
    let coreTimersCreated = 0;
    const hook = createHook({
      init(id, type) {
        if (type === 'Timeout' && /[/\\]src[/\\]core[/\\]/.test(new Error().stack ?? '')) {
          pendingCoreTimers.add(id);
          coreTimersCreated++;
        }
      },
      destroy: (id) => void pendingCoreTimers.delete(id),
    }).enable();
    let first: AsyncQueryItem | undefined;
    const started = Date.now();
    for await (const item of runAsyncQuery(client, SITE, { command: { text: 'x' } }, { ...RUN, pageConcurrency: 3 })) {
      first = item;
      await sleep(50); // pages 2–4 are now downloading
      break;
    }
    assert.equal(first?.pageNumber, 1);
    assert.ok(Date.now() - started < 1000, 'did not wait for the slow pages');
    const count = server.requests.length;
    await sleep(500);
    assert.equal(server.requests.length, count, 'no request after the break');
    assert.equal(abortedDownloads, 3, 'the three in-flight downloads were aborted');
    hook.disable();
    assert.ok(coreTimersCreated >= 4, 'the hook saw the per-request timers');
    assert.equal(pendingCoreTimers.size, 0, 'every timer the core set was cleared');
    releaseHeld();
    held = new Promise<void>((resolve) => (releaseHeld = resolve));
  });

  it('follows a query submitted earlier', async () => {
    scenario = { walk: ['executing', 'uploading', 'successful'], pages: [{ rows: rowsOf(2, 1), delayMs: 5 }] };
    polls = 0;
    const items = await collect(followAsyncQuery(client, SITE, QUERY, RUN));
    assert.equal(items.length, 1);
    assert.equal(server.requests.filter((request) => request.method === 'POST').length, 0);
  });
});
