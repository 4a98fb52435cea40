import type { ResourceStore, SearchCriterion } from '../../fhir/searchEngine';
import { compareKeys, normalizeReference } from '../../fhir/searchParameters';
import type { FhirResource, SearchParameterDefinition } from '../../fhir/searchParameters';

interface TypeTable {
  /** In id order, which is the default sort of a search. */
  list: FhirResource[];
  byId: Map<string, FhirResource>;
}

type ReferenceIndex = Map<string, FhirResource[]>;

/**
 * The practice's resources in memory, by type and id, with lazily built indexes on reference search parameters so
 * that `Appointment?patient=…` or `Slot?schedule=…` touch only the matching resources. Stored resources are never
 * mutated: a write stores a new object, so a Bundle already handed out keeps the version it had.
 */
export class HalaxyStore implements ResourceStore {
  private readonly tables = new Map<string, TypeTable>();
  private readonly indexes = new Map<string, Map<string, ReferenceIndex>>();

  constructor(
    resources: ReadonlyMap<string, readonly FhirResource[]>,
    private readonly parameter: (type: string, name: string) => SearchParameterDefinition | undefined,
  ) {
    for (const [type, list] of resources) {
      this.tables.set(type, { list: [...list], byId: new Map(list.map((r) => [r.id, r])) });
    }
  }

  list(type: string, criteria: readonly SearchCriterion[] = []): readonly FhirResource[] {
    for (const criterion of criteria) {
      const definition = criterion.modifier === undefined ? this.parameter(type, criterion.name) : undefined;
      if (definition?.type !== 'reference' || criterion.value.includes(',')) {
        continue;
      }
      const wanted = normalizeReference(criterion.value);
      if (wanted.includes('/')) {
        return this.index(type, definition).get(wanted) ?? [];
      }
    }
    return this.table(type).list;
  }

  read(type: string, id: string): FhirResource | undefined {
    return this.table(type).byId.get(id);
  }

  /** The resource a reference (`Type/id`, absolute or relative) points at. */
  resolve(reference: string): FhirResource | undefined {
    const [type, id] = normalizeReference(reference).split('/');
    return id === undefined ? undefined : this.tables.get(type)?.byId.get(id);
  }

  /** Stores a new resource or a new version of one, keeping the type's list in id order. */
  put(resource: FhirResource): void {
    const table = this.table(resource.resourceType);
    const previous = table.byId.get(resource.id);
    table.byId.set(resource.id, resource);
    if (previous === undefined) {
      table.list.splice(this.insertionPoint(table.list, resource.id), 0, resource);
      this.indexes.delete(resource.resourceType);
      return;
    }
    table.list[table.list.indexOf(previous)] = resource;
    const indexes = this.indexes.get(resource.resourceType);
    for (const [name, index] of indexes ?? []) {
      const definition = this.parameter(resource.resourceType, name);
      if (definition?.type !== 'reference' || !this.replaceIn(index, definition, previous, resource)) {
        indexes?.delete(name);
      }
    }
  }

  /** The next free id of a type: numeric ids count on from the highest, prefixed ones (`EP-`, `SP-`) within their prefix. */
  nextId(type: string, prefix = ''): string {
    let highest = 0;
    for (const id of this.table(type).byId.keys()) {
      if (id.startsWith(prefix) && /^\d+$/.test(id.slice(prefix.length))) {
        highest = Math.max(highest, Number(id.slice(prefix.length)));
      }
    }
    return `${prefix}${highest + 1}`;
  }

  private table(type: string): TypeTable {
    let table = this.tables.get(type);
    if (table === undefined) {
      table = { list: [], byId: new Map() };
      this.tables.set(type, table);
    }
    return table;
  }

  private index(type: string, definition: SearchParameterDefinition): ReferenceIndex {
    let byName = this.indexes.get(type);
    if (byName === undefined) {
      byName = new Map();
      this.indexes.set(type, byName);
    }
    let index = byName.get(definition.name);
    if (index === undefined) {
      index = new Map();
      for (const resource of this.table(type).list) {
        for (const key of keysOf(definition, resource)) {
          let bucket = index.get(key);
          if (bucket === undefined) {
            bucket = [];
            index.set(key, bucket);
          }
          bucket.push(resource);
        }
      }
      byName.set(definition.name, index);
    }
    return index;
  }

  /** Swaps a new version into an index in place; false when its keys changed and the index must be rebuilt. */
  private replaceIn(index: ReferenceIndex, definition: SearchParameterDefinition, previous: FhirResource, next: FhirResource): boolean {
    const before = keysOf(definition, previous);
    const after = keysOf(definition, next);
    if (before.length !== after.length || before.some((key, i) => key !== after[i])) {
      return false;
    }
    for (const key of before) {
      const bucket = index.get(key);
      const at = bucket?.indexOf(previous) ?? -1;
      if (bucket !== undefined && at >= 0) {
        bucket[at] = next;
      }
    }
    return true;
  }

  private insertionPoint(list: readonly FhirResource[], id: string): number {
    let low = 0;
    let high = list.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (compareKeys(list[mid].id, id) < 0) {
        low = mid + 1;
      } else {
        high = mid;
      }
    }
    return low;
  }
}

function keysOf(definition: SearchParameterDefinition, resource: FhirResource): string[] {
  if (definition.type !== 'reference') {
    return [];
  }
  const keys: string[] = [];
  for (const value of definition.values(resource)) {
    // Stored references are relative already; only absolute or versioned ones need normalizing.
    const key = typeof value !== 'string' ? undefined : value.includes(':') || value.includes('/_history/') ? normalizeReference(value) : value;
    if (key !== undefined && !keys.includes(key)) {
      keys.push(key);
    }
  }
  return keys;
}
