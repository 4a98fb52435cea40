/** What a column holds, judged from its values (JSON has no dates, so ISO strings are recognised by shape). */
export type ColumnType = 'integer' | 'decimal' | 'boolean' | 'date' | 'datetime' | 'text' | 'binary' | 'null';

// A date, or a date at exact midnight without offset: how SQL Server DATE values arrive.
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}(T00:00:00(\.0+)?)?$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
// Shorter base64-looking strings are too often codes or identifiers to call binary.
const MIN_BINARY_LENGTH = 32;

/**
 * One type per column. A column is `binary` only if every value is long, canonical base64 and at least one of them
 * uses `+`, `/` or padding — hex digests and alphanumeric ids stay `text`. Numeric-looking strings stay `text`
 * (leading zeros in phone numbers and Medicare numbers matter). Mixed kinds fall back to `text`.
 */
export function inferColumnTypes(columnCount: number, rows: readonly (readonly unknown[])[]): ColumnType[] {
  const types: ColumnType[] = [];
  for (let column = 0; column < columnCount; column++) {
    types.push(inferColumn(rows, column));
  }
  return types;
}

function inferColumn(rows: readonly (readonly unknown[])[], column: number): ColumnType {
  let verdict: ColumnType = 'null';
  let binaryCandidate = true;
  let binaryMarker = false;
  for (const row of rows) {
    const value = row[column];
    if (value === null || value === undefined) {
      continue;
    }
    const kind = kindOf(value);
    if (kind === 'text' && typeof value === 'string') {
      binaryCandidate &&= value.length >= MIN_BINARY_LENGTH && BASE64.test(value);
      binaryMarker ||= /[+/=]/.test(value);
    } else {
      binaryCandidate = false;
    }
    verdict = merge(verdict, kind);
    if (verdict === 'text' && !binaryCandidate) {
      return 'text';
    }
  }
  if (verdict === 'text') {
    return binaryCandidate && binaryMarker ? 'binary' : 'text';
  }
  return verdict;
}

function kindOf(value: unknown): ColumnType {
  switch (typeof value) {
    case 'number':
      return Number.isInteger(value) ? 'integer' : 'decimal';
    case 'boolean':
      return 'boolean';
    case 'string':
      if (DATE_ONLY.test(value)) {
        return 'date';
      }
      return DATE_TIME.test(value) ? 'datetime' : 'text';
    default:
      return 'text';
  }
}

function merge(current: ColumnType, next: ColumnType): ColumnType {
  if (current === 'null' || current === next) {
    return next;
  }
  const pair = new Set([current, next]);
  if (pair.has('integer') && pair.has('decimal')) {
    return 'decimal';
  }
  // Midnight values among datetimes are datetimes that happen to fall on midnight.
  if (pair.has('date') && pair.has('datetime')) {
    return 'datetime';
  }
  return 'text';
}
