/**
 * JSON.parse turns `1.0` into `1`, but a FHIR decimal's precision is part of its value (`1.0` means 0.95 to 1.05, which
 * `lowBoundary()` and `highBoundary()` report). This parser keeps the text of every number whose JavaScript value
 * would print differently, beside the object or array that holds it, and otherwise returns what JSON.parse returns.
 */
const lexemes = new WeakMap<object, Map<string, string | (string | undefined)[]>>();

/** JSON text to plain values, remembering decimal lexemes for {@link decimalLexeme}. Throws SyntaxError like JSON.parse. */
export function parseFhirJson(text: string): unknown {
  const parser = new LosslessParser(text);
  const value = parser.value(undefined, undefined);
  parser.skipSpace();
  if (parser.position < text.length) {
    throw parser.error('unexpected text after the JSON value');
  }
  return value;
}

/**
 * The text a number had in parsed JSON, when it differs from the number's own printing (`1.0`, `15.080`). `holder`
 * is the object holding the element `key`; `index` picks an item of a repeating element.
 */
export function decimalLexeme(holder: unknown, key: string, index?: number): string | undefined {
  if (typeof holder !== 'object' || holder === null) {
    return undefined;
  }
  const entry = lexemes.get(holder)?.get(key);
  return Array.isArray(entry) ? (index === undefined ? undefined : entry[index]) : entry;
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const SPACE = /[ \t\n\r]*/y;

class LosslessParser {
  position = 0;

  constructor(private readonly text: string) {}

  error(message: string): SyntaxError {
    return new SyntaxError(`${message} at position ${this.position}`);
  }

  skipSpace(): void {
    SPACE.lastIndex = this.position;
    SPACE.exec(this.text);
    this.position = SPACE.lastIndex;
  }

  /** One value; `holder` and `key` say where it goes, so a number's lexeme can be remembered there. */
  value(holder: object | undefined, key: string | undefined, index?: number): unknown {
    this.skipSpace();
    const char = this.text[this.position];
    if (char === '{') {
      return this.object();
    }
    if (char === '[') {
      // FHIR has no arrays of arrays: only an element's own array records lexemes.
      return index === undefined ? this.array(holder, key) : this.array(undefined, undefined);
    }
    if (char === '"') {
      return this.string();
    }
    if (char === '-' || (char >= '0' && char <= '9')) {
      return this.number(holder, key, index);
    }
    for (const [word, literal] of [['true', true], ['false', false], ['null', null]] as const) {
      if (this.text.startsWith(word, this.position)) {
        this.position += word.length;
        return literal;
      }
    }
    throw this.error(char === undefined ? 'unexpected end of JSON' : `unexpected ${JSON.stringify(char)}`);
  }

  private object(): Record<string, unknown> {
    const result: Record<string, unknown> = {};
    this.position++;
    this.skipSpace();
    if (this.text[this.position] === '}') {
      this.position++;
      return result;
    }
    for (;;) {
      this.skipSpace();
      if (this.text[this.position] !== '"') {
        throw this.error('expected a property name');
      }
      const key = this.string();
      this.skipSpace();
      if (this.text[this.position] !== ':') {
        throw this.error('expected ":"');
      }
      this.position++;
      // Plain assignment would let a "__proto__" key replace the object's prototype; JSON.parse defines it as data.
      Object.defineProperty(result, key, { value: this.value(result, key), enumerable: true, writable: true, configurable: true });
      if (this.endOf('}')) {
        return result;
      }
    }
  }

  private array(holder: object | undefined, key: string | undefined): unknown[] {
    const result: unknown[] = [];
    this.position++;
    this.skipSpace();
    if (this.text[this.position] === ']') {
      this.position++;
      return result;
    }
    for (;;) {
      result.push(this.value(holder, key, result.length));
      if (this.endOf(']')) {
        return result;
      }
    }
  }

  /** After an item: true at the closing bracket, false after a comma. */
  private endOf(close: string): boolean {
    this.skipSpace();
    const char = this.text[this.position++];
    if (char === close) {
      return true;
    }
    if (char !== ',') {
      this.position--;
      throw this.error(`expected "," or "${close}"`);
    }
    return false;
  }

  private string(): string {
    const start = this.position;
    let end = start + 1;
    for (;;) {
      const quote = this.text.indexOf('"', end);
      if (quote < 0) {
        throw this.error('unterminated string');
      }
      let backslashes = 0;
      while (this.text[quote - 1 - backslashes] === '\\') {
        backslashes++;
      }
      end = quote + 1;
      if (backslashes % 2 === 0) {
        break;
      }
    }
    this.position = end;
    return JSON.parse(this.text.slice(start, end)) as string;
  }

  private number(holder: object | undefined, key: string | undefined, index: number | undefined): number {
    NUMBER.lastIndex = this.position;
    const match = NUMBER.exec(this.text);
    if (match === null) {
      throw this.error('malformed number');
    }
    this.position = NUMBER.lastIndex;
    const lexeme = match[0];
    const value = Number(lexeme);
    if (holder !== undefined && key !== undefined && String(value) !== lexeme) {
      remember(holder, key, index, lexeme);
    }
    return value;
  }
}

function remember(holder: object, key: string, index: number | undefined, lexeme: string): void {
  let byKey = lexemes.get(holder);
  if (byKey === undefined) {
    byKey = new Map();
    lexemes.set(holder, byKey);
  }
  if (index === undefined) {
    byKey.set(key, lexeme);
    return;
  }
  const existing = byKey.get(key);
  const items = Array.isArray(existing) ? existing : [];
  items[index] = lexeme;
  byKey.set(key, items);
}
