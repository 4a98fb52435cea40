/** A literal FHIR reference taken apart. */
export interface ParsedReference {
  type: string;
  id: string;
  /** From `…/_history/{version}`. */
  version?: string;
  /** The server base of an absolute reference (`https://au-api.halaxy.com/main`); absent for a relative one. */
  baseUrl?: string;
}

const TYPE_ID_VERSION = '([A-Z][A-Za-z]+)/([A-Za-z0-9\\-.]{1,64})(?:/_history/([A-Za-z0-9\\-.]{1,64}))?';
const RELATIVE = new RegExp(`^${TYPE_ID_VERSION}$`);
// The base is the shortest prefix that leaves `Type/id`: the engine tries shorter bases first.
const ABSOLUTE = new RegExp(`^(https?://[^/?#]+(?:/[^?#]*?)?)/${TYPE_ID_VERSION}$`);

/**
 * `Patient/123`, `Patient/123/_history/2` or `https://au-api.halaxy.com/main/Patient/123` as type, id, version and
 * base; undefined for anything else (contained `#…` and `urn:uuid:` references, identifiers, malformed text), since
 * those name nothing a client can fetch.
 */
export function parseReference(reference: string): ParsedReference | undefined {
  const relative = RELATIVE.exec(reference);
  if (relative) {
    return parsed(relative[1], relative[2], relative[3]);
  }
  const absolute = ABSOLUTE.exec(reference);
  if (absolute) {
    return parsed(absolute[2], absolute[3], absolute[4], absolute[1]);
  }
  return undefined;
}

function parsed(type: string, id: string, version: string | undefined, baseUrl?: string): ParsedReference {
  return { type, id, ...(version === undefined ? {} : { version }), ...(baseUrl === undefined ? {} : { baseUrl }) };
}
