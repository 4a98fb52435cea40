import type { SqlDbType } from '../../core/haloConnect/wireTypes';
import { SqlExecutionError } from './types';
import type { SqlValue } from './types';

/**
 * SQL Server's value semantics over the Sandbox's storage forms: dates are ISO text without offset
 * ("1975-03-02T00:00:00"), so date arithmetic, conversion and formatting work on parsed fields, never on JS local time.
 */

/** A date and time as SQL Server sees it, with no time zone. */
export interface DateTimeParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
}

const MONTH_NAMES = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const DAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MS_PER_DAY = 86_400_000;

const ISO_FORM = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,7}))?)?)?$/;
const COMPACT_FORM = /^(\d{4})(\d{2})(\d{2})(?: (\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,7}))?)?)?$/;
const SLASH_FORM = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?: (\d{1,2}):(\d{2})(?::(\d{2}))?)?$/;
const STORED_DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/;

/** True for text in the Sandbox's stored datetime form, the only text the engine treats as a datetime value. */
export function isStoredDateTime(value: unknown): value is string {
  return typeof value === 'string' && STORED_DATETIME.test(value);
}

/**
 * True for a valid dashed date literal ('2020-01-01', '2020-01-01 10:00') that an integrator compares with a datetime
 * column. The compact '20200101' form is left alone: eight digits are as likely a code (a Medicare number) as a date.
 */
export function looksLikeDateLiteral(value: string): boolean {
  const m = ISO_FORM.exec(value);
  return m !== null && fromMatch(m, 'ymd') !== undefined;
}

function fromMatch(m: RegExpExecArray, order: 'ymd' | 'dmy' | 'mdy'): DateTimeParts | undefined {
  const [a, b, c] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const [year, month, day] = order === 'ymd' ? [a, b, c] : order === 'dmy' ? [c, b, a] : [c, a, b];
  const parts: DateTimeParts = {
    year, month, day,
    hour: Number(m[4] ?? 0), minute: Number(m[5] ?? 0), second: Number(m[6] ?? 0),
    millisecond: m[7] === undefined ? 0 : Math.round(Number(`0.${m[7]}`) * 1000) % 1000,
  };
  return isValidParts(parts) ? parts : undefined;
}

function isValidParts(p: DateTimeParts): boolean {
  return p.month >= 1 && p.month <= 12 && p.day >= 1 && p.day <= daysInMonth(p.year, p.month)
    && p.hour < 24 && p.minute < 60 && p.second < 60 && p.year >= 1 && p.year <= 9999;
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

const conversionFailed = (): SqlExecutionError =>
  new SqlExecutionError(241, 'Conversion failed when converting date and/or time from character string.');

/**
 * Parses text as SQL Server would convert it to datetime. `style` follows CONVERT: 103/3 and 104/105 read
 * day-first, 101/1/110 month-first; without a style, slashed dates are read day-first (an Australian server's
 * `british` language, which Best Practice sites use).
 */
export function parseDateTime(value: SqlValue, style?: number): DateTimeParts {
  if (typeof value !== 'string') {
    throw new SqlExecutionError(529, `Explicit conversion from data type ${typeof value === 'number' ? 'int' : 'bit'} to datetime is not allowed.`);
  }
  const text = value.trim();
  const iso = ISO_FORM.exec(text) ?? COMPACT_FORM.exec(text);
  const parsed = iso
    ? fromMatch(iso, 'ymd')
    : ((m) => (m ? fromMatch(m, style === 101 || style === 1 || style === 110 ? 'mdy' : 'dmy') : undefined))(SLASH_FORM.exec(text));
  if (!parsed) throw conversionFailed();
  return parsed;
}

/** A JS Date's local wall-clock time, which is what GETDATE() reports on a practice's server. */
export function partsFromDate(date: Date): DateTimeParts {
  return {
    year: date.getFullYear(), month: date.getMonth() + 1, day: date.getDate(),
    hour: date.getHours(), minute: date.getMinutes(), second: date.getSeconds(), millisecond: date.getMilliseconds(),
  };
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** The stored form "YYYY-MM-DDTHH:MM:SS" (milliseconds dropped, as the Sandbox stores whole seconds). */
export function formatStored(p: DateTimeParts): string {
  return `${pad(p.year, 4)}-${pad(p.month)}-${pad(p.day)}T${pad(p.hour)}:${pad(p.minute)}:${pad(p.second)}`;
}

/** Normalises any accepted date text to the stored form; the rule for parameters and date literals. */
export function toStoredDateTime(value: string): string {
  return formatStored(parseDateTime(value));
}

function toEpochMs(p: DateTimeParts): number {
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second, p.millisecond);
}

function fromEpochMs(ms: number): DateTimeParts {
  const d = new Date(ms);
  return {
    year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(),
    hour: d.getUTCHours(), minute: d.getUTCMinutes(), second: d.getUTCSeconds(), millisecond: d.getUTCMilliseconds(),
  };
}

export type DatePart = 'year' | 'quarter' | 'month' | 'dayofyear' | 'day' | 'week' | 'weekday' | 'hour' | 'minute' | 'second' | 'millisecond';

const DATE_PART_NAMES: Readonly<Record<string, DatePart>> = {
  year: 'year', yy: 'year', yyyy: 'year', quarter: 'quarter', qq: 'quarter', q: 'quarter',
  month: 'month', mm: 'month', m: 'month', dayofyear: 'dayofyear', dy: 'dayofyear', y: 'dayofyear',
  day: 'day', dd: 'day', d: 'day', week: 'week', wk: 'week', ww: 'week', weekday: 'weekday', dw: 'weekday', w: 'weekday',
  hour: 'hour', hh: 'hour', minute: 'minute', mi: 'minute', n: 'minute', second: 'second', ss: 'second', s: 'second',
  millisecond: 'millisecond', ms: 'millisecond',
};

/** The canonical part for a DATEADD/DATEDIFF/DATEPART first argument, or undefined when SQL Server would refuse it. */
export function datePartOf(name: string): DatePart | undefined {
  return DATE_PART_NAMES[name.toLowerCase()];
}

function requirePart(name: string, fn: string): DatePart {
  const part = datePartOf(name);
  if (!part) throw new SqlExecutionError(155, `'${name}' is not a recognized ${fn} option.`);
  return part;
}

function addMonths(p: DateTimeParts, months: number): DateTimeParts {
  const total = p.year * 12 + (p.month - 1) + months;
  const year = Math.floor(total / 12);
  const month = (total % 12 + 12) % 12 + 1;
  return { ...p, year, month, day: Math.min(p.day, daysInMonth(year, month)) };
}

/** DATEADD: month-based parts clamp to the month's last day (Jan 31 + 1 month = Feb 28/29), as SQL Server does. */
export function dateAdd(partName: string, amount: number, date: DateTimeParts): DateTimeParts {
  const n = Math.trunc(amount);
  const unitMs: Partial<Record<DatePart, number>> = {
    dayofyear: MS_PER_DAY, day: MS_PER_DAY, weekday: MS_PER_DAY, week: 7 * MS_PER_DAY,
    hour: 3_600_000, minute: 60_000, second: 1000, millisecond: 1,
  };
  const part = requirePart(partName, 'dateadd');
  if (part === 'year') return addMonths(date, 12 * n);
  if (part === 'quarter') return addMonths(date, 3 * n);
  if (part === 'month') return addMonths(date, n);
  return fromEpochMs(toEpochMs(date) + n * (unitMs[part] as number));
}

const dayNumber = (p: DateTimeParts): number => Math.floor(Date.UTC(p.year, p.month - 1, p.day) / MS_PER_DAY);

/** DATEDIFF counts the part's boundaries crossed between the two dates, as SQL Server does (weeks start on Sunday). */
export function dateDiff(partName: string, start: DateTimeParts, end: DateTimeParts): number {
  const part = requirePart(partName, 'datediff');
  const ticks = (p: DateTimeParts, unit: number): number => Math.floor(toEpochMs(p) / unit);
  switch (part) {
    case 'year': return end.year - start.year;
    case 'quarter': return (end.year * 4 + Math.floor((end.month - 1) / 3)) - (start.year * 4 + Math.floor((start.month - 1) / 3));
    case 'month': return (end.year * 12 + end.month) - (start.year * 12 + start.month);
    case 'dayofyear': case 'day': case 'weekday': return dayNumber(end) - dayNumber(start);
    // 1970-01-04 was a Sunday: counting from it puts every week boundary on a Sunday.
    case 'week': return Math.floor((dayNumber(end) - 3) / 7) - Math.floor((dayNumber(start) - 3) / 7);
    case 'hour': return ticks(end, 3_600_000) - ticks(start, 3_600_000);
    case 'minute': return ticks(end, 60_000) - ticks(start, 60_000);
    case 'second': return ticks(end, 1000) - ticks(start, 1000);
    case 'millisecond': return toEpochMs(end) - toEpochMs(start);
  }
}

/** DATEPART with us_english defaults (DATEFIRST 7: Sunday is weekday 1). */
export function datePart(partName: string, date: DateTimeParts): number {
  const part = requirePart(partName, 'datepart');
  switch (part) {
    case 'year': return date.year;
    case 'quarter': return Math.floor((date.month - 1) / 3) + 1;
    case 'month': return date.month;
    case 'dayofyear': return dayNumber(date) - dayNumber({ ...date, month: 1, day: 1 }) + 1;
    case 'day': return date.day;
    case 'week': return dateDiff('week', { ...date, month: 1, day: 1 }, date) + 1;
    case 'weekday': return weekdayIndex(date) + 1;
    case 'hour': return date.hour;
    case 'minute': return date.minute;
    case 'second': return date.second;
    case 'millisecond': return date.millisecond;
  }
}

const weekdayIndex = (p: DateTimeParts): number => new Date(Date.UTC(p.year, p.month - 1, p.day)).getUTCDay();

export function dateName(partName: string, date: DateTimeParts): string {
  const part = requirePart(partName, 'datename');
  if (part === 'month') return MONTH_NAMES[date.month - 1];
  if (part === 'weekday') return DAY_NAMES[weekdayIndex(date)];
  return String(datePart(part, date));
}

export function endOfMonth(date: DateTimeParts, monthsToAdd = 0): DateTimeParts {
  const shifted = addMonths({ ...date, day: 1 }, monthsToAdd);
  return { ...shifted, day: daysInMonth(shifted.year, shifted.month), hour: 0, minute: 0, second: 0, millisecond: 0 };
}

function hour12(p: DateTimeParts): { hour: number; ampm: 'AM' | 'PM' } {
  return { hour: p.hour % 12 === 0 ? 12 : p.hour % 12, ampm: p.hour < 12 ? 'AM' : 'PM' };
}

/** CONVERT(varchar, datetime, style) for the styles integrators use; style 0/100 is CAST's default. */
export function formatDateStyle(p: DateTimeParts, style: number): string {
  const mon = MONTH_NAMES[p.month - 1].slice(0, 3);
  const yy = pad(p.year % 100);
  const yyyy = pad(p.year, 4);
  const time = `${pad(p.hour)}:${pad(p.minute)}:${pad(p.second)}`;
  const { hour, ampm } = hour12(p);
  switch (style) {
    case 0: case 100: return `${mon} ${String(p.day).padStart(2, ' ')} ${yyyy} ${String(hour).padStart(2, ' ')}:${pad(p.minute)}${ampm}`;
    case 1: return `${pad(p.month)}/${pad(p.day)}/${yy}`;
    case 101: return `${pad(p.month)}/${pad(p.day)}/${yyyy}`;
    case 2: return `${yy}.${pad(p.month)}.${pad(p.day)}`;
    case 102: return `${yyyy}.${pad(p.month)}.${pad(p.day)}`;
    case 3: return `${pad(p.day)}/${pad(p.month)}/${yy}`;
    case 103: return `${pad(p.day)}/${pad(p.month)}/${yyyy}`;
    case 4: return `${pad(p.day)}.${pad(p.month)}.${yy}`;
    case 104: return `${pad(p.day)}.${pad(p.month)}.${yyyy}`;
    case 5: return `${pad(p.day)}-${pad(p.month)}-${yy}`;
    case 105: return `${pad(p.day)}-${pad(p.month)}-${yyyy}`;
    case 106: return `${pad(p.day)} ${mon} ${yyyy}`;
    case 107: return `${mon} ${pad(p.day)}, ${yyyy}`;
    case 8: case 108: case 24: return time;
    case 10: return `${pad(p.month)}-${pad(p.day)}-${yy}`;
    case 110: return `${pad(p.month)}-${pad(p.day)}-${yyyy}`;
    case 11: return `${yy}/${pad(p.month)}/${pad(p.day)}`;
    case 111: return `${yyyy}/${pad(p.month)}/${pad(p.day)}`;
    case 12: return `${yy}${pad(p.month)}${pad(p.day)}`;
    case 112: return `${yyyy}${pad(p.month)}${pad(p.day)}`;
    case 13: case 113: return `${pad(p.day)} ${mon} ${yyyy} ${time}:${pad(p.millisecond, 3)}`;
    case 20: case 120: return `${yyyy}-${pad(p.month)}-${pad(p.day)} ${time}`;
    case 21: case 121: return `${yyyy}-${pad(p.month)}-${pad(p.day)} ${time}.${pad(p.millisecond, 3)}`;
    case 23: return `${yyyy}-${pad(p.month)}-${pad(p.day)}`;
    case 126: case 127: return `${yyyy}-${pad(p.month)}-${pad(p.day)}T${time}`;
    default: throw new SqlExecutionError(281, `${style} is not a valid style number when converting from datetime to a character string.`);
  }
}

/** A T-SQL target type as written in CAST/CONVERT: `varchar(10)`, `decimal(10,2)`, `date`. */
export interface TargetType {
  name: string;
  length?: number;
  scale?: number;
}

/** Reads the textual type the translator passes to the conversion functions ("VARCHAR(10)", "DECIMAL(10,2)", "INT"). */
export function parseTargetType(text: string): TargetType {
  const m = /^\s*(\w+)\s*(?:\(\s*(\w+)\s*(?:,\s*(\d+)\s*)?\))?\s*$/.exec(text);
  if (!m) throw new SqlExecutionError(243, `Type ${text} is not a defined system type.`);
  const length = m[2] === undefined || /^max$/i.test(m[2]) ? undefined : Number(m[2]);
  return { name: m[1].toLowerCase(), length, scale: m[3] === undefined ? undefined : Number(m[3]) };
}

const INTEGER_TEXT = /^\s*[+-]?\d+\s*$/;
const NUMBER_TEXT = /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/;
const INTEGER_RANGES: Readonly<Record<string, [number, number]>> = {
  tinyint: [0, 255], smallint: [-32768, 32767], int: [-2147483648, 2147483647], bigint: [-Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
};

function describeForError(value: SqlValue): string {
  return typeof value === 'string' ? `varchar value '${value}'` : `value '${String(value)}'`;
}

function toInteger(value: SqlValue, typeName: string): number {
  let n: number;
  if (typeof value === 'number') n = Math.trunc(value);
  else if (typeof value === 'boolean') n = value ? 1 : 0;
  else if (typeof value === 'string' && INTEGER_TEXT.test(value)) n = Number(value);
  else throw new SqlExecutionError(245, `Conversion failed when converting the ${describeForError(value)} to data type ${typeName}.`);
  const [min, max] = INTEGER_RANGES[typeName];
  if (n < min || n > max) throw new SqlExecutionError(220, `Arithmetic overflow error for data type ${typeName}, value = ${n}.`);
  return n;
}

function toNumber(value: SqlValue, typeName: string): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'string' && NUMBER_TEXT.test(value)) return Number(value);
  throw new SqlExecutionError(8114, `Error converting data type varchar to ${typeName}.`);
}

/** Rounds half away from zero, as SQL Server's ROUND and decimal conversion do. */
export function roundHalfAwayFromZero(value: number, digits: number): number {
  const factor = 10 ** digits;
  const scaled = Math.abs(value) * factor;
  // The epsilon absorbs binary representation error (2.675 is stored as 2.67499…).
  const rounded = Math.round(scaled + 1e-9 * Math.max(1, scaled)) / factor;
  return Math.sign(value) * rounded;
}

function toText(value: SqlValue, style: number | undefined): string {
  if (typeof value === 'number') return String(value);
  if (typeof value === 'boolean') return value ? '1' : '0';
  const text = value as string;
  if (isStoredDateTime(text)) return formatDateStyle(parseDateTime(text), style ?? 0);
  return text;
}

/**
 * CAST/CONVERT to a T-SQL type. Text in the stored datetime form counts as a datetime (that is how the Sandbox
 * stores them), so CONVERT(varchar(10), DOB, 103) formats it; other text converts as varchar would.
 */
export function convertValue(value: SqlValue, target: TargetType, style?: number): SqlValue {
  if (value === null) return null;
  switch (target.name) {
    case 'int': case 'bigint': case 'smallint': case 'tinyint':
      return toInteger(value, target.name);
    case 'bit':
      if (typeof value === 'string') {
        if (/^\s*true\s*$/i.test(value)) return 1;
        if (/^\s*false\s*$/i.test(value)) return 0;
        if (!NUMBER_TEXT.test(value)) throw new SqlExecutionError(245, `Conversion failed when converting the ${describeForError(value)} to data type bit.`);
      }
      return toNumber(value, 'bit') === 0 ? 0 : 1;
    case 'decimal': case 'numeric':
      return roundHalfAwayFromZero(toNumber(value, 'numeric'), target.scale ?? 0);
    case 'money': case 'smallmoney':
      return roundHalfAwayFromZero(toNumber(value, 'money'), 4);
    case 'float': case 'real':
      return toNumber(value, 'float');
    case 'date':
      return formatStored({ ...parseDateTime(value, style), hour: 0, minute: 0, second: 0, millisecond: 0 });
    case 'datetime': case 'datetime2': case 'smalldatetime': case 'datetimeoffset':
      return formatStored(parseDateTime(value, style));
    case 'time': {
      const p = parseDateTime(typeof value === 'string' && /^\d{1,2}:\d{2}/.test(value) ? `1900-01-01 ${value}` : value, style);
      return `${pad(p.hour)}:${pad(p.minute)}:${pad(p.second)}`;
    }
    case 'varchar': case 'nvarchar': case 'char': case 'nchar': case 'text': case 'ntext': case 'sysname': {
      const text = toText(value, style);
      const length = target.length ?? (target.name === 'text' || target.name === 'ntext' ? undefined : 30);
      if (length === undefined) return text;
      const cut = text.slice(0, length);
      return target.name === 'char' || target.name === 'nchar' ? cut.padEnd(length, ' ') : cut;
    }
    case 'uniqueidentifier':
      return String(value);
    default:
      throw new SqlExecutionError(243, `Type ${target.name} is not a defined system type.`);
  }
}

const PARAMETER_TARGETS: Partial<Record<SqlDbType, TargetType>> = {
  BigInt: { name: 'bigint' }, Int: { name: 'int' }, SmallInt: { name: 'smallint' }, TinyInt: { name: 'tinyint' },
  Bit: { name: 'bit' }, Decimal: { name: 'float' }, Float: { name: 'float' }, Money: { name: 'float' }, SmallMoney: { name: 'float' },
  Real: { name: 'float' }, Date: { name: 'datetime' }, DateTime: { name: 'datetime' }, DateTime2: { name: 'datetime' },
  SmallDateTime: { name: 'datetime' }, DateTimeOffset: { name: 'datetime' },
};

/**
 * A command parameter's wire string as the value SQL Server would bind for its declared SqlDbType.
 * Dates keep their time of day (a `Date` parameter from a client is midnight anyway).
 */
export function convertParameter(value: string | null | undefined, type: SqlDbType | undefined): SqlValue {
  if (value === null || value === undefined) return null;
  const target = type === undefined ? undefined : PARAMETER_TARGETS[type];
  if (!target) return value;
  if (target.name === 'datetime') {
    // DateTimeOffset values carry an offset SQL Server keeps; the Sandbox stores local wall time only.
    return formatStored(parseDateTime(value.replace(/(Z|[+-]\d{2}:\d{2})$/, '')));
  }
  if (target.name === 'bit' && /^\s*(true|false|0|1)\s*$/i.test(value)) return /true|1/i.test(value) ? 1 : 0;
  try {
    return convertValue(value, target);
  } catch (error) {
    if (error instanceof SqlExecutionError) {
      throw new SqlExecutionError(8114, `Error converting data type nvarchar to ${target.name === 'float' ? 'numeric' : target.name}.`);
    }
    throw error;
  }
}

/** .NET custom date format (FORMAT(date, 'dd/MM/yyyy')) over the tokens integrators use. */
export function formatDatePattern(p: DateTimeParts, pattern: string): string {
  const { hour, ampm } = hour12(p);
  const tokens: Record<string, () => string> = {
    yyyy: () => pad(p.year, 4), yy: () => pad(p.year % 100), MMMM: () => MONTH_NAMES[p.month - 1],
    MMM: () => MONTH_NAMES[p.month - 1].slice(0, 3), MM: () => pad(p.month), M: () => String(p.month),
    dddd: () => DAY_NAMES[weekdayIndex(p)], ddd: () => DAY_NAMES[weekdayIndex(p)].slice(0, 3), dd: () => pad(p.day),
    d: () => String(p.day), HH: () => pad(p.hour), H: () => String(p.hour), hh: () => pad(hour), h: () => String(hour),
    mm: () => pad(p.minute), m: () => String(p.minute), ss: () => pad(p.second), s: () => String(p.second), tt: () => ampm,
  };
  return pattern.replace(/yyyy|yy|MMMM|MMM|MM|M|dddd|ddd|dd|d|HH|H|hh|h|mm|m|ss|s|tt|'[^']*'|\\./g,
    (token) => (token.startsWith("'") ? token.slice(1, -1) : token.startsWith('\\') ? token.slice(1) : tokens[token]()));
}

/** .NET standard numeric formats N, F, D and P with a precision (FORMAT(1234.5, 'N2') = '1,234.50'). */
export function formatNumberPattern(value: number, pattern: string): string | null {
  const m = /^([NnFfDdPp])(\d{0,2})$/.exec(pattern);
  if (!m) return null;
  const kind = m[1].toUpperCase();
  const digits = m[2] === '' ? (kind === 'D' ? 0 : 2) : Number(m[2]);
  if (kind === 'D') return Math.trunc(value).toString().padStart(digits, '0');
  const scaled = kind === 'P' ? value * 100 : value;
  const text = roundHalfAwayFromZero(scaled, digits).toLocaleString('en-AU', {
    minimumFractionDigits: digits, maximumFractionDigits: digits, useGrouping: kind !== 'F',
  });
  return kind === 'P' ? `${text}%` : text;
}
