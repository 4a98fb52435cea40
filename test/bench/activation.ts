import { execFileSync } from 'child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import path from 'path';
import type { BenchFigure } from './benchReport';

const PROBE = path.join(__dirname, 'activationProbe.cjs');
const RUNS = 9;

function medianOfFreshProcesses(bundle: string): number {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    times.push(Number(execFileSync(process.execPath, [PROBE, bundle], { encoding: 'utf8', timeout: 30_000 }).trim()));
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(RUNS / 2)];
}

/**
 * Activation: load + `activate()` of dist/extension.js, median of fresh processes. The baseline is the same probe on
 * an extension that does nothing, so the ratio shows what our bundle adds; the goal is the 50 ms, absolute.
 */
export function activationFigure(): BenchFigure {
  const bundle = path.resolve('dist/extension.js');
  if (!existsSync(bundle)) throw new Error('dist/extension.js is missing: run `npm run build` first.');
  const emptyDir = mkdtempSync(path.join(tmpdir(), 'pde-bench-'));
  const empty = path.join(emptyDir, 'dist', 'extension.js');
  execFileSync('mkdir', ['-p', path.dirname(empty)]);
  writeFileSync(empty, 'exports.activate = () => {};\n');
  return {
    name: 'activation',
    value: medianOfFreshProcesses(bundle),
    baseline: medianOfFreshProcesses(empty),
    unit: 'ms',
    goal: { op: '<=', target: 50, on: 'value' },
  };
}
