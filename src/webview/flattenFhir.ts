import type { ParsedRows } from '../core/results/parseRows';

const LEADING = ['resourceType', 'id'];

/**
 * A FHIR answer as a table: one row per resource (a Bundle's entries, or the resource itself), with `resourceType`,
 * `id` and every top-level field holding a string, number or boolean; nested structures are left to the raw JSON view.
 * Columns appear in order of first appearance, so differently shaped resources (a search with `_include`) share one table.
 */
export function flattenFhir(answer: unknown): ParsedRows {
  const resources = resourcesOf(answer);
  const columns = resources.length > 0 ? [...LEADING] : [];
  const indexOf = new Map(columns.map((name, index) => [name, index]));
  const records = resources.map((resource) => {
    const record = new Map<number, unknown>();
    for (const [field, value] of Object.entries(resource)) {
      if (!isScalar(value)) continue;
      let index = indexOf.get(field);
      if (index === undefined) {
        index = columns.length;
        indexOf.set(field, index);
        columns.push(field);
      }
      record.set(index, value);
    }
    return record;
  });
  return { columns, rows: records.map((record) => columns.map((_, index) => (record.has(index) ? record.get(index) : null))) };
}

function resourcesOf(answer: unknown): Record<string, unknown>[] {
  if (!isObject(answer)) return [];
  if (answer.resourceType === 'Bundle') {
    const entries = Array.isArray(answer.entry) ? answer.entry : [];
    return entries.flatMap((entry: unknown) => (isObject(entry) && isObject(entry.resource) ? [entry.resource] : []));
  }
  return [answer];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isScalar(value: unknown): boolean {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}
