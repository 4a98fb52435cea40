import { strict as assert } from 'node:assert';
import { malformedData, paginate } from '../../../../src/sandbox/haloConnect/resultPages';

describe('Sandbox server: result pages', () => {
  const rows = Array.from({ length: 50 }, (_, index) => ({ id: index, name: `Patient ${index}`, note: 'é'.repeat(index % 7) }));

  it('splits on row boundaries into pages no larger than the target, each its own JSON array, covering every row once', () => {
    const pages = paginate(rows, 300);
    assert.ok(pages.length > 5);
    const all = pages.flatMap((page) => JSON.parse(page.json) as unknown[]);
    assert.deepEqual(all, rows);
    let next = 0;
    for (const page of pages) {
      assert.equal(page.size, Buffer.byteLength(page.json));
      assert.ok(page.size <= 300);
      assert.equal(page.rangeStart, next);
      assert.equal(page.rangeEnd, next + page.count - 1);
      next += page.count;
    }
  });

  it('gives a row larger than the target a page of its own, and an empty result one empty page', () => {
    const big = [{ text: 'x'.repeat(1000) }, { text: 'y' }];
    assert.deepEqual(paginate(big, 100).map((page) => page.count), [1, 1]);
    assert.deepEqual(paginate([], 100), [{ json: '[]', size: 2, count: 0, rangeStart: 0, rangeEnd: -1 }]);
  });

  it('corrupts data detectably: base64 that does not decode cleanly, or JSON that does not parse', () => {
    const json = JSON.stringify(rows.slice(0, 3));
    assert.doesNotMatch(malformedData(json, 'base64'), /^[A-Za-z0-9+/]*={0,2}$/);
    assert.throws(() => JSON.parse(Buffer.from(malformedData(json, 'json'), 'base64').toString('utf8')), SyntaxError);
  });
});
