import assert from 'node:assert/strict';
import { bundle, openPage } from '../../../bench/grid/chromiumPage';
import type { ServedPage } from '../../../bench/grid/chromiumPage';

/** What the page reports back: the view after each step, as plain data. */
interface Observed {
  detached: boolean;
  states: { rowCount: number; viewRowCount: number; pageCount: number; columns: { name: string; type: string }[] }[];
  errors: [number, string][];
  first: { sourceRows: number[]; text: (string | null)[]; numbers: (number | null)[] };
  sorted: (string | null)[][];
  sortedSources: number[];
  filtered: (string | null)[][];
  filteredAfterMore: number[];
  badRegex: string;
}

/** The grid's data worker in headless Chromium, started from a blob: URL under the webview's CSP, fed real page bytes. */
describe('webview/grid/data worker in headless Chromium', function () {
  this.timeout(90_000);
  let served: ServedPage | undefined;

  before(async () => {
    const script = await bundle('test/unit/vscode-free/grid/gridWorkerPage.ts', { GRID_WORKER_SOURCE: await bundle('src/webview/grid/data/worker.ts') });
    served = await openPage(script);
  });

  after(async () => {
    await served?.close();
  });

  it('indexes pages, serves windows, sorts and filters the whole result while pages keep arriving', async () => {
    const pages = [
      [{ id: 1, name: 'smith', fee: 10.5, seen: '2026-01-02T09:00:00' }, { id: 2, name: 'Nguyễn', fee: null, seen: '2025-12-31T23:00:00' }],
      '[{"id":3,"name":"<img src=x onerror=alert(1)>"', // not JSON: reported, and the rows around it stay
      [{ id: 3, name: 'Adams', fee: 7, seen: null, extra: 'late' }, { id: 4, name: 'smith', fee: 120, seen: '2026-01-02' }],
    ];
    const observed = await (served as ServedPage).evaluate<Observed>(
      `(async (pages) => {
        const data = GridData.fromSource(GRID_WORKER_SOURCE);
        const states = [];
        const errors = [];
        data.onChange((state) => states.push(JSON.parse(JSON.stringify(state))));
        data.onPageError((page, message) => errors.push([page, message]));
        const buffers = pages.map((page) => new TextEncoder().encode(typeof page === 'string' ? page : JSON.stringify(page)).buffer);
        data.append(buffers[0]);
        const detached = buffers[0].byteLength === 0;
        data.append(buffers[1]);
        data.append(buffers[2]);
        const window = await data.rows(0, 10);
        const first = { sourceRows: Array.from(window.sourceRows), text: window.text, numbers: Array.from(window.numbers, (n) => (Number.isNaN(n) ? null : n)) };
        await data.sort([{ column: 1, direction: 'asc' }, { column: 0, direction: 'desc' }]);
        const cells = (w) => Array.from({ length: w.rowCount }, (_, r) => w.text.slice(r * w.columnCount, (r + 1) * w.columnCount));
        const sorted = cells(await data.rows(0, 10));
        const sortedSources = Array.from(await data.rowIndex(0, 10));
        await data.filter([{ column: 2, kind: 'range', min: 8 }, { column: 3, kind: 'notEmpty' }]);
        const filtered = cells(await data.rows(0, 10));
        data.append(new TextEncoder().encode(JSON.stringify([{ id: 5, name: 'Brown', fee: 9, seen: '2027-01-01' }, { id: 6, name: 'ANDERSON', fee: 99.99, seen: '2027-01-01' }])).buffer);
        const filteredAfterMore = Array.from(await data.rowIndex(0, 10));
        const badRegex = await data.filter([{ column: 1, kind: 'regex', pattern: '(' }]).then(() => 'accepted', (error) => error.message);
        data.dispose();
        return { detached, states, errors, first, sorted, sortedSources, filtered, filteredAfterMore, badRegex };
      })(${JSON.stringify(pages)})`,
      30_000,
    );
    assert.equal(observed.detached, true, 'the page buffer is transferred, not copied');
    assert.deepEqual(observed.errors.map(([page]) => page), [2]);
    assert.match(observed.errors[0][1], /^Unexpected end of JSON/);
    assert.deepEqual(observed.states.at(-1)?.columns, [
      { name: 'id', type: 'integer' }, { name: 'name', type: 'text' }, { name: 'fee', type: 'decimal' }, { name: 'seen', type: 'datetime' }, { name: 'extra', type: 'text' },
    ]);
    assert.deepEqual(observed.first.sourceRows, [0, 1, 2, 3]);
    assert.deepEqual(observed.first.text, [
      '1', 'smith', '10.5', '2026-01-02T09:00:00', null,
      '2', 'Nguyễn', null, '2025-12-31T23:00:00', null,
      '3', 'Adams', '7', null, 'late',
      '4', 'smith', '120', '2026-01-02', null,
    ]);
    assert.deepEqual(observed.first.numbers.slice(0, 5), [1, null, 10.5, Date.UTC(2026, 0, 2, 9), null]);
    // Name ascending, ignoring case; the two smiths by id descending.
    assert.deepEqual(observed.sorted.map((row) => row[1]), ['Adams', 'Nguyễn', 'smith', 'smith']);
    assert.deepEqual(observed.sortedSources, [2, 1, 3, 0]);
    // Fee ≥ 8 and seen not empty, still in the sort's order: the smiths with ids 4 and 1.
    assert.deepEqual(observed.filtered.map((row) => row[0]), ['4', '1']);
    // Later rows join the sorted, filtered view: ANDERSON (99.99) and Brown (9) pass, in name order.
    assert.deepEqual(observed.filteredAfterMore, [5, 4, 3, 0]);
    assert.match(observed.badRegex, /Invalid regular expression/);
  });
});
