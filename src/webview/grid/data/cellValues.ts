import { asciiText, decodeNumber, decodeString, END_MASK, NON_ASCII } from './pageIndex';
import type { IndexedPage } from './pageIndex';

const QUOTE = 0x22;
const ZERO = 0x30;
const NINE = 0x39;
const utf8 = new TextDecoder();
const GREGORIAN_CYCLE_MS = 146_097 * 86_400_000;

/**
 * What a cell shows: a string's value, a number or nested JSON exactly as the server wrote it (so 1.50 stays 1.50 and
 * a 19-digit id keeps its digits), `true`/`false`; null for SQL NULL or a key the row lacks.
 */
export function cellText(page: IndexedPage, row: number, column: number): string | null {
  if (column >= page.stride) return null;
  const slot = (row * page.stride + column) * 2;
  const end = page.cells[slot + 1];
  if (end === 0) return null;
  const start = page.cells[slot];
  const b = page.bytes;
  if (b[start] === QUOTE) return decodeString(b, start, end);
  const stop = end & END_MASK;
  // Nested JSON may hold any character (its strings are not flagged); numbers and literals are ASCII.
  const nested = b[start] === 0x7b || b[start] === 0x5b;
  return nested ? utf8.decode(b.subarray(start, stop)) : asciiText(b, start, stop);
}

/**
 * The cell as a number to sort and filter by: a number's value, a date's or date-time's instant (epoch ms, a time
 * without an offset read as UTC so that one column's values stay comparable), 0/1 for false/true; NaN otherwise.
 */
export function cellNumber(page: IndexedPage, row: number, column: number): number {
  if (column >= page.stride) return NaN;
  const slot = (row * page.stride + column) * 2;
  const end = page.cells[slot + 1];
  if (end === 0) return NaN;
  const start = page.cells[slot];
  const b = page.bytes;
  const c = b[start];
  if (c === QUOTE) return end & NON_ASCII ? NaN : isoInstant(b, start + 1, (end & END_MASK) - 1);
  if (c === 0x74 /* t */) return 1;
  if (c === 0x66 /* f */) return 0;
  if (c === 0x2d /* - */ || (c >= ZERO && c <= NINE)) return decodeNumber(b, start, end & END_MASK);
  return NaN;
}

/** Epoch ms of an ISO 8601 date or date-time (the shapes `date`/`datetime` columns hold) written as text. */
export function instantOf(text: string): number {
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c > 0x7f) return NaN;
    bytes[i] = c;
  }
  return isoInstant(bytes, 0, bytes.length);
}

/**
 * `YYYY-MM-DD`, optionally `[T ]HH:MM[:SS[.fff…]]` and `Z` or `±HH[:]MM`, from bytes; NaN for anything else.
 * Fractions finer than a microsecond are dropped (a double of epoch ms holds about that much).
 */
function isoInstant(b: Uint8Array, from: number, to: number): number {
  let i = from;
  const number = (count: number): number => {
    let value = 0;
    for (let k = 0; k < count; k++, i++) {
      const c = b[i];
      if (i >= to || c < ZERO || c > NINE) return NaN;
      value = value * 10 + (c - ZERO);
    }
    return value;
  };
  const expect = (c: number): boolean => (b[i] === c && i < to ? (i++, true) : false);
  const year = number(4);
  if (!expect(0x2d)) return NaN;
  const month = number(2);
  if (!expect(0x2d)) return NaN;
  const day = number(2);
  let hours = 0;
  let minutes = 0;
  let seconds = 0;
  let fraction = 0;
  let offset = 0;
  if (i < to) {
    if (!expect(0x54 /* T */) && !expect(0x20)) return NaN;
    hours = number(2);
    if (!expect(0x3a)) return NaN;
    minutes = number(2);
    if (expect(0x3a)) {
      seconds = number(2);
      if (expect(0x2e)) {
        let scale = 100;
        const first = i;
        while (i < to && b[i] >= ZERO && b[i] <= NINE) {
          if (i - first < 6) fraction += (b[i] - ZERO) * scale;
          scale /= 10;
          i++;
        }
        if (i === first) return NaN;
      }
    }
    if (expect(0x5a /* Z */)) {
      offset = 0;
    } else if (b[i] === 0x2b || b[i] === 0x2d) {
      const sign = b[i++] === 0x2d ? -1 : 1;
      const offsetHours = number(2);
      expect(0x3a);
      offset = sign * (offsetHours * 60 + number(2));
    }
  }
  if (i !== to || month < 1 || month > 12 || day < 1 || day > 31) return NaN;
  // Date.UTC reads years 0–99 as 1900–1999: shift by one 400-year Gregorian cycle and back.
  return Date.UTC(year + 400, month - 1, day, hours, minutes, seconds) - GREGORIAN_CYCLE_MS + fraction - offset * 60_000;
}
