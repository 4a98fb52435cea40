/**
 * FHIRPath's lowBoundary() and highBoundary() on the text of a value: the least and greatest values it may stand for
 * at a precision. Dates and times go to the millisecond; a dateTime without an offset may be in any zone, so its low
 * boundary takes the earliest (+14:00) and its high boundary the latest (-12:00), as the SQL on FHIR tests expect.
 */
export type BoundaryKind = 'decimal' | 'date' | 'dateTime' | 'time';
export type BoundaryEdge = 'low' | 'high';

/** Digits after the point when no precision is asked for (FHIRPath: at least 8 for a decimal). */
const DEFAULT_DECIMAL_PRECISION = 8;
const MAX_DECIMAL_PRECISION = 28;
const DEFAULT_PRECISION: Readonly<Record<Exclude<BoundaryKind, 'decimal'>, number>> = { date: 8, dateTime: 17, time: 9 };

const DECIMAL = /^([+-]?)(\d+)(?:\.(\d+))?$/;
const DATE_TIME = /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2})(?::(\d{2})(?::(\d{2})(?:\.(\d+))?)?)?(Z|[+-]\d{2}:\d{2})?)?)?)?$/;
const TIME = /^(\d{2})(?::(\d{2})(?::(\d{2})(?:\.(\d+))?)?)?$/;

/** The boundary as text of the same kind, or undefined where FHIRPath gives an empty result. */
export function boundary(kind: BoundaryKind, text: string, edge: BoundaryEdge, precision?: number): string | undefined {
  switch (kind) {
    case 'decimal':
      return decimalBoundary(text, edge, precision ?? DEFAULT_DECIMAL_PRECISION);
    case 'date':
    case 'dateTime':
      return dateTimeBoundary(kind, text, edge, precision ?? DEFAULT_PRECISION[kind]);
    case 'time':
      return timeBoundary(text, edge, precision ?? DEFAULT_PRECISION.time);
  }
}

function decimalBoundary(text: string, edge: BoundaryEdge, precision: number): string | undefined {
  const match = DECIMAL.exec(text);
  if (match === null || !Number.isInteger(precision) || precision < 0 || precision > MAX_DECIMAL_PRECISION) {
    return undefined;
  }
  const [, sign, whole, fraction = ''] = match;
  // The value is exact to half a unit of its last digit: work in units of a tenth of that digit.
  const scale = fraction.length + 1;
  const tenths = BigInt(`${sign === '-' ? '-' : ''}${whole}${fraction}`) * 10n;
  const bound = edge === 'low' ? tenths - 5n : tenths + 5n;
  let scaled: bigint;
  if (precision >= scale) {
    scaled = bound * 10n ** BigInt(precision - scale);
  } else {
    const divisor = 10n ** BigInt(scale - precision);
    scaled = edge === 'low' ? floorDiv(bound, divisor) : -floorDiv(-bound, divisor);
  }
  return withPoint(scaled, precision);
}

function floorDiv(value: bigint, divisor: bigint): bigint {
  const quotient = value / divisor;
  return value % divisor !== 0n && value < 0n ? quotient - 1n : quotient;
}

function withPoint(value: bigint, decimals: number): string {
  const negative = value < 0n;
  const digits = (negative ? -value : value).toString().padStart(decimals + 1, '0');
  const whole = digits.slice(0, digits.length - decimals);
  const fraction = digits.slice(digits.length - decimals);
  return `${negative ? '-' : ''}${whole}${decimals > 0 ? `.${fraction}` : ''}`;
}

function dateTimeBoundary(kind: 'date' | 'dateTime', text: string, edge: BoundaryEdge, precision: number): string | undefined {
  const match = DATE_TIME.exec(text);
  const allowed = kind === 'date' ? [4, 6, 8] : [4, 6, 8, 10, 12, 14, 17];
  if (match === null || !allowed.includes(precision) || (kind === 'date' && match[4] !== undefined)) {
    return undefined;
  }
  const [, year, month, day, hour, minute, second, fraction, zone] = match;
  const low = edge === 'low';
  const monthOut = month ?? (low ? '01' : '12');
  const dayOut = day ?? (low ? '01' : String(daysInMonth(Number(year), Number(monthOut))).padStart(2, '0'));
  let result = year;
  if (precision >= 6) {
    result += `-${monthOut}`;
  }
  if (precision >= 8) {
    result += `-${dayOut}`;
  }
  if (precision >= 10) {
    result += `T${clock([hour, minute, second], fraction, low, precision - 8)}`;
    result += zone ?? (low ? '+14:00' : '-12:00');
  }
  return result;
}

function timeBoundary(text: string, edge: BoundaryEdge, precision: number): string | undefined {
  const match = TIME.exec(text);
  if (match === null || ![2, 4, 6, 9].includes(precision)) {
    return undefined;
  }
  const [, hour, minute, second, fraction] = match;
  return clock([hour, minute, second], fraction, edge === 'low', precision);
}

/** `hh[:mm[:ss[.fff]]]` to `digits` digits of precision (2, 4, 6 or 9), missing parts at their least or greatest. */
function clock(parts: (string | undefined)[], fraction: string | undefined, low: boolean, digits: number): string {
  const [hour, minute, second] = parts.map((part, i) => part ?? (low ? '00' : i === 0 ? '23' : '59'));
  // Finer than a millisecond is beyond the precision kept: truncate.
  const millis = fraction === undefined ? (low ? '000' : '999') : fraction.padEnd(3, '0').slice(0, 3);
  return [hour, digits >= 4 ? `:${minute}` : '', digits >= 6 ? `:${second}` : '', digits >= 9 ? `.${millis}` : ''].join('');
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}
