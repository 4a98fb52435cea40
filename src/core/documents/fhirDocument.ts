import { locateJsonError } from './jsonErrors';
import { readSitePin } from './sitePin';
import type { SitePin } from './sitePin';
import { LineIndex } from './textRange';
import type { DocumentDiagnostic, TextRange } from './textRange';

export type FhirMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export type FhirRequestBody =
  /** `text` is the body as written (variables substituted), to send without re-serialising its numbers. */
  | { kind: 'json'; value: unknown; text: string }
  | { kind: 'form'; params: URLSearchParams }
  | { kind: 'text'; text: string };

/** One request of a `.fhir` document, variables substituted. */
export interface FhirRequest {
  /** From the request line to the request's last non-blank line: a CodeLens sits on `range.start.line`. */
  range: TextRange;
  /** The section between `###` separators that holds the request, its separator line included. */
  block: TextRange;
  /** The text after `###` on the separator line above, if any. */
  name?: string;
  method: FhirMethod;
  /** Relative to the FHIR base, without a leading `/` and without the query. */
  path: string;
  query: URLSearchParams;
  headers: Record<string, string>;
  body?: FhirRequestBody;
  /** Problems of this request; one with severity `error` means it cannot be sent as meant. */
  diagnostics: DocumentDiagnostic[];
}

export interface FhirVariable {
  name: string;
  /** With its own `{{references}}` substituted. */
  value: string;
  range: TextRange;
}

export interface FhirDocument {
  sitePin?: SitePin;
  variables: FhirVariable[];
  requests: FhirRequest[];
  /** Problems outside any request: variable definitions. */
  diagnostics: DocumentDiagnostic[];
}

const METHODS: ReadonlySet<string> = new Set<FhirMethod>(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']);
const SEPARATOR = /^\s*###(.*)$/;
const COMMENT = /^\s*#/;
const VARIABLE_DEFINITION = /^(\s*@)([A-Za-z_][\w.-]*)(\s*=\s*)(.*?)\s*$/;
const VARIABLE_NAME = /^[A-Za-z_][\w.-]*$/;
const REFERENCE = /\{\{\s*([^{}]*?)\s*\}\}/g;
const HEADER = /^\s*([!#$%&'*+.^_`|~0-9A-Za-z-]+)\s*:\s*(.*?)\s*$/;
// Operations that only read even when POSTed; `$book` writes whatever the method.
const READ_OPERATIONS = new Set(['$find', '$export-ids']);

interface Line {
  number: number;
  start: number;
  text: string;
}

interface RawRequest {
  name?: string;
  block: TextRange;
  requestLine: Line;
  continuations: Line[];
  headers: Line[];
  body: Line[];
  diagnostics: DocumentDiagnostic[];
}

interface VariableDefinition {
  name: string;
  rawValue: string;
  line: Line;
  valueColumn: number;
}

/** A line after `{{variable}}` substitution, with a way back to document offsets for diagnostics. */
interface SubstitutedLine {
  text: string;
  line: Line;
  /** The document offset of a character of `text`. */
  offsetOf(index: number): number;
}

/**
 * Parses a `.fhir` document: requests separated by lines starting with `###`; `#` comment lines anywhere (the first
 * line may pin a site, `# @site …`); file-level variables `@name = value` before a section's request line, used as
 * `{{name}}` anywhere after substitution (a variable may use others; the last definition of a name wins).
 * A request is `METHOD path[?query]` (a bare path means GET), query continuation lines starting with `?` or `&`,
 * `Name: value` headers, a blank line, and a body: form-encoded lines (joined with `&`) for `POST …/_search` or a
 * form Content-Type, JSON when it starts with `{` or `[` (or the Content-Type says JSON), else text. Query and
 * form values keep a literal `+` (FHIR dates carry `+10:00`); percent-escapes are decoded.
 */
export function parseFhirDocument(text: string): FhirDocument {
  const index = new LineIndex(text);
  const diagnostics: DocumentDiagnostic[] = [];
  const definitions = new Map<string, VariableDefinition>();
  const raws: RawRequest[] = [];
  for (const block of splitBlocks(index)) {
    const raw = readBlock(block, index, diagnostics, (definition) => {
      const earlier = definitions.get(definition.name);
      if (earlier) {
        diagnostics.push(warning(index, definition.line, `Variable '${definition.name}' is also defined on line ${earlier.line.number + 1}; this definition replaces it.`));
      }
      definitions.set(definition.name, definition);
    });
    if (raw) raws.push(raw);
  }
  const variables = resolveVariables(definitions, index, diagnostics);
  return {
    sitePin: readSitePin(text, 'fhir'),
    variables: [...variables.values()].filter((v) => v.resolved).map(({ name, value, range }) => ({ name, value, range })),
    requests: raws.map((raw) => buildRequest(raw, index, variables)),
    diagnostics,
  };
}

/** The request whose section holds `line` (zero-based), if any. */
export function fhirRequestAt(document: FhirDocument, line: number): FhirRequest | undefined {
  return document.requests.find((request) => request.block.start.line <= line && line <= request.block.end.line);
}

/**
 * True when the request may change data: POST, PUT, PATCH and DELETE, except searches (`POST …/_search`) and
 * operations that only read (`$find`, `$export-ids`); `$book` always. GET is false.
 */
export function isWriteRequest(request: Pick<FhirRequest, 'method' | 'path'>): boolean {
  const segments = request.path.split('/');
  const last = segments[segments.length - 1];
  const operation = last.startsWith('$') ? last : undefined;
  if (operation === '$book') return true;
  if (request.method === 'GET') return false;
  if (request.method === 'POST' && (last === '_search' || (operation !== undefined && READ_OPERATIONS.has(operation)))) return false;
  return true;
}

function splitBlocks(index: LineIndex): { name?: string; lines: Line[]; first: number }[] {
  const blocks: { name?: string; lines: Line[]; first: number }[] = [{ lines: [], first: 0 }];
  for (let number = 0; number < index.lineCount; number++) {
    const line = { number, start: index.lineStart(number), text: index.lineText(number) };
    const separator = SEPARATOR.exec(line.text);
    if (separator) blocks.push({ name: separator[1].trim() || undefined, lines: [], first: number });
    else blocks[blocks.length - 1].lines.push(line);
  }
  return blocks;
}

function readBlock(
  block: { name?: string; lines: Line[]; first: number },
  index: LineIndex,
  documentDiagnostics: DocumentDiagnostic[],
  define: (definition: VariableDefinition) => void,
): RawRequest | undefined {
  let raw: RawRequest | undefined;
  let state: 'preamble' | 'continuation' | 'headers' | 'body' = 'preamble';
  for (const line of block.lines) {
    if (COMMENT.test(line.text)) continue;
    const blank = line.text.trim() === '';
    if (state === 'preamble') {
      if (blank) continue;
      const variable = VARIABLE_DEFINITION.exec(line.text);
      if (variable) {
        define({ name: variable[2], rawValue: variable[4], line, valueColumn: variable[1].length + variable[2].length + variable[3].length });
      } else if (line.text.trimStart().startsWith('@')) {
        documentDiagnostics.push(error(index, line, 'Expected a variable definition like @patient = Patient/123.'));
      } else {
        const lastLine = block.lines[block.lines.length - 1].number;
        const blockRange = index.rangeOf(index.lineStart(block.first), index.lineEnd(lastLine));
        raw = { name: block.name, block: blockRange, requestLine: line, continuations: [], headers: [], body: [], diagnostics: [] };
        state = 'continuation';
      }
      continue;
    }
    const request = raw as RawRequest;
    if (state === 'continuation') {
      if (/^\s*[?&]/.test(line.text)) {
        request.continuations.push(line);
        continue;
      }
      state = 'headers';
    }
    if (state === 'headers') {
      if (blank) {
        state = 'body';
      } else if (HEADER.test(line.text)) {
        request.headers.push(line);
      } else {
        request.diagnostics.push(warning(index, line, 'Expected a header (Name: value) or a blank line before the body; the body starts here.'));
        state = 'body';
        request.body.push(line);
      }
      continue;
    }
    request.body.push(line);
  }
  return raw;
}

interface ResolvedVariable {
  name: string;
  value: string;
  range: TextRange;
  resolved: boolean;
  line: number;
}

function resolveVariables(definitions: ReadonlyMap<string, VariableDefinition>, index: LineIndex, diagnostics: DocumentDiagnostic[]): Map<string, ResolvedVariable> {
  const resolved = new Map<string, ResolvedVariable>();
  const resolving: string[] = [];
  const resolve = (name: string): ResolvedVariable | undefined => {
    const definition = definitions.get(name);
    if (!definition) return undefined;
    const done = resolved.get(name);
    if (done) return done;
    resolving.push(name);
    let ok = true;
    const substituted = substitute(definition.line, definition.valueColumn, definition.rawValue.length, index, (reference, range) => {
      if (resolving.includes(reference)) {
        diagnostics.push({ range, severity: 'error', message: `Variable '${name}' refers to itself through ${[...resolving.slice(resolving.indexOf(reference)), reference].join(' → ')}.` });
        ok = false;
        return undefined;
      }
      const target = resolve(reference);
      if (!target) diagnostics.push({ range, severity: 'error', message: `Undefined variable '${reference}'.` });
      ok &&= target?.resolved ?? false;
      return target?.resolved ? target.value : undefined;
    }, diagnostics);
    resolving.pop();
    const line = definition.line;
    const result = { name, value: substituted.text, resolved: ok, line: line.number, range: index.rangeOf(line.start, line.start + line.text.trimEnd().length) };
    resolved.set(name, result);
    return result;
  };
  for (const name of definitions.keys()) resolve(name);
  return resolved;
}

/**
 * Substitutes `{{name}}` references in `line.text.slice(column, column + length)`. `value` returns the text for a
 * name, or undefined when it cannot (having reported why); the reference then stays as written.
 */
function substitute(
  line: Line,
  column: number,
  length: number,
  index: LineIndex,
  value: (name: string, range: TextRange) => string | undefined,
  diagnostics: DocumentDiagnostic[],
): SubstitutedLine {
  const source = line.text.slice(column, column + length);
  const origin = line.start + column;
  // Each replacement: where it sits in the output, and what it replaced in the source.
  const replacements: { outStart: number; outEnd: number; sourceStart: number; sourceEnd: number }[] = [];
  let out = '';
  let at = 0;
  for (const match of source.matchAll(REFERENCE)) {
    const start = match.index ?? 0;
    const end = start + match[0].length;
    const range = index.rangeOf(origin + start, origin + end);
    const name = match[1];
    const isName = VARIABLE_NAME.test(name);
    if (!isName) diagnostics.push({ range, severity: 'error', message: `'${match[0]}' is not a variable: names start with a letter or _.` });
    const replacement = isName ? value(name, range) : undefined;
    out += source.slice(at, start);
    if (replacement === undefined) {
      out += match[0];
    } else {
      replacements.push({ outStart: out.length, outEnd: out.length + replacement.length, sourceStart: start, sourceEnd: end });
      out += replacement;
    }
    at = end;
  }
  out += source.slice(at);
  return {
    text: out,
    line,
    offsetOf(position: number): number {
      let shift = 0;
      for (const r of replacements) {
        if (position < r.outStart) break;
        if (position < r.outEnd) return origin + r.sourceStart;
        shift = r.sourceEnd - r.outEnd;
      }
      return origin + position + shift;
    },
  };
}

function buildRequest(raw: RawRequest, index: LineIndex, variables: ReadonlyMap<string, ResolvedVariable>): FhirRequest {
  const diagnostics = [...raw.diagnostics];
  const valueOf = (name: string, range: TextRange): string | undefined => {
    const variable = variables.get(name);
    if (!variable) diagnostics.push({ range, severity: 'error', message: `Undefined variable '${name}'.` });
    else if (!variable.resolved) diagnostics.push({ range, severity: 'error', message: `Variable '${name}' cannot be resolved: see line ${variable.line + 1}.` });
    return variable?.resolved ? variable.value : undefined;
  };
  const whole = (line: Line): SubstitutedLine => substitute(line, 0, line.text.length, index, valueOf, diagnostics);

  const requestLine = whole(raw.requestLine);
  const { method, target } = readRequestLine(requestLine, index, diagnostics);
  const question = target.indexOf('?');
  let path = (question < 0 ? target : target.slice(0, question)).replace(/^\/+/, '');
  const queryPieces: { text: string; line: Line }[] = question < 0 ? [] : [{ text: target.slice(question + 1), line: raw.requestLine }];
  for (const continuation of raw.continuations) {
    queryPieces.push({ text: whole(continuation).text.trim().replace(/^[?&]/, ''), line: continuation });
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(path)) {
    diagnostics.push(error(index, raw.requestLine, 'Write the path relative to the site\'s FHIR endpoint (Patient?family=Smith), not a full URL: the connection supplies the server.'));
    path = '';
  } else if (/\s/.test(path)) {
    diagnostics.push(error(index, raw.requestLine, `A request path has no spaces: '${path}'.`));
  } else if (path === '' && queryPieces.length === 0 && method !== 'POST') {
    diagnostics.push(error(index, raw.requestLine, `Expected a path after ${method}, like Patient?family=Smith.`));
  }
  const query = new URLSearchParams();
  for (const piece of queryPieces) appendEncoded(query, piece.text, piece.line, index, diagnostics);

  const headers: Record<string, string> = {};
  for (const headerLine of raw.headers) {
    const [, name, value] = HEADER.exec(whole(headerLine).text) as RegExpExecArray;
    const existing = Object.keys(headers).find((key) => key.toLowerCase() === name.toLowerCase());
    if (existing) headers[existing] = `${headers[existing]}, ${value}`;
    else headers[name] = value;
  }

  const bodyLines = trimBlankLines(raw.body);
  const body = readBody(method, path, headers, bodyLines.map(whole), raw.requestLine, index, diagnostics);
  const lastLine = bodyLines[bodyLines.length - 1] ?? raw.headers[raw.headers.length - 1] ?? raw.continuations[raw.continuations.length - 1] ?? raw.requestLine;
  const firstColumn = raw.requestLine.text.length - raw.requestLine.text.trimStart().length;
  return {
    range: index.rangeOf(raw.requestLine.start + firstColumn, lastLine.start + lastLine.text.trimEnd().length),
    block: raw.block,
    ...(raw.name === undefined ? {} : { name: raw.name }),
    method,
    path,
    query,
    headers,
    ...(body === undefined ? {} : { body }),
    diagnostics,
  };
}

function readRequestLine(line: SubstitutedLine, index: LineIndex, diagnostics: DocumentDiagnostic[]): { method: FhirMethod; target: string } {
  const trimmed = line.text.trim();
  const words = /^([A-Za-z]+)\s+(.*)$/.exec(trimmed);
  let method: FhirMethod = 'GET';
  let target = trimmed;
  if (words && METHODS.has(words[1].toUpperCase())) {
    method = words[1].toUpperCase() as FhirMethod;
    target = words[2];
  } else if (words && /^[A-Z]+$/.test(words[1])) {
    diagnostics.push(error(index, line.line, `Unsupported method ${words[1]}: use GET, POST, PUT, PATCH or DELETE.`));
    target = words[2];
  }
  return { method, target: target.replace(/\s+HTTP\/\d(?:\.\d)?$/i, '').trim() };
}

// `a=1&b=2`: names and values percent-decoded, `+` kept as written.
function appendEncoded(params: URLSearchParams, text: string, line: Line, index: LineIndex, diagnostics: DocumentDiagnostic[]): void {
  for (const part of text.split('&')) {
    if (part.trim() === '') continue;
    const equals = part.indexOf('=');
    const name = equals < 0 ? part : part.slice(0, equals);
    const value = equals < 0 ? '' : part.slice(equals + 1);
    params.append(decode(name.trim(), line, index, diagnostics), decode(value.trim(), line, index, diagnostics));
  }
}

function decode(text: string, line: Line, index: LineIndex, diagnostics: DocumentDiagnostic[]): string {
  try {
    return decodeURIComponent(text);
  } catch {
    diagnostics.push(warning(index, line, `'${text}' holds a % that starts no escape (write %25 for a literal %); it is sent as written.`));
    return text;
  }
}

function readBody(
  method: FhirMethod,
  path: string,
  headers: Record<string, string>,
  lines: SubstitutedLine[],
  requestLine: Line,
  index: LineIndex,
  diagnostics: DocumentDiagnostic[],
): FhirRequestBody | undefined {
  const contentType = Object.entries(headers).find(([name]) => name.toLowerCase() === 'content-type')?.[1].toLowerCase() ?? '';
  const isSearch = method === 'POST' && /(^|\/)_search$/.test(path);
  if (method === 'GET' || method === 'DELETE') {
    if (lines.length > 0) diagnostics.push(warning(index, lines[0].line, `A ${method} request sends no body: these lines are ignored. Separate requests with ###.`));
    return undefined;
  }
  if (lines.length === 0) {
    if (!isSearch) diagnostics.push(warning(index, requestLine, `${method} ${path} sends no body.`));
    return undefined;
  }
  if (contentType.includes('x-www-form-urlencoded') || (isSearch && contentType === '')) {
    const params = new URLSearchParams();
    for (const line of lines) appendEncoded(params, line.text.trim(), line.line, index, diagnostics);
    return { kind: 'form', params };
  }
  const text = lines.map((line) => line.text).join('\n');
  if (!contentType.includes('json') && !/^\s*[{[]/.test(text)) return { kind: 'text', text };
  try {
    return { kind: 'json', value: JSON.parse(text), text };
  } catch (parseError) {
    const located = locateJsonError(text) ?? { offset: 0, message: (parseError as Error).message };
    diagnostics.push({ range: bodyRange(lines, located.offset, index), severity: 'error', message: `Invalid JSON body: ${located.message}` });
    return { kind: 'text', text };
  }
}

// The document range of one character of a body joined from `lines` with `\n`.
function bodyRange(lines: readonly SubstitutedLine[], offset: number, index: LineIndex): TextRange {
  let rest = offset;
  let number = 0;
  while (number < lines.length - 1 && rest > lines[number].text.length) rest -= lines[number++].text.length + 1;
  const line = lines[number];
  const start = line.offsetOf(Math.min(rest, line.text.length));
  return index.rangeOf(start, Math.min(start + 1, line.line.start + line.line.text.length));
}

function trimBlankLines(lines: readonly Line[]): Line[] {
  let first = 0;
  let last = lines.length;
  while (first < last && lines[first].text.trim() === '') first++;
  while (last > first && lines[last - 1].text.trim() === '') last--;
  return lines.slice(first, last);
}

function lineRange(index: LineIndex, line: Line): TextRange {
  const indent = line.text.length - line.text.trimStart().length;
  return index.rangeOf(line.start + indent, line.start + line.text.trimEnd().length);
}

const error = (index: LineIndex, line: Line, message: string): DocumentDiagnostic => ({ range: lineRange(index, line), severity: 'error', message });
const warning = (index: LineIndex, line: Line, message: string): DocumentDiagnostic => ({ range: lineRange(index, line), severity: 'warning', message });
