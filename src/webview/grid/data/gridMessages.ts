import type { ColumnFilter, GridColumn, RowWindow, SortKey } from './gridStore';

/** What the grid's data worker is asked; `id` pairs a request with its reply. */
export type GridRequest =
  | { type: 'append'; bytes: ArrayBuffer }
  | { type: 'rows'; id: number; start: number; count: number }
  | { type: 'rowIndex'; id: number; start: number; count: number }
  | { type: 'sort'; id: number; keys: SortKey[] }
  | { type: 'filter'; id: number; filters: ColumnFilter[] };

/** The result's shape after a change, sent after every page and with every reply. */
export interface GridState {
  rowCount: number;
  viewRowCount: number;
  pageCount: number;
  columns: GridColumn[];
}

export type GridReply =
  | { type: 'state'; state: GridState }
  /** `page` counts appended pages from 1, as the host numbers them. */
  | { type: 'pageError'; page: number; message: string; state: GridState }
  | { type: 'done'; id: number; state: GridState; window?: RowWindow; rows?: Uint32Array }
  | { type: 'failed'; id: number; message: string; state: GridState };
