import { randomUUID } from 'node:crypto';
import type { Database, SqlValue as SqlJsValue } from 'sql.js';
import { SqlExecutionError } from './types';
import type { SqlValue } from './types';
import {
  convertValue, dateAdd, dateDiff, dateName, datePart, endOfMonth, formatDatePattern, formatNumberPattern, formatStored,
  isStoredDateTime, parseDateTime, parseTargetType, partsFromDate, roundHalfAwayFromZero,
} from './tsqlValues';

export interface TsqlFunctionOptions {
  /** The clock behind GETDATE() and friends; tests inject a fixed one. */
  now?: () => Date;
}

type Arg = SqlValue;

// SQLite only carries a message out of a user function, so the SQL Server code travels inside it.
const ERROR_MARK = /^\[mssql (\d+)\] /;

/** Recovers the SqlExecutionError a T-SQL function raised inside SQLite, from SQLite's error message. */
export function decodeFunctionError(message: string): SqlExecutionError | undefined {
  const m = ERROR_MARK.exec(message);
  return m ? new SqlExecutionError(Number(m[1]), message.slice(m[0].length)) : undefined;
}

function escapeForSqlite(error: unknown): never {
  if (error instanceof SqlExecutionError) throw new Error(`[mssql ${error.errorCode}] ${error.message}`);
  throw error;
}

const isText = (v: Arg): v is string => typeof v === 'string';
const asText = (v: Arg): string => (typeof v === 'string' ? v : String(v));
const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

// The number decides the type (data type precedence): int makes '5.5' + 1 fail as it does in SQL Server.
function numericOperand(text: string, other: number): number {
  return convertValue(text, { name: Number.isInteger(other) ? 'int' : 'float' }) as number;
}

// `+` as SQL Server evaluates it: strings concatenate, numbers add, datetime + number adds days, else convert or fail.
function add(a: Arg, b: Arg): Arg {
  if (a === null || b === null) return null;
  if (isText(a) && isText(b)) return a + b;
  if (isText(a)) return isStoredDateTime(a) ? formatStored(dateAdd('day', b as number, parseDateTime(a))) : numericOperand(a, b as number) + (b as number);
  if (isText(b)) return isStoredDateTime(b) ? formatStored(dateAdd('day', a as number, parseDateTime(b))) : (a as number) + numericOperand(b, a as number);
  return (a as number) + (b as number);
}

function subtract(a: Arg, b: Arg): Arg {
  if (a === null || b === null) return null;
  if (isStoredDateTime(a) && typeof b === 'number') return formatStored(dateAdd('day', -b, parseDateTime(a)));
  const left = isText(a) ? numericOperand(a, typeof b === 'number' ? b : 0) : (a as number);
  const right = isText(b) ? numericOperand(b, left) : (b as number);
  return left - right;
}

function round(value: Arg, digits: Arg, truncate: Arg = 0): Arg {
  if (value === null || digits === null) return null;
  const v = Number(value);
  const n = Number(digits);
  if (Number(truncate) !== 0) {
    const factor = 10 ** n;
    return Math.trunc(v * factor) / factor;
  }
  return roundHalfAwayFromZero(v, n);
}

function format(value: Arg, pattern: Arg): Arg {
  if (value === null || pattern === null) return null;
  const text = asText(pattern);
  if (isStoredDateTime(value)) return formatDatePattern(parseDateTime(value), text);
  if (typeof value === 'number') return formatNumberPattern(value, text);
  return null;
}

const dateArg = (v: Arg) => parseDateTime(v);

// The T-SQL functions the translator rewrites calls to, under the names it prints (all prefixed `tsql_`).
function functionTable(now: () => Date): Record<string, (...args: Arg[]) => Arg> {
  const current = () => formatStored(partsFromDate(now()));
  const utc = () => {
    const d = now();
    return formatStored(partsFromDate(new Date(d.getTime() + d.getTimezoneOffset() * 60_000)));
  };
  return {
    tsql_getdate: current,
    tsql_getutcdate: utc,
    tsql_add: add,
    tsql_subtract: subtract,
    tsql_dateadd: (part, n, d) => (n === null || d === null ? null : formatStored(dateAdd(asText(part), Number(n), dateArg(d)))),
    tsql_datediff: (part, a, b) => (a === null || b === null ? null : dateDiff(asText(part), dateArg(a), dateArg(b))),
    tsql_datepart: (part, d) => (d === null ? null : datePart(asText(part), dateArg(d))),
    tsql_datename: (part, d) => (d === null ? null : dateName(asText(part), dateArg(d))),
    tsql_year: (d) => (d === null ? null : dateArg(d).year),
    tsql_month: (d) => (d === null ? null : dateArg(d).month),
    tsql_day: (d) => (d === null ? null : dateArg(d).day),
    tsql_eomonth: (d, n = 0) => (d === null ? null : formatStored(endOfMonth(dateArg(d), Number(n ?? 0)))),
    tsql_convert: (type, value, style) => convertValue(value, parseTargetType(asText(type)), style === null || style === undefined ? undefined : Number(style)),
    tsql_try_convert: (type, value, style) => {
      try {
        return convertValue(value, parseTargetType(asText(type)), style === null || style === undefined ? undefined : Number(style));
      } catch (error) {
        if (error instanceof SqlExecutionError) return null;
        throw error;
      }
    },
    tsql_len: (s) => (s === null ? null : asText(s).replace(/ +$/, '').length),
    tsql_datalength: (s) => (s === null ? null : Buffer.byteLength(asText(s), 'utf8')),
    tsql_left: (s, n) => (s === null || n === null ? null : asText(s).slice(0, Math.max(0, Number(n)))),
    tsql_right: (s, n) => (s === null || n === null ? null : Number(n) <= 0 ? '' : asText(s).slice(-Number(n))),
    tsql_charindex: (find, s, start = 1) => {
      if (find === null || s === null) return null;
      const from = Math.max(1, Number(start ?? 1)) - 1;
      return asText(s).toLowerCase().indexOf(asText(find).toLowerCase(), from) + 1;
    },
    // SQL Server compares case-insensitively under Best Practice's collation, REPLACE included.
    tsql_replace: (s, find, repl) => (s === null || find === null || repl === null ? null
      : asText(find) === '' ? asText(s) : asText(s).replace(new RegExp(escapeRegExp(asText(find)), 'gi'), () => asText(repl))),
    tsql_concat: (...args) => args.map((a) => (a === null ? '' : asText(a))).join(''),
    tsql_replicate: (s, n) => (s === null || n === null || Number(n) < 0 ? null : asText(s).repeat(Number(n))),
    tsql_space: (n) => (n === null || Number(n) < 0 ? null : ' '.repeat(Number(n))),
    tsql_reverse: (s) => (s === null ? null : [...asText(s)].reverse().join('')),
    tsql_stuff: (s, start, length, insert) => {
      if (s === null || start === null || length === null) return null;
      const text = asText(s);
      const at = Number(start);
      if (at < 1 || at > text.length || Number(length) < 0) return null;
      return text.slice(0, at - 1) + (insert === null ? '' : asText(insert)) + text.slice(at - 1 + Number(length));
    },
    tsql_round: round,
    tsql_floor: (v) => (v === null ? null : Math.floor(Number(v))),
    tsql_ceiling: (v) => (v === null ? null : Math.ceil(Number(v))),
    tsql_sign: (v) => (v === null ? null : Math.sign(Number(v))),
    tsql_power: (a, b) => (a === null || b === null ? null : Number(a) ** Number(b)),
    tsql_sqrt: (v) => (v === null ? null : Math.sqrt(Number(v))),
    tsql_isnumeric: (v) => (v === null ? 0 : typeof v === 'number' ? 1 : /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/.test(asText(v)) ? 1 : 0),
    tsql_newid: () => randomUUID().toUpperCase(),
    tsql_format: format,
  };
}

/** The names the translator may print, so that it can refuse anything else with error 195. */
export const TSQL_FUNCTION_NAMES: ReadonlySet<string> = new Set(Object.keys(functionTable(() => new Date())));

/** Registers every T-SQL function on `db`; a function's SqlExecutionError surfaces as SQLite's error and is decoded later. */
export function registerTsqlFunctions(db: Database, options: TsqlFunctionOptions = {}): void {
  const table = functionTable(options.now ?? (() => new Date()));
  for (const [name, fn] of Object.entries(table)) {
    const wrapper = (...args: SqlJsValue[]): SqlJsValue => {
      try {
        return fn(...(args as Arg[])) as SqlJsValue;
      } catch (error) {
        return escapeForSqlite(error);
      }
    };
    // sql.js registers a function with `fn.length` arguments; -1 lets SQLite pass any count (the translator checks them).
    Object.defineProperty(wrapper, 'length', { value: -1 });
    db.create_function(name, wrapper);
  }
}
