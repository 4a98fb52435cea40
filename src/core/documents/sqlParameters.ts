import type { Parameter, SqlDbType } from '../haloConnect/wireTypes';
import { lexTsql, unquotedName } from './tsqlLexer';
import type { TsqlToken } from './tsqlLexer';

/** A variable a statement reads without declaring it: Halo must be sent it as a parameter. */
export interface SqlParameter {
  /** With its `@`, as first written. */
  name: string;
  /** A likely type, judged from how the statement uses it; NVarChar when nothing says otherwise. */
  type: SqlDbType;
}

/** A parameter and the value the user gave it (null for SQL NULL). */
export interface SqlParameterValue {
  name: string;
  type: SqlDbType;
  value: string | null;
}

const COMPARISONS = new Set(['=', '<>', '!=', '<', '>', '<=', '>=', '!<', '!>']);
// Best Practice keeps times of day as integer seconds (APPOINTMENTTIME, STARTTIME), so "TIME" alone is not date-ish.
const DATE_COLUMN = /DATE$|^DATE|_DATE_|DOB$|^DOB|BIRTH|TIMESTAMP|CREATED$|UPDATED$|MODIFIED$|_AT$/i;
const DATE_FUNCTIONS = new Set(['GETDATE', 'GETUTCDATE', 'SYSDATETIME', 'SYSUTCDATETIME', 'SYSDATETIMEOFFSET', 'CURRENT_TIMESTAMP', 'DATEADD', 'EOMONTH', 'DATEFROMPARTS']);
// Words that start a statement end a DECLARE list or an EXEC argument list that has no `;`.
const STATEMENT_STARTS = new Set([
  'SELECT', 'INSERT', 'UPDATE', 'DELETE', 'MERGE', 'WITH', 'SET', 'DECLARE', 'EXEC', 'EXECUTE', 'IF', 'ELSE', 'WHILE',
  'BEGIN', 'END', 'RETURN', 'PRINT', 'TRUNCATE', 'DROP', 'CREATE', 'ALTER', 'USE', 'GO', 'RAISERROR', 'THROW',
  'OPEN', 'FETCH', 'CLOSE', 'DEALLOCATE', 'WAITFOR', 'COMMIT', 'ROLLBACK',
]);

/**
 * The `@name` variables a statement (or batch) uses but does not DECLARE — nor declare as a procedure's or
 * function's own parameters — in order of first use, each once (SQL Server matches them without regard to case).
 * `@@VERSION`-style system functions, strings, comments, bracketed names and `EXEC proc @param = …` argument names
 * are not uses.
 */
export function findSqlParameters(sql: string): SqlParameter[] {
  const tokens = lexTsql(sql).filter((token) => token.kind !== 'comment');
  const { declared, argumentNames } = scanDeclarations(tokens);
  const found = new Map<string, SqlParameter & { inferred: boolean }>();
  tokens.forEach((token, index) => {
    if (token.kind !== 'variable' || argumentNames.has(index)) return;
    const key = token.text.toLowerCase();
    if (declared.has(key)) return;
    const inferred = inferType(tokens, index);
    const existing = found.get(key);
    if (!existing) found.set(key, { name: token.text, type: inferred ?? 'NVarChar', inferred: inferred !== undefined });
    else if (!existing.inferred && inferred) Object.assign(existing, { type: inferred, inferred: true });
  });
  return [...found.values()].map(({ name, type }) => ({ name, type }));
}

/** Halo's `Parameter[]` for the values the user entered: inputs, names with their `@`. */
export function toWireParameters(values: readonly SqlParameterValue[]): Parameter[] {
  return values.map(({ name, type, value }) => ({
    name: name.startsWith('@') ? name : `@${name}`,
    direction: 'input',
    type,
    value,
  }));
}

const INTEGER_RANGES: Partial<Record<SqlDbType, readonly [bigint, bigint]>> = {
  TinyInt: [0n, 255n],
  SmallInt: [-32768n, 32767n],
  Int: [-2147483648n, 2147483647n],
  BigInt: [-9223372036854775808n, 9223372036854775807n],
};
const NUMERIC_TYPES = new Set<SqlDbType>(['Decimal', 'Float', 'Real', 'Money', 'SmallMoney']);
const DATE_TYPES = new Set<SqlDbType>(['Date', 'DateTime', 'DateTime2', 'SmallDateTime', 'DateTimeOffset']);
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,7})?)?)?(?:Z|[+-]\d{2}:\d{2})?$/;
const GUID = /^\{?[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\}?$/i;

/** Why `value` cannot be sent as `type` (a sentence for an input box), or undefined when it can. */
export function checkParameterValue(type: SqlDbType, value: string | null): string | undefined {
  if (value === null) return undefined;
  const text = value.trim();
  const integerRange = INTEGER_RANGES[type];
  if (integerRange) {
    if (!/^[+-]?\d+$/.test(text)) return `${type} needs a whole number.`;
    const number = BigInt(text);
    return number < integerRange[0] || number > integerRange[1] ? `${type} holds ${integerRange[0]} to ${integerRange[1]}.` : undefined;
  }
  if (NUMERIC_TYPES.has(type)) return /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(text) ? undefined : `${type} needs a number.`;
  if (type === 'Bit') return /^(0|1|true|false)$/i.test(text) ? undefined : 'Bit needs 0, 1, true or false.';
  if (type === 'UniqueIdentifier') return GUID.test(text) ? undefined : 'UniqueIdentifier needs a GUID like 3f2504e0-4f89-11d3-9a0c-0305e82c3301.';
  if (DATE_TYPES.has(type)) return isCalendarDate(text) ? undefined : `${type} needs a date like 1975-03-02 or 1975-03-02T09:30:00.`;
  return undefined;
}

function isCalendarDate(text: string): boolean {
  const match = ISO_DATE.exec(text);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  const timeValid = match[4] === undefined || (Number(match[4]) < 24 && Number(match[5]) < 60 && Number(match[6] ?? 0) < 60);
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day && timeValid;
}

// Variables a DECLARE (or a CREATE PROCEDURE/FUNCTION header) introduces, and the token indexes of EXEC's
// `@param =` argument names, which name the procedure's parameters rather than read a variable.
function scanDeclarations(tokens: readonly TsqlToken[]): { declared: Set<string>; argumentNames: Set<number> } {
  const declared = new Set<string>();
  const argumentNames = new Set<number>();
  let mode: 'none' | 'declare' | 'routineHeader' | 'exec' = 'none';
  let depth = 0;
  let listStart = false;
  tokens.forEach((token, index) => {
    const word = token.kind === 'word' ? token.upper : '';
    if (token.text === '(') depth++;
    else if (token.text === ')') depth = Math.max(0, depth - 1);
    if (token.text === ';' || (depth === 0 && mode !== 'routineHeader' && STATEMENT_STARTS.has(word))) {
      mode = 'none';
      listStart = false;
    }
    if (word === 'DECLARE') {
      mode = 'declare';
      listStart = true;
      depth = 0;
      return;
    }
    if (word === 'PROC' || word === 'PROCEDURE' || word === 'FUNCTION') {
      if (isRoutineDefinition(tokens, index)) mode = 'routineHeader';
      return;
    }
    if (word === 'EXEC' || word === 'EXECUTE') {
      mode = 'exec';
      listStart = false;
      depth = 0;
      return;
    }
    switch (mode) {
      case 'declare':
        if (listStart && token.kind === 'variable') declared.add(token.text.toLowerCase());
        listStart = depth === 0 && token.text === ',';
        break;
      case 'routineHeader':
        if (token.kind === 'variable') declared.add(token.text.toLowerCase());
        else if (word === 'AS' && depth === 0) mode = 'none';
        break;
      case 'exec':
        // `EXEC @rc = proc …`: the first `@x =` receives the return value and is a use; after the procedure's name,
        // every argument may start with its parameter's name.
        if (listStart && token.kind === 'variable' && tokens[index + 1]?.text === '=') argumentNames.add(index);
        listStart = depth === 0 && (token.text === ',' || isProcedureNameEnd(tokens, index));
        break;
    }
  });
  return { declared, argumentNames };
}

function isRoutineDefinition(tokens: readonly TsqlToken[], index: number): boolean {
  const before = tokens.slice(Math.max(0, index - 3), index).map((token) => token.upper);
  return before.includes('CREATE') || before.includes('ALTER');
}

// The last part of `EXEC [catalogue.][owner.]name`, which the argument list follows.
function isProcedureNameEnd(tokens: readonly TsqlToken[], index: number): boolean {
  const token = tokens[index];
  if (token.kind !== 'word' && token.kind !== 'quotedName') return false;
  if (tokens[index + 1]?.text === '.') return false;
  let j = index;
  while (tokens[j - 1]?.text === '.' && (tokens[j - 2]?.kind === 'word' || tokens[j - 2]?.kind === 'quotedName')) j -= 2;
  const before = tokens[j - 1];
  return before !== undefined && (before.upper === 'EXEC' || before.upper === 'EXECUTE' || (before.text === '=' && tokens[j - 2]?.kind === 'variable' && ['EXEC', 'EXECUTE'].includes(tokens[j - 3]?.upper ?? '')));
}

function inferType(tokens: readonly TsqlToken[], index: number): SqlDbType | undefined {
  const previous = tokens[index - 1];
  const next = tokens[index + 1];
  if (previous?.upper === 'TOP' || (previous?.text === '(' && tokens[index - 2]?.upper === 'TOP')) return 'Int';
  if (previous?.upper === 'OFFSET' || ((previous?.upper === 'NEXT' || previous?.upper === 'FIRST') && /^ROWS?$/.test(next?.upper ?? ''))) return 'Int';
  if (next?.upper === 'LIKE' || likeBefore(tokens, index)) return 'NVarChar';
  if (previous && COMPARISONS.has(previous.text) && isDateOperand(nameEndingAt(tokens, index - 2))) return 'DateTime';
  if (next && COMPARISONS.has(next.text) && isDateOperand(nameStartingAt(tokens, index + 2))) return 'DateTime';
  // `col BETWEEN @from AND @to`
  if (previous?.upper === 'BETWEEN' && isDateOperand(nameEndingAt(tokens, index - 2))) return 'DateTime';
  if (previous?.upper === 'AND' && tokens[index - 3]?.upper === 'BETWEEN' && isDateOperand(nameEndingAt(tokens, index - 4))) return 'DateTime';
  return undefined;
}

// `LIKE @p`, `LIKE '%' + @p + '%'`, `LIKE CONCAT('%', @p)`: walks back over the pattern expression to LIKE.
function likeBefore(tokens: readonly TsqlToken[], index: number): boolean {
  for (let j = index - 1; j >= 0 && j >= index - 8; j--) {
    const token = tokens[j];
    if (token.upper === 'LIKE') return true;
    if (!(token.kind === 'string' || ['+', '(', ','].includes(token.text) || token.upper === 'CONCAT')) return false;
  }
  return false;
}

function isDateOperand(name: string | undefined): boolean {
  return name !== undefined && (DATE_COLUMN.test(name) || DATE_FUNCTIONS.has(name.toUpperCase()));
}

// The column a comparison's left side ends with: `p.DOB` → DOB, `[Date of Birth]` → Date of Birth.
function nameEndingAt(tokens: readonly TsqlToken[], index: number): string | undefined {
  const token = tokens[index];
  return token && (token.kind === 'word' || token.kind === 'quotedName') ? unquotedName(token) : undefined;
}

// The column (or function) a comparison's right side starts with, following `alias.column` to its last part.
function nameStartingAt(tokens: readonly TsqlToken[], index: number): string | undefined {
  let j = index;
  while (tokens[j + 1]?.text === '.' && tokens[j + 2]) j += 2;
  return nameEndingAt(tokens, j);
}
