import type { ResourceCapability } from '../../core/fhir/capabilities';

export interface FhirCompletion {
  label: string;
  kind: 'resourceType' | 'searchParameter' | 'modifier';
  detail?: string;
  documentation?: string;
}

/** What is being typed, and where the replaced text starts on the line. */
export interface CompletionContext {
  completions: FhirCompletion[];
  /** Character offset on the line where the word being completed starts. */
  replaceFrom: number;
}

/** Parameters every resource type takes (FHIR R4 "Search parameters for all resources" and result parameters). */
const COMMON_PARAMETERS: readonly { name: string; type: string; documentation: string }[] = [
  { name: '_id', type: 'token', documentation: 'Logical id of the resource (a comma-separated list means any of them)' },
  { name: '_lastUpdated', type: 'date', documentation: 'When the resource last changed (with a prefix: ge, le, gt, lt…)' },
  { name: '_count', type: 'number', documentation: 'Results per page' },
  { name: '_sort', type: 'string', documentation: 'Sort order: parameter names, "-" for descending' },
  { name: '_include', type: 'special', documentation: 'Also return resources this one references, e.g. Appointment:patient' },
  { name: '_summary', type: 'token', documentation: 'true, text, data, count or false' },
  { name: '_total', type: 'token', documentation: 'none or accurate' },
];

/** Modifiers FHIR R4 defines per search parameter type (`:missing` applies to all). */
const MODIFIERS: Readonly<Record<string, readonly string[]>> = {
  string: ['missing', 'exact', 'contains'],
  token: ['missing', 'text', 'not', 'above', 'below', 'in', 'not-in', 'of-type'],
  reference: ['missing', 'identifier', 'above', 'below'],
  uri: ['missing', 'above', 'below'],
  date: ['missing'],
  number: ['missing'],
  quantity: ['missing'],
  composite: ['missing'],
};

const MODIFIER_TEXT: Readonly<Record<string, string>> = {
  missing: 'true: has no value; false: has one',
  exact: 'The whole value, case and accents matching',
  contains: 'The value anywhere in the text',
  text: 'Matches the text of the coding or its display',
  not: 'Does not have this code',
  above: 'Subsumes the value (hierarchies, URLs)',
  below: 'Subsumed by the value (hierarchies, URLs)',
  in: 'In the value set at this URL',
  'not-in': 'Not in the value set at this URL',
  'of-type': 'An identifier of this type: system|code|value',
  identifier: 'The referenced resource has this identifier',
};

const REQUEST_LINE = /^(\s*(?:GET|POST|PUT|PATCH|DELETE)\s+)(\S*)$/i;

/** Whether the text before the cursor is a request line being typed: the only place completions are offered. */
export function isRequestLinePrefix(linePrefix: string): boolean {
  return REQUEST_LINE.test(linePrefix);
}

/**
 * Completions for a `.fhir` request line up to the cursor: resource types after the method, search parameters after
 * `?` or `&`, and modifiers after `name:` (with the referenced types for a reference parameter). Undefined elsewhere.
 */
export function fhirCompletions(linePrefix: string, capabilities: readonly ResourceCapability[]): CompletionContext | undefined {
  const match = REQUEST_LINE.exec(linePrefix);
  if (!match) return undefined;
  const [, head, target] = match;
  const questionMark = target.indexOf('?');
  if (questionMark < 0) {
    if (target.includes('/')) return undefined;
    return {
      replaceFrom: head.length,
      completions: capabilities.map((resource) => ({ label: resource.type, kind: 'resourceType', detail: `${resource.searchParams.length} search parameters` })),
    };
  }
  const type = target.slice(0, questionMark).split('/')[0];
  const query = target.slice(questionMark + 1);
  const pairStart = Math.max(query.lastIndexOf('&'), -1) + 1;
  const pair = query.slice(pairStart);
  if (pair.includes('=')) return undefined;
  const params = [...(capabilities.find((resource) => resource.type === type)?.searchParams ?? []), ...COMMON_PARAMETERS];
  const replaceFrom = head.length + questionMark + 1 + pairStart;
  const colon = pair.indexOf(':');
  if (colon < 0) {
    return {
      replaceFrom,
      completions: uniqueByName(params).map((param) => ({ label: param.name, kind: 'searchParameter', detail: param.type, documentation: param.documentation })),
    };
  }
  const param = params.find((candidate) => candidate.name === pair.slice(0, colon));
  if (!param) return undefined;
  const modifiers = (MODIFIERS[param.type] ?? ['missing']).map((modifier): FhirCompletion => ({ label: modifier, kind: 'modifier', detail: `:${modifier}`, documentation: MODIFIER_TEXT[modifier] }));
  const types = param.type === 'reference' ? capabilities.map((resource): FhirCompletion => ({ label: resource.type, kind: 'modifier', detail: `only references to ${resource.type}` })) : [];
  return { replaceFrom: replaceFrom + colon + 1, completions: [...modifiers, ...types] };
}

function uniqueByName<T extends { name: string }>(params: readonly T[]): T[] {
  const seen = new Set<string>();
  return params.filter((param) => !seen.has(param.name) && seen.add(param.name));
}
