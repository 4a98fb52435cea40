import assert from 'node:assert/strict';
import { isApiError } from '../../../../src/core/errors';
import { inferColumnTypes } from '../../../../src/core/results/columnTypes';
import { decodePage } from '../../../../src/core/results/decodePage';
import { parseRows } from '../../../../src/core/results/parseRows';
import { readImmediateResult, returnedParameters } from '../../../../src/core/results/resultParameters';

const encode = (value: unknown): string => Buffer.from(JSON.stringify(value), 'utf8').toString('base64');

describe('core/results decodePage and parseRows', () => {
  it('decodes an empty result', () => {
    assert.deepEqual(parseRows(decodePage(encode([]))), { columns: [], rows: [] });
    assert.deepEqual(parseRows(decodePage('')), { columns: [], rows: [] });
  });

  it('keeps unicode intact: emoji, CJK, RTL, combining marks', () => {
    const rows = [{ name: 'Zoë 😀👩‍⚕️', city: '東京', note: 'مرحبا بالعالم', hebrew: 'שלום', combined: 'e\u0301' }];
    const parsed = parseRows(decodePage(encode(rows)));
    assert.deepEqual(parsed.columns, ['name', 'city', 'note', 'hebrew', 'combined']);
    assert.deepEqual(parsed.rows, [['Zoë 😀👩‍⚕️', '東京', 'مرحبا بالعالم', 'שלום', 'e\u0301']]);
  });

  it('orders columns by the first row, then by first appearance, and fills missing cells with null', () => {
    const parsed = parseRows(
      decodePage(encode([{ b: 1, a: 2 }, { a: 3, c: 'x' }, { d: null, b: 4 }, { e: true, c: 'y', b: 5, a: 6 }])),
    );
    assert.deepEqual(parsed.columns, ['b', 'a', 'c', 'd', 'e']);
    assert.deepEqual(parsed.rows, [
      [1, 2, null, null, null],
      [null, 3, 'x', null, null],
      [4, null, null, null, null],
      [5, 6, 'y', null, true],
    ]);
  });

  it('strips a byte order mark and shows a non-array result as one value', () => {
    assert.deepEqual(parseRows(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('[{"a":1}]')])).rows, [[1]]);
    assert.deepEqual(parseRows(Buffer.from('42')), { columns: ['value'], rows: [[42]] });
  });

  it('rejects malformed base64 that Node would silently skip', () => {
    const good = encode([{ a: 1 }]);
    for (const bad of [`${good.slice(0, 4)}!${good.slice(5)}`, `${good} `, good.slice(0, -1), 'YQ', 'YQ==YQ==', 'Y Q==', 'ab\ncd==']) {
      assert.throws(() => decodePage(bad), (error: unknown) => isApiError(error, 'badResponse'), JSON.stringify(bad));
    }
    // Non-zero padding bits lose no data: accepted, as every mainstream decoder does.
    assert.equal(decodePage('YR==').toString(), 'a');
  });

  it('rejects malformed JSON, naming the source', () => {
    assert.throws(
      () => parseRows(Buffer.from('[{"a":1},'), 'Page 3 of query q-1'),
      (error: unknown) => isApiError(error, 'badResponse') && /^Page 3 of query q-1 is not valid JSON/.test(error.message),
    );
  });

  it('decodes and parses a 10 MB page, and reports its speed', function () {
    this.timeout(60_000);
    const rows = Array.from({ length: 52_000 }, (_, index) => ({
      InternalID: index + 1,
      Firstname: `Name${index}`,
      Surname: 'Nguyễn-O’Brien 😀',
      DOB: '1975-03-02T00:00:00',
      Balance: index * 1.25,
      Active: index % 2 === 0,
      Notes: 'x'.repeat(80),
    }));
    const base64 = encode(rows);
    const megabytes = Buffer.byteLength(JSON.stringify(rows)) / 1e6;
    assert.ok(megabytes >= 10, `${megabytes} MB`);
    const started = performance.now();
    const bytes = decodePage(base64);
    const decoded = performance.now();
    const parsed = parseRows(bytes);
    const done = performance.now();
    const types = inferColumnTypes(parsed.columns.length, parsed.rows);
    const inferred = performance.now();
    assert.equal(parsed.rows.length, rows.length);
    assert.deepEqual(parsed.rows[51_999], [52_000, 'Name51999', 'Nguyễn-O’Brien 😀', '1975-03-02T00:00:00', 51_999 * 1.25, false, 'x'.repeat(80)]);
    assert.deepEqual(types, ['integer', 'text', 'text', 'date', 'decimal', 'boolean', 'text']);
    const rate = (ms: number): string => `${(megabytes / (ms / 1000)).toFixed(0)} MB/s`;
    console.log(
      `      10 MB page (${megabytes.toFixed(1)} MB JSON, ${rows.length} rows): decode ${(decoded - started).toFixed(0)} ms (${rate(decoded - started)}), ` +
        `parse ${(done - decoded).toFixed(0)} ms (${rate(done - decoded)}), together ${rate(done - started)}; type inference ${(inferred - done).toFixed(0)} ms`,
    );
  });
});

describe('core/results inferColumnTypes', () => {
  const infer = (values: unknown[]): string => inferColumnTypes(1, values.map((value) => [value]))[0];

  it('recognises each type', () => {
    assert.equal(infer([1, 2, null, -7]), 'integer');
    assert.equal(infer([1, 2.5]), 'decimal');
    assert.equal(infer([true, false, null]), 'boolean');
    assert.equal(infer(['1975-03-02T00:00:00', '2001-12-31', null]), 'date');
    assert.equal(infer(['2024-05-01T09:30:00', '2024-05-01T00:00:00']), 'datetime');
    assert.equal(infer(['2024-05-01T09:30:00.123+10:00', '2024-05-01T23:59:59Z']), 'datetime');
    assert.equal(infer(['hello', 'world']), 'text');
    assert.equal(infer([null, null]), 'null');
    assert.equal(infer([]), 'null');
  });

  it('keeps numeric-looking strings and mixtures as text', () => {
    assert.equal(infer(['0412345678', '0298765432']), 'text');
    assert.equal(infer([1, 'one']), 'text');
    assert.equal(infer([true, 1]), 'text');
    assert.equal(infer(['2024-05-01', 'tomorrow']), 'text');
    assert.equal(infer([{ nested: 1 }]), 'text');
  });

  it('calls only long base64 with +, / or padding binary', () => {
    const blob = Buffer.from(Array.from({ length: 48 }, (_, index) => (index * 37) % 256)).toString('base64');
    assert.match(blob, /[+/=]/);
    assert.equal(infer([blob, null, blob]), 'binary');
    assert.equal(infer(['d41d8cd98f00b204e9800998ecf8427e', 'e3b0c44298fc1c149afbf4c8996fb924']), 'text', 'hex digests');
    assert.equal(infer(['QUJD', 'REVG']), 'text', 'short');
    assert.equal(infer([blob, 'not base64 at all, clearly']), 'text');
  });
});

describe('core/results parameters and nonQuery results', () => {
  it('surfaces output and return values as the plain strings Halo sends', () => {
    const parameters = returnedParameters([
      { name: '@firstname', direction: 'input', type: 'VarChar', value: 'Ann' },
      { name: '@newId', direction: 'output', type: 'Int', value: '66' },
      { name: '@count', direction: 'inputOutput', type: 'Int', value: 'MTIz' },
      { name: '@RETURN_VALUE', direction: 'returnValue', type: 'Int', value: null },
    ]);
    assert.deepEqual(parameters, [
      { name: '@newId', direction: 'output', type: 'Int', value: '66' },
      { name: '@count', direction: 'inputOutput', type: 'Int', value: 'MTIz' },
      { name: '@RETURN_VALUE', direction: 'returnValue', type: 'Int', value: null },
    ]);
    assert.deepEqual(returnedParameters(null), []);
  });

  it('reads a nonQuery result as rows affected, and a reader result as bytes', () => {
    assert.deepEqual(readImmediateResult({ rowsAffected: 3, size: 0, parameters: [{ name: '@id', direction: 'output', value: '9' }] }), {
      kind: 'nonQuery',
      rowsAffected: 3,
      parameters: [{ name: '@id', direction: 'output', type: undefined, value: '9' }],
    });
    const reader = readImmediateResult({ rows: 1, size: 9, data: encode([{ a: 1 }]) });
    assert.equal(reader.kind, 'rows');
    assert.deepEqual(reader.kind === 'rows' && parseRows(reader.bytes).rows, [[1]]);
  });
});
