import { SqlExecutionError } from './types';

/**
 * The code of the Sandbox's own refusals (MERGE, PIVOT, temporary tables…), where SQL Server has no error of its
 * own: 50000 is what a server-side RAISERROR with a message reports.
 */
export const SANDBOX_REFUSAL_CODE = 50000;

/**
 * A small T-SQL tokenizer for what node-sql-parser cannot take: EXEC calls with positional and OUTPUT arguments,
 * TRY_CAST, MERGE and the like. It knows strings, [brackets], comments and variables, so a keyword inside a string
 * or a name never counts.
 */

export type TokenKind = 'word' | 'quoted' | 'string' | 'number' | 'variable' | 'temp' | 'punct';

export interface Token {
  kind: TokenKind;
  /** The token as written. */
  text: string;
  /** Strings and quoted names unescaped; words upper-cased; others as written. */
  value: string;
  start: number;
  end: number;
}

export function tokenize(sql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const push = (kind: TokenKind, start: number, end: number, value?: string): void => {
    const text = sql.slice(start, end);
    tokens.push({ kind, text, value: value ?? (kind === 'word' ? text.toUpperCase() : text), start, end });
  };
  const closeDelimited = (start: number, open: number, close: string): number => {
    let j = open;
    for (;;) {
      const k = sql.indexOf(close, j);
      if (k < 0) {
        if (close === "'") {
          throw new SqlExecutionError(105, `Unclosed quotation mark after the character string '${sql.slice(open)}'.`);
        }
        throw new SqlExecutionError(102, `Incorrect syntax near '${sql.slice(start)}'.`);
      }
      if (sql[k + 1] === close) { j = k + 2; continue; }
      return k + 1;
    }
  };
  while (i < sql.length) {
    const c = sql[i];
    const next = sql[i + 1];
    if (/\s/.test(c)) { i++; continue; }
    if (c === '-' && next === '-') { const k = sql.indexOf('\n', i); i = k < 0 ? sql.length : k + 1; continue; }
    if (c === '/' && next === '*') { const k = sql.indexOf('*/', i + 2); i = k < 0 ? sql.length : k + 2; continue; }
    const start = i;
    if (c === "'" || ((c === 'N' || c === 'n') && next === "'")) {
      const open = c === "'" ? i + 1 : i + 2;
      const end = closeDelimited(start, open, "'");
      push('string', start, end, sql.slice(open, end - 1).replace(/''/g, "'"));
      i = end;
    } else if (c === '[') {
      const end = closeDelimited(start, i + 1, ']');
      push('quoted', start, end, sql.slice(i + 1, end - 1).replace(/]]/g, ']'));
      i = end;
    } else if (c === '"') {
      const end = closeDelimited(start, i + 1, '"');
      push('quoted', start, end, sql.slice(i + 1, end - 1).replace(/""/g, '"'));
      i = end;
    } else if (c === '@' || c === '#') {
      let j = i + 1;
      while (j < sql.length && /[\w@#$]/.test(sql[j])) j++;
      push(c === '@' ? 'variable' : 'temp', start, j);
      i = j;
    } else if (/\d/.test(c) || (c === '.' && /\d/.test(next ?? ''))) {
      const m = /^(0x[0-9a-f]*|\d*\.?\d*(e[+-]?\d+)?)/i.exec(sql.slice(i)) as RegExpExecArray;
      i += m[0].length;
      push('number', start, i);
    } else if (/[\p{L}_]/u.test(c)) {
      let j = i + 1;
      while (j < sql.length && /[\p{L}\p{N}_$#@]/u.test(sql[j])) j++;
      push('word', start, j);
      i = j;
    } else {
      const two = sql.slice(i, i + 2);
      const len = ['<=', '>=', '<>', '!=', '!<', '!>'].includes(two) ? 2 : 1;
      push('punct', start, i + len);
      i += len;
    }
  }
  return tokens;
}

/** One argument of an EXEC call, as written. */
export interface ExecArgument {
  /** Parameter name with `@` when the call names it (`@a = 1`), else undefined (positional). */
  name?: string;
  /** A literal (null for NULL) or, when `variable` is set, the variable it reads. */
  value: string | number | null;
  variable?: string;
  output: boolean;
}

export interface ExecCall {
  /** The procedure's name without catalogue, owner or brackets. */
  procedure: string;
  /** The name as written, for error messages. */
  written: string;
  args: ExecArgument[];
  /** `EXEC @rc = BP_X`: the variable that receives the return value. */
  returnVariable?: string;
}

const syntaxError = (token: Token | undefined, sql: string): SqlExecutionError =>
  new SqlExecutionError(102, `Incorrect syntax near '${token ? token.text : sql.trim().split(/\s+/).pop() ?? ''}'.`);

/**
 * Reads a batch that is one `EXEC[UTE] proc args` statement; returns undefined for anything else, which then goes
 * through the SQL translator (where an EXEC inside a larger batch is refused with a message that says so).
 */
export function parseExecCall(sql: string, tokens: readonly Token[] = tokenize(sql)): ExecCall | undefined {
  const body = tokens.length > 0 && tokens[tokens.length - 1].text === ';' ? tokens.slice(0, -1) : tokens;
  if (body.length === 0 || (body[0].value !== 'EXEC' && body[0].value !== 'EXECUTE')) return undefined;
  let i = 1;
  let returnVariable: string | undefined;
  if (body[i]?.kind === 'variable' && body[i + 1]?.text === '=') {
    returnVariable = body[i].text;
    i += 2;
  }
  const nameParts: Token[] = [];
  while (body[i] && (body[i].kind === 'word' || body[i].kind === 'quoted')) {
    nameParts.push(body[i]);
    i++;
    if (body[i]?.text !== '.') break;
    i++;
  }
  if (nameParts.length === 0) {
    if (body[i]?.text === '(') throw new SqlExecutionError(2812, 'The Sandbox cannot run dynamic SQL (EXEC of a string).');
    throw syntaxError(body[i], sql);
  }
  const args: ExecArgument[] = [];
  while (i < body.length) {
    let name: string | undefined;
    if (body[i].kind === 'variable' && body[i + 1]?.text === '=') {
      name = body[i].text;
      i += 2;
    }
    let negative = false;
    if (body[i]?.text === '-' || body[i]?.text === '+') {
      negative = body[i].text === '-';
      i++;
    }
    const token = body[i];
    if (!token) throw syntaxError(body[i - 1], sql);
    const arg: ExecArgument = { name, value: null, output: false };
    if (token.kind === 'string') arg.value = token.value;
    else if (token.kind === 'number') arg.value = negative ? -Number(token.text) : Number(token.text);
    else if (token.kind === 'variable') arg.variable = token.text;
    else if (token.kind === 'word' && token.value === 'NULL') arg.value = null;
    else if (token.kind === 'word' && token.value !== 'DEFAULT') arg.value = token.text;
    else throw syntaxError(token, sql);
    i++;
    if (body[i]?.kind === 'word' && (body[i].value === 'OUTPUT' || body[i].value === 'OUT')) {
      arg.output = true;
      i++;
    }
    args.push(arg);
    if (i < body.length) {
      if (body[i].text !== ',') throw syntaxError(body[i], sql);
      i++;
    }
  }
  const last = nameParts[nameParts.length - 1];
  return {
    procedure: last.kind === 'quoted' ? last.value : last.text,
    written: sql.slice(nameParts[0].start, last.end),
    args,
    returnVariable,
  };
}

// Statement-level constructs node-sql-parser cannot parse, named the way the Sandbox refuses them.
const REFUSED_FIRST_WORDS: Readonly<Record<string, string>> = {
  MERGE: 'The Sandbox cannot run MERGE statements.',
  WHILE: 'The Sandbox cannot run WHILE loops.',
  BEGIN: 'The Sandbox cannot run BEGIN … END blocks or explicit transactions.',
  COMMIT: 'The Sandbox cannot run explicit transactions (COMMIT).',
  ROLLBACK: 'The Sandbox cannot run explicit transactions (ROLLBACK).',
  USE: 'The Sandbox cannot switch databases with USE: choose the catalogue on the request instead.',
  DBCC: 'The Sandbox cannot run DBCC commands.',
  RAISERROR: 'The Sandbox cannot run RAISERROR.',
  THROW: 'The Sandbox cannot run THROW.',
  PRINT: 'The Sandbox cannot run PRINT.',
  WAITFOR: 'The Sandbox cannot run WAITFOR.',
};

const REFUSED_ANYWHERE: Readonly<Record<string, string>> = {
  PIVOT: "'PIVOT' is not supported by the Sandbox.",
  UNPIVOT: "'UNPIVOT' is not supported by the Sandbox.",
  APPLY: "'CROSS APPLY' and 'OUTER APPLY' are not supported by the Sandbox.",
  OPENQUERY: "'OPENQUERY' is not supported by the Sandbox.",
  OPENROWSET: "'OPENROWSET' is not supported by the Sandbox.",
  CURSOR: 'The Sandbox cannot run cursors.',
};

// Session options integrators put in front of queries; they change nothing the Sandbox shows, so they are dropped.
const IGNORED_SET_OPTIONS = new Set(['NOCOUNT', 'ANSI_NULLS', 'ANSI_WARNINGS', 'QUOTED_IDENTIFIER', 'ARITHABORT', 'XACT_ABORT', 'ANSI_PADDING', 'CONCAT_NULL_YIELDS_NULL']);

/**
 * The token-level pre-pass before parsing: refuses what the parser would misread or reject with a message that names
 * the construct, drops harmless SET options and empty statements, and marks TRY_CAST so the AST can carry it
 * (`TRY_CAST(x AS int)` becomes `tsql_try_cast_marker(CAST(x AS int))`).
 */
export function preparseBatch(sql: string, tokens: readonly Token[] = tokenize(sql)): string {
  const edits: { start: number; end: number; text: string }[] = [];
  let statementStart = true;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t.text === ';') {
      if (statementStart) edits.push({ start: t.start, end: t.end, text: ' ' });
      statementStart = true;
      continue;
    }
    if (statementStart && t.kind === 'word' && REFUSED_FIRST_WORDS[t.value]) throw new SqlExecutionError(SANDBOX_REFUSAL_CODE, REFUSED_FIRST_WORDS[t.value]);
    statementStart = false;
    if (t.kind === 'temp') throw new SqlExecutionError(SANDBOX_REFUSAL_CODE, `Temporary tables ('${t.text}') are not supported by the Sandbox.`);
    if (t.kind === 'variable' && t.text.startsWith('@@')) throw new SqlExecutionError(SANDBOX_REFUSAL_CODE, `'${t.text}' is not supported by the Sandbox.`);
    if (t.kind !== 'word') continue;
    if (REFUSED_ANYWHERE[t.value]) throw new SqlExecutionError(SANDBOX_REFUSAL_CODE, REFUSED_ANYWHERE[t.value]);
    const next = tokens[i + 1];
    if (t.value === 'FOR' && next?.kind === 'word' && (next.value === 'XML' || next.value === 'JSON' || next.value === 'BROWSE')) {
      throw new SqlExecutionError(SANDBOX_REFUSAL_CODE, `'FOR ${next.value}' is not supported by the Sandbox.`);
    }
    if (t.value === 'WITH' && next?.value === 'TIES') throw new SqlExecutionError(SANDBOX_REFUSAL_CODE, "'TOP … WITH TIES' is not supported by the Sandbox.");
    if (t.value === 'SET' && next?.kind === 'word' && IGNORED_SET_OPTIONS.has(next.value) && tokens[i + 2]?.kind === 'word') {
      const last = tokens[i + 2];
      const semicolon = tokens[i + 3]?.text === ';' ? tokens[i + 3] : undefined;
      edits.push({ start: t.start, end: (semicolon ?? last).end, text: ' ' });
      i += semicolon ? 3 : 2;
      statementStart = true;
      continue;
    }
    if ((t.value === 'TRY_CAST') && next?.text === '(') {
      let depth = 0;
      let close = -1;
      for (let j = i + 1; j < tokens.length; j++) {
        if (tokens[j].text === '(') depth++;
        else if (tokens[j].text === ')' && --depth === 0) { close = j; break; }
      }
      if (close < 0) throw syntaxError(t, sql);
      edits.push({ start: t.start, end: t.end, text: 'tsql_try_cast_marker(CAST' });
      edits.push({ start: tokens[close].end, end: tokens[close].end, text: ')' });
    }
  }
  edits.sort((a, b) => a.start - b.start || a.end - b.end);
  let out = '';
  let at = 0;
  for (const e of edits) {
    out += sql.slice(at, e.start) + e.text;
    at = e.end;
  }
  return out + sql.slice(at);
}
