import { ApiError, isApiError } from '../../core/errors';
import { HostLimiter } from '../../core/http/hostLimiter';
import { VALUE_COLUMN } from '../../core/results/parseRows';
import type { SiteOutcome } from '../../protocol';

/** The column a run on several sites puts first, naming the site each row came from. */
export const SITE_COLUMN = 'site';

/** Sites queried at once: Halo answers each from its own practice, but one client should stay polite. */
export const MULTI_SITE_CONCURRENCY = 4;

export interface SiteRun {
  /** The site's name as the combined result shows it. */
  site: string;
  /** Runs the query there, handing each page of rows to `onPage`; resolves with the rows it returned. */
  run(signal: AbortSignal, onPage: (bytes: Buffer) => void): Promise<{ rowCount?: number }>;
}

export interface MultiSiteOptions {
  signal?: AbortSignal;
  concurrency?: number;
  /** A page of the combined result: the site's rows, each with the site's name in a leading `site` column. */
  onPage: (bytes: Buffer) => void;
  /** Called as each site finishes, in the order they finish. */
  onSiteSettled?: (outcome: SiteOutcome) => void;
  /** The sentence for a site's failure (the UI's wording of an ApiError). */
  describe?: (error: unknown) => string;
}

/**
 * Runs the same query on several sites, at most `concurrency` at once, and merges their rows into one result with a
 * leading `site` column. A site that fails does not stop the others; every site's outcome is reported, in the order
 * the sites were given. Aborting the signal cancels the sites still running or waiting.
 */
export async function runOnSites(runs: readonly SiteRun[], options: MultiSiteOptions): Promise<SiteOutcome[]> {
  const limiter = new HostLimiter(options.concurrency ?? MULTI_SITE_CONCURRENCY);
  const describe = options.describe ?? ((error: unknown) => (error instanceof Error ? error.message : String(error)));
  return Promise.all(
    runs.map(async (siteRun): Promise<SiteOutcome> => {
      let outcome: SiteOutcome;
      try {
        const release = await limiter.acquire('sites', options.signal);
        const controller = new AbortController();
        const onAbort = (): void => controller.abort();
        options.signal?.addEventListener('abort', onAbort, { once: true });
        try {
          let counted = 0;
          const { rowCount } = await siteRun.run(controller.signal, (bytes) => {
            const { bytes: combined, rows } = withSiteColumn(bytes, siteRun.site);
            counted += rows;
            options.onPage(combined);
          });
          outcome = { site: siteRun.site, outcome: 'succeeded', rows: rowCount ?? counted };
        } finally {
          options.signal?.removeEventListener('abort', onAbort);
          release();
        }
      } catch (error) {
        const cancelled = isApiError(error, 'cancelled') || options.signal?.aborted === true;
        outcome = { site: siteRun.site, outcome: cancelled ? 'cancelled' : 'failed', message: cancelled ? 'Cancelled.' : describe(error) };
      }
      options.onSiteSettled?.(outcome);
      return outcome;
    }),
  );
}

/**
 * A page of rows with `site` added as each row's first column. A row that already has a `site` column keeps it,
 * renamed `site_1` (or the first free `site_n`), so no value is lost.
 */
export function withSiteColumn(bytes: Uint8Array, site: string): { bytes: Buffer; rows: number } {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8').replace(/^\uFEFF/, '');
  if (text.trim() === '') return { bytes: Buffer.from('[]'), rows: 0 };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ApiError('badResponse', `A page from ${site} is not valid JSON (${(error as Error).message}).`);
  }
  const records = Array.isArray(parsed) ? parsed : [parsed];
  const rows = records.map((record) => {
    const fields: Record<string, unknown> = typeof record === 'object' && record !== null && !Array.isArray(record) ? record : { [VALUE_COLUMN]: record };
    const row: Record<string, unknown> = { [SITE_COLUMN]: site };
    for (const [name, value] of Object.entries(fields)) {
      row[name === SITE_COLUMN ? freeName(fields) : name] = value;
    }
    return row;
  });
  return { bytes: Buffer.from(JSON.stringify(rows)), rows: rows.length };
}

function freeName(fields: Record<string, unknown>): string {
  for (let suffix = 1; ; suffix++) {
    const name = `${SITE_COLUMN}_${suffix}`;
    if (!(name in fields)) return name;
  }
}
