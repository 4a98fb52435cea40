import { FhirError } from './operationOutcome';

/** Any FHIR resource as the engine sees it: a JSON object with a type and a logical id. */
export interface FhirResource {
  resourceType: string;
  id: string;
  meta?: { lastUpdated?: string; profile?: string[]; tag?: { system?: string; code?: string; display?: string }[] };
  [element: string]: unknown;
}

/** A coded value, identifier, ContactPoint or boolean as a token search sees it. `text` feeds `:text`. */
export interface TokenValue {
  system?: string;
  code?: string;
  text?: string;
}

export interface QuantityValue {
  value: number;
  system?: string;
  code?: string;
}

/** A FHIR date, dateTime or instant, or a Period; an open end of a Period is unbounded. */
export type DateValue = string | { start?: string; end?: string };

export type SearchParamType = 'string' | 'token' | 'date' | 'reference' | 'number' | 'quantity';

interface ParameterBase<T extends SearchParamType, V> {
  name: string;
  type: T;
  /** One line for the CapabilityStatement. */
  documentation: string;
  /** The values this parameter sees in a resource; undefined and null are dropped, so extractors stay short. */
  values(resource: FhirResource): readonly (V | undefined | null)[];
}

/** One search parameter of one resource type: its name, FHIR type and a plain extractor (no FHIRPath). */
export type SearchParameterDefinition =
  | ParameterBase<'string', string>
  | ParameterBase<'token', TokenValue>
  | ParameterBase<'date', DateValue>
  | (ParameterBase<'reference', string> & { targets: readonly string[] })
  | ParameterBase<'number', number>
  | ParameterBase<'quantity', QuantityValue>;

/** How a search matches values that the extractor produced; built once per request by compileCriterion. */
export type ResourcePredicate = (resource: FhirResource) => boolean;

export interface CriterionContext {
  /** Offset applied to dates and times that carry none, in minutes east of UTC. */
  defaultOffsetMinutes: number;
  /** `reject`: a reference value must be `Type/id` or an absolute URL (Halaxy answers 422 otherwise). */
  bareReferences: 'accept' | 'reject';
  now: Date;
}

interface Range {
  start: number;
  end: number;
}

const PREFIXES = ['eq', 'ne', 'gt', 'lt', 'ge', 'le', 'sa', 'eb', 'ap'] as const;
type Prefix = (typeof PREFIXES)[number];

const MODIFIERS: Record<SearchParamType, readonly string[]> = {
  string: ['exact', 'contains', 'missing'],
  token: ['not', 'text', 'missing'],
  date: ['missing'],
  reference: ['missing'],
  number: ['missing'],
  quantity: ['missing'],
};

function invalid(parameter: string, value: string, why: string): FhirError {
  return new FhirError(400, 'invalid', `Invalid value '${value}' for search parameter '${parameter}': ${why}`);
}

/** Splits on a separator that is not escaped with a backslash (FHIR's escaping of `,`, `|` and `$`). */
export function splitUnescaped(text: string, separator: string): string[] {
  const parts: string[] = [];
  let current = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '\\' && i + 1 < text.length) {
      current += ch + text[i + 1];
      i++;
    } else if (ch === separator) {
      parts.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  parts.push(current);
  return parts;
}

function unescape(text: string): string {
  return text.replace(/\\([\\,|$])/g, '$1');
}

/** Case- and accent-insensitive form used by string search and string sorting. */
export function normalizeText(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

const DATE_PATTERN =
  /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:\d{2})?)?)?)?$/;

/**
 * The implicit range of a FHIR date or dateTime as [start, end) in epoch milliseconds: `1970` is the whole year,
 * `1970-03` the whole month, `1970-03-02T10:00` that minute. Values without an offset take the default one.
 */
export function dateRange(text: string, defaultOffsetMinutes: number): Range | undefined {
  const m = DATE_PATTERN.exec(text);
  if (!m) {
    return undefined;
  }
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  const year = Number(y);
  const month = mo === undefined ? 1 : Number(mo);
  const day = d === undefined ? 1 : Number(d);
  const hour = h === undefined ? 0 : Number(h);
  const minute = mi === undefined ? 0 : Number(mi);
  const second = s === undefined ? 0 : Number(s);
  const millis = frac === undefined ? 0 : Number(frac.slice(0, 3).padEnd(3, '0'));
  if (month < 1 || month > 12 || hour > 23 || minute > 59 || second > 59) {
    return undefined;
  }
  const calendarDay = new Date(Date.UTC(year, month - 1, day));
  if (calendarDay.getUTCDate() !== day) {
    return undefined;
  }
  let offset = defaultOffsetMinutes;
  if (zone === 'Z') {
    offset = 0;
  } else if (zone !== undefined) {
    const sign = zone.startsWith('-') ? -1 : 1;
    offset = sign * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6)));
  }
  const shift = offset * 60_000;
  const start = Date.UTC(year, month - 1, day, hour, minute, second, millis) - shift;
  let end: number;
  if (mo === undefined) {
    end = Date.UTC(year + 1, 0, 1) - shift;
  } else if (d === undefined) {
    end = Date.UTC(year, month, 1) - shift;
  } else if (h === undefined) {
    end = Date.UTC(year, month - 1, day + 1) - shift;
  } else if (s === undefined) {
    end = start + 60_000;
  } else if (frac === undefined) {
    end = start + 1_000;
  } else {
    end = start + 1;
  }
  return { start, end };
}

function targetRange(value: DateValue, defaultOffsetMinutes: number): Range | undefined {
  if (typeof value === 'string') {
    return dateRange(value, defaultOffsetMinutes);
  }
  const start = value.start === undefined ? undefined : dateRange(value.start, defaultOffsetMinutes);
  const end = value.end === undefined ? undefined : dateRange(value.end, defaultOffsetMinutes);
  if (start === undefined && end === undefined) {
    return undefined;
  }
  return { start: start?.start ?? -Infinity, end: end?.end ?? Infinity };
}

function splitPrefix(raw: string): { prefix: Prefix; rest: string } {
  const candidate = raw.slice(0, 2) as Prefix;
  if (PREFIXES.includes(candidate) && raw.length > 2 && /[a-z]/.test(raw[0])) {
    return { prefix: candidate, rest: raw.slice(2) };
  }
  return { prefix: 'eq', rest: raw };
}

/** R4 search ranges: each prefix compares the search range q with the target range t (ends exclusive). */
function compareRanges(prefix: Prefix, q: Range, t: Range, now: Date): boolean {
  const contained = t.start >= q.start && t.end <= q.end;
  switch (prefix) {
    case 'eq':
      return contained;
    case 'ne':
      return !contained;
    case 'gt':
      return t.end > q.end;
    case 'lt':
      return t.start < q.start;
    case 'ge':
      return t.end > q.end || contained;
    case 'le':
      return t.start < q.start || contained;
    case 'sa':
      return t.start >= q.end;
    case 'eb':
      return t.end <= q.start;
    case 'ap': {
      // The spec suggests 10% of the distance between now and the searched date.
      const slack = Math.abs(now.getTime() - q.start) * 0.1;
      return t.start < q.end + slack && t.end > q.start - slack;
    }
  }
}

const NUMBER_PATTERN = /^[+-]?(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/;

/** A searched number with its implicit precision: `100` means [99.5, 100.5), `1e2` means [50, 150). */
function numberRange(parameter: string, raw: string, text: string): { value: number; range: Range } {
  const m = NUMBER_PATTERN.exec(text);
  if (!m) {
    throw invalid(parameter, raw, 'not a number');
  }
  const value = Number(text);
  const decimals = (m[2]?.length ?? 0) - Number(m[3] ?? 0);
  const half = 0.5 * 10 ** -decimals;
  return { value, range: { start: value - half, end: value + half } };
}

function compareNumber(prefix: Prefix, q: { value: number; range: Range }, t: number): boolean {
  switch (prefix) {
    case 'eq':
      return t >= q.range.start && t < q.range.end;
    case 'ne':
      return !(t >= q.range.start && t < q.range.end);
    case 'gt':
    case 'sa':
      return t > q.value;
    case 'lt':
    case 'eb':
      return t < q.value;
    case 'ge':
      return t >= q.value;
    case 'le':
      return t <= q.value;
    case 'ap':
      return Math.abs(t - q.value) <= Math.abs(q.value) * 0.1;
  }
}

function present<V>(values: readonly (V | undefined | null)[]): V[] {
  return values.filter((v): v is V => v !== undefined && v !== null);
}

/** `Patient/12`, `http://host/base/Patient/12`, `Patient/12/_history/3` → `Patient/12`; a bare id stays as it is. */
export function normalizeReference(reference: string): string {
  const withoutHistory = reference.replace(/\/_history\/[^/]+$/, '');
  const segments = withoutHistory.split('/');
  if (segments.length >= 2) {
    return segments.slice(-2).join('/');
  }
  return withoutHistory;
}

function valueMatcher(
  def: SearchParameterDefinition,
  modifier: string | undefined,
  raw: string,
  ctx: CriterionContext,
): (resource: FhirResource) => boolean {
  const name = def.name;
  switch (def.type) {
    case 'string': {
      const wanted = unescape(raw);
      if (modifier === 'exact') {
        return (r) => present(def.values(r)).some((v) => v === wanted);
      }
      const needle = normalizeText(wanted);
      if (modifier === 'contains') {
        return (r) => present(def.values(r)).some((v) => normalizeText(v).includes(needle));
      }
      return (r) => present(def.values(r)).some((v) => normalizeText(v).startsWith(needle));
    }
    case 'token': {
      if (modifier === 'text') {
        const needle = normalizeText(unescape(raw));
        return (r) => present(def.values(r)).some((v) => v.text !== undefined && normalizeText(v.text).startsWith(needle));
      }
      const parts = splitUnescaped(raw, '|');
      if (parts.length > 2) {
        throw invalid(name, raw, "a token is 'code', 'system|code', '|code' or 'system|'");
      }
      let test: (v: TokenValue) => boolean;
      if (parts.length === 1) {
        const code = unescape(parts[0]);
        test = (v) => v.code === code;
      } else {
        const system = unescape(parts[0]);
        const code = unescape(parts[1]);
        if (system === '' && code === '') {
          throw invalid(name, raw, 'neither system nor code');
        }
        if (system === '') {
          test = (v) => v.system === undefined && v.code === code;
        } else if (code === '') {
          test = (v) => v.system === system;
        } else {
          test = (v) => v.system === system && v.code === code;
        }
      }
      if (modifier === 'not') {
        return (r) => !present(def.values(r)).some(test);
      }
      return (r) => present(def.values(r)).some(test);
    }
    case 'date': {
      const { prefix, rest } = splitPrefix(raw);
      const q = dateRange(rest, ctx.defaultOffsetMinutes);
      if (q === undefined) {
        throw invalid(name, raw, 'expected [prefix]YYYY[-MM[-DD[Thh:mm[:ss[.sss]][Z|±hh:mm]]]] with prefix eq, ne, gt, lt, ge, le, sa, eb or ap');
      }
      return (r) =>
        present(def.values(r)).some((v) => {
          const t = targetRange(v, ctx.defaultOffsetMinutes);
          return t !== undefined && compareRanges(prefix, q, t, ctx.now);
        });
    }
    case 'number': {
      const { prefix, rest } = splitPrefix(raw);
      const q = numberRange(name, raw, rest);
      return (r) => present(def.values(r)).some((v) => compareNumber(prefix, q, v));
    }
    case 'quantity': {
      const { prefix, rest } = splitPrefix(raw);
      const [numberText, system = '', code = ''] = splitUnescaped(rest, '|');
      const q = numberRange(name, raw, numberText);
      const wantedSystem = unescape(system);
      const wantedCode = unescape(code);
      return (r) =>
        present(def.values(r)).some(
          (v) =>
            (wantedSystem === '' || v.system === wantedSystem) &&
            (wantedCode === '' || v.code === wantedCode) &&
            compareNumber(prefix, q, v.value),
        );
    }
    case 'reference': {
      let wanted = normalizeReference(unescape(raw));
      if (modifier !== undefined) {
        // A type modifier (`subject:Patient=12`) turns a bare id into a typed reference.
        wanted = wanted.includes('/') ? wanted : `${modifier}/${wanted}`;
        if (!wanted.startsWith(`${modifier}/`)) {
          return () => false;
        }
      }
      if (wanted === '' || wanted.endsWith('/')) {
        throw invalid(name, raw, 'empty reference');
      }
      if (!wanted.includes('/')) {
        if (ctx.bareReferences === 'reject') {
          throw new FhirError(
            422,
            'processing',
            `Search parameter '${name}' needs a reference of the form Type/id (for example ${def.targets[0] ?? 'Patient'}/${wanted}), not the bare id '${raw}'`,
          );
        }
        const suffix = `/${wanted}`;
        return (r) => present(def.values(r)).some((v) => normalizeReference(v).endsWith(suffix));
      }
      return (r) => present(def.values(r)).some((v) => normalizeReference(v) === wanted);
    }
  }
}

/**
 * Compiles one occurrence of a search parameter (`name[:modifier]=v1,v2`) into a predicate: comma-separated values
 * are ORed; the engine ANDs repeated occurrences. Throws FhirError 400 for a bad modifier or value.
 */
export function compileCriterion(
  def: SearchParameterDefinition,
  modifier: string | undefined,
  rawValue: string,
  ctx: CriterionContext,
): ResourcePredicate {
  const typeModifier = def.type === 'reference' && modifier !== undefined && def.targets.includes(modifier);
  if (modifier !== undefined && !typeModifier && !MODIFIERS[def.type].includes(modifier)) {
    throw new FhirError(400, 'invalid', `Modifier ':${modifier}' is not supported on ${def.type} search parameter '${def.name}'`);
  }
  if (modifier === 'missing') {
    if (rawValue !== 'true' && rawValue !== 'false') {
      throw invalid(`${def.name}:missing`, rawValue, "expected 'true' or 'false'");
    }
    const wantMissing = rawValue === 'true';
    return (r) => (present<unknown>(def.values(r)).length === 0) === wantMissing;
  }
  const alternatives = splitUnescaped(rawValue, ',');
  if (alternatives.some((a) => a === '')) {
    throw invalid(def.name, rawValue, 'empty value');
  }
  const matchers = alternatives.map((a) => valueMatcher(def, modifier, a, ctx));
  if (def.type === 'token' && modifier === 'not') {
    // `:not=a,b` excludes resources holding either code, so the negations combine with AND.
    return (r) => matchers.every((m) => m(r));
  }
  return matchers.length === 1 ? matchers[0] : (r) => matchers.some((m) => m(r));
}

/** A sort key for one resource: ascending uses the lowest value, descending the highest (R4 `_sort`). */
export function sortKey(
  def: SearchParameterDefinition,
  resource: FhirResource,
  descending: boolean,
  defaultOffsetMinutes: number,
): number | string | undefined {
  let keys: (number | string)[];
  switch (def.type) {
    case 'string':
      keys = present(def.values(resource)).map(normalizeText);
      break;
    case 'token':
      keys = present(def.values(resource))
        .map((v) => v.code)
        .filter((c): c is string => c !== undefined);
      break;
    case 'date':
      keys = present(def.values(resource))
        .map((v) => targetRange(v, defaultOffsetMinutes))
        .filter((r): r is Range => r !== undefined)
        .map((r) => r.start);
      break;
    case 'reference':
      keys = present(def.values(resource)).map(normalizeReference);
      break;
    case 'number':
      keys = present(def.values(resource));
      break;
    case 'quantity':
      keys = present(def.values(resource)).map((q) => q.value);
      break;
  }
  if (keys.length === 0) {
    return undefined;
  }
  return keys.reduce((best, k) => (compareKeys(k, best) * (descending ? -1 : 1) < 0 ? k : best));
}

const collator = new Intl.Collator('en', { numeric: true });

/** Numbers numerically, strings with numeric runs compared as numbers (so ids 9 < 10). */
export function compareKeys(a: number | string, b: number | string): number {
  if (typeof a === 'number' && typeof b === 'number') {
    return a - b;
  }
  return collator.compare(String(a), String(b));
}
