import { decodeString, END_MASK, ESCAPED } from './pageIndex';
import type { IndexedPage } from './pageIndex';

/**
 * Sort keys of one column over every source row, kept while the sort is active so that rows arriving later are
 * merged in rather than the whole result sorted again. Nulls have no key: the caller puts them last in either
 * direction (blanks last, as spreadsheets do, rather than a screenful of NULLs on top).
 */
export interface ColumnKeys {
  /** Reads the keys of source rows `[from, to)`. */
  extend(from: number, to: number): void;
  isNull(row: number): boolean;
  /** Ascending order of two non-null rows' values: < 0, 0 (equal values) or > 0. */
  compare(a: number, b: number): number;
  /** Dense ranks (equal values share one) of every row read so far, ascending; nulls get `distinct`. */
  ranks(): { ranks: Uint32Array; distinct: number };
}

/** Numbers, dates and date-times (as instants) and booleans: compared as doubles, NaN for null. */
export class NumberKeys implements ColumnKeys {
  private values = new Float64Array(0);
  private length = 0;

  constructor(private readonly read: (row: number) => number) {}

  extend(from: number, to: number): void {
    this.values = grow(this.values, to);
    for (let row = from; row < to; row++) this.values[row] = this.read(row);
    this.length = Math.max(this.length, to);
  }

  isNull(row: number): boolean {
    return Number.isNaN(this.values[row]);
  }

  compare(a: number, b: number): number {
    return this.values[a] - this.values[b];
  }

  ranks(): { ranks: Uint32Array; distinct: number } {
    const values = this.values.subarray(0, this.length);
    const sorted = values.filter((value) => !Number.isNaN(value)).sort();
    let distinct = 0;
    for (let k = 0; k < sorted.length; k++) if (k === 0 || sorted[k] !== sorted[k - 1]) sorted[distinct++] = sorted[k];
    const ranks = new Uint32Array(values.length);
    for (let row = 0; row < values.length; row++) {
      const value = values[row];
      if (Number.isNaN(value)) {
        ranks[row] = distinct;
        continue;
      }
      let low = 0;
      let high = distinct - 1;
      while (low < high) {
        const mid = (low + high) >>> 1;
        if (sorted[mid] < value) low = mid + 1;
        else high = mid;
      }
      ranks[row] = low;
    }
    return { ranks, distinct };
  }
}

/** Where text keys read their bytes: the store's pages and the first source row of each. */
export interface PageSource {
  readonly pages: readonly IndexedPage[];
  readonly pageStarts: readonly number[];
}

const NULL_PAGE = -1;
const NULL_ID = 0xffffffff;
/** Rows read before a column with more than half of them distinct is treated as mostly unique. */
const UNIQUE_SAMPLE = 20_000;
/** A key held in `decoded` (a string with escapes), not in a page. */
const OWN_PAGE = -2;
const encoder = new TextEncoder();

/**
 * Text, in the grid's collation: the UTF-8 bytes of what the cell shows, compared with ASCII letters folded to lower
 * case first, then exactly — that is, case-insensitive code point order (UTF-8 byte order is code point order), the
 * same in every locale. Keys are read from the page bytes where they lie: no string is built except for the rare
 * string holding escapes. Locale collation (Intl.Collator) was measured at 3.5–4 s for 1,000,000 distinct strings
 * in Chromium, and comparison sorts of JS strings at 1–2 s, against the 1.5 s bar; this order sorts them by radix.
 */
export class TextKeys implements ColumnKeys {
  private page = new Int32Array(0);
  private start = new Uint32Array(0);
  private end = new Uint32Array(0);
  private readonly decoded = new Map<number, Uint8Array>();
  private length = 0;
  /**
   * Each row's value id, or NULL_ID. Ids stand for distinct values (represented by the first row that held one)
   * while most values repeat; in a column of mostly unique values hashing costs more than it saves, so past
   * `UNIQUE_SAMPLE` rows every row gets an id of its own, and equal values are found adjacent once sorted.
   */
  private valueOf = new Uint32Array(0);
  private representatives = new Uint32Array(0);
  private ids = 0;
  private unique = false;
  private rankCount = 0;
  /** Open addressing from a hash of the value's bytes to its id + 1 (0: empty slot). */
  private table = new Uint32Array(1024);
  /**
   * Ids in collation order; whether each holds the same value as the one before it (kept, so that merging rows in
   * compares only the pairs it makes neighbours: comparing every neighbour costs ~0.3 µs a row in page-cache misses);
   * and each id's rank (ids of equal values share one).
   */
  private order: Uint32Array = new Uint32Array(0);
  private equal: Uint8Array = new Uint8Array(0);
  private rankOf = new Uint32Array(0);

  constructor(
    private readonly source: PageSource,
    private readonly column: number,
  ) {}

  extend(from: number, to: number): void {
    this.page = grow(this.page, to);
    this.start = grow(this.start, to);
    this.end = grow(this.end, to);
    this.valueOf = grow(this.valueOf, to);
    this.representatives = grow(this.representatives, this.ids + to - from);
    const known = this.ids;
    const { pages, pageStarts } = this.source;
    let p = pageIndexOf(pageStarts, from);
    for (let row = from; row < to; row++) {
      while (row >= pageStarts[p] + pages[p].rowCount) p++;
      this.valueOf[row] = this.locate(row, p, pages[p], row - pageStarts[p]) ? (this.unique ? this.newId(row) : this.idOf(row)) : NULL_ID;
      if (row === UNIQUE_SAMPLE && this.ids > UNIQUE_SAMPLE / 2) this.unique = true;
    }
    this.length = Math.max(this.length, to);
    if (this.ids === known) return;
    // Only ids new since the last call are sorted, then merged into the order of the others.
    const fresh = new Uint32Array(this.ids - known);
    for (let k = 0; k < fresh.length; k++) fresh[k] = this.representatives[known + k];
    const sorted = this.sortRows(fresh);
    for (let k = 0; k < sorted.ids.length; k++) sorted.ids[k] = this.valueOf[sorted.ids[k]];
    const merged = this.order.length === 0 ? sorted : this.merge(sorted);
    this.order = merged.ids;
    this.equal = merged.equal;
    this.rankOf = new Uint32Array(this.ids);
    let rank = 0;
    for (let k = 0; k < this.order.length; k++) {
      if (k > 0 && !this.equal[k]) rank++;
      this.rankOf[this.order[k]] = rank;
    }
    this.rankCount = this.order.length === 0 ? 0 : rank + 1;
  }

  isNull(row: number): boolean {
    return this.valueOf[row] === NULL_ID;
  }

  compare(a: number, b: number): number {
    return this.rankOf[this.valueOf[a]] - this.rankOf[this.valueOf[b]];
  }

  ranks(): { ranks: Uint32Array; distinct: number } {
    const ranks = new Uint32Array(this.length);
    for (let row = 0; row < ranks.length; row++) {
      const id = this.valueOf[row];
      ranks[row] = id === NULL_ID ? this.rankCount : this.rankOf[id];
    }
    return { ranks, distinct: this.rankCount };
  }

  private newId(row: number): number {
    this.representatives[this.ids] = row;
    return this.ids++;
  }

  /** The id of row's value, a new one when no earlier row held the same bytes. */
  private idOf(row: number): number {
    const bytes = this.bytesOf(row);
    const start = this.start[row];
    const end = this.end[row];
    let hash = 0x811c9dc5;
    for (let k = start; k < end; k++) hash = Math.imul(hash ^ bytes[k], 0x01000193);
    const mask = this.table.length - 1;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const entry = this.table[slot];
      if (entry === 0) break;
      if (this.compareBytes(this.representatives[entry - 1], row) === 0) return entry - 1;
    }
    const id = this.newId(row);
    this.insert(hash, id);
    if (this.ids * 2 > this.table.length) this.resize(this.table.length * 4);
    return id;
  }

  private insert(hash: number, id: number): void {
    const mask = this.table.length - 1;
    let slot = hash & mask;
    while (this.table[slot] !== 0) slot = (slot + 1) & mask;
    this.table[slot] = id + 1;
  }

  private resize(slots: number): void {
    this.table = new Uint32Array(slots);
    for (let id = 0; id < this.ids; id++) {
      const row = this.representatives[id];
      const bytes = this.bytesOf(row);
      let hash = 0x811c9dc5;
      for (let k = this.start[row]; k < this.end[row]; k++) hash = Math.imul(hash ^ bytes[k], 0x01000193);
      this.insert(hash, id);
    }
  }

  /** Records where row's key bytes are; false for null. */
  private locate(row: number, pageIndex: number, page: IndexedPage, local: number): boolean {
    if (this.column >= page.stride) {
      this.page[row] = NULL_PAGE;
      return false;
    }
    const slot = (local * page.stride + this.column) * 2;
    const end = page.cells[slot + 1];
    if (end === 0) {
      this.page[row] = NULL_PAGE;
      return false;
    }
    const start = page.cells[slot];
    if (page.bytes[start] === QUOTE) {
      if (end & ESCAPED) {
        const own = encoder.encode(decodeString(page.bytes, start, end));
        this.decoded.set(row, own);
        this.page[row] = OWN_PAGE;
        this.start[row] = 0;
        this.end[row] = own.length;
        return true;
      }
      this.start[row] = start + 1;
      this.end[row] = (end & END_MASK) - 1;
    } else {
      // Numbers, literals and nested JSON show as the bytes the server sent.
      this.start[row] = start;
      this.end[row] = end & END_MASK;
    }
    this.page[row] = pageIndex;
    return true;
  }

  private bytesOf(row: number): Uint8Array {
    const page = this.page[row];
    return page === OWN_PAGE ? (this.decoded.get(row) as Uint8Array) : this.source.pages[page].bytes;
  }

  /** Collation order of two non-null rows' values: folded bytes, then exact bytes; 0 when equal. */
  private compareBytes(a: number, b: number): number {
    const x = this.bytesOf(a);
    const y = this.bytesOf(b);
    const xs = this.start[a];
    const xe = this.end[a];
    const ys = this.start[b];
    const ye = this.end[b];
    const length = Math.min(xe - xs, ye - ys);
    let exact = 0;
    for (let k = 0; k < length; k++) {
      const p = x[xs + k];
      const q = y[ys + k];
      if (p === q) continue;
      const fp = fold(p);
      const fq = fold(q);
      if (fp !== fq) return fp - fq;
      if (exact === 0) exact = p - q;
    }
    const difference = xe - xs - (ye - ys);
    return difference !== 0 ? difference : exact;
  }

  /**
   * Rows (one per id) in collation order, equal values in their given order. A stable LSD radix sort on the first folded bytes (byte + 1,
   * 0 past the end, so "a" < "ab") orders them; only runs sharing that prefix are then compared.
   */
  private sortRows(rows: Uint32Array): SortedIds {
    const count = rows.length;
    const compare = (a: number, b: number): number => this.compareBytes(a, b) || a - b;
    const equal = new Uint8Array(count);
    if (count < RADIX_MIN) {
      const sorted = rows.slice().sort(compare);
      for (let k = 1; k < count; k++) equal[k] = this.compareBytes(sorted[k - 1], sorted[k]) === 0 ? 1 : 0;
      return { ids: sorted, equal };
    }
    const digits: Uint16Array[] = [];
    for (let unit = 0; unit < RADIX_BYTES; unit++) digits.push(new Uint16Array(count));
    for (let k = 0; k < count; k++) {
      const row = rows[k];
      const bytes = this.bytesOf(row);
      const start = this.start[row];
      const length = Math.min(RADIX_BYTES, this.end[row] - start);
      for (let unit = 0; unit < length; unit++) digits[unit][k] = fold(bytes[start + unit]) + 1;
    }
    // Positions into `rows`, reordered pass by pass (the digits are indexed by position).
    let order = new Uint32Array(count);
    for (let k = 0; k < count; k++) order[k] = k;
    let next = new Uint32Array(count);
    const buckets = new Uint32Array(258);
    for (let unit = RADIX_BYTES - 1; unit >= 0; unit--) {
      const column = digits[unit];
      buckets.fill(0);
      for (let k = 0; k < count; k++) buckets[column[k] + 1]++;
      // A byte every value shares (past the end of all of them, say) leaves the order as it is.
      if (buckets[column[0] + 1] === count) continue;
      for (let d = 1; d < buckets.length; d++) buckets[d] += buckets[d - 1];
      for (let k = 0; k < count; k++) {
        const position = order[k];
        next[buckets[column[position]]++] = position;
      }
      [order, next] = [next, order];
    }
    const sorted: Uint32Array = new Uint32Array(count);
    for (let k = 0; k < count; k++) sorted[k] = rows[order[k]];
    // Runs sharing the radix prefix are ordered by comparison; rows in different runs differ.
    let start = 0;
    for (let k = 1; k <= count; k++) {
      if (k < count && samePrefix(digits, order[start], order[k])) continue;
      if (k - start > 1) {
        sorted.subarray(start, k).sort(compare);
        for (let r = start + 1; r < k; r++) equal[r] = this.compareBytes(sorted[r - 1], sorted[r]) === 0 ? 1 : 0;
      }
      start = k;
    }
    return { ids: sorted, equal };
  }

  /** Merges ids sorted among themselves into the order of the ids known before. */
  private merge(fresh: SortedIds): SortedIds {
    const old = this.order;
    const sorted = fresh.ids;
    const ids = new Uint32Array(old.length + sorted.length);
    const equal = new Uint8Array(ids.length);
    const compare = (a: number, b: number): number => this.compareBytes(this.representatives[a], this.representatives[b]);
    let i = 0;
    let j = 0;
    /** Which list the previous id came from (0: none yet). */
    let previous = 0;
    for (let k = 0; k < ids.length; k++) {
      const takeOld = j >= sorted.length || (i < old.length && compare(old[i], sorted[j]) <= 0);
      if (takeOld) {
        ids[k] = old[i];
        // Ties take the old id first, so an old id never holds the value of the fresh one before it.
        equal[k] = previous === 1 ? this.equal[i] : 0;
        i++;
        previous = 1;
      } else {
        ids[k] = sorted[j];
        equal[k] = previous === 2 ? fresh.equal[j] : previous === 1 ? Number(compare(ids[k - 1], sorted[j]) === 0) : 0;
        j++;
        previous = 2;
      }
    }
    return { ids, equal };
  }
}

/** Ids in collation order, with `equal[k]` set when id k holds the same value as id k - 1. */
interface SortedIds {
  ids: Uint32Array;
  equal: Uint8Array;
}

const QUOTE = 0x22;
/** Bytes of the folded value used as radix digits; longer common prefixes are left to comparisons. */
const RADIX_BYTES = 8;
/** Below this many rows a comparison sort is cheaper than the radix passes. */
const RADIX_MIN = 4096;

function fold(byte: number): number {
  return byte >= 0x41 && byte <= 0x5a ? byte + 0x20 : byte;
}

function samePrefix(digits: readonly Uint16Array[], a: number, b: number): boolean {
  for (let unit = 0; unit < RADIX_BYTES; unit++) if (digits[unit][a] !== digits[unit][b]) return false;
  return true;
}

/** The page holding source row `row`. */
export function pageIndexOf(pageStarts: readonly number[], row: number): number {
  let low = 0;
  let high = pageStarts.length - 1;
  while (low < high) {
    const mid = (low + high + 1) >>> 1;
    if (pageStarts[mid] <= row) low = mid;
    else high = mid - 1;
  }
  return low;
}

/** `rows` reordered by `ranks` (0..buckets-1), keeping their order among equal ranks: one pass of a stable LSD sort. */
export function countingSort(rows: Uint32Array, ranks: Uint32Array, buckets: number): Uint32Array {
  const starts = new Uint32Array(buckets + 1);
  for (let k = 0; k < rows.length; k++) starts[ranks[rows[k]] + 1]++;
  for (let b = 1; b <= buckets; b++) starts[b] += starts[b - 1];
  const sorted = new Uint32Array(rows.length);
  for (let k = 0; k < rows.length; k++) sorted[starts[ranks[rows[k]]]++] = rows[k];
  return sorted;
}

function grow<T extends Float64Array | Uint32Array | Int32Array>(array: T, length: number): T {
  if (array.length >= length) return array;
  const grown = new (array.constructor as new (length: number) => T)(Math.max(length, array.length * 2));
  grown.set(array);
  return grown;
}
