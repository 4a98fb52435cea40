import type { Database, SqlValue } from 'sql.js';
import { BEST_PRACTICE_MAPPINGS } from './bestPracticeResources';
import type { BpLookups, BpRow, BpTableMapping } from './bestPracticeResources';
import { capabilityStatement } from './capabilityStatement';
import { FhirError, operationOutcome } from './operationOutcome';
import { FhirSearchEngine } from './searchEngine';
import type { ResourceStore, SearchCriterion } from './searchEngine';
import { normalizeReference, splitUnescaped } from './searchParameters';
import type { FhirResource } from './searchParameters';

export interface BestPracticeFhirOptions {
  now?: () => Date;
  /** CapabilityStatement.software.version. */
  softwareVersion?: string;
}

export interface BestPracticeFhirRequest {
  method: 'GET' | 'POST';
  /** What follows `fhir/R4/`: `metadata`, `Patient`, `Patient/12`, `Patient/_search`. */
  path: string;
  /** The query string, or for POST `_search` the parsed form body. */
  params: URLSearchParams;
  /** Absolute URL of `…/fhir/R4`, for links and fullUrls. */
  baseUrl: string;
  /** From `Prefer: handling=strict|lenient`; strict refuses unknown search parameters with 400. Default lenient. */
  handling?: 'strict' | 'lenient';
}

export interface BestPracticeFhirResponse {
  status: number;
  body: unknown;
}

/**
 * Halo Connect's FHIR R4 facade over one Best Practice database (`main` schema of a sql.js Database). Each request
 * reads the base tables afresh, so rows written through SQL show up at once; nothing is cached between requests.
 */
export class BestPracticeFhirFacade {
  private readonly engine: FhirSearchEngine;
  private readonly mappings: ReadonlyMap<string, BpTableMapping>;
  private readonly now: () => Date;

  constructor(
    private readonly db: Database,
    private readonly options: BestPracticeFhirOptions = {},
  ) {
    this.now = options.now ?? (() => new Date());
    this.mappings = new Map(BEST_PRACTICE_MAPPINGS.map((m) => [m.definition.type, m]));
    this.engine = new FhirSearchEngine({
      resources: BEST_PRACTICE_MAPPINGS.map((m) => m.definition),
      paging: 'offset',
      bareReferences: 'accept',
      now: this.now,
    });
  }

  handle(request: BestPracticeFhirRequest): BestPracticeFhirResponse {
    try {
      return this.route(request);
    } catch (error) {
      if (error instanceof FhirError) {
        return { status: error.status, body: error.toOutcome() };
      }
      return { status: 500, body: operationOutcome('error', 'exception', error instanceof Error ? error.message : String(error)) };
    }
  }

  private route(request: BestPracticeFhirRequest): BestPracticeFhirResponse {
    const [path, query] = request.path.split('?', 2);
    const params = new URLSearchParams(request.params);
    if (query !== undefined) {
      for (const [name, value] of new URLSearchParams(query)) {
        params.append(name, value);
      }
    }
    const segments = path.split('/').filter((s) => s !== '');
    const [type, second, third] = segments;
    if (segments.length === 1 && type === 'metadata') {
      this.requireMethod(request, 'GET');
      return { status: 200, body: this.capabilityStatement(request.baseUrl) };
    }
    if (type === undefined || segments.length > 2) {
      throw new FhirError(400, 'not-supported', `Unsupported FHIR path '${request.path}'${third === '$summary' ? ' ($summary is not offered by this Sandbox)' : ''}`);
    }
    this.engine.definition(type);
    const store = new BestPracticeStore(this.db, this.mappings);
    if (second === undefined || second === '_search') {
      if (second === undefined) {
        // Halo's facade creates Patients by POST; the Sandbox serves reads and searches only.
        this.requireMethod(request, 'GET');
      }
      const bundle = this.engine.search(store, {
        type,
        params,
        baseUrl: request.baseUrl,
        strict: request.handling === 'strict',
      });
      return { status: 200, body: bundle };
    }
    this.requireMethod(request, 'GET');
    return { status: 200, body: this.engine.read(store, type, second) };
  }

  private requireMethod(request: BestPracticeFhirRequest, method: 'GET' | 'POST'): void {
    if (request.method !== method) {
      throw new FhirError(405, 'not-supported', `${request.method} ${request.path} is not supported by the Sandbox's FHIR facade`);
    }
  }

  private capabilityStatement(baseUrl: string): Record<string, unknown> {
    return capabilityStatement(this.engine, {
      baseUrl,
      date: this.now(),
      software: { name: 'Halo Connect FHIR facade for Best Practice (Practice Data Explorer Sandbox)', version: this.options.softwareVersion ?? '0.0.0' },
      implementationDescription: 'FHIR R4 facade over a Best Practice practice database (Sandbox emulation)',
      implementationGuides: ['http://hl7.org.au/fhir/ImplementationGuide/hl7.fhir.au.base|4.1.0'],
    });
  }
}

/**
 * The integer keys a reference search value can match (`Patient/12`, `12`, `http://…/Patient/12`, comma-separated);
 * values of another type or with a non-integer id match nothing, so they add no key.
 */
function referencedKeys(value: string, target: string): number[] {
  const keys: number[] = [];
  for (const item of splitUnescaped(value, ',')) {
    const reference = normalizeReference(item);
    const [type, id] = reference.includes('/') ? reference.split('/') : [target, reference];
    if (type === target && /^\d{1,15}$/.test(id)) {
      keys.push(Number(id));
    }
  }
  return keys;
}

/** One request's view of the database: each table is read at most once and only when the request needs it. */
class BestPracticeStore implements ResourceStore {
  private readonly lists = new Map<string, FhirResource[]>();
  private lookups?: BpLookups;

  constructor(
    private readonly db: Database,
    private readonly mappings: ReadonlyMap<string, BpTableMapping>,
  ) {}

  list(type: string, criteria: readonly SearchCriterion[] = []): readonly FhirResource[] {
    const cached = this.lists.get(type);
    if (cached !== undefined) {
      return cached;
    }
    const mapping = this.mapping(type);
    const conditions = mapping.filter === undefined ? [] : [mapping.filter];
    const params: number[] = [];
    for (const criterion of criteria) {
      const index = criterion.modifier === undefined ? mapping.indexed?.[criterion.name] : undefined;
      if (index !== undefined) {
        const keys = referencedKeys(criterion.value, index.target);
        conditions.push(keys.length === 0 ? '0' : `${index.column} IN (${keys.map(() => '?').join(', ')})`);
        params.push(...keys);
      }
    }
    const where = conditions.length === 0 ? '' : ` WHERE ${conditions.join(' AND ')}`;
    const lookups = this.loadLookups();
    const resources = this.rows(`SELECT * FROM ${mapping.table}${where} ORDER BY ${mapping.key}`, params).map((row) => mapping.build(row, lookups));
    // Only a full list can answer later reads and revincludes of the same request.
    if (params.length === 0 && conditions.length === (mapping.filter === undefined ? 0 : 1)) {
      this.lists.set(type, resources);
    }
    return resources;
  }

  read(type: string, id: string): FhirResource | undefined {
    // Best Practice keys are integers: anything else cannot exist, and must not reach SQL as text.
    if (!/^\d{1,15}$/.test(id)) {
      return undefined;
    }
    const cached = this.lists.get(type);
    if (cached !== undefined) {
      return cached.find((r) => r.id === id);
    }
    const mapping = this.mapping(type);
    const filter = mapping.filter === undefined ? '' : ` AND ${mapping.filter}`;
    const [row] = this.rows(`SELECT * FROM ${mapping.table} WHERE ${mapping.key} = ?${filter}`, [Number(id)]);
    return row === undefined ? undefined : mapping.build(row, this.loadLookups());
  }

  private mapping(type: string): BpTableMapping {
    const mapping = this.mappings.get(type);
    if (mapping === undefined) {
      throw new FhirError(404, 'not-supported', `Resource type '${type}' is not supported`);
    }
    return mapping;
  }

  private rows(sql: string, params: SqlValue[] = []): BpRow[] {
    const statement = this.db.prepare(sql, params);
    try {
      // get() plus the column names is about five times faster than getAsObject() on sql.js.
      const columns = statement.getColumnNames();
      const rows: BpRow[] = [];
      while (statement.step()) {
        const values = statement.get();
        const row: BpRow = {};
        for (let i = 0; i < columns.length; i++) {
          row[columns[i]] = values[i];
        }
        rows.push(row);
      }
      return rows;
    } finally {
      statement.free();
    }
  }

  private codes(sql: string): Map<number, string> {
    const map = new Map<number, string>();
    for (const row of this.rows(sql)) {
      const [key, value] = Object.values(row);
      if (typeof key === 'number' && value !== null && value !== undefined) {
        map.set(key, String(value));
      }
    }
    return map;
  }

  private loadLookups(): BpLookups {
    if (this.lookups === undefined) {
      const titles = this.codes('SELECT TITLECODE, TITLE FROM TITLES');
      const userNames = new Map<number, string>();
      for (const row of this.rows('SELECT USERID, TITLECODE, FIRSTNAME, SURNAME FROM USERS')) {
        const title = typeof row.TITLECODE === 'number' ? titles.get(row.TITLECODE) : undefined;
        const name = [title, row.FIRSTNAME, row.SURNAME].filter((p) => typeof p === 'string' && p.trim() !== '').join(' ');
        userNames.set(Number(row.USERID), name);
      }
      const [practice] = this.rows('SELECT PRACTICEID FROM PRACTICE ORDER BY PRACTICEID LIMIT 1');
      this.lookups = {
        titles,
        sexes: this.codes('SELECT SEXCODE, SEX FROM SEX'),
        patientStatuses: this.codes('SELECT PATIENTSTATUS, STATUSTEXT FROM PATIENTSTATUS'),
        appointmentStatuses: this.codes('SELECT STATUSCODE, STATUSTEXT FROM APPOINTMENTSTATUS'),
        appointmentTypes: this.codes('SELECT APPOINTMENTCODE, DESCRIPTION FROM APPOINTMENTTYPES'),
        userNames,
        practiceId: typeof practice?.PRACTICEID === 'number' ? practice.PRACTICEID : undefined,
      };
    }
    return this.lookups;
  }
}
