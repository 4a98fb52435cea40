import assert from 'node:assert/strict';
import { GridStore } from '../../../../src/webview/grid/data/gridStore';
import type { ColumnFilter, SortKey } from '../../../../src/webview/grid/data/gridStore';
import { Random } from '../../../../src/sandbox/data/random';

const bytes = (value: unknown): Uint8Array => new TextEncoder().encode(typeof value === 'string' ? value : JSON.stringify(value));

function storeOf(...pages: unknown[]): GridStore {
  const store = new GridStore();
  for (const page of pages) store.append(bytes(page));
  return store;
}

/** The view as rows of cell text, with each row's source row. */
function view(store: GridStore): { source: number; cells: (string | null)[] }[] {
  const window = store.rows(0, store.viewRowCount);
  return Array.from({ length: window.rowCount }, (_, r) => ({
    source: window.sourceRows[r],
    cells: window.text.slice(r * window.columnCount, (r + 1) * window.columnCount),
  }));
}

const sources = (store: GridStore): number[] => Array.from(store.rowIndex(0, store.viewRowCount));

/** The documented text collation, written independently: UTF-8 bytes with ASCII letters folded, then exact bytes. */
function compareText(a: string, b: string): number {
  const utf8 = (text: string): number[] => Array.from(new TextEncoder().encode(text));
  const fold = (text: string): number[] => utf8(text).map((byte) => (byte >= 65 && byte <= 90 ? byte + 32 : byte));
  const compareBytes = (x: number[], y: number[]): number => {
    for (let k = 0; k < Math.min(x.length, y.length); k++) if (x[k] !== y[k]) return x[k] - y[k];
    return x.length - y.length;
  };
  return compareBytes(fold(a), fold(b)) || compareBytes(utf8(a), utf8(b));
}

describe('webview/grid/data GridStore', () => {
  const people = [
    { id: 1, name: 'smith', dob: '1980-05-01', fee: 10.5, note: null },
    { id: 2, name: 'Adams', dob: null, fee: 7, note: 'x' },
    { id: 3, name: 'Smith', dob: '1975-01-01T00:00:00', fee: null, note: '' },
    { id: 4, name: 'Émile', dob: '1980-05-01', fee: 10.5, note: 'Café' },
    { id: 5, name: 'adams', dob: '2001-12-31', fee: -3, note: 'café au lait' },
    { id: 6, name: null, dob: '1975-01-01', fee: 100, note: 'y' },
  ];

  it('serves windows of the view with source rows, text and numbers, clamped to the view', () => {
    const store = storeOf(people.slice(0, 3), people.slice(3));
    assert.equal(store.rowCount, 6);
    assert.equal(store.pageCount, 2);
    assert.deepEqual(store.columns(), [
      { name: 'id', type: 'integer' }, { name: 'name', type: 'text' }, { name: 'dob', type: 'date' },
      { name: 'fee', type: 'decimal' }, { name: 'note', type: 'text' },
    ]);
    const window = store.rows(2, 3);
    assert.equal(window.start, 2);
    assert.equal(window.rowCount, 3);
    assert.deepEqual(Array.from(window.sourceRows), [2, 3, 4]);
    assert.deepEqual(window.text.slice(0, 5), ['3', 'Smith', '1975-01-01T00:00:00', null, '']);
    assert.deepEqual(Array.from(window.numbers.slice(0, 5)), [3, NaN, Date.UTC(1975, 0, 1), NaN, NaN]);
    assert.equal(store.rows(5, 50).rowCount, 1);
    assert.equal(store.rows(9, 50).rowCount, 0);
    assert.equal(store.rows(-4, 2).start, 0);
  });

  it('sorts text case-insensitively, then exactly, by code point, nulls last in both directions', () => {
    const store = storeOf(people);
    store.sort([{ column: 1, direction: 'asc' }]);
    assert.deepEqual(view(store).map((row) => row.cells[1]), ['Adams', 'adams', 'Smith', 'smith', 'Émile', null]);
    store.sort([{ column: 1, direction: 'desc' }]);
    assert.deepEqual(view(store).map((row) => row.cells[1]), ['Émile', 'smith', 'Smith', 'adams', 'Adams', null]);
  });

  it('sorts numbers numerically and dates chronologically, stable among equals', () => {
    const store = storeOf(people);
    store.sort([{ column: 3, direction: 'asc' }]);
    assert.deepEqual(sources(store), [4, 1, 0, 3, 5, 2]);
    store.sort([{ column: 2, direction: 'desc' }]);
    // 1980-05-01 twice (rows 0 and 3) keep arrival order; the date-only and midnight 1975 values are the same instant.
    assert.deepEqual(sources(store), [4, 0, 3, 2, 5, 1]);
  });

  it('sorts by several columns, each in its own direction', () => {
    const store = storeOf(people);
    store.sort([{ column: 2, direction: 'asc' }, { column: 0, direction: 'desc' }]);
    assert.deepEqual(sources(store), [5, 2, 3, 0, 4, 1]);
    store.sort([]);
    assert.deepEqual(sources(store), [0, 1, 2, 3, 4, 5]);
  });

  it('filters by contains (ignoring case), regex, ranges, empty and not empty, ANDed', () => {
    const store = storeOf(people);
    const check = (filters: ColumnFilter[], expected: number[]): void => {
      store.filter(filters);
      assert.deepEqual(sources(store), expected, JSON.stringify(filters));
    };
    check([{ column: 4, kind: 'contains', text: 'CAFÉ' }], [3, 4]);
    check([{ column: 1, kind: 'regex', pattern: '^[a-z]+$' }], [0, 4]);
    check([{ column: 1, kind: 'regex', pattern: '^s', flags: 'gi' }], [0, 2]);
    check([{ column: 3, kind: 'range', min: 7, max: 10.5 }], [0, 1, 3]);
    check([{ column: 3, kind: 'range', min: '0' }], [0, 1, 3, 5]);
    check([{ column: 2, kind: 'range', min: '1975-01-01', max: '1980-05-01' }], [0, 2, 3, 5]);
    check([{ column: 2, kind: 'range', max: '1979-12-31T23:59:59Z' }], [2, 5]);
    check([{ column: 4, kind: 'empty' }], [0, 2]);
    check([{ column: 4, kind: 'notEmpty' }, { column: 3, kind: 'range', max: 10 }], [1, 4]);
    check([], [0, 1, 2, 3, 4, 5]);
    assert.throws(() => store.filter([{ column: 1, kind: 'regex', pattern: '(' }]), SyntaxError);
    assert.throws(() => store.filter([{ column: 3, kind: 'range', min: 'soon' }]), /neither a number nor an ISO date/);
    assert.throws(() => store.sort([{ column: 5, direction: 'asc' }]), /There is no column 5/);
  });

  it('sorts a filtered view and keeps both while pages arrive, as if applied to everything at once', () => {
    const random = new Random(11);
    const names = ['smith', 'Smith', 'Nguyễn', 'adams', 'ADAMS', 'de Souza', 'Zoë', 'O\'Brien', 'a"quote', 'tab\there'];
    const pages = Array.from({ length: 12 }, (_, p) =>
      Array.from({ length: 700 }, (_, r) => ({
        id: p * 1000 + r,
        name: random.chance(0.1) ? null : random.pick(names) + (random.chance(0.5) ? '' : ` ${random.int(1, 60)}`),
        when: random.chance(0.1) ? null : `2026-0${random.int(1, 9)}-1${random.int(0, 9)}T0${random.int(0, 9)}:00:00`,
        amount: random.chance(0.1) ? null : random.int(-500, 500) / 4,
      })),
    );
    const keys: SortKey[] = [{ column: 1, direction: 'desc' }, { column: 3, direction: 'asc' }, { column: 2, direction: 'desc' }];
    const filters: ColumnFilter[] = [{ column: 3, kind: 'range', min: -50 }, { column: 1, kind: 'notEmpty' }];
    const incremental = storeOf(pages[0]);
    incremental.sort(keys);
    incremental.filter(filters);
    for (const page of pages.slice(1)) incremental.append(bytes(page));
    const whole = storeOf(...pages);
    whole.sort(keys);
    whole.filter(filters);
    assert.deepEqual(sources(incremental), sources(whole));

    // The same order from a plain comparator over JSON.parse'd rows: the documented rules, written independently.
    const rows = pages.flat();
    const expected = rows
      .map((row, index) => ({ row, index }))
      .filter(({ row }) => row.name !== null && row.amount !== null && row.amount >= -50)
      .sort((a, b) => {
        const name = -compareText(a.row.name as string, b.row.name as string);
        if (name !== 0) return name;
        if ((a.row.amount as number) !== (b.row.amount as number)) return (a.row.amount as number) - (b.row.amount as number);
        if (a.row.when !== b.row.when) {
          if (a.row.when === null || b.row.when === null) return a.row.when === null ? 1 : -1;
          return a.row.when < b.row.when ? 1 : -1;
        }
        return a.index - b.index;
      })
      .map(({ index }) => index);
    assert.deepEqual(sources(whole), expected);
  });

  it('sorts mostly unique values beyond the radix threshold by the documented collation, also as pages arrive', () => {
    const random = new Random(3);
    const letters = 'aAbBcC-é 1';
    const rows = Array.from({ length: 36_000 }, () => ({
      t: random.chance(0.05) ? null : Array.from({ length: random.int(0, 9) }, () => letters[random.int(0, letters.length - 1)]).join(''),
      k: random.int(0, 3),
    }));
    const pages = [rows.slice(0, 6_000), rows.slice(6_000, 25_000), rows.slice(25_000, 25_010), rows.slice(25_010)];
    const keys: SortKey[] = [{ column: 0, direction: 'asc' }, { column: 1, direction: 'desc' }];
    const whole = storeOf(...pages);
    whole.sort(keys);
    const incremental = storeOf(pages[0]);
    incremental.sort(keys);
    for (const page of pages.slice(1)) incremental.append(bytes(page));
    const expected = rows
      .map((row, index) => ({ ...row, index }))
      .sort((a, b) => (a.t === null || b.t === null ? Number(a.t === null) - Number(b.t === null) : compareText(a.t, b.t)) || b.k - a.k || a.index - b.index)
      .map(({ index }) => index);
    const distinct = new Set(rows.map((row) => row.t)).size;
    assert.ok(distinct > 18_000 && distinct < 30_000, `${distinct} distinct values: mostly unique, with repeats`);
    assert.deepEqual(sources(whole), expected);
    assert.deepEqual(sources(incremental), expected);
  });

  it('re-applies sort and filter when a page changes the type of a column they use', () => {
    const store = storeOf([{ v: 10 }, { v: 9 }, { v: 100 }]);
    store.sort([{ column: 0, direction: 'asc' }]);
    assert.deepEqual(sources(store), [1, 0, 2]);
    store.append(bytes([{ v: 'abc' }, { v: 50 }]));
    assert.equal(store.columns()[0].type, 'text');
    // Now text: "10" < "100" < "50" < "9" < "abc".
    assert.deepEqual(sources(store), [0, 2, 4, 1, 3]);
  });

  it('keeps a new column empty in earlier rows, and drops a page that is not JSON', () => {
    const store = storeOf([{ a: 1 }]);
    store.filter([{ column: 0, kind: 'notEmpty' }]);
    store.append(bytes([{ a: 2, b: 'late' }]));
    assert.throws(() => store.append(bytes('[{"a":3},')), /Unexpected end of JSON/);
    assert.equal(store.rowCount, 2);
    assert.deepEqual(view(store), [{ source: 0, cells: ['1', null] }, { source: 1, cells: ['2', 'late'] }]);
  });
});
