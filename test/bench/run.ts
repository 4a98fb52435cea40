import { activationFigure } from './activation';
import { formatFigure, writeResults } from './benchReport';
import { gridFigures } from './grid/gridBench';
import { hostPageCost } from './hostPageCost';
import { sandboxQueryFigures } from './sandboxQueries';

/** `npm run bench`: every figure against its same-run baseline, printed and written to bench-results.json. */
async function main(): Promise<void> {
  const figures = [activationFigure(), hostPageCost(), ...(await sandboxQueryFigures()), ...(await gridFigures())];
  for (const figure of figures) console.log(formatFigure(figure));
  writeResults('bench-results.json', figures);
}

void main();
