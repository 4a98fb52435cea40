import type { FhirResource } from './bundle';

/**
 * The resource types a CapabilityStatement says the server offers (its `rest[mode=server].resource[].type`), sorted
 * and without repeats. A statement with no server section, or something else altogether, offers none.
 */
export function capabilityResourceTypes(statement: FhirResource): string[] {
  if (statement.resourceType !== 'CapabilityStatement' || !Array.isArray(statement.rest)) {
    return [];
  }
  const types = new Set<string>();
  for (const rest of statement.rest as unknown[]) {
    const section = rest as { mode?: unknown; resource?: unknown } | null;
    if (typeof section !== 'object' || section === null || section.mode === 'client' || !Array.isArray(section.resource)) {
      continue;
    }
    for (const resource of section.resource as unknown[]) {
      const type = (resource as { type?: unknown } | null)?.type;
      if (typeof type === 'string' && /^[A-Z][A-Za-z]*$/.test(type)) {
        types.add(type);
      }
    }
  }
  return [...types].sort((a, b) => a.localeCompare(b));
}
