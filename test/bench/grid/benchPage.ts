/**
 * The grid benchmark's page script: the real engine (GridData and its worker, started as the webview starts it)
 * against the baselines of `baselineWorker.ts`, every figure timed here in the browser. Node drives it through
 * `window.gridBench` (see gridBench.ts).
 */
import { GridData } from '../../../src/webview/grid/data/gridData';
import type { ColumnFilter, SortKey } from '../../../src/webview/grid/data/gridData';

declare const GRID_WORKER_SOURCE: string;
declare const BASELINE_WORKER_SOURCE: string;

interface MemoryMeasurement {
  breakdown: { bytes: number; attribution: { scope: string }[] }[];
}

const pages: ArrayBuffer[] = [];

async function load(count: number): Promise<number> {
  for (let index = pages.length; index < count; index++) {
    const response = await fetch(`/page/${index}`);
    pages.push(await response.arrayBuffer());
  }
  return pages.reduce((sum, page) => sum + page.byteLength, 0);
}

/** Bytes held by dedicated workers (the page has one at a time when this is asked). */
async function workerMemory(): Promise<number> {
  const measure = (performance as unknown as { measureUserAgentSpecificMemory(): Promise<MemoryMeasurement> }).measureUserAgentSpecificMemory;
  const result = await measure.call(performance);
  return result.breakdown
    .filter((entry) => entry.attribution.some((attribution) => attribution.scope === 'DedicatedWorkerGlobalScope'))
    .reduce((sum, entry) => sum + entry.bytes, 0);
}

function workerFrom(source: string): Worker {
  return new Worker(URL.createObjectURL(new Blob([source], { type: 'text/javascript' })));
}

function ask<T>(worker: Worker, message: unknown): Promise<T> {
  return new Promise((resolve) => {
    worker.onmessage = (event: MessageEvent<T>) => resolve(event.data);
    worker.postMessage(message);
  });
}

export interface BaselineFilter {
  type: 'contains' | 'range';
  column: string;
  needle?: string;
  min?: number;
  max?: number;
}

export interface BaselineResults {
  ingestMs: number;
  firstPageMs: number;
  memory: number;
  sortMs: Record<string, number>;
  filterMs: Record<string, number>;
  filterRows: Record<string, number>;
  jumpMs: number;
}

async function baseline(sortColumns: string[], filters: Record<string, BaselineFilter>, jumps: number[]): Promise<BaselineResults> {
  // JSON.parse of the first page on this thread: what showing the first rows costs without a worker.
  const decoder = new TextDecoder();
  let start = performance.now();
  JSON.parse(decoder.decode(pages[0]));
  const firstPageMs = performance.now() - start;
  const worker = workerFrom(BASELINE_WORKER_SOURCE);
  await ask(worker, { type: 'flush' });
  start = performance.now();
  for (const page of pages) {
    const copy = page.slice(0);
    worker.postMessage({ type: 'page', bytes: copy }, [copy]);
  }
  await ask(worker, { type: 'flush' });
  const ingestMs = performance.now() - start;
  const memory = await workerMemory();
  const sortMs: Record<string, number> = {};
  for (const column of sortColumns) sortMs[column] = (await ask<{ ms: number }>(worker, { type: 'sort', column })).ms;
  const filterMs: Record<string, number> = {};
  const filterRows: Record<string, number> = {};
  for (const [name, filter] of Object.entries(filters)) {
    const result = await ask<{ ms: number; matches: number }>(worker, filter);
    filterMs[name] = result.ms;
    filterRows[name] = result.matches;
  }
  const jumped = await ask<{ ms: number }>(worker, { type: 'jumps', positions: jumps, count: 50 });
  worker.terminate();
  return { ingestMs, firstPageMs, memory, sortMs, filterMs, filterRows, jumpMs: jumped.ms };
}

export interface EngineResults {
  firstRowsMs: number;
  ingestMs: number;
  rows: number;
  memory: number;
  sortMs: Record<string, number>;
  filterMs: Record<string, number>;
  filterRows: Record<string, number>;
  jumpMs: number;
}

async function timed(body: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await body();
  return performance.now() - start;
}

async function engine(sorts: Record<string, SortKey[]>, filters: Record<string, ColumnFilter[]>, jumps: number[]): Promise<EngineResults> {
  // First rows: a worker already running (the panel starts it at `begin`), then the first page and a window of it.
  const first = GridData.fromSource(GRID_WORKER_SOURCE);
  await first.rowIndex(0, 0);
  const firstRowsMs = await timed(async () => {
    const copy = pages[0].slice(0);
    first.append(copy);
    const window = await first.rows(0, 50);
    if (window.rowCount !== 50) throw new Error(`The first window has ${window.rowCount} rows.`);
  });
  first.dispose();

  const data = GridData.fromSource(GRID_WORKER_SOURCE);
  await data.rowIndex(0, 0);
  const empty = await workerMemory();
  const copies = pages.map((page) => page.slice(0));
  const ingestMs = await timed(async () => {
    for (const copy of copies) data.append(copy);
    // Requests are answered in order: this one comes back once every page has been indexed.
    await data.rowIndex(0, 0);
  });
  const memory = (await workerMemory()) - empty;

  const sortMs: Record<string, number> = {};
  for (const [name, keys] of Object.entries(sorts)) sortMs[name] = await timed(() => data.sort(keys));
  // Jumps in the sorted view: each is a window of 50 rows at a random position, mapped through the sort.
  let jumpMs = 0;
  for (const position of jumps) {
    jumpMs = Math.max(jumpMs, await timed(async () => {
      const window = await data.rows(position, 50);
      if (window.rowCount !== 50) throw new Error(`The window at ${position} has ${window.rowCount} rows.`);
    }));
  }
  await data.sort([]);
  const filterMs: Record<string, number> = {};
  const filterRows: Record<string, number> = {};
  for (const [name, filter] of Object.entries(filters)) {
    filterMs[name] = await timed(() => data.filter(filter));
    filterRows[name] = data.viewRowCount;
  }
  const rows = data.rowCount;
  data.dispose();
  return { firstRowsMs, ingestMs, rows, memory, sortMs, filterMs, filterRows, jumpMs };
}

(window as unknown as { gridBench: unknown }).gridBench = { load, baseline, engine };
