import type { BenchFigure } from '../benchReport';
import { Random } from '../../../src/sandbox/data/random';
import type { BaselineResults, EngineResults } from './benchPage';
import { bundle, openPage } from './chromiumPage';
import { benchPages } from './gridPages';

const PAGES = 100;
const ROWS_PER_PAGE = 10_000;
const JUMPS = 20;

/**
 * The results grid's data engine in headless Chromium on 1,000,000 appointment-like rows × 10 columns in 100 pages
 * (issue 5 §5), each figure with a baseline taken in the same run: plain JSON.parse in a worker for ingest (its
 * rows/s is the bar), and for the figures the issue bars absolutely (first rows, sort, filter, jumps) the plain
 * JavaScript doing the same job on parsed rows, so the ratio says how the engine compares with the obvious code.
 */
export async function gridFigures(): Promise<BenchFigure[]> {
  const generated = benchPages(PAGES, ROWS_PER_PAGE);
  const files = new Map(generated.pages.map((page, index) => [`/page/${index}`, page]));
  const script = await bundle('test/bench/grid/benchPage.ts', {
    GRID_WORKER_SOURCE: await bundle('src/webview/grid/data/worker.ts'),
    BASELINE_WORKER_SOURCE: await bundle('test/bench/grid/baselineWorker.ts'),
  });
  const column = (name: string): number => generated.columns.indexOf(name);
  const random = new Random(20);
  const jumps = Array.from({ length: JUMPS }, () => random.int(0, generated.rows - 50));
  const served = await openPage(script, files);
  try {
    const bytes = await served.evaluate<number>(`gridBench.load(${PAGES})`, 120_000);
    const sorts = {
      surname: [{ column: column('Surname'), direction: 'asc' }],
      reference: [{ column: column('Reference'), direction: 'asc' }],
    };
    const filters = {
      contains: [{ column: column('Surname'), kind: 'contains', text: 'smi' }],
      range: [{ column: column('Fee'), kind: 'range', min: 50, max: 100 }],
    };
    const baselineFilters = {
      contains: { type: 'contains', column: 'Surname', needle: 'smi' },
      range: { type: 'range', column: 'Fee', min: 50, max: 100 },
    };
    const base = await served.evaluate<BaselineResults>(
      `gridBench.baseline(["Surname", "Reference"], ${JSON.stringify(baselineFilters)}, ${JSON.stringify(jumps)})`,
      300_000,
    );
    const engine = await served.evaluate<EngineResults>(
      `gridBench.engine(${JSON.stringify(sorts)}, ${JSON.stringify(filters)}, ${JSON.stringify(jumps)})`,
      300_000,
    );
    if (engine.rows !== generated.rows) throw new Error(`The engine holds ${engine.rows} rows of ${generated.rows}.`);
    for (const name of Object.keys(filters)) {
      const [kept, expected] = [engine.filterRows[name], base.filterRows[name]];
      if (kept !== expected) throw new Error(`The engine's ${name} filter kept ${kept} rows, the plain loop ${expected}.`);
    }
    const rowsPerSecond = (ms: number): number => generated.rows / (ms / 1000);
    const megabytes = (value: number): number => value / 1e6;
    return [
      {
        name: 'grid ingest (1M rows × 10 columns, 100 pages)',
        value: rowsPerSecond(engine.ingestMs), baseline: rowsPerSecond(base.ingestMs), unit: 'rows/s',
        goal: { op: '>=', target: 0.8, on: 'ratio' },
      },
      { name: 'grid first rows after the first page', value: engine.firstRowsMs, baseline: base.firstPageMs, unit: 'ms', goal: { op: '<=', target: 250, on: 'value' } },
      { name: 'grid sort 1M rows by surname', value: engine.sortMs.surname, baseline: base.sortMs.Surname, unit: 'ms', goal: { op: '<=', target: 1500, on: 'value' } },
      { name: 'grid sort 1M rows by a unique text', value: engine.sortMs.reference, baseline: base.sortMs.Reference, unit: 'ms', goal: { op: '<=', target: 1500, on: 'value' } },
      { name: 'grid filter 1M rows (text contains)', value: engine.filterMs.contains, baseline: base.filterMs.contains, unit: 'ms', goal: { op: '<=', target: 500, on: 'value' } },
      { name: 'grid filter 1M rows (number range)', value: engine.filterMs.range, baseline: base.filterMs.range, unit: 'ms', goal: { op: '<=', target: 500, on: 'value' } },
      { name: 'grid jump to a random row (worst of 20)', value: engine.jumpMs, baseline: base.jumpMs, unit: 'ms', goal: { op: '<=', target: 100, on: 'value' } },
      {
        name: 'grid memory for 1M rows (vs their JSON bytes)',
        value: megabytes(engine.memory), baseline: megabytes(bytes), unit: 'MB', goal: { op: '<=', target: 2, on: 'ratio' },
      },
    ];
  } finally {
    await served.close();
  }
}
