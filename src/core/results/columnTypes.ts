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
    const inference = new ColumnTypeInference();
    for (const row of rows) {
      if (inference.settled) break;
      inference.add(row[column]);
    }
    types.push(inference.type);
  }
  return types;
}

/**
 * The same rules, one value at a time, for results that arrive page by page (the results grid infers while it
 * indexes). Once `settled`, no later value can change the type, so callers may stop feeding values.
 */
export class ColumnTypeInference {
  private verdict: ColumnType = 'null';
  private binaryCandidate = true;
  private binaryMarker = false;

  get type(): ColumnType {
    if (this.verdict === 'text') {
      return this.binaryCandidate && this.binaryMarker ? 'binary' : 'text';
    }
    return this.verdict;
  }

  get settled(): boolean {
    return this.verdict === 'text' && !this.binaryCandidate;
  }

  add(value: unknown): void {
    if (value === null || value === undefined) {
      return;
    }
    const kind = kindOf(value);
    if (kind === 'text' && typeof value === 'string') {
      this.binaryCandidate &&= value.length >= MIN_BINARY_LENGTH && BASE64.test(value);
      this.binaryMarker ||= /[+/=]/.test(value);
    } else {
      this.binaryCandidate = false;
    }
    this.verdict = merge(this.verdict, kind);
  }

  /** A copy to go back to, for a caller that may have to undo values (a page that turns out not to be JSON). */
  clone(): ColumnTypeInference {
    return Object.assign(new ColumnTypeInference(), this);
  }

  /** A value the caller has classified itself (a number it has not parsed, a boolean, a nested object as `text`). */
  addKind(kind: Exclude<ColumnType, 'null' | 'binary'>): void {
    this.binaryCandidate = false;
    this.verdict = merge(this.verdict, kind);
  }
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
