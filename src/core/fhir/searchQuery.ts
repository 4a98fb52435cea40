/** One search parameter value; numbers and booleans are written as FHIR writes them (`_count=50`, `active=true`). */
export type SearchValue = string | number | boolean;

/**
 * Search parameters: a record (an array value repeats the parameter, which FHIR reads as AND, e.g. two `date` bounds;
 * OR is a comma inside one value), or name/value pairs in order (a `URLSearchParams` will do).
 */
export type SearchParams = Readonly<Record<string, SearchValue | readonly SearchValue[] | undefined>> | Iterable<readonly [string, string]>;

/**
 * The query string (no leading `?`) for FHIR search parameters. Every value is percent-encoded, so `+` travels as
 * `%2B` (a bare `+` reads as a space to most servers, which would turn `+10:00` into a different instant) and a space
 * as `%20`; `,` `:` `/` `|` stay readable, as FHIR values use them constantly and URL parsers leave them alone.
 */
export function searchQuery(params: SearchParams): string {
  return searchPairs(params)
    .map(([name, value]) => `${encodeSearchText(name)}=${encodeSearchText(value)}`)
    .join('&');
}

function searchPairs(params: SearchParams): (readonly [string, string])[] {
  if (isPairs(params)) {
    return [...params];
  }
  const pairs: [string, string][] = [];
  for (const [name, value] of Object.entries(params)) {
    if (value === undefined) {
      continue;
    }
    for (const item of isValueList(value) ? value : [value]) {
      pairs.push([name, String(item)]);
    }
  }
  return pairs;
}

function isPairs(params: SearchParams): params is Iterable<readonly [string, string]> {
  return typeof (params as Partial<Iterable<unknown>>)[Symbol.iterator] === 'function';
}

function isValueList(value: SearchValue | readonly SearchValue[]): value is readonly SearchValue[] {
  return Array.isArray(value);
}

function encodeSearchText(text: string): string {
  return encodeURIComponent(text).replace(/%2C/gi, ',').replace(/%3A/gi, ':').replace(/%2F/gi, '/').replace(/%7C/gi, '|');
}
