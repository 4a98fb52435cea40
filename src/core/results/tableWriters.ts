import type { Writable } from 'node:stream';
import { ApiError } from '../errors';
import { ChunkedWriter } from './chunkedWriter';
import type { ParsedRows } from './parseRows';

/** Pages of rows, consumed one at a time: an async query's pages can be written as they arrive. */
export type RowPages = AsyncIterable<ParsedRows> | Iterable<ParsedRows>;

export interface CsvOptions {
  /** Start with a UTF-8 byte order mark, so Excel reads the file as UTF-8. */
  bom?: boolean;
  /** The header; by default the first page's columns. */
  columns?: readonly string[];
  /** End the Writable when done (default true). */
  end?: boolean;
}

export interface JsonOptions {
  end?: boolean;
}

/**
 * Writes rows as RFC 4180 CSV: CRLF line ends, fields quoted when they hold a comma, quote, CR or LF, quotes
 * doubled, nulls as empty fields. Values are written exactly as they came (leading zeros stay). The header is fixed
 * when the first page arrives; a column that first appears later is accepted only while all its values are null
 * (as when a serialiser omits nulls), since CSV cannot grow a column. Resolves with the number of rows written.
 */
export async function writeCsv(pages: RowPages, out: Writable, options: CsvOptions = {}): Promise<number> {
  const writer = new ChunkedWriter(out);
  let header = options.columns;
  let count = 0;
  if (options.bom) {
    await writer.write('\uFEFF');
  }
  if (header) {
    await writer.write(`${header.map(csvField).join(',')}\r\n`);
  }
  for await (const page of pages) {
    if (!header) {
      if (page.columns.length === 0) {
        continue;
      }
      header = page.columns;
      await writer.write(`${header.map(csvField).join(',')}\r\n`);
    }
    const positions = columnPositions(header, page);
    for (const row of page.rows) {
      let line = '';
      for (let index = 0; index < positions.length; index++) {
        const position = positions[index];
        line += (index === 0 ? '' : ',') + (position < 0 ? '' : csvField(row[position]));
      }
      await writer.write(`${line}\r\n`);
      count++;
    }
  }
  await writer.close(options.end ?? true);
  return count;
}

/** Writes rows as one JSON array of objects, streamed: the array is never built in memory. Resolves with the row count. */
export async function writeJson(pages: RowPages, out: Writable, options: JsonOptions = {}): Promise<number> {
  const writer = new ChunkedWriter(out);
  let count = 0;
  await writer.write('[');
  for await (const page of pages) {
    const keys = page.columns.map((column) => `${JSON.stringify(column)}:`);
    for (const row of page.rows) {
      await writer.write(`${count === 0 ? '\n' : ',\n'}${jsonObject(keys, row)}`);
      count++;
    }
  }
  await writer.write(count === 0 ? ']\n' : '\n]\n');
  await writer.close(options.end ?? true);
  return count;
}

/** Writes rows as newline-delimited JSON, one object per line. Resolves with the row count. */
export async function writeNdjson(pages: RowPages, out: Writable, options: JsonOptions = {}): Promise<number> {
  const writer = new ChunkedWriter(out);
  let count = 0;
  for await (const page of pages) {
    const keys = page.columns.map((column) => `${JSON.stringify(column)}:`);
    for (const row of page.rows) {
      await writer.write(`${jsonObject(keys, row)}\n`);
      count++;
    }
  }
  await writer.close(options.end ?? true);
  return count;
}

function jsonObject(keys: readonly string[], row: readonly unknown[]): string {
  let text = '{';
  for (let index = 0; index < keys.length; index++) {
    text += (index === 0 ? '' : ',') + keys[index] + JSON.stringify(row[index] ?? null);
  }
  return `${text}}`;
}

function csvField(value: unknown): string {
  if (value === null || value === undefined) {
    return '';
  }
  const text = typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** For each header column, its index in this page's rows (-1 if the page lacks it). */
function columnPositions(header: readonly string[], page: ParsedRows): number[] {
  const indexOf = new Map(page.columns.map((column, index) => [column, index]));
  const headerSet = new Set(header);
  page.columns.forEach((column, index) => {
    if (!headerSet.has(column) && page.rows.some((row) => row[index] !== null && row[index] !== undefined)) {
      throw new ApiError('badResponse', `Column "${column}" first appears after the CSV header was written; export as JSON instead.`);
    }
  });
  return header.map((column) => indexOf.get(column) ?? -1);
}
