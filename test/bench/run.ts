import { formatFigure, writeResults } from './benchReport';
import { hostPageCost } from './hostPageCost';

/** `npm run bench`: every figure against its same-run baseline, printed and written to bench-results.json. */
function main(): void {
  const figures = [hostPageCost()];
  for (const figure of figures) console.log(formatFigure(figure));
  writeResults('bench-results.json', figures);
}

main();
