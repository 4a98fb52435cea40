/**
 * The grid benchmark's baselines, in a worker of their own so they run where the engine runs: plain TextDecoder +
 * JSON.parse of every page (rows kept, as a grid holding parsed rows keeps them), then on those rows
 * Array.prototype.sort of one column's strings, filter loops, and windows cut from the row objects.
 */
type Row = Record<string, unknown>;
type BaselineRequest =
  | { type: 'page'; bytes: ArrayBuffer }
  | { type: 'flush' }
  | { type: 'sort'; column: string }
  | { type: 'contains'; column: string; needle: string }
  | { type: 'range'; column: string; min: number; max: number }
  | { type: 'jumps'; positions: number[]; count: number };

interface WorkerScope {
  onmessage: ((event: MessageEvent<BaselineRequest>) => void) | null;
  postMessage(message: unknown): void;
}

const scope = self as unknown as WorkerScope;
const decoder = new TextDecoder();
const pages: Row[][] = [];
let rows: Row[] = [];

function allRows(): Row[] {
  if (rows.length === 0) rows = pages.flat();
  return rows;
}

scope.onmessage = ({ data }) => {
  switch (data.type) {
    case 'page':
      pages.push(JSON.parse(decoder.decode(data.bytes)) as Row[]);
      return;
    case 'flush':
      scope.postMessage({ rows: pages.reduce((sum, page) => sum + page.length, 0) });
      return;
    case 'sort': {
      const strings = allRows().map((row) => String(row[data.column]));
      const start = performance.now();
      strings.sort();
      scope.postMessage({ ms: performance.now() - start, first: strings[0] });
      return;
    }
    case 'contains':
    case 'range': {
      const all = allRows();
      const start = performance.now();
      const matches: number[] = [];
      for (let index = 0; index < all.length; index++) {
        const value = all[index][data.column];
        if (value === null || value === undefined) continue;
        const pass = data.type === 'contains' ? String(value).toLowerCase().includes(data.needle) : (value as number) >= data.min && (value as number) <= data.max;
        if (pass) matches.push(index);
      }
      scope.postMessage({ ms: performance.now() - start, matches: matches.length });
      return;
    }
    case 'jumps': {
      const all = allRows();
      let worst = 0;
      let cells = 0;
      for (const position of data.positions) {
        const start = performance.now();
        const window = all.slice(position, position + data.count).map((row) => Object.values(row).map((value) => (value === null ? null : String(value))));
        worst = Math.max(worst, performance.now() - start);
        cells += window.length;
      }
      scope.postMessage({ ms: worst, cells });
      return;
    }
  }
};
