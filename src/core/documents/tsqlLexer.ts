/**
 * The T-SQL lexer behind statement splitting, parameter discovery and read/write classification. It knows what can
 * hide a keyword from SQL Server — strings (`'it''s'`, `N'…'`), `[bracketed]` and `"quoted"` names, `--` comments and
 * nested `/* … *\/` comments — so a `;`, `GO`, `@name` or `DELETE` inside one of them never counts.
 * Unclosed strings, names and comments run to the end of the text, as SQL Server reads them.
 */

export type TsqlTokenKind =
  | 'word'
  | 'quotedName'
  | 'string'
  | 'number'
  | 'variable'
  | 'systemVariable'
  | 'tempName'
  | 'punctuation'
  | 'comment';

export interface TsqlToken {
  kind: TsqlTokenKind;
  /** The token as written. */
  text: string;
  /** Words upper-cased, for keyword tests; other tokens as written. */
  upper: string;
  start: number;
  end: number;
}

const TWO_CHARACTER_OPERATORS = new Set(['<=', '>=', '<>', '!=', '!<', '!>', '+=', '-=', '*=', '/=', '%=', '&=', '|=', '^=', '::']);
const NAME_CHARACTER = /[\p{L}\p{N}_@#$]/u;
const WORD_START = /[\p{L}_]/u;
const NUMBER = /0x[0-9a-f]*|\d*\.?\d*(?:e[+-]?\d+)?/iy;

export function lexTsql(text: string): TsqlToken[] {
  const tokens: TsqlToken[] = [];
  let i = 0;
  const push = (kind: TsqlTokenKind, start: number, end: number): void => {
    const written = text.slice(start, end);
    tokens.push({ kind, text: written, upper: kind === 'word' ? written.toUpperCase() : written, start, end });
  };
  const nameEnd = (from: number): number => {
    let j = from;
    while (j < text.length && NAME_CHARACTER.test(text[j])) j++;
    return j;
  };
  while (i < text.length) {
    const c = text[i];
    const next = text[i + 1];
    const start = i;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '-' && next === '-') {
      const k = text.indexOf('\n', i);
      i = k < 0 ? text.length : text[k - 1] === '\r' ? k - 1 : k;
      push('comment', start, i);
    } else if (c === '/' && next === '*') {
      i = blockCommentEnd(text, i);
      push('comment', start, i);
    } else if (c === "'" || ((c === 'N' || c === 'n') && next === "'")) {
      i = delimitedEnd(text, c === "'" ? i + 1 : i + 2, "'");
      push('string', start, i);
    } else if (c === '[') {
      i = delimitedEnd(text, i + 1, ']');
      push('quotedName', start, i);
    } else if (c === '"') {
      i = delimitedEnd(text, i + 1, '"');
      push('quotedName', start, i);
    } else if (c === '@') {
      i = nameEnd(i + 1);
      push(next === '@' ? 'systemVariable' : 'variable', start, i);
    } else if (c === '#') {
      i = nameEnd(i + 1);
      push('tempName', start, i);
    } else if (/\d/.test(c) || (c === '.' && /\d/.test(next ?? ''))) {
      NUMBER.lastIndex = i;
      i += (NUMBER.exec(text) as RegExpExecArray)[0].length;
      push('number', start, i);
    } else if (WORD_START.test(c)) {
      i = nameEnd(i + 1);
      push('word', start, i);
    } else {
      i += TWO_CHARACTER_OPERATORS.has(text.slice(i, i + 2)) ? 2 : 1;
      push('punctuation', start, i);
    }
  }
  return tokens;
}

// T-SQL block comments nest: `/* a /* b */ still a comment */`.
function blockCommentEnd(text: string, open: number): number {
  let depth = 0;
  let i = open;
  while (i < text.length) {
    if (text[i] === '/' && text[i + 1] === '*') {
      depth++;
      i += 2;
    } else if (text[i] === '*' && text[i + 1] === '/') {
      depth--;
      i += 2;
      if (depth === 0) return i;
    } else {
      i++;
    }
  }
  return text.length;
}

// A doubled closing character stands for itself: 'it''s', [a]]b], "a""b".
function delimitedEnd(text: string, from: number, close: string): number {
  let i = from;
  for (;;) {
    const k = text.indexOf(close, i);
    if (k < 0) return text.length;
    if (text[k + 1] === close) {
      i = k + 2;
      continue;
    }
    return k + 1;
  }
}

/** The value of a bracketed or double-quoted name without its delimiters (`[a]]b]` → `a]b`); other tokens as written. */
export function unquotedName(token: TsqlToken): string {
  if (token.kind !== 'quotedName') return token.text;
  const close = token.text[0] === '[' ? ']' : '"';
  const inner = token.text.endsWith(close) && token.text.length > 1 ? token.text.slice(1, -1) : token.text.slice(1);
  return inner.split(close + close).join(close);
}
