import { ApiError } from '../errors';

/** Rows as arrays aligned to `columns`; a key a row did not have is null. */
export interface ParsedRows {
  columns: string[];
  rows: unknown[][];
}

/** The name given to the value of a result that is not an array of objects (a scalar, say). */
export const VALUE_COLUMN = 'value';

/**
 * Parses a result's bytes (UTF-8 JSON: an array of row objects keyed by column name). Column order is the first
 * row's key order, then keys first seen in later rows, in order of appearance — which matters because serialisers
 * that omit nulls make a column appear late. `source` names the page in error messages.
 */
export function parseRows(bytes: Uint8Array | string, source = 'The result'): ParsedRows {
  const text = typeof bytes === 'string' ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  if (text.trim() === '') {
    return { columns: [], rows: [] };
  }
  let parsed: unknown;
  try {
    // A byte order mark is legal in a UTF-8 stream but not in JSON text.
    parsed = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (error) {
    throw new ApiError('badResponse', `${source} is not valid JSON (${(error as Error).message}).`);
  }
  if (!Array.isArray(parsed)) {
    // Not documented for scalar results; shown as one cell rather than refused.
    return { columns: [VALUE_COLUMN], rows: [[parsed]] };
  }
  return tabulate(parsed);
}

function tabulate(records: unknown[]): ParsedRows {
  const indexOf = new Map<string, number>();
  const columns: string[] = [];
  const rows: unknown[][] = new Array(records.length);
  for (let r = 0; r < records.length; r++) {
    const record = records[r];
    const object: Record<string, unknown> =
      typeof record === 'object' && record !== null && !Array.isArray(record) ? (record as Record<string, unknown>) : { [VALUE_COLUMN]: record };
    const row: unknown[] = new Array(columns.length);
    let expected = 0;
    let filled = 0;
    for (const key in object) {
      // Rows nearly always repeat the previous key order, so guess the next column before asking the map.
      let index = columns[expected] === key ? expected : indexOf.get(key);
      if (index === undefined) {
        index = columns.length;
        indexOf.set(key, index);
        columns.push(key);
      }
      row[index] = object[key];
      expected = index + 1;
      filled++;
    }
    if (filled < row.length) {
      for (let index = 0; index < row.length; index++) {
        if (row[index] === undefined) {
          row[index] = null;
        }
      }
    }
    rows[r] = row;
  }
  // Rows read before a late column appeared are shorter: pad them so every row has one cell per column.
  for (const row of rows) {
    for (let index = row.length; index < columns.length; index++) {
      row.push(null);
    }
  }
  return { columns, rows };
}
