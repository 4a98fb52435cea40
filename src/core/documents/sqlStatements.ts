import { lexTsql } from './tsqlLexer';
import type { TsqlToken } from './tsqlLexer';
import { LineIndex } from './textRange';
import type { TextRange } from './textRange';

/** One statement of a T-SQL document. */
export interface SqlStatement {
  /** As written: from its first token that is not a comment through its `;`, when it has one. */
  text: string;
  range: TextRange;
  /** Zero-based index of the batch it belongs to; lines holding only `GO` separate batches. */
  batch: number;
}

// BEGIN opens a block that END closes, except where it starts a transaction or a Service Broker conversation.
const NOT_A_BLOCK_AFTER_BEGIN = new Set(['TRAN', 'TRANSACTION', 'DISTRIBUTED', 'DIALOG', 'CONVERSATION']);

/**
 * Splits a T-SQL document on `;` and on lines holding only `GO` (any case, optionally followed by a `--` comment),
 * never inside strings, quoted names or comments, nor inside `BEGIN … END` blocks, whose inner `;`s belong to the
 * block. Statements made only of comments are dropped. T-SQL does not require `;`, so statements written one after
 * another without one come back as one statement — which SQL Server runs as one batch all the same.
 */
export function splitSqlStatements(text: string): SqlStatement[] {
  const lines = new LineIndex(text);
  const tokens = lexTsql(text);
  const statements: SqlStatement[] = [];
  let current: TsqlToken[] = [];
  let batch = 0;
  let depth = 0;
  const flush = (terminator?: TsqlToken): void => {
    const code = current.filter((token) => token.kind !== 'comment');
    if (code.length > 0) {
      const start = code[0].start;
      const end = terminator ? terminator.end : code[code.length - 1].end;
      statements.push({ text: text.slice(start, end), range: lines.rangeOf(start, end), batch });
    }
    current = [];
  };
  tokens.forEach((token, index) => {
    if (token.kind === 'word' && token.upper === 'GO' && isAloneOnLine(text, token)) {
      flush();
      batch++;
      depth = 0;
      return;
    }
    if (token.kind === 'punctuation' && token.text === ';' && depth === 0) {
      flush(token);
      return;
    }
    if (token.kind === 'word') {
      if (token.upper === 'CASE' || (token.upper === 'BEGIN' && !NOT_A_BLOCK_AFTER_BEGIN.has(nextCodeToken(tokens, index)?.upper ?? ''))) depth++;
      else if (token.upper === 'END' && depth > 0) depth--;
    }
    current.push(token);
  });
  flush();
  return statements;
}

/**
 * The statement under the cursor: the one whose range holds the offset (its ends included); else, on the cursor's
 * line, the statement that ends before it or else the one that starts after it; else the nearest statement before
 * the cursor (a blank line or a `GO` between statements belongs to the one above); undefined before the first.
 */
export function statementAt(text: string, offset: number): SqlStatement | undefined {
  const statements = splitSqlStatements(text);
  const containing = statements.find((s) => s.range.start.offset <= offset && offset <= s.range.end.offset);
  if (containing) return containing;
  const line = new LineIndex(text).positionAt(offset).line;
  const before = statements.filter((s) => s.range.end.offset < offset).pop();
  if (before?.range.end.line === line) return before;
  const after = statements.find((s) => s.range.start.offset > offset);
  return after?.range.start.line === line ? after : before;
}

function nextCodeToken(tokens: readonly TsqlToken[], index: number): TsqlToken | undefined {
  for (let i = index + 1; i < tokens.length; i++) if (tokens[i].kind !== 'comment') return tokens[i];
  return undefined;
}

function isAloneOnLine(text: string, token: TsqlToken): boolean {
  const lineStart = text.lastIndexOf('\n', token.start - 1) + 1;
  const newline = text.indexOf('\n', token.end);
  const lineEnd = newline < 0 ? text.length : newline;
  return text.slice(lineStart, token.start).trim() === '' && /^\s*(?:--[^\n]*)?$/.test(text.slice(token.end, lineEnd));
}
