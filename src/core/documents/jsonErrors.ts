const JSON_NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

/**
 * Where JSON text first goes wrong, and why, in words an editor can show; undefined for valid JSON. JSON.parse's
 * messages differ between Node versions and do not always carry a position, so this reads the text itself.
 */
export function locateJsonError(text: string): { offset: number; message: string } | undefined {
  let i = 0;
  const fail: (message: string, at?: number) => never = (message, at = i) => {
    throw new JsonSyntaxError(at, message);
  };
  const skipWhitespace = (): void => {
    while (i < text.length && ' \t\r\n'.includes(text[i])) i++;
  };
  const expectValue = (): void => {
    skipWhitespace();
    const c = text[i];
    if (c === undefined) fail('Unexpected end of JSON: a value is missing.');
    if (c === '{') return readContainer('}');
    if (c === '[') return readContainer(']');
    if (c === '"') return readString();
    if (c === '-' || (c >= '0' && c <= '9')) return readNumber();
    const literal = /^(true|false|null)/.exec(text.slice(i, i + 5));
    if (literal) {
      i += literal[0].length;
      return;
    }
    fail(`Unexpected ${describe(c)}: expected a JSON value.`);
  };
  const readContainer = (close: '}' | ']'): void => {
    const isObject = close === '}';
    i++;
    skipWhitespace();
    if (text[i] === close) {
      i++;
      return;
    }
    let comma = -1;
    for (;;) {
      if (isObject) {
        skipWhitespace();
        if (text[i] === '}' && comma >= 0) fail('Trailing comma before }.', comma);
        if (text[i] !== '"') fail('Expected a property name in double quotes.');
        readString();
        skipWhitespace();
        if (text[i] !== ':') fail("Expected ':' after the property name.");
        i++;
      }
      expectValue();
      skipWhitespace();
      if (text[i] === close) {
        i++;
        return;
      }
      if (text[i] !== ',') fail(text[i] === undefined ? `Unexpected end of JSON: expected ${close}.` : `Expected ',' or '${close}' after a value.`);
      comma = i++;
      if (!isObject) {
        skipWhitespace();
        if (text[i] === ']') fail('Trailing comma before ].', comma);
      }
    }
  };
  const readString = (): void => {
    const open = i;
    i++;
    while (i < text.length && text[i] !== '"') {
      if (text[i] === '\n') break;
      if (text.charCodeAt(i) < 0x20) fail('Control characters must be escaped in JSON strings.');
      if (text[i] === '\\') {
        const escape = text[i + 1];
        if (escape === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) fail('Expected four hex digits after \\u.');
          i += 6;
          continue;
        }
        if (escape === undefined || !'"\\/bfnrt'.includes(escape)) fail('Invalid escape in a JSON string.');
        i += 2;
        continue;
      }
      i++;
    }
    if (text[i] !== '"') fail('Unterminated string.', open);
    i++;
  };
  const readNumber = (): void => {
    JSON_NUMBER.lastIndex = i;
    const match = JSON_NUMBER.exec(text) ?? fail('Invalid number.');
    i += match[0].length;
  };
  try {
    expectValue();
    skipWhitespace();
    if (i < text.length) fail(`Unexpected ${describe(text[i])} after the JSON value.`);
    return undefined;
  } catch (error) {
    if (error instanceof JsonSyntaxError) return { offset: error.offset, message: error.message };
    throw error;
  }
}

class JsonSyntaxError extends Error {
  constructor(readonly offset: number, message: string) {
    super(message);
  }
}

function describe(c: string): string {
  return c === '\n' || c === '\r' ? 'line break' : `'${c}'`;
}
