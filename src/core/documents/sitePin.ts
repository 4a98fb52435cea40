import type { TextRange } from './textRange';

export type DocumentLanguage = 'sql' | 'fhir';

/** A document's choice of site, written on its first line. */
export interface SitePin {
  /** A site's name or GUID, as written. */
  value: string;
  /** The whole pin comment on the first line, for a CodeLens or a decoration. */
  range: TextRange;
  /** Just the value. */
  valueRange: TextRange;
}

const PIN_PATTERNS: Readonly<Record<DocumentLanguage, RegExp>> = {
  sql: /^(\s*--\s*@site[ \t]+)(\S(?:.*\S)?)\s*$/,
  fhir: /^(\s*#\s*@site[ \t]+)(\S(?:.*\S)?)\s*$/,
};
const COMMENT_START: Readonly<Record<DocumentLanguage, string>> = { sql: '--', fhir: '#' };

/** `-- @site <name or GUID>` (SQL) or `# @site …` (FHIR) on the first line; undefined when the line holds no pin. */
export function readSitePin(text: string, language: DocumentLanguage): SitePin | undefined {
  const firstLine = text.slice(0, firstLineEnd(text));
  const match = PIN_PATTERNS[language].exec(firstLine);
  if (!match) return undefined;
  const valueStart = match[1].length;
  const valueEnd = valueStart + match[2].length;
  const position = (offset: number) => ({ offset, line: 0, character: offset });
  const lineStart = firstLine.length - firstLine.trimStart().length;
  return {
    value: match[2],
    range: { start: position(lineStart), end: position(valueEnd) },
    valueRange: { start: position(valueStart), end: position(valueEnd) },
  };
}

/**
 * The text with its pin set to `value`: the first line is replaced when it already holds a pin, else a pin line is
 * inserted above it, with the document's own line break. `undefined` removes the pin line.
 */
export function withSitePin(text: string, language: DocumentLanguage, value: string | undefined): string {
  const existing = readSitePin(text, language) !== undefined;
  const lineEnd = firstLineEnd(text);
  if (value === undefined) {
    if (!existing) return text;
    const breakLength = text.startsWith('\r\n', lineEnd) ? 2 : text.startsWith('\n', lineEnd) ? 1 : 0;
    return text.slice(lineEnd + breakLength);
  }
  const trimmed = value.trim();
  if (trimmed === '' || /[\r\n]/.test(trimmed)) throw new RangeError('A site pin is one non-empty line.');
  const pin = `${COMMENT_START[language]} @site ${trimmed}`;
  if (existing) return pin + text.slice(lineEnd);
  return `${pin}${text.includes('\r\n') ? '\r\n' : '\n'}${text}`;
}

function firstLineEnd(text: string): number {
  const newline = text.indexOf('\n');
  if (newline < 0) return text.length;
  return newline > 0 && text[newline - 1] === '\r' ? newline - 1 : newline;
}
