/**
 * The results grid's data engine, as the UI thread sees it. A Web Worker (`worker.ts`) owns the result: page bytes
 * are transferred to it, indexed rather than parsed (see `pageIndex.ts`), and every sort, filter and window is worked
 * out there, so the UI thread only renders the rows it is handed.
 *
 *   const data = GridData.fromSource(GRID_WORKER_SOURCE);   // or new GridData(new Worker(url))
 *   data.onChange((state) => render(state));                 // after every page, sort and filter
 *   data.append(message.bytes);                              // each page's ArrayBuffer, as the host posts it
 *   const window = await data.rows(firstVisible, 50);        // cells of view rows firstVisible..firstVisible+49
 *   await data.sort([{ column: 2, direction: 'asc' }, { column: 4, direction: 'desc' }]);
 *   await data.filter([{ column: 6, kind: 'range', min: 50, max: 100 }, { column: 9, kind: 'notEmpty' }]);
 *   const order = await data.rowIndex(0, data.viewRowCount); // source rows in view order, for an export
 *
 * - Rows are numbered from 0 in arrival order ("source rows"); the view is every source row, or those passing the
 *   filters (AND across columns) in the sort's order (stable, several columns, nulls last). A window's `sourceRows`
 *   maps each view row to its source row, so the grid can show the row's own number (`sourceRows[i] + 1`).
 * - Columns keep their index for the life of the result (new ones are appended as pages reveal them); their type is
 *   inferred from every value seen so far and may widen while pages arrive (integer → decimal, anything → text).
 * - Sort and filter cover the whole result and stay applied while pages arrive: new rows are filtered and merged into
 *   the sorted view, so `viewRowCount` grows and the visible window may shift; re-request the window on `onChange`.
 * - Cells are strings or null (SQL NULL or a key the row lacked); numbers and nested JSON exactly as the server wrote
 *   them. `numbers` carries the value of numeric and boolean cells and the instant of date cells, for alignment,
 *   formatting and selection sums.
 * - A page that is not JSON is dropped and reported through `onPageError`; the pages before and after it stay.
 * - Requests are answered in order; a filter typed key by key should be debounced by the caller (each runs in full).
 *
 * The worker is loaded from a blob: URL made from its bundled source (webview resources are served through VS Code's
 * service worker, which a `new Worker(url)` request bypasses), so the panel's CSP needs `worker-src blob:`.
 */
import type { GridReply, GridRequest, GridState } from './gridMessages';
import type { ColumnFilter, GridColumn, RowWindow, SortKey } from './gridStore';

export type { ColumnFilter, GridColumn, RowWindow, SortKey, SortDirection } from './gridStore';
export type { GridState } from './gridMessages';

/** The part of `Worker` the proxy uses (tests hand it an in-process double where a browser is not needed). */
export interface WorkerPort {
  postMessage(message: GridRequest, transfer: Transferable[]): void;
  onmessage: ((event: MessageEvent<GridReply>) => void) | null;
  terminate(): void;
}

interface Pending {
  resolve(reply: Extract<GridReply, { type: 'done' }>): void;
  reject(error: Error): void;
}

const EMPTY: GridState = { rowCount: 0, viewRowCount: 0, pageCount: 0, columns: [] };

export class GridData {
  private state: GridState = EMPTY;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly changeListeners = new Set<(state: GridState) => void>();
  private readonly errorListeners = new Set<(page: number, message: string) => void>();
  private disposed = false;

  /** Starts the worker from its bundled source (a blob: URL, revoked once the worker has loaded it). */
  static fromSource(source: string): GridData {
    const url = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
    try {
      return new GridData(new Worker(url) as unknown as WorkerPort);
    } finally {
      // The worker fetches its script asynchronously: revoke only after that has had its chance.
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    }
  }

  constructor(private readonly worker: WorkerPort) {
    worker.onmessage = (event) => this.receive(event.data);
  }

  /** Source rows received so far. */
  get rowCount(): number {
    return this.state.rowCount;
  }

  /** Rows in the view: all of them, or those passing the filters. */
  get viewRowCount(): number {
    return this.state.viewRowCount;
  }

  get pageCount(): number {
    return this.state.pageCount;
  }

  get columns(): readonly GridColumn[] {
    return this.state.columns;
  }

  /** Hands a page's bytes (UTF-8 JSON) to the worker. The buffer is transferred: it is detached here afterwards. */
  append(pageBytes: ArrayBuffer): void {
    this.post({ type: 'append', bytes: pageBytes }, [pageBytes]);
  }

  /** Cells of view rows `start`..`start + count - 1` (fewer past the end of the view). */
  async rows(start: number, count: number): Promise<RowWindow> {
    const reply = await this.request({ type: 'rows', id: 0, start, count });
    return reply.window as RowWindow;
  }

  /** Source rows of view rows `start`..`start + count - 1`. */
  async rowIndex(start: number, count: number): Promise<Uint32Array> {
    const reply = await this.request({ type: 'rowIndex', id: 0, start, count });
    return reply.rows as Uint32Array;
  }

  /** Sorts the whole result (earlier keys first); [] restores arrival order. */
  async sort(keys: readonly SortKey[]): Promise<void> {
    await this.request({ type: 'sort', id: 0, keys: keys.map((key) => ({ ...key })) });
  }

  /** Replaces the filters; [] shows every row. Rejects for a column that does not exist or a regex that does not compile. */
  async filter(filters: readonly ColumnFilter[]): Promise<void> {
    await this.request({ type: 'filter', id: 0, filters: filters.map((filter) => ({ ...filter })) });
  }

  /** Called after every change of rows, columns or view; returns the unsubscribe function. */
  onChange(listener: (state: GridState) => void): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  /** Called for a page the worker could not read (`page` counts appended pages from 1). */
  onPageError(listener: (page: number, message: string) => void): () => void {
    this.errorListeners.add(listener);
    return () => this.errorListeners.delete(listener);
  }

  /** Stops the worker and frees the result; pending requests reject. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.worker.terminate();
    for (const pending of this.pending.values()) pending.reject(new Error('The results grid was closed.'));
    this.pending.clear();
    this.changeListeners.clear();
    this.errorListeners.clear();
  }

  private request(message: Extract<GridRequest, { id: number }>): Promise<Extract<GridReply, { type: 'done' }>> {
    return new Promise((resolve, reject) => {
      if (this.disposed) {
        reject(new Error('The results grid was closed.'));
        return;
      }
      const id = this.nextId++;
      this.pending.set(id, { resolve, reject });
      this.post({ ...message, id }, []);
    });
  }

  private post(message: GridRequest, transfer: Transferable[]): void {
    if (!this.disposed) this.worker.postMessage(message, transfer);
  }

  private receive(reply: GridReply): void {
    const changed = !sameState(this.state, reply.state);
    this.state = reply.state;
    switch (reply.type) {
      case 'state':
        break;
      case 'pageError':
        for (const listener of this.errorListeners) listener(reply.page, reply.message);
        break;
      case 'done':
      case 'failed': {
        const pending = this.pending.get(reply.id);
        this.pending.delete(reply.id);
        if (reply.type === 'done') pending?.resolve(reply);
        else pending?.reject(new Error(reply.message));
        break;
      }
      default:
        assertNever(reply);
    }
    if (changed) for (const listener of this.changeListeners) listener(this.state);
  }
}

function sameState(a: GridState, b: GridState): boolean {
  if (a.rowCount !== b.rowCount || a.viewRowCount !== b.viewRowCount || a.pageCount !== b.pageCount) return false;
  if (a.columns.length !== b.columns.length) return false;
  return a.columns.every((column, index) => column.name === b.columns[index].name && column.type === b.columns[index].type);
}

function assertNever(value: never): never {
  throw new Error(`Unexpected reply ${JSON.stringify(value)}`);
}
