import { capabilityStatement } from '../../fhir/capabilityStatement';
import type { FhirSearchEngine, ResourceDefinition } from '../../fhir/searchEngine';
import { COMMON_SEARCH_PARAMETERS } from '../../fhir/searchEngine';
import type { FhirResource, SearchParameterDefinition } from '../../fhir/searchParameters';
import { HALAXY_RESOURCE_TYPES } from '../halaxyPermissions';
import type { HalaxyResourceType } from '../halaxyPermissions';
import { HALAXY_INTERACTIONS } from './halaxyDefinitions';
import type { HalaxyResource } from './halaxyTypes';

const CANONICAL = 'https://terminology.halaxy.com';

/** GET /SearchParameter: one resource per search parameter the server applies, searchable by base, code and type. */
export const SEARCH_PARAMETER_DEFINITION: ResourceDefinition = {
  type: 'SearchParameter',
  interactions: ['read', 'search-type'],
  searchParameters: [
    { name: 'base', type: 'token', documentation: 'The resource type searched', values: (r) => ((r.base as string[]) ?? []).map((code) => ({ code })) },
    { name: 'code', type: 'token', documentation: 'The parameter as it appears in a URL', values: (r) => [{ code: r.code as string }] },
    { name: 'type', type: 'token', documentation: 'string | token | date | reference | number | quantity', values: (r) => [{ code: r.type as string }] },
    { name: 'name', type: 'string', documentation: 'Parameter name', values: (r) => [r.name as string] },
  ],
};

/** The SearchParameter resources describing `definitions` (the common `_id` and `_lastUpdated` once, for every base). */
export function searchParameterResources(definitions: readonly ResourceDefinition[], lastUpdated: string): FhirResource[] {
  const resource = (id: string, base: readonly string[], p: SearchParameterDefinition): HalaxyResource => ({
    resourceType: 'SearchParameter',
    id,
    meta: { versionId: '1', lastUpdated },
    url: `${CANONICAL}/SearchParameter/${id}`,
    name: p.name,
    status: 'active',
    description: p.documentation,
    code: p.name,
    base: [...base],
    type: p.type,
    ...(p.type === 'reference' ? { target: [...p.targets] } : {}),
  });
  return [
    ...COMMON_SEARCH_PARAMETERS.map((p) => resource(`Resource-${p.name.replace(/^_/, '')}`, definitions.map((d) => d.type), p)),
    ...definitions.flatMap((d) => d.searchParameters.map((p) => resource(`${d.type}-${p.name}`, [d.type], p))),
  ];
}

/**
 * `GET /metadata`: the engine's statement of types, search parameters and includes, with each type's interactions
 * and operations taken from HALAXY_INTERACTIONS, the same table the service enforces.
 */
export function halaxyCapabilityStatement(engine: FhirSearchEngine, options: { baseUrl: string; date: Date }): Record<string, unknown> {
  const operations: Record<string, { name: string; definition: string }[]> = {};
  for (const type of HALAXY_RESOURCE_TYPES) {
    const list = HALAXY_INTERACTIONS[type].operations.map((o) => ({ name: o.name, definition: `${CANONICAL}/OperationDefinition/${type}-${o.name}` }));
    if (list.length > 0) {
      operations[type] = list;
    }
  }
  const statement = capabilityStatement(engine, {
    baseUrl: options.baseUrl,
    date: options.date,
    software: { name: 'Halaxy API (Practice Data Explorer Sandbox)', version: 'sandbox' },
    implementationDescription: "Emulation of Halaxy's FHIR API over a synthetic practice group",
    implementationGuides: [],
    operations,
  });
  const [rest] = statement.rest as { resource: Record<string, unknown>[] }[];
  for (const resource of rest.resource) {
    resource.interaction = interactionCodes(resource.type as string).map((code) => ({ code }));
  }
  // Clinical notes are write-only, so the search engine (which serves reads) does not know them.
  rest.resource.push({ type: 'DocumentReference', interaction: interactionCodes('DocumentReference').map((code) => ({ code })) });
  // Halaxy speaks FHIR R4B.
  return { ...statement, fhirVersion: '4.3.0' };
}

function interactionCodes(type: string): string[] {
  const interactions = HALAXY_INTERACTIONS[type as HalaxyResourceType] ?? { read: true, search: true, create: false, update: false, patch: false };
  return [
    ...(interactions.read ? ['read'] : []),
    ...(interactions.search ? ['search-type'] : []),
    ...(interactions.create ? ['create'] : []),
    ...(interactions.update ? ['update'] : []),
    ...(interactions.patch ? ['patch'] : []),
  ];
}
