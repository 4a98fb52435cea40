import assert from 'node:assert/strict';
import { inferColumnTypes } from '../../../../src/core/results/columnTypes';
import { parseRows } from '../../../../src/core/results/parseRows';
import { cellNumber, cellText, instantOf } from '../../../../src/webview/grid/data/cellValues';
import { ColumnCatalog, indexPage, PageSyntaxError } from '../../../../src/webview/grid/data/pageIndex';
import type { IndexedPage } from '../../../../src/webview/grid/data/pageIndex';

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

/** Every cell of an indexed page as the grid shows it. */
function table(page: IndexedPage, columns: number): (string | null)[][] {
  return Array.from({ length: page.rowCount }, (_, row) => Array.from({ length: columns }, (_, column) => cellText(page, row, column)));
}

/** What the host's parseRows makes of the same text, shown as the minimal panel shows values. */
function hostTable(text: string): { columns: string[]; cells: (string | null)[][] } {
  const parsed = parseRows(text);
  const show = (value: unknown): string | null =>
    value === null || value === undefined ? null : typeof value === 'object' ? JSON.stringify(value) : String(value);
  return { columns: parsed.columns, cells: parsed.rows.map((row) => row.map(show)) };
}

describe('webview/grid/data pageIndex', () => {
  const samples: Record<string, string> = {
    'plain rows': '[{"id":1,"name":"Smith","dob":"1975-03-02T00:00:00","fee":85.5,"active":true},{"id":2,"name":"Nguyễn","dob":null,"fee":120,"active":false}]',
    'a column appearing late, keys reordered and missing': '[{"a":1,"b":"x"},{"b":"y","c":3},{"c":4,"a":5}]',
    'escapes, unicode and emoji': '[{"note":"Quote \\"urgent\\"\\nline two\\t\\u00e9\\ud83e\\ude7a","path":"C:\\\\notes\\/x"},{"note":"Zoë 🩺 李","path":""}]',
    'nested values shown as JSON': '[{"id":1,"tags":["a","b"],"meta":{"k":[1,{"z":null}]}},{"id":2,"tags":[],"meta":{}}]',
    'scalars among rows and a key named value': '[1,{"value":"v","x":true},"s",null]',
    'a scalar answer': '42',
    'an object answer': '{"rows":1}',
    'an empty array': '[]',
    'duplicate keys (the last wins)': '[{"a":1,"a":2,"b":3}]',
    'a byte order mark': '\ufeff[{"a":"x"}]',
  };
  for (const [name, text] of Object.entries(samples)) {
    it(`reads ${name} as the host's parseRows does`, () => {
      const catalog = new ColumnCatalog();
      const page = indexPage(bytes(text), catalog);
      const host = hostTable(text);
      assert.deepEqual(catalog.names, host.columns);
      assert.deepEqual(table(page, catalog.length), host.cells);
      assert.deepEqual(catalog.types(), inferColumnTypes(host.columns.length, parseRows(text).rows));
    });
  }

  it('allows whitespace everywhere JSON does, and shows numbers and nested JSON as written', () => {
    const catalog = new ColumnCatalog();
    const page = indexPage(bytes(' [ { "a" : 1 , "b" : [ 1 , 2 ] } ,\n\t{ "a" : -0.25e+2 } ] '), catalog);
    assert.deepEqual(catalog.names, ['a', 'b']);
    assert.deepEqual(table(page, 2), [['1', '[ 1 , 2 ]'], ['-0.25e+2', null]]);
    assert.equal(cellNumber(page, 1, 0), -25);
    assert.deepEqual(catalog.types(), ['integer', 'text']);
  });

  it('keeps columns across pages: later pages add columns, earlier pages lack them', () => {
    const catalog = new ColumnCatalog();
    const first = indexPage(bytes('[{"a":1,"b":"x"}]'), catalog);
    const second = indexPage(bytes('[{"b":"y","c":2.5,"a":3}]'), catalog);
    assert.deepEqual(catalog.names, ['a', 'b', 'c']);
    assert.equal(first.stride, 2);
    assert.deepEqual(table(first, 3), [['1', 'x', null]]);
    assert.deepEqual(table(second, 3), [['3', 'y', '2.5']]);
    assert.deepEqual(catalog.types(), ['integer', 'text', 'decimal']);
  });

  it('infers types with the host rules, page by page', () => {
    const catalog = new ColumnCatalog();
    indexPage(bytes('[{"i":1,"d":"2026-01-02","dt":"2026-01-02T00:00:00","t":"0412 345 678","n":null,"x":1.0,"e":1e3}]'), catalog);
    assert.deepEqual(catalog.types(), ['integer', 'date', 'date', 'text', 'null', 'integer', 'integer']);
    indexPage(bytes('[{"i":2.5,"d":"2026-01-02T09:30:00+10:00","dt":"2026-01-02 09:30","t":5,"n":null,"x":"a","e":2}]'), catalog);
    assert.deepEqual(catalog.types(), ['decimal', 'datetime', 'datetime', 'text', 'null', 'text', 'integer']);
    const binary = new ColumnCatalog();
    indexPage(bytes(`[{"b":"${'QUJD'.repeat(10)}+/=="},{"b":"${'QUJD'.repeat(9)}"}]`), binary);
    assert.deepEqual(binary.types(), ['binary']);
  });

  it('shows numbers as the server wrote them and reads them, dates and booleans as numbers', () => {
    const catalog = new ColumnCatalog();
    const page = indexPage(bytes('[{"n":1.50,"big":12345678901234567890,"neg":-7,"d":"2026-03-01","t":"2026-03-01T09:30:00.25+10:00","b":true,"s":"x"}]'), catalog);
    assert.deepEqual(table(page, 7), [['1.50', '12345678901234567890', '-7', '2026-03-01', '2026-03-01T09:30:00.25+10:00', 'true', 'x']]);
    assert.equal(cellNumber(page, 0, 0), 1.5);
    assert.equal(cellNumber(page, 0, 1), Number('12345678901234567890'));
    assert.equal(cellNumber(page, 0, 2), -7);
    assert.equal(cellNumber(page, 0, 3), Date.UTC(2026, 2, 1));
    assert.equal(cellNumber(page, 0, 4), Date.UTC(2026, 2, 1, 9, 30, 0, 250) - 10 * 3_600_000);
    assert.equal(cellNumber(page, 0, 5), 1);
    assert.ok(Number.isNaN(cellNumber(page, 0, 6)));
  });

  it('reads numbers to the same double as JSON.parse', () => {
    const numbers = ['0', '-0', '0.1', '1.15', '85.50', '-123.456', '999999999999999', '9007199254740993', '1234567890.12345678', '1e3', '-2.5E-3', '0.000001'];
    const catalog = new ColumnCatalog();
    const page = indexPage(bytes(`[${numbers.map((number) => `{"n":${number}}`).join(',')}]`), catalog);
    numbers.forEach((number, row) => assert.ok(Object.is(cellNumber(page, row, 0), JSON.parse(number)), number));
  });

  it('reads ISO instants: offsets, fractions, years before 100, and nothing else', () => {
    assert.equal(instantOf('2026-01-02T03:04:05Z'), Date.UTC(2026, 0, 2, 3, 4, 5));
    assert.equal(instantOf('2026-01-02T03:04:05.1234567'), Date.UTC(2026, 0, 2, 3, 4, 5) + 123.456);
    assert.equal(instantOf('2026-01-02 03:04-0130'), Date.UTC(2026, 0, 2, 4, 34));
    assert.equal(instantOf('0050-06-01'), new Date('0050-06-01T00:00:00Z').getTime());
    for (const text of ['2026-13-01', '2026-01-02T', '2026-1-02', 'yesterday', '2026-01-02T03:04:05+10', '']) {
      assert.ok(Number.isNaN(instantOf(text)), text);
    }
  });

  it('rejects what JSON.parse rejects, saying where, and leaves the columns as they were', () => {
    const bad = ['[{"a":1,}]', '[{"a":01}]', '[{"a":1.}]', '[{"a":tru}]', '[{"a":"x}]', '[{"a" 1}]', '[{"a":1}', '[{"a":1}] x', '[{"a":"\\q"}]', '[{"a":"\\u12G4"}]', '[{"a":-}]'];
    for (const text of bad) {
      const catalog = new ColumnCatalog();
      indexPage(bytes('[{"z":1}]'), catalog);
      assert.throws(() => JSON.parse(text), SyntaxError, text);
      assert.throws(() => indexPage(bytes(`[{"late":"2026-01-01"}, ${text.slice(1)}`), catalog), PageSyntaxError, text);
      assert.deepEqual(catalog.names, ['z'], text);
      assert.deepEqual(catalog.types(), ['integer'], text);
    }
    assert.throws(() => indexPage(bytes('[{"a":1'), new ColumnCatalog()), /Unexpected end of JSON: expected "," or "}"/);
    assert.throws(() => indexPage(bytes('[{"a":1]'), new ColumnCatalog()), /Unexpected byte "]" at offset 7: expected "," or "}"/);
  });

  it('indexes a page of 10,000 generated rows exactly as JSON.parse reads it', () => {
    const rows = Array.from({ length: 10_000 }, (_, i) => ({
      id: i, name: i % 7 === 0 ? `Nguyễn ${i}` : `Name ${i}`, amount: i % 5 === 0 ? null : i / 8,
      ...(i % 3 === 0 ? { extra: `"${i}"\\` } : {}), when: `2026-01-${String((i % 28) + 1).padStart(2, '0')}T10:00:00`,
    }));
    const text = JSON.stringify(rows);
    const catalog = new ColumnCatalog();
    const page = indexPage(bytes(text), catalog);
    const host = hostTable(text);
    assert.deepEqual(catalog.names, host.columns);
    assert.equal(page.rowCount, 10_000);
    assert.deepEqual(table(page, catalog.length), host.cells);
    assert.deepEqual(catalog.types(), ['integer', 'text', 'decimal', 'text', 'datetime']);
  });
});
