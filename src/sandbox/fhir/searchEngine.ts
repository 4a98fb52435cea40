import { resourceUrl, searchUrl, searchsetBundle } from './bundle';
import type { BundleEntry, SearchsetBundle } from './bundle';
import { FhirError, operationOutcome } from './operationOutcome';
import { compareKeys, compileCriterion, normalizeReference, sortKey } from './searchParameters';
import type { CriterionContext, FhirResource, ResourcePredicate, SearchParameterDefinition } from './searchParameters';

/** A resource type the engine serves: its profile, interactions and search parameters (besides `_id`, `_lastUpdated`). */
export interface ResourceDefinition {
  type: string;
  /** The profile every instance claims (meta.profile) and the CapabilityStatement names. */
  profile?: string;
  interactions: readonly ('read' | 'search-type')[];
  searchParameters: readonly SearchParameterDefinition[];
}

/** One occurrence of a search parameter as the request gave it. */
export interface SearchCriterion {
  name: string;
  modifier?: string;
  value: string;
}

/**
 * Where resources come from. `list` returns the resources of a type in a stable order (the default sort). It may use
 * `criteria` to skip resources that cannot match (for example with an index), never to drop one that can: the engine
 * applies every criterion to what `list` returns.
 */
export interface ResourceStore {
  list(type: string, criteria?: readonly SearchCriterion[]): readonly FhirResource[];
  read(type: string, id: string): FhirResource | undefined;
}

export interface SearchEngineOptions {
  resources: readonly ResourceDefinition[];
  /** `offset`: `_offset` + `_count` (Halo's facade); `page`: 1-based `page` + `_count` (Halaxy). */
  paging: 'offset' | 'page';
  /** `reject`: a bare id in a reference parameter is answered with 422, as Halaxy does. */
  bareReferences: 'accept' | 'reject';
  /** Page size when `_count` is absent. Default 50. */
  defaultCount?: number;
  /** Larger `_count` values are lowered to this, as R4 allows. Default 1000. */
  maxCount?: number;
  /** Offset for dates and times without one, minutes east of UTC. Default 600 (+10:00, Australian Eastern Standard Time). */
  defaultOffsetMinutes?: number;
  now?: () => Date;
}

export interface SearchRequest {
  type: string;
  params: URLSearchParams;
  /** Absolute URL of the FHIR base (…/fhir/R4); every link and fullUrl is built on it. */
  baseUrl: string;
  /** `Prefer: handling=strict`: unknown parameters are refused with 400 instead of being ignored. */
  strict?: boolean;
}

/** `_id` and `_lastUpdated`, which every resource type supports. */
export const COMMON_SEARCH_PARAMETERS: readonly SearchParameterDefinition[] = [
  { name: '_id', type: 'token', documentation: 'Logical id of the resource', values: (r) => [{ code: r.id }] },
  {
    name: '_lastUpdated',
    type: 'date',
    documentation: 'When the resource last changed (meta.lastUpdated)',
    values: (r) => [r.meta?.lastUpdated],
  },
];

interface IncludeSpec {
  sourceType: string;
  parameters: readonly SearchParameterDefinition[];
  targetType?: string;
  iterate: boolean;
}

interface SortSpec {
  parameter: SearchParameterDefinition;
  descending: boolean;
}

const DEFAULT_COUNT = 50;
const MAX_COUNT = 1000;
// `_include:iterate` follows references transitively; real graphs here are two or three hops deep.
const MAX_INCLUDE_ROUNDS = 5;
const JSON_FORMATS = ['json', 'application/json', 'application/fhir+json'];

/**
 * A FHIR R4 search engine over resources held in memory: parameter semantics, sorting, paging, `_include` and
 * `_revinclude`, and the searchset Bundle. It knows nothing about where resources come from (a ResourceStore per call).
 */
export class FhirSearchEngine {
  private readonly definitions = new Map<string, ResourceDefinition>();
  private readonly parameters = new Map<string, Map<string, SearchParameterDefinition>>();
  private readonly defaultCount: number;
  private readonly maxCount: number;
  private readonly defaultOffsetMinutes: number;
  private readonly now: () => Date;

  constructor(private readonly options: SearchEngineOptions) {
    for (const definition of options.resources) {
      this.definitions.set(definition.type, definition);
      const byName = new Map<string, SearchParameterDefinition>();
      for (const parameter of [...COMMON_SEARCH_PARAMETERS, ...definition.searchParameters]) {
        if (byName.has(parameter.name)) {
          throw new Error(`Search parameter ${definition.type}.${parameter.name} is defined twice`);
        }
        byName.set(parameter.name, parameter);
      }
      this.parameters.set(definition.type, byName);
    }
    this.defaultCount = options.defaultCount ?? DEFAULT_COUNT;
    this.maxCount = options.maxCount ?? MAX_COUNT;
    this.defaultOffsetMinutes = options.defaultOffsetMinutes ?? 600;
    this.now = options.now ?? (() => new Date());
  }

  get resourceTypes(): readonly string[] {
    return [...this.definitions.keys()];
  }

  get pagingStyle(): 'offset' | 'page' {
    return this.options.paging;
  }

  /** The definition of a type, or 404 naming the supported types. */
  definition(type: string): ResourceDefinition {
    const definition = this.definitions.get(type);
    if (definition === undefined) {
      throw new FhirError(
        404,
        'not-supported',
        `Resource type '${type}' is not supported. Supported types: ${this.resourceTypes.join(', ')}`,
      );
    }
    return definition;
  }

  /** Every search parameter of a type, the common ones first: what the engine applies and the CapabilityStatement lists. */
  searchParameters(type: string): readonly SearchParameterDefinition[] {
    this.definition(type);
    return [...(this.parameters.get(type)?.values() ?? [])];
  }

  /** `_include` values the type supports, `Type:parameter` for each reference parameter. */
  includes(type: string): readonly string[] {
    return this.searchParameters(type)
      .filter((p) => p.type === 'reference')
      .map((p) => `${type}:${p.name}`);
  }

  read(store: ResourceStore, type: string, id: string): FhirResource {
    this.definition(type);
    const resource = store.read(type, id);
    if (resource === undefined) {
      throw new FhirError(404, 'not-found', `Resource ${type}/${id} is not known`);
    }
    return resource;
  }

  search(store: ResourceStore, request: SearchRequest): SearchsetBundle {
    const { type, params, baseUrl } = request;
    this.definition(type);
    const ctx: CriterionContext = {
      defaultOffsetMinutes: this.defaultOffsetMinutes,
      bareReferences: this.options.bareReferences,
      now: this.now(),
    };
    const pageParam = this.options.paging === 'offset' ? '_offset' : 'page';

    const predicates: ResourcePredicate[] = [];
    const criteria: SearchCriterion[] = [];
    const kept: [string, string][] = [];
    const ignored: string[] = [];
    const includes: IncludeSpec[] = [];
    const revIncludes: IncludeSpec[] = [];
    let ids: Set<string> | undefined;
    let sort: SortSpec[] = [];
    let count: number | undefined;
    let position: number | undefined;
    let summaryCount = false;
    let totalMode = 'accurate';
    let elements: string[] | undefined;

    const notApplied = (name: string, why: string) => {
      if (request.strict) {
        throw new FhirError(400, 'not-supported', `Search parameter '${name}' ${why}`);
      }
      ignored.push(name);
    };

    for (const [key, value] of params) {
      const [name, modifier] = splitKey(key);
      switch (name) {
        case '_count':
          count = Math.min(this.parseInteger(key, value, 0), this.maxCount);
          continue;
        case pageParam:
          position = this.parseInteger(key, value, pageParam === 'page' ? 1 : 0);
          continue;
        case '_sort':
          sort = this.parseSort(type, value);
          kept.push([key, value]);
          continue;
        case '_include':
        case '_revinclude': {
          const iterate = modifier === 'iterate';
          if (modifier !== undefined && !iterate) {
            throw new FhirError(400, 'invalid', `Modifier ':${modifier}' is not supported on '${name}'`);
          }
          const spec = this.parseInclude(key, value, iterate);
          if (name === '_include') {
            if (spec.sourceType !== type && !iterate) {
              throw new FhirError(400, 'invalid', `_include '${value}' does not start with the searched type ${type}`);
            }
            includes.push(spec);
          } else {
            revIncludes.push(spec);
          }
          kept.push([key, value]);
          continue;
        }
        case '_summary':
          if (value === 'count') {
            summaryCount = true;
          } else if (value !== 'false') {
            notApplied(`_summary=${value}`, 'is not supported (only count and false)');
            continue;
          }
          kept.push([key, value]);
          continue;
        case '_total':
          if (!['none', 'estimate', 'accurate'].includes(value)) {
            throw new FhirError(400, 'invalid', `Invalid value '${value}' for '_total': expected none, estimate or accurate`);
          }
          totalMode = value;
          kept.push([key, value]);
          continue;
        case '_elements':
          elements = value
            .split(',')
            .map((e) => e.trim())
            .filter((e) => e !== '');
          kept.push([key, value]);
          continue;
        case '_format':
          if (!JSON_FORMATS.includes(value)) {
            throw new FhirError(406, 'not-supported', `_format '${value}' is not supported: this server speaks JSON only`);
          }
          continue;
        case '_pretty':
          continue;
      }
      const parameter = this.parameters.get(type)?.get(name);
      if (parameter === undefined) {
        notApplied(key, `is not known for ${type}`);
        continue;
      }
      if (value === '') {
        // R4: a parameter with an empty value is ignored.
        notApplied(key, 'has an empty value');
        continue;
      }
      predicates.push(compileCriterion(parameter, modifier, value, ctx));
      criteria.push({ name, modifier, value });
      kept.push([key, value]);
      if (name === '_id' && modifier === undefined) {
        const wanted = new Set(value.split(','));
        ids = ids === undefined ? wanted : new Set([...ids].filter((id) => wanted.has(id)));
      }
    }

    const candidates =
      ids === undefined
        ? store.list(type, criteria)
        : // Sorted so that an `_id` search lists in the same order as a full one (stores list by id).
          [...ids]
            .sort(compareKeys)
            .map((id) => store.read(type, id))
            .filter((r): r is FhirResource => r !== undefined);
    let matches = candidates.filter((r) => predicates.every((p) => p(r)));
    if (sort.length > 0) {
      matches = this.sorted(matches, sort);
    }
    const total = totalMode === 'none' ? undefined : matches.length;
    const self: [string, string][] = [...kept];
    if (count !== undefined) {
      self.push(['_count', String(count)]);
    }
    if (position !== undefined) {
      self.push([pageParam, String(position)]);
    }
    const link: SearchsetBundle['link'] = [{ relation: 'self', url: searchUrl(baseUrl, type, self) }];
    const outcome: BundleEntry[] =
      ignored.length === 0
        ? []
        : [
            {
              resource: operationOutcome('warning', 'not-supported', `Search parameters not applied: ${ignored.join(', ')}`),
              search: { mode: 'outcome' },
            },
          ];

    const pageSize = count ?? this.defaultCount;
    if (summaryCount || pageSize === 0) {
      return searchsetBundle(ctx.now, matches.length, link, outcome);
    }
    const pages = Math.max(1, Math.ceil(matches.length / pageSize));
    const pageIndex = this.options.paging === 'page' ? (position ?? 1) - 1 : Math.floor((position ?? 0) / pageSize);
    const offset = this.options.paging === 'page' ? pageIndex * pageSize : (position ?? 0);
    const pageLink = (relation: 'first' | 'previous' | 'next' | 'last', index: number, at: number) =>
      link.push({
        relation,
        url: searchUrl(baseUrl, type, [
          ...kept,
          ['_count', String(pageSize)],
          [pageParam, String(this.options.paging === 'page' ? index + 1 : at)],
        ]),
      });
    pageLink('first', 0, 0);
    if (offset > 0) {
      pageLink('previous', pageIndex - 1, Math.max(0, offset - pageSize));
    }
    if (offset + pageSize < matches.length) {
      pageLink('next', pageIndex + 1, offset + pageSize);
    }
    pageLink('last', pages - 1, (pages - 1) * pageSize);

    const page = matches.slice(offset, offset + pageSize);
    const entries: BundleEntry[] = page.map((resource) => ({
      fullUrl: resourceUrl(baseUrl, resource),
      resource: elements === undefined ? resource : subset(resource, elements),
      search: { mode: 'match' },
    }));
    for (const resource of this.resolveIncludes(store, page, includes, revIncludes)) {
      entries.push({ fullUrl: resourceUrl(baseUrl, resource), resource, search: { mode: 'include' } });
    }
    return searchsetBundle(ctx.now, total, link, [...entries, ...outcome]);
  }

  private parseInteger(key: string, value: string, minimum: number): number {
    if (!/^\d+$/.test(value) || Number(value) < minimum) {
      throw new FhirError(400, 'invalid', `Invalid value '${value}' for '${key}': expected an integer ≥ ${minimum}`);
    }
    return Number(value);
  }

  private parseSort(type: string, value: string): SortSpec[] {
    return value.split(',').map((item) => {
      const descending = item.startsWith('-');
      const name = descending ? item.slice(1) : item;
      const parameter = this.parameters.get(type)?.get(name);
      if (parameter === undefined) {
        throw new FhirError(400, 'invalid', `Cannot sort on '${name}': not a search parameter of ${type}`);
      }
      return { parameter, descending };
    });
  }

  private parseInclude(key: string, value: string, iterate: boolean): IncludeSpec {
    const [sourceType, name, targetType, ...rest] = value.split(':');
    if (name === undefined || rest.length > 0 || !this.definitions.has(sourceType)) {
      throw new FhirError(400, 'invalid', `Invalid value '${value}' for '${key}': expected Type:parameter[:TargetType]`);
    }
    const references = this.searchParameters(sourceType).filter((p) => p.type === 'reference');
    const parameters = name === '*' ? references : references.filter((p) => p.name === name);
    if (parameters.length === 0) {
      throw new FhirError(400, 'invalid', `Invalid value '${value}' for '${key}': ${sourceType} has no reference parameter '${name}'`);
    }
    if (targetType !== undefined && !parameters.some((p) => p.type === 'reference' && p.targets.includes(targetType))) {
      throw new FhirError(400, 'invalid', `Invalid value '${value}' for '${key}': '${name}' never refers to ${targetType}`);
    }
    return { sourceType, parameters, targetType, iterate };
  }

  private sorted(resources: readonly FhirResource[], sort: readonly SortSpec[]): FhirResource[] {
    const decorated = resources.map((resource, index) => ({
      resource,
      index,
      keys: sort.map((s) => sortKey(s.parameter, resource, s.descending, this.defaultOffsetMinutes)),
    }));
    decorated.sort((a, b) => {
      for (let i = 0; i < sort.length; i++) {
        const ka = a.keys[i];
        const kb = b.keys[i];
        if (ka === kb) {
          continue;
        }
        // Resources without a value come last in either direction.
        if (ka === undefined) {
          return 1;
        }
        if (kb === undefined) {
          return -1;
        }
        const order = compareKeys(ka, kb) * (sort[i].descending ? -1 : 1);
        if (order !== 0) {
          return order;
        }
      }
      return a.index - b.index;
    });
    return decorated.map((d) => d.resource);
  }

  private resolveIncludes(
    store: ResourceStore,
    page: readonly FhirResource[],
    includes: readonly IncludeSpec[],
    revIncludes: readonly IncludeSpec[],
  ): FhirResource[] {
    const key = (r: FhirResource) => `${r.resourceType}/${r.id}`;
    const seen = new Set(page.map(key));
    const included: FhirResource[] = [];
    const add = (resource: FhirResource | undefined, into: FhirResource[]) => {
      if (resource !== undefined && !seen.has(key(resource))) {
        seen.add(key(resource));
        into.push(resource);
      }
    };
    let frontier: readonly FhirResource[] = page;
    for (let round = 0; round < MAX_INCLUDE_ROUNDS && frontier.length > 0; round++) {
      const next: FhirResource[] = [];
      for (const spec of includes) {
        if (round > 0 && !spec.iterate) {
          continue;
        }
        for (const resource of frontier) {
          if (resource.resourceType !== spec.sourceType) {
            continue;
          }
          for (const reference of referencesOf(spec, resource)) {
            const [targetType, id] = normalizeReference(reference).split('/');
            if (id === undefined || !this.definitions.has(targetType) || (spec.targetType ?? targetType) !== targetType) {
              continue;
            }
            add(store.read(targetType, id), next);
          }
        }
      }
      if (round === 0 && revIncludes.length > 0) {
        const targets = new Set(page.map(key));
        for (const spec of revIncludes) {
          for (const candidate of store.list(spec.sourceType)) {
            if (referencesOf(spec, candidate).some((reference) => targets.has(normalizeReference(reference)))) {
              add(candidate, next);
            }
          }
        }
      }
      included.push(...next);
      frontier = next;
    }
    return included;
  }
}

function splitKey(key: string): [string, string | undefined] {
  const colon = key.indexOf(':');
  return colon < 0 ? [key, undefined] : [key.slice(0, colon), key.slice(colon + 1)];
}

function referencesOf(spec: IncludeSpec, resource: FhirResource): string[] {
  const references: string[] = [];
  for (const parameter of spec.parameters) {
    if (parameter.type === 'reference') {
      for (const value of parameter.values(resource)) {
        if (typeof value === 'string') {
          references.push(value);
        }
      }
    }
  }
  return references;
}

/** `_elements`: the named top-level elements plus the mandatory ones, tagged SUBSETTED as R4 requires. */
function subset(resource: FhirResource, elements: readonly string[]): FhirResource {
  const result: FhirResource = { resourceType: resource.resourceType, id: resource.id };
  for (const element of elements) {
    if (element in resource && element !== 'meta') {
      result[element] = resource[element];
    }
  }
  result.meta = {
    ...resource.meta,
    tag: [...(resource.meta?.tag ?? []), { system: 'http://terminology.hl7.org/CodeSystem/v3-ObservationValue', code: 'SUBSETTED' }],
  };
  return result;
}
