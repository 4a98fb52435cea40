/** What a server's CapabilityStatement says a resource type can be searched by. */
export interface ResourceCapability {
  type: string;
  searchParams: readonly { name: string; type: string; documentation?: string }[];
}

type Listed = { type?: unknown; searchParam?: unknown } | null;

/**
 * The resource types a CapabilityStatement offers (its `rest[mode≠client].resource[]`), with their search parameters:
 * sorted by type, the first listing of a type kept. Anything that is not a CapabilityStatement offers none.
 */
export function capabilityResources(statement: unknown): ResourceCapability[] {
  const { resourceType, rest } = (statement ?? {}) as { resourceType?: unknown; rest?: unknown };
  if (resourceType !== 'CapabilityStatement' || !Array.isArray(rest)) {
    return [];
  }
  const byType = new Map<string, ResourceCapability>();
  for (const section of rest as ({ mode?: unknown; resource?: unknown } | null)[]) {
    if (typeof section !== 'object' || section === null || section.mode === 'client' || !Array.isArray(section.resource)) {
      continue;
    }
    for (const resource of section.resource as Listed[]) {
      const type = resource?.type;
      if (typeof type !== 'string' || !/^[A-Z][A-Za-z]*$/.test(type) || byType.has(type)) continue;
      byType.set(type, { type, searchParams: searchParamsOf(resource?.searchParam) });
    }
  }
  return [...byType.values()].sort((a, b) => a.type.localeCompare(b.type));
}

/** The resource types alone, as the Sites tree lists them. */
export function capabilityResourceTypes(statement: unknown): string[] {
  return capabilityResources(statement).map((resource) => resource.type);
}

function searchParamsOf(listed: unknown): ResourceCapability['searchParams'] {
  return (Array.isArray(listed) ? listed : [])
    .filter((param): param is { name: string; type?: unknown; documentation?: unknown } => typeof (param as { name?: unknown })?.name === 'string')
    .map((param) => ({
      name: param.name,
      type: typeof param.type === 'string' ? param.type : 'string',
      documentation: typeof param.documentation === 'string' ? param.documentation : undefined,
    }));
}
