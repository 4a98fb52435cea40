import type { FhirSearchEngine } from './searchEngine';

export interface CapabilityOptions {
  /** Absolute URL of the FHIR base; CapabilityStatement.implementation.url. */
  baseUrl: string;
  software: { name: string; version: string };
  implementationDescription: string;
  /** Canonical URLs of the implementation guides the server follows. */
  implementationGuides: readonly string[];
  /** Type-level operations per resource type, for example `{ Patient: [{ name: 'summary', definition: … }] }`. */
  operations?: Readonly<Record<string, readonly { name: string; definition: string }[]>>;
  date: Date;
}

/**
 * The CapabilityStatement of a server built on `engine`. Everything it says about resources, interactions,
 * search parameters and includes is read from the engine's own definitions, so the two cannot drift apart.
 */
export function capabilityStatement(engine: FhirSearchEngine, options: CapabilityOptions): Record<string, unknown> {
  return {
    resourceType: 'CapabilityStatement',
    status: 'active',
    date: options.date.toISOString(),
    kind: 'instance',
    software: options.software,
    implementation: { description: options.implementationDescription, url: options.baseUrl },
    implementationGuide: options.implementationGuides,
    fhirVersion: '4.0.1',
    format: ['json'],
    rest: [
      {
        mode: 'server',
        resource: engine.resourceTypes.map((type) => {
          const definition = engine.definition(type);
          const resource: Record<string, unknown> = { type };
          if (definition.profile !== undefined) {
            resource.profile = definition.profile;
          }
          resource.interaction = definition.interactions.map((code) => ({ code }));
          const includes = engine.includes(type);
          if (includes.length > 0) {
            resource.searchInclude = includes;
          }
          resource.searchParam = engine.searchParameters(type).map((p) => ({
            name: p.name,
            type: p.type,
            documentation: p.documentation,
          }));
          const operations = options.operations?.[type];
          if (operations !== undefined) {
            resource.operation = operations;
          }
          return resource;
        }),
        searchParam: [
          { name: '_count', type: 'number', documentation: 'Page size' },
          engine.pagingStyle === 'offset'
            ? { name: '_offset', type: 'number', documentation: 'Index of the first match on the page (0-based)' }
            : { name: 'page', type: 'number', documentation: 'Page number (1-based)' },
        ],
      },
    ],
  };
}
