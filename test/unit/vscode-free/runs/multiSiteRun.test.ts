import assert from 'node:assert/strict';
import { ApiError } from '../../../../src/core/errors';
import { parseRows } from '../../../../src/core/results/parseRows';
import { runOnSites, withSiteColumn } from '../../../../src/vscode/runs/multiSiteRun';
import type { SiteRun } from '../../../../src/vscode/runs/multiSiteRun';

/** A site that answers after `ms` with `rows`, or fails; records how many run at once. */
function fakeSite(name: string, rows: object[], tracker: { now: number; max: number }, options: { ms?: number; fail?: Error } = {}): SiteRun {
  return {
    site: name,
    run: (signal, onPage) =>
      new Promise((resolve, reject) => {
        tracker.now++;
        tracker.max = Math.max(tracker.max, tracker.now);
        const finish = (): void => {
          tracker.now--;
          signal.removeEventListener('abort', onAbort);
        };
        const onAbort = (): void => {
          clearTimeout(timer);
          finish();
          reject(new ApiError('cancelled', 'Cancelled.'));
        };
        signal.addEventListener('abort', onAbort, { once: true });
        const timer = setTimeout(() => {
          finish();
          if (options.fail) return reject(options.fail);
          onPage(Buffer.from(JSON.stringify(rows)));
          resolve({ rowCount: rows.length });
        }, options.ms ?? 5);
      }),
  };
}

describe('vscode/runs/multiSiteRun', () => {
  it('puts the site first in every row and keeps a column the rows already called site', () => {
    const { bytes, rows } = withSiteColumn(Buffer.from(JSON.stringify([{ id: 1, site: 'A1' }, { id: 2, site: null }])), 'Bendigo');
    assert.equal(rows, 2);
    const parsed = parseRows(bytes);
    assert.deepEqual(parsed.columns, ['site', 'id', 'site_1']);
    assert.deepEqual(parsed.rows, [['Bendigo', 1, 'A1'], ['Bendigo', 2, null]]);
  });

  it('reads an empty page as no rows and refuses a page that is not JSON', () => {
    assert.equal(withSiteColumn(Buffer.alloc(0), 'X').rows, 0);
    assert.throws(() => withSiteColumn(Buffer.from('[{"a":'), 'Joondalup'), (error: unknown) => error instanceof ApiError && /Joondalup/.test(error.message));
  });

  it('runs at most four sites at once, merges their rows and reports each site, failures included', async () => {
    const tracker = { now: 0, max: 0 };
    const runs = Array.from({ length: 9 }, (_, index) =>
      fakeSite(`Site ${index}`, [{ n: index }], tracker, index === 3 ? { fail: new ApiError('siteOffline', 'The practice is offline.') } : { ms: 5 + (index % 3) * 5 }),
    );
    const pages: Buffer[] = [];
    const settled: string[] = [];
    const outcomes = await runOnSites(runs, { onPage: (bytes) => pages.push(bytes), onSiteSettled: (outcome) => settled.push(outcome.site) });
    assert.equal(tracker.max, 4);
    assert.equal(settled.length, 9);
    assert.deepEqual(outcomes.map((outcome) => outcome.site), runs.map((run) => run.site));
    assert.equal(outcomes[3].outcome, 'failed');
    assert.equal(outcomes[3].message, 'The practice is offline.');
    assert.equal(outcomes.filter((outcome) => outcome.outcome === 'succeeded').length, 8);
    const merged = pages.flatMap((page) => parseRows(page).rows);
    assert.deepEqual(merged.map((row) => row[0]).sort(), runs.filter((_, index) => index !== 3).map((run) => run.site).sort());
  });

  it('cancels the sites still running or waiting when the signal aborts', async () => {
    const tracker = { now: 0, max: 0 };
    const runs = Array.from({ length: 6 }, (_, index) => fakeSite(`Site ${index}`, [{ n: index }], tracker, { ms: 10_000 }));
    const controller = new AbortController();
    const done = runOnSites(runs, { signal: controller.signal, onPage: () => assert.fail('no page expected') });
    setTimeout(() => controller.abort(), 20);
    const outcomes = await done;
    assert.deepEqual(outcomes.map((outcome) => outcome.outcome), Array(6).fill('cancelled'));
    assert.equal(tracker.now, 0);
  });
});
