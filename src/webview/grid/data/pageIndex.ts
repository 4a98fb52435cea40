import { ColumnTypeInference } from '../../../core/results/columnTypes';
import type { ColumnType } from '../../../core/results/columnTypes';
import { VALUE_COLUMN } from '../../../core/results/parseRows';

/**
 * A result's columns in the order pages reveal them, with the host's rules (`parseRows`): the first row's key order,
 * then keys first seen later, in order of appearance. Each column's type is inferred as cells are indexed.
 */
export class ColumnCatalog {
  readonly names: string[] = [];
  readonly inference: ColumnTypeInference[] = [];
  /** Each key's bytes as they first appeared between its quotes: rows that repeat them match without decoding. */
  readonly rawKeys: Uint8Array[] = [];
  private readonly byName = new Map<string, number>();

  get length(): number {
    return this.names.length;
  }

  types(): ColumnType[] {
    return this.inference.map((inference) => inference.type);
  }

  /** The catalog as it is, to restore if a page fails half way through. */
  snapshot(): { length: number; inference: ColumnTypeInference[] } {
    return { length: this.names.length, inference: this.inference.map((inference) => inference.clone()) };
  }

  restore(snapshot: { length: number; inference: ColumnTypeInference[] }): void {
    for (const name of this.names.splice(snapshot.length)) this.byName.delete(name);
    this.rawKeys.splice(snapshot.length);
    this.inference.splice(0, this.inference.length, ...snapshot.inference);
  }

  /** The column named `name`, added when it is new. */
  columnOf(name: string, rawKey: Uint8Array): number {
    const known = this.byName.get(name);
    if (known !== undefined) return known;
    const index = this.names.length;
    this.byName.set(name, index);
    this.names.push(name);
    this.rawKeys.push(rawKey);
    this.inference.push(new ColumnTypeInference());
    return index;
  }
}

/**
 * One page, indexed rather than parsed: its UTF-8 bytes are kept, with the byte range of every cell's value. Two
 * Uint32 per cell replace the row objects JSON.parse would build (the cost on this path, with decoding the page to a
 * string); values are decoded only when a window, a sort or a filter asks for them.
 */
export interface IndexedPage {
  readonly bytes: Uint8Array;
  readonly rowCount: number;
  /** Cells per row: the result's column count when the page was indexed (later columns are absent from it). */
  readonly stride: number;
  /**
   * `cells[2 * (row * stride + column)]` is the offset of the value's first byte (a string's opening quote); the next
   * entry is the offset just past the value, with `ESCAPED` and `NON_ASCII` flags for strings, or 0 when the row
   * holds null or lacks the key (nothing ends at 0).
   */
  readonly cells: Uint32Array;
}

/** Flags in a cell's end: a string holding backslash escapes, or bytes above ASCII (so decoding takes the slow path). */
export const ESCAPED = 0x80000000;
export const NON_ASCII = 0x40000000;
export const END_MASK = 0x3fffffff;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const MINUS = 0x2d;
const PLUS = 0x2b;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;
const LOWER_E = 0x65;
const UPPER_E = 0x45;

/** Thrown for bytes that are not the JSON they claim to be; the message says where. */
export class PageSyntaxError extends Error {}

/**
 * Indexes a page (UTF-8 JSON: an array of row objects; anything else becomes one row in a `value` column, as on the
 * host) in one pass over its bytes. Structure, strings and numbers are checked as JSON.parse checks them; a nested
 * object or array in a cell is only checked for balance, since it is shown as the JSON text it is.
 */
export function indexPage(bytes: Uint8Array, catalog: ColumnCatalog): IndexedPage {
  if (bytes.byteLength > END_MASK) throw new PageSyntaxError('The page is larger than 1 GiB.');
  const snapshot = catalog.snapshot();
  try {
    return new PageScanner(bytes, catalog).scan();
  } catch (error) {
    // A page that is not JSON adds nothing: not its columns, nor what its first rows said of their types.
    catalog.restore(snapshot);
    throw error;
  }
}

class PageScanner {
  private i = 0;
  private readonly n: number;
  private stride: number;
  private cells: Uint32Array;
  private rows = 0;

  constructor(
    private readonly b: Uint8Array,
    private readonly catalog: ColumnCatalog,
  ) {
    this.n = b.length;
    this.stride = Math.max(1, catalog.length);
    // Room for rows of ~100 bytes, more than typical results hold; grown by doubling, trimmed at the end.
    this.cells = new Uint32Array(Math.max(64, Math.ceil(this.n / 100)) * this.stride * 2);
  }

  scan(): IndexedPage {
    const b = this.b;
    // A byte order mark is legal in a UTF-8 stream but not in JSON text.
    if (b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) this.i = 3;
    this.whitespace();
    if (this.i >= this.n) return this.result();
    if (b[this.i] !== OPEN_BRACKET) {
      // Not an array of rows: the whole answer is one cell, as the host shows a scalar result.
      this.valueRow();
    } else {
      this.i++;
      this.whitespace();
      if (b[this.i] === CLOSE_BRACKET) {
        this.i++;
      } else {
        for (;;) {
          this.whitespace();
          if (b[this.i] === OPEN_BRACE) this.objectRow();
          else this.valueRow();
          this.whitespace();
          const c = b[this.i++];
          if (c === CLOSE_BRACKET) break;
          if (c !== COMMA) this.fail('"," or "]"', this.i - 1);
        }
      }
    }
    this.whitespace();
    if (this.i < this.n) this.fail('the end of the page', this.i);
    return this.result();
  }

  private result(): IndexedPage {
    return { bytes: this.b, rowCount: this.rows, stride: this.stride, cells: this.cells.slice(0, this.rows * this.stride * 2) };
  }

  /** Room for one more row, its cells absent; returns the index of its first cell entry. */
  private newRow(): number {
    const width = this.stride * 2;
    const base = this.rows * width;
    if (base + width > this.cells.length) {
      const grown = new Uint32Array(this.cells.length * 2);
      grown.set(this.cells);
      this.cells = grown;
    } else {
      this.cells.fill(0, base, base + width);
    }
    this.rows++;
    return base;
  }

  /** A column first seen in this page: every row so far gets an absent cell for it. */
  private widen(columns: number): void {
    const old = this.stride * 2;
    const width = columns * 2;
    const cells = new Uint32Array(Math.max(this.cells.length / old, this.rows + 1) * width);
    for (let r = 0; r < this.rows; r++) cells.set(this.cells.subarray(r * old, (r + 1) * old), r * width);
    this.cells = cells;
    this.stride = columns;
  }

  private objectRow(): void {
    const b = this.b;
    const catalog = this.catalog;
    let base = this.newRow();
    let expected = 0;
    this.i++;
    this.whitespace();
    if (b[this.i] === CLOSE_BRACE) {
      this.i++;
      return;
    }
    for (;;) {
      this.whitespace();
      if (b[this.i] !== QUOTE) this.fail('a key', this.i);
      const keyStart = this.i + 1;
      // Rows nearly always repeat the previous row's key order: compare the expected key's bytes before anything else
      // (a key that was once read whole never ends in a lone backslash, so a quote after them ends this key too).
      const raw = catalog.rawKeys[expected];
      let column = expected;
      if (raw !== undefined && b[keyStart + raw.length] === QUOTE && sameBytes(b, keyStart, keyStart + raw.length, raw)) {
        this.i = keyStart + raw.length + 1;
      } else {
        const keyEnd = (this.string() & END_MASK) - 1;
        const rawKey = b.slice(keyStart, keyEnd);
        column = catalog.columnOf(JSON.parse(`"${utf8.decode(rawKey)}"`) as string, rawKey);
        if (column >= this.stride) {
          this.widen(catalog.length);
          base = (this.rows - 1) * this.stride * 2;
        }
      }
      expected = column + 1;
      this.whitespace();
      if (b[this.i] !== COLON) this.fail('":"', this.i);
      this.i++;
      this.whitespace();
      this.cell(base + column * 2, column);
      this.whitespace();
      const c = b[this.i++];
      if (c === CLOSE_BRACE) return;
      if (c !== COMMA) this.fail('"," or "}"', this.i - 1);
    }
  }

  /** A row that is not an object: its value goes in the `value` column, as `parseRows` tabulates it. */
  private valueRow(): void {
    const column = this.catalog.columnOf(VALUE_COLUMN, utf8Encoder.encode(VALUE_COLUMN));
    if (column >= this.stride) this.widen(this.catalog.length);
    this.cell(this.newRow() + column * 2, column);
  }

  /** Indexes the value at `i` into `cells[slot]`, `cells[slot + 1]`, and feeds its kind to the column's inference. */
  private cell(slot: number, column: number): void {
    const b = this.b;
    const start = this.i;
    const c = b[start];
    const inference = this.catalog.inference[column];
    let end: number;
    if (c === QUOTE) {
      end = this.string();
      if (!inference.settled) {
        const kind = isoDateKind(b, start + 1, (end & END_MASK) - 1);
        if (kind) inference.addKind(kind);
        else inference.add(decodeString(b, start, end));
      }
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      end = this.nested();
      inference.addKind('text');
    } else if (c === 0x74 /* t */) {
      end = this.literal(TRUE);
      inference.addKind('boolean');
    } else if (c === 0x66 /* f */) {
      end = this.literal(FALSE);
      inference.addKind('boolean');
    } else if (c === 0x6e /* n */) {
      this.literal(NULL);
      // Null reads as a key the row lacks (and a duplicate key's last value wins, as in JSON.parse).
      this.cells[slot] = 0;
      this.cells[slot + 1] = 0;
      return;
    } else {
      end = this.number(inference);
    }
    this.cells[slot] = start;
    this.cells[slot + 1] = end;
  }

  /** Skips the string whose opening quote is at `i`; returns the offset past its closing quote, with its flags. */
  private string(): number {
    const b = this.b;
    const n = this.n;
    let i = this.i + 1;
    let high = 0;
    let escaped = 0;
    while (i < n) {
      const c = b[i];
      if (c === QUOTE) {
        this.i = i + 1;
        return (i + 1) | escaped | (high & 0x80 ? NON_ASCII : 0);
      }
      if (c === BACKSLASH) {
        escaped = ESCAPED;
        this.escape(i + 1);
        i += b[i + 1] === 0x75 /* u */ ? 6 : 2;
        continue;
      }
      if (c < 0x20) this.fail('no control character in a string', i);
      high |= c;
      i++;
    }
    return this.fail('the end of a string', n);
  }

  private escape(at: number): void {
    const c = this.b[at];
    if (c === 0x75 /* u */) {
      for (let k = at + 1; k <= at + 4; k++) if (hexValue(this.b[k]) < 0) this.fail('four hex digits', k);
    } else if (!SIMPLE_ESCAPES.has(c)) {
      this.fail('an escape', at);
    }
  }

  private nested(): number {
    const b = this.b;
    let depth = 0;
    while (this.i < this.n) {
      const c = b[this.i];
      if (c === QUOTE) {
        this.string();
        continue;
      }
      this.i++;
      if (c === OPEN_BRACE || c === OPEN_BRACKET) depth++;
      else if ((c === CLOSE_BRACE || c === CLOSE_BRACKET) && --depth === 0) return this.i;
    }
    return this.fail('the end of a nested value', this.n);
  }

  private literal(word: Uint8Array): number {
    const end = this.i + word.length;
    if (!sameBytes(this.b, this.i, end, word)) this.fail('a value', this.i);
    this.i = end;
    return end;
  }

  /** A JSON number, checked against JSON's grammar; only fractions and exponents are parsed to tell integers apart. */
  private number(inference: ColumnTypeInference): number {
    const b = this.b;
    const start = this.i;
    let i = start;
    if (b[i] === MINUS) i++;
    let c = b[i];
    if (c === ZERO) c = b[++i];
    else if (c > ZERO && c <= NINE) while ((c = b[++i]) >= ZERO && c <= NINE);
    else this.fail('a value', start);
    let fraction = false;
    let exponent = false;
    if (c === DOT) {
      c = b[++i];
      if (!(c >= ZERO && c <= NINE)) this.fail('a digit', i);
      fraction = c !== ZERO;
      while ((c = b[++i]) >= ZERO && c <= NINE) fraction ||= c !== ZERO;
    }
    if (c === LOWER_E || c === UPPER_E) {
      exponent = true;
      c = b[++i];
      if (c === PLUS || c === MINUS) c = b[++i];
      if (!(c >= ZERO && c <= NINE)) this.fail('a digit', i);
      while ((c = b[++i]) >= ZERO && c <= NINE);
    }
    this.i = i;
    // The host infers from what JSON.parse made of the number: 1.0 and 1e3 are integers to it, and so is a fraction
    // too small for a double to keep. Short numbers without an exponent are told apart by their digits alone.
    const integer = exponent || i - start > 16 ? Number.isInteger(decodeNumber(b, start, i)) : !fraction;
    inference.addKind(integer ? 'integer' : 'decimal');
    return i;
  }

  private whitespace(): void {
    const b = this.b;
    let c = b[this.i];
    while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = b[++this.i];
  }

  private fail(expected: string, at: number): never {
    const found = at >= this.n ? 'end of JSON' : `byte ${JSON.stringify(String.fromCharCode(this.b[at]))} at offset ${at}`;
    throw new PageSyntaxError(`Unexpected ${found}: expected ${expected}.`);
  }
}

const utf8 = new TextDecoder();
const utf8Encoder = new TextEncoder();
const TRUE = utf8Encoder.encode('true');
const FALSE = utf8Encoder.encode('false');
const NULL = utf8Encoder.encode('null');
// After a backslash: " \ / b f n r t (u is checked on its own).
const SIMPLE_ESCAPES = new Set([0x22, 0x5c, 0x2f, 0x62, 0x66, 0x6e, 0x72, 0x74]);

function sameBytes(b: Uint8Array, start: number, end: number, expected: Uint8Array): boolean {
  if (expected.length !== end - start) return false;
  for (let k = 0; k < expected.length; k++) if (b[start + k] !== expected[k]) return false;
  return true;
}

/**
 * `date` or `datetime` for the two shapes SQL Server sends (`YYYY-MM-DD`, `YYYY-MM-DDTHH:MM:SS`), read from the bytes:
 * what `ColumnTypeInference` would say of them, without building the string. Anything else is undefined, and left
 * to the inference's own rules.
 */
function isoDateKind(b: Uint8Array, from: number, to: number): 'date' | 'datetime' | undefined {
  const length = to - from;
  if (length !== 10 && length !== 19) return undefined;
  if (!digits(b, from, 4) || b[from + 4] !== MINUS || !digits(b, from + 5, 2) || b[from + 7] !== MINUS || !digits(b, from + 8, 2)) {
    return undefined;
  }
  if (length === 10) return 'date';
  if (b[from + 10] !== 0x54 /* T */ || !digits(b, from + 11, 2) || b[from + 13] !== COLON || !digits(b, from + 14, 2)) return undefined;
  if (b[from + 16] !== COLON || !digits(b, from + 17, 2)) return undefined;
  // Exact midnight is how DATE values arrive.
  const midnight = b[from + 11] === ZERO && b[from + 12] === ZERO && b[from + 14] === ZERO && b[from + 15] === ZERO;
  return midnight && b[from + 17] === ZERO && b[from + 18] === ZERO ? 'date' : 'datetime';
}

function digits(b: Uint8Array, from: number, count: number): boolean {
  for (let k = from; k < from + count; k++) if (b[k] < ZERO || b[k] > NINE) return false;
  return true;
}

function hexValue(c: number): number {
  if (c >= ZERO && c <= NINE) return c - ZERO;
  const lower = c | 0x20;
  return lower >= 0x61 && lower <= 0x66 ? lower - 0x61 + 10 : -1;
}

/**
 * The string value of the JSON string at `start` (its opening quote) to `end` (past its closing quote, with the
 * flags `indexPage` stored). ASCII without escapes, nearly every cell, is built here: a TextDecoder call costs more
 * than the string (0.5–0.9 µs a cell in Chromium, against ~0.07 µs); the rest is decoded as UTF-8 and unescaped.
 */
export function decodeString(b: Uint8Array, start: number, end: number): string {
  const stop = (end & END_MASK) - 1;
  const text = end & NON_ASCII ? utf8.decode(b.subarray(start + 1, stop)) : asciiText(b, start + 1, stop);
  return end & ESCAPED ? (JSON.parse(`"${text}"`) as string) : text;
}

/** ASCII bytes as a string (numbers, literals, plain strings): cheaper than a TextDecoder call for short values. */
export function asciiText(b: Uint8Array, from: number, to: number): string {
  let text = '';
  for (let i = from; i < to; i++) text += String.fromCharCode(b[i]);
  return text;
}

/** The number at `start`..`end` (already checked against JSON's grammar), as JSON.parse reads it. */
export function decodeNumber(b: Uint8Array, start: number, end: number): number {
  let i = start;
  const negative = b[i] === MINUS;
  if (negative) i++;
  // Up to 15 digits the digits are an exact integer, and one division by an exact power of ten is correctly
  // rounded: the same double as parsing the text, without building it. Longer numbers and exponents go through Number.
  let digits = 0;
  let count = 0;
  let scale = 1;
  let fraction = false;
  for (; i < end; i++) {
    const c = b[i];
    if (c === DOT) {
      fraction = true;
      continue;
    }
    if (c < ZERO || c > NINE || ++count > 15) return Number(asciiText(b, start, end));
    digits = digits * 10 + (c - ZERO);
    if (fraction) scale *= 10;
  }
  const value = digits / scale;
  return negative ? -value : value;
}
