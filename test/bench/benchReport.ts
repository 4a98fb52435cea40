import { writeFileSync } from 'fs';

/** One benchmark figure, measured against a baseline taken in the same run (the machine is shared and noisy). */
export interface BenchFigure {
  name: string;
  value: number;
  baseline: number;
  unit: string;
  /** The goal: on the ratio value/baseline (e.g. `<=` 0.1), or on the value itself where the issue sets an absolute bar. */
  goal: { op: '<=' | '>='; target: number; on: 'ratio' | 'value' };
}

export function ratioOf(figure: BenchFigure): number {
  return figure.value / figure.baseline;
}

export function passes(figure: BenchFigure): boolean {
  const measured = figure.goal.on === 'ratio' ? ratioOf(figure) : figure.value;
  return figure.goal.op === '<=' ? measured <= figure.goal.target : measured >= figure.goal.target;
}

/** `bench <name>: <value> <unit> | baseline <value> <unit> | ratio <r> | goal <op><x> | PASS|FAIL` */
export function formatFigure(figure: BenchFigure): string {
  const round = (n: number) => (Math.abs(n) >= 100 ? n.toFixed(0) : n.toPrecision(3));
  return (
    `bench ${figure.name}: ${round(figure.value)} ${figure.unit} | baseline ${round(figure.baseline)} ${figure.unit}` +
    ` | ratio ${ratioOf(figure).toFixed(3)} | goal ${figure.goal.op}${figure.goal.target}${figure.goal.on === 'value' ? ` ${figure.unit}` : ''}` +
    ` | ${passes(figure) ? 'PASS' : 'FAIL'}`
  );
}

export function writeResults(file: string, figures: BenchFigure[]): void {
  const results = figures.map((figure) => ({ ...figure, ratio: ratioOf(figure), pass: passes(figure) }));
  writeFileSync(file, `${JSON.stringify({ measuredAt: new Date().toISOString(), figures: results }, null, 2)}\n`);
}

/** Median wall time in ms of `runs` calls, after one warm-up call. */
export function medianMs(runs: number, body: () => unknown): number {
  body();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    body();
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}
