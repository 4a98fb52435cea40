import type { GridReply, GridRequest, GridState } from './gridMessages';
import { GridStore } from './gridStore';

/**
 * The results grid's data worker: owns the pages and does every scan, sort and filter off the UI thread. Requests
 * are handled in the order they arrive, so a window asked for after a page was appended includes that page.
 */
interface WorkerScope {
  onmessage: ((event: MessageEvent<GridRequest>) => void) | null;
  postMessage(message: GridReply, transfer?: Transferable[]): void;
}

const scope = self as unknown as WorkerScope;
const store = new GridStore();
let pagesReceived = 0;

function state(): GridState {
  return { rowCount: store.rowCount, viewRowCount: store.viewRowCount, pageCount: store.pageCount, columns: store.columns() };
}

function handle(request: GridRequest): void {
  switch (request.type) {
    case 'append': {
      pagesReceived++;
      try {
        store.append(new Uint8Array(request.bytes));
        scope.postMessage({ type: 'state', state: state() });
      } catch (error) {
        scope.postMessage({ type: 'pageError', page: pagesReceived, message: messageOf(error), state: state() });
      }
      return;
    }
    case 'rows': {
      const window = store.rows(request.start, request.count);
      scope.postMessage({ type: 'done', id: request.id, state: state(), window }, [window.sourceRows.buffer, window.numbers.buffer]);
      return;
    }
    case 'rowIndex': {
      const rows = store.rowIndex(request.start, request.count);
      scope.postMessage({ type: 'done', id: request.id, state: state(), rows }, [rows.buffer]);
      return;
    }
    case 'sort':
    case 'filter':
      try {
        if (request.type === 'sort') store.sort(request.keys);
        else store.filter(request.filters);
        scope.postMessage({ type: 'done', id: request.id, state: state() });
      } catch (error) {
        scope.postMessage({ type: 'failed', id: request.id, message: messageOf(error), state: state() });
      }
      return;
    default:
      assertNever(request);
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function assertNever(value: never): never {
  throw new Error(`Unexpected request ${JSON.stringify(value)}`);
}

scope.onmessage = (event) => handle(event.data);
