import type { MalformedPageKind } from '../faults';
import type { Row } from '../sql/types';

/** One stored page of an async result: its own JSON array of rows. */
export interface StoredPage {
  json: string;
  /** Bytes of `json` as UTF-8. */
  size: number;
  count: number;
  /** Zero-based index of the page's first row in the whole result. */
  rangeStart: number;
  /**
   * Zero-based index of its last row, inclusive: Halo's own example pairs `count: 14` with `rangeStart: 0, rangeEnd: 13`.
   * An empty page keeps `rangeEnd = rangeStart - 1` so `count = rangeEnd - rangeStart + 1` always holds.
   */
  rangeEnd: number;
}

/**
 * Splits rows into pages of about `pageSizeBytes` on row boundaries (a page holds at least one row, so one huge row
 * still gets a page). A result with no rows gets one empty page, so a client can always fetch page 1.
 */
export function paginate(rows: readonly Row[], pageSizeBytes: number): StoredPage[] {
  const pages: StoredPage[] = [];
  let parts: string[] = [];
  let bytes = 2;
  let start = 0;
  const flush = (): void => {
    const json = `[${parts.join(',')}]`;
    pages.push({ json, size: bytes, count: parts.length, rangeStart: start, rangeEnd: start + parts.length - 1 });
    start += parts.length;
    parts = [];
    bytes = 2;
  };
  for (const row of rows) {
    const text = JSON.stringify(row);
    const rowBytes = Buffer.byteLength(text) + (parts.length > 0 ? 1 : 0);
    if (parts.length > 0 && bytes + rowBytes > pageSizeBytes) {
      flush();
      parts.push(text);
      bytes += Buffer.byteLength(text);
    } else {
      parts.push(text);
      bytes += rowBytes;
    }
  }
  if (parts.length > 0 || pages.length === 0) {
    flush();
  }
  return pages;
}

/** Corrupts a page the way the `malformedPages` fault asks: undecodable base64, or base64 of truncated JSON. */
export function malformedData(json: string, kind: MalformedPageKind): string {
  if (kind === 'base64') {
    return '%%' + Buffer.from(json).toString('base64').slice(2, -1) + '*';
  }
  return Buffer.from(json.slice(0, Math.max(1, Math.floor(json.length / 2)))).toString('base64');
}
