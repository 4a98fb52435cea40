import assert from 'node:assert/strict';
import { PassThrough, Writable } from 'node:stream';
import { isApiError } from '../../../../src/core/errors';
import { parseRows } from '../../../../src/core/results/parseRows';
import type { ParsedRows } from '../../../../src/core/results/parseRows';
import { writeCsv, writeJson, writeNdjson } from '../../../../src/core/results/tableWriters';

/** A Writable that keeps everything written to it. */
function sink(): { stream: Writable; text: () => string } {
  const chunks: Buffer[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk);
      done();
    },
  });
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}

async function* slowly(pages: ParsedRows[]): AsyncGenerator<ParsedRows> {
  for (const page of pages) {
    await new Promise((resolve) => setImmediate(resolve));
    yield page;
  }
}

describe('core/results table writers', () => {
  it('writes RFC 4180 CSV: CRLF, quoting only when needed, doubled quotes, nulls empty, leading zeros kept', async () => {
    const out = sink();
    const count = await writeCsv(
      [
        {
          columns: ['id', 'name', 'note', 'phone', 'when', 'flag', 'json'],
          rows: [
            [1, 'Smith, John', 'said "hi"', '0412345678', '1975-03-02T00:00:00', true, { a: 1 }],
            [2, 'Plain', 'line1\r\nline2', '007', null, false, null],
            [3, ' spaced ', 'lf\nonly', '', 'cr\ronly', null, [1, 2]],
          ],
        },
      ],
      out.stream,
    );
    assert.equal(count, 3);
    assert.equal(
      out.text(),
      'id,name,note,phone,when,flag,json\r\n' +
        '1,"Smith, John","said ""hi""",0412345678,1975-03-02T00:00:00,true,"{""a"":1}"\r\n' +
        '2,Plain,"line1\r\nline2",007,,false,\r\n' +
        '3, spaced ,"lf\nonly",,"cr\ronly",,"[1,2]"\r\n',
    );
  });

  it('starts CSV with a UTF-8 BOM when asked, and writes unicode as UTF-8', async () => {
    const out = sink();
    await writeCsv([{ columns: ['名前'], rows: [['Zoë 😀']] }], out.stream, { bom: true });
    const bytes = Buffer.from(out.text(), 'utf8');
    assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
    assert.equal(out.text(), '\uFEFF名前\r\nZoë 😀\r\n');
  });

  it('maps later pages onto the CSV header by name and refuses a late column that has values', async () => {
    const out = sink();
    await writeCsv(
      slowly([
        { columns: ['a', 'b'], rows: [[1, 2]] },
        { columns: ['b', 'a', 'c'], rows: [[3, 4, null]] },
        { columns: ['b'], rows: [[5]] },
      ]),
      out.stream,
    );
    assert.equal(out.text(), 'a,b\r\n1,2\r\n4,3\r\n,5\r\n');
    const error = await writeCsv([{ columns: ['a'], rows: [[1]] }, { columns: ['a', 'late'], rows: [[2, 'x']] }], sink().stream).catch((caught: unknown) => caught);
    assert.ok(isApiError(error, 'badResponse'));
    assert.match(error.message, /"late"/);
  });

  it('round-trips rows through JSON and NDJSON, across pages', async () => {
    const pages: ParsedRows[] = [
      { columns: ['id', 'name', 'dob'], rows: [[1, 'Zoë 😀 "q"', '1975-03-02T00:00:00'], [2, 'مرحبا', null]] },
      { columns: ['id', 'name', 'dob'], rows: [[3, 'line\nbreak', '2001-01-01']] },
    ];
    const json = sink();
    assert.equal(await writeJson(slowly(pages), json.stream), 3);
    const expected = [
      { id: 1, name: 'Zoë 😀 "q"', dob: '1975-03-02T00:00:00' },
      { id: 2, name: 'مرحبا', dob: null },
      { id: 3, name: 'line\nbreak', dob: '2001-01-01' },
    ];
    assert.deepEqual(JSON.parse(json.text()), expected);
    assert.deepEqual(parseRows(Buffer.from(json.text())), { columns: ['id', 'name', 'dob'], rows: [...pages[0].rows, ...pages[1].rows] });

    const ndjson = sink();
    assert.equal(await writeNdjson(pages, ndjson.stream), 3);
    const lines = ndjson.text().split('\n');
    assert.equal(lines.pop(), '');
    assert.deepEqual(lines.map((line) => JSON.parse(line)), expected);

    const empty = sink();
    await writeJson([], empty.stream);
    assert.deepEqual(JSON.parse(empty.text()), []);
  });

  for (const [name, write] of [
    ['CSV', writeCsv],
    ['JSON', writeJson],
    ['NDJSON', writeNdjson],
  ] as const) {
    it(`${name} waits for drain on a slow Writable and never writes past a full buffer`, async function () {
      this.timeout(20_000);
      let writesWhileFull = 0;
      let maxBuffered = 0;
      let received = 0;
      const slow = new Writable({
        highWaterMark: 16 * 1024,
        write(chunk: Buffer, _encoding, done) {
          received += chunk.length;
          setTimeout(done, 2);
        },
      });
      const originalWrite = slow.write.bind(slow) as (chunk: string) => boolean;
      slow.write = ((chunk: string) => {
        if (slow.writableNeedDrain) writesWhileFull++;
        const accepted = originalWrite(chunk);
        maxBuffered = Math.max(maxBuffered, slow.writableLength);
        return accepted;
      }) as Writable['write'];

      // 20 pages × 500 rows of ~200 bytes: about 2 MB, far more than the Writable buffers.
      const pages = Array.from({ length: 20 }, (_, page): ParsedRows => ({
        columns: ['id', 'text'],
        rows: Array.from({ length: 500 }, (_, index) => [page * 500 + index, `row ${index} ${'y'.repeat(190)}`]),
      }));
      const count = await write(slowly(pages), slow);
      assert.equal(count, 10_000);
      assert.equal(writesWhileFull, 0, 'no write while the Writable asked to drain');
      assert.ok(maxBuffered <= 16 * 1024 + 70 * 1024, `buffered up to ${maxBuffered} bytes`);
      assert.ok(received > 2_000_000, `received ${received} bytes`);
    });
  }

  it('rejects when the output fails instead of hanging', async () => {
    const broken = new PassThrough({ highWaterMark: 8 });
    setTimeout(() => broken.destroy(new Error('disk full')), 10);
    const pages = [{ columns: ['a'], rows: Array.from({ length: 100_000 }, (_, index) => [index]) }];
    await assert.rejects(writeNdjson(pages, broken), /disk full|closed/);
  });
});
