import type { ColumnType } from '../../../core/results/columnTypes';
import { cellNumber, cellText, instantOf } from './cellValues';
import { ColumnCatalog, END_MASK, indexPage } from './pageIndex';
import type { IndexedPage } from './pageIndex';
import { countingSort, NumberKeys, pageIndexOf, TextKeys } from './sortKeys';
import type { ColumnKeys, PageSource } from './sortKeys';

/** A column of the result: its name and the display type inferred from every value seen so far. */
export interface GridColumn {
  name: string;
  type: ColumnType;
}

export type SortDirection = 'asc' | 'desc';

/** One key of a sort: a column (its index in `columns`) and a direction. Earlier keys take precedence. */
export interface SortKey {
  column: number;
  direction: SortDirection;
}

/**
 * A filter on one column; a row is shown when it passes every filter (AND across columns).
 * - `contains`: the cell's text holds `text`, ignoring case (nulls never match).
 * - `regex`: the cell's text matches `pattern` (`flags` as RegExp takes them; `g` and `y` are ignored).
 * - `range`: the cell's number, or instant for dates, lies within `min`..`max` (both inclusive, either optional).
 *   A bound is a number, or an ISO date or date-time; a date-only `max` includes its whole day.
 * - `empty` / `notEmpty`: the cell is (not) null, missing or the empty string.
 */
export type ColumnFilter =
  | { column: number; kind: 'contains'; text: string }
  | { column: number; kind: 'regex'; pattern: string; flags?: string }
  | { column: number; kind: 'range'; min?: number | string; max?: number | string }
  | { column: number; kind: 'empty' }
  | { column: number; kind: 'notEmpty' };

/**
 * A window of the view: rows `start`..`start + rowCount - 1`, cells row-major (`text[r * columnCount + c]`).
 * `numbers` holds each cell's value as a number where that is useful (integer, decimal and boolean columns: the
 * value; date and date-time columns: the instant in epoch ms, a time without offset read as UTC); NaN elsewhere.
 */
export interface RowWindow {
  start: number;
  rowCount: number;
  columnCount: number;
  /** The source row (0-based, in arrival order) of each view row: the row number the grid shows is this + 1. */
  sourceRows: Uint32Array;
  text: (string | null)[];
  numbers: Float64Array;
}

const NUMERIC_TYPES: ReadonlySet<ColumnType> = new Set(['integer', 'decimal', 'boolean', 'date', 'datetime']);
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const DAY_MS = 86_400_000;

type RowTest = (row: number) => boolean;

/**
 * The results grid's data: pages appended as they arrive, indexed (not parsed), and a view of them — every row in
 * arrival order, or the rows passing the filters in the sort's order. Sort and filter always cover the whole result.
 * While pages keep arriving they stay applied: new rows are tested against the filters and merged into the sorted
 * view (keys of the sorted columns are kept for this); only a column whose type a new page changes (an integer
 * column meeting text, say) makes the sort and filters run again over everything.
 */
export class GridStore implements PageSource {
  private readonly catalog = new ColumnCatalog();
  readonly pages: IndexedPage[] = [];
  /** The first source row of each page. */
  readonly pageStarts: number[] = [];
  private total = 0;
  private sortKeys: readonly SortKey[] = [];
  private filters: readonly ColumnFilter[] = [];
  private keys: ColumnKeys[] = [];
  private tests: RowTest[] = [];
  /** The view's source rows; undefined while it is every row in arrival order. */
  private view: Uint32Array | undefined;
  private viewLength = 0;
  /** Types of the sorted and filtered columns when they were applied, to notice a page changing one. */
  private appliedTypes: ColumnType[] = [];
  private lastPage = 0;

  get rowCount(): number {
    return this.total;
  }

  get viewRowCount(): number {
    return this.view ? this.viewLength : this.total;
  }

  get pageCount(): number {
    return this.pages.length;
  }

  columns(): GridColumn[] {
    return this.catalog.names.map((name, index) => ({ name, type: this.catalog.inference[index].type }));
  }

  /** Indexes a page (throws `PageSyntaxError` when it is not JSON) and brings the view up to date. */
  append(bytes: Uint8Array): void {
    const page = indexPage(bytes, this.catalog);
    const from = this.total;
    this.pages.push(page);
    this.pageStarts.push(from);
    this.total += page.rowCount;
    if (!this.view) return;
    if (this.usedColumns().some((column, k) => this.catalog.inference[column].type !== this.appliedTypes[k])) {
      this.apply(true);
      return;
    }
    this.mergeRows(from, this.total);
  }

  /** Sorts the whole result by `keys` (stable: rows equal on every key keep their arrival order); [] unsorts. */
  sort(keys: readonly SortKey[]): void {
    for (const key of keys) this.checkColumn(key.column);
    this.sortKeys = keys.map((key) => ({ column: key.column, direction: key.direction }));
    this.apply(true);
  }

  /** Replaces the filters (AND across them); [] shows every row. Throws for a regex that does not compile. */
  filter(filters: readonly ColumnFilter[]): void {
    for (const filter of filters) this.checkColumn(filter.column);
    this.tests = filters.map((filter) => this.compile(filter));
    this.filters = filters.map((filter) => ({ ...filter }));
    // The sort's keys cover every row already: a new filter reuses them.
    this.apply(false);
  }

  /** View rows `start`..`start + count - 1` (fewer at the end of the view). */
  rows(start: number, count: number): RowWindow {
    const first = Math.max(0, Math.min(start, this.viewRowCount));
    const rowCount = Math.max(0, Math.min(count, this.viewRowCount - first));
    const columnCount = this.catalog.length;
    const numeric = this.columns().map((column) => NUMERIC_TYPES.has(column.type));
    const sourceRows = new Uint32Array(rowCount);
    const text: (string | null)[] = new Array(rowCount * columnCount);
    const numbers = new Float64Array(rowCount * columnCount).fill(NaN);
    for (let r = 0; r < rowCount; r++) {
      const source = this.view ? this.view[first + r] : first + r;
      sourceRows[r] = source;
      const page = this.pageOf(source);
      const local = source - this.pageStarts[this.lastPage];
      for (let c = 0; c < columnCount; c++) {
        text[r * columnCount + c] = cellText(page, local, c);
        if (numeric[c]) numbers[r * columnCount + c] = cellNumber(page, local, c);
      }
    }
    return { start: first, rowCount, columnCount, sourceRows, text, numbers };
  }

  /** The source rows of view rows `start`..`start + count - 1`: the order an export with the active sort and filter writes. */
  rowIndex(start: number, count: number): Uint32Array {
    const first = Math.max(0, Math.min(start, this.viewRowCount));
    const rowCount = Math.max(0, Math.min(count, this.viewRowCount - first));
    if (this.view) return this.view.slice(first, first + rowCount);
    const rows = new Uint32Array(rowCount);
    for (let r = 0; r < rowCount; r++) rows[r] = first + r;
    return rows;
  }

  private checkColumn(column: number): void {
    if (!Number.isInteger(column) || column < 0 || column >= this.catalog.length) {
      throw new RangeError(`There is no column ${column}: the result has ${this.catalog.length}.`);
    }
  }

  private usedColumns(): number[] {
    return [...this.sortKeys.map((key) => key.column), ...this.filters.map((filter) => filter.column)];
  }

  /** Builds the view over every row; `freshKeys` when the sort or a sorted column's type changed. */
  private apply(freshKeys: boolean): void {
    this.appliedTypes = this.usedColumns().map((column) => this.catalog.inference[column].type);
    if (freshKeys) {
      this.keys = this.sortKeys.map((key) => this.keysOf(key.column));
      for (const keys of this.keys) keys.extend(0, this.total);
    }
    if (this.sortKeys.length === 0 && this.tests.length === 0) {
      this.view = undefined;
      return;
    }
    let rows = this.passing(0, this.total);
    for (let k = this.sortKeys.length - 1; k >= 0; k--) {
      const { ranks, distinct } = this.keys[k].ranks();
      if (this.sortKeys[k].direction === 'desc') {
        for (let row = 0; row < ranks.length; row++) if (ranks[row] < distinct) ranks[row] = distinct - 1 - ranks[row];
      }
      rows = countingSort(rows, ranks, distinct + 1);
    }
    this.view = rows;
    this.viewLength = rows.length;
  }

  /** Source rows `[from, to)` joining the view: filtered, sorted among themselves, then merged into it. */
  private mergeRows(from: number, to: number): void {
    const view = this.view as Uint32Array;
    const fresh = this.passing(from, to);
    if (this.keys.length === 0) {
      this.view = grown(view, this.viewLength + fresh.length);
      this.view.set(fresh, this.viewLength);
      this.viewLength += fresh.length;
      return;
    }
    for (const keys of this.keys) keys.extend(from, to);
    const compare = (a: number, b: number): number => this.compareRows(a, b);
    fresh.sort(compare);
    const merged = new Uint32Array(Math.max(view.length, Math.ceil((this.viewLength + fresh.length) * 1.25)));
    let i = 0;
    let j = 0;
    let k = 0;
    // Ties go to the row already shown: it arrived earlier, so arrival order is kept among equals.
    while (i < this.viewLength && j < fresh.length) merged[k++] = compare(view[i], fresh[j]) <= 0 ? view[i++] : fresh[j++];
    while (i < this.viewLength) merged[k++] = view[i++];
    while (j < fresh.length) merged[k++] = fresh[j++];
    this.view = merged;
    this.viewLength = k;
  }

  private compareRows(a: number, b: number): number {
    for (let k = 0; k < this.keys.length; k++) {
      const keys = this.keys[k];
      const aNull = keys.isNull(a);
      const bNull = keys.isNull(b);
      if (aNull || bNull) {
        if (aNull && bNull) continue;
        return aNull ? 1 : -1;
      }
      const order = keys.compare(a, b);
      if (order !== 0) return this.sortKeys[k].direction === 'asc' ? order : -order;
    }
    return a - b;
  }

  /** The rows of `[from, to)` that pass every filter, in arrival order. */
  private passing(from: number, to: number): Uint32Array {
    const rows = new Uint32Array(to - from);
    let count = 0;
    const tests = this.tests;
    for (let row = from; row < to; row++) {
      let pass = true;
      for (let t = 0; t < tests.length && pass; t++) pass = tests[t](row);
      if (pass) rows[count++] = row;
    }
    return count === rows.length ? rows : rows.slice(0, count);
  }

  private keysOf(column: number): ColumnKeys {
    return NUMERIC_TYPES.has(this.catalog.inference[column].type)
      ? new NumberKeys((row) => this.number(row, column))
      : new TextKeys(this, column);
  }

  private compile(filter: ColumnFilter): RowTest {
    const column = filter.column;
    switch (filter.kind) {
      case 'contains': {
        const needle = filter.text.toLowerCase();
        return (row) => {
          const text = this.text(row, column);
          return text !== null && text.toLowerCase().includes(needle);
        };
      }
      case 'regex': {
        const pattern = new RegExp(filter.pattern, (filter.flags ?? '').replace(/[gy]/g, ''));
        return (row) => {
          const text = this.text(row, column);
          return text !== null && pattern.test(text);
        };
      }
      case 'range': {
        const min = filter.min === undefined ? -Infinity : bound(filter.min, false);
        const max = filter.max === undefined ? Infinity : bound(filter.max, true);
        return (row) => {
          const value = this.number(row, column);
          return value >= min && value <= max;
        };
      }
      case 'empty':
        return (row) => this.isEmpty(row, column);
      case 'notEmpty':
        return (row) => !this.isEmpty(row, column);
      default:
        return assertNever(filter);
    }
  }

  private text(row: number, column: number): string | null {
    const page = this.pageOf(row);
    return cellText(page, row - this.pageStarts[this.lastPage], column);
  }

  private number(row: number, column: number): number {
    const page = this.pageOf(row);
    return cellNumber(page, row - this.pageStarts[this.lastPage], column);
  }

  private isEmpty(row: number, column: number): boolean {
    const page = this.pageOf(row);
    if (column >= page.stride) return true;
    const slot = ((row - this.pageStarts[this.lastPage]) * page.stride + column) * 2;
    const end = page.cells[slot + 1];
    // An empty string is its two quotes.
    return end === 0 || (end & END_MASK) - page.cells[slot] === 2;
  }

  /** The page holding source row `row` (kept in `lastPage`: bulk reads walk rows in order, mostly within a page). */
  private pageOf(row: number): IndexedPage {
    let index = this.lastPage;
    if (row < this.pageStarts[index] || row >= this.pageStarts[index] + this.pages[index].rowCount) {
      index = pageIndexOf(this.pageStarts, row);
      this.lastPage = index;
    }
    return this.pages[index];
  }
}

/** A range bound as a number: itself, or a date's instant; a date-only upper bound reaches the end of its day. */
function bound(value: number | string, upper: boolean): number {
  if (typeof value === 'number') return value;
  const text = value.trim();
  const instant = instantOf(text);
  if (!Number.isNaN(instant)) return upper && DATE_ONLY.test(text) ? instant + DAY_MS - 1e-3 : instant;
  const number = Number(text);
  if (text === '' || Number.isNaN(number)) throw new RangeError(`"${value}" is neither a number nor an ISO date.`);
  return number;
}

function grown(array: Uint32Array, length: number): Uint32Array {
  if (array.length >= length) return array;
  const bigger = new Uint32Array(Math.max(length, array.length * 2));
  bigger.set(array);
  return bigger;
}

function assertNever(value: never): never {
  throw new Error(`Unexpected filter ${JSON.stringify(value)}`);
}
