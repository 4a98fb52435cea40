import { strict as assert } from 'node:assert';
import { generatePractice } from '../../../../../src/sandbox/data/practiceGenerator';
import type { GeneratedPractice } from '../../../../../src/sandbox/data/practiceModel';
import type { HalaxyFhirService, HalaxyRequest, HalaxyResponse } from '../../../../../src/sandbox/halaxy/halaxyFhirService';
import { FULL_ACCESS } from '../../../../../src/sandbox/halaxy/halaxyPermissions';
import type { HalaxyPermissions } from '../../../../../src/sandbox/halaxy/halaxyPermissions';

export const BASE_URL = 'http://127.0.0.1:9/main';
/** A Monday morning in Melbourne; the practice's bookings run three months on from it. */
export const NOW = new Date('2025-06-01T23:00:00Z');
/** Seed 7 with 2,000 patients gives a group of three clinics in Victoria. */
export const SEED = 7;
export const PATIENTS = 2000;

let shared: GeneratedPractice | undefined;

/** The practice every test reads (generated once per process: it is deterministic and never mutated). */
export function practice(): GeneratedPractice {
  shared ??= generatePractice({ seed: SEED, patients: PATIENTS, now: NOW, software: 'Halaxy', kind: 'medical' });
  return shared;
}

export type Resource = Record<string, unknown> & { resourceType: string; id: string; meta?: { versionId?: string; lastUpdated?: string } };

export interface Bundle {
  resourceType: string;
  type?: string;
  total?: number;
  link: { relation: string; url: string }[];
  entry?: { fullUrl?: string; resource: Resource; search: { mode: string } }[];
}

export interface Outcome {
  resourceType: 'OperationOutcome';
  issue: { severity: string; code: string; diagnostics: string; expression?: string[] }[];
}

/** A client of the service that speaks paths with query strings, as the HTTP layer will. */
export class ServiceClient {
  constructor(
    readonly service: HalaxyFhirService,
    readonly permissions: HalaxyPermissions = FULL_ACCESS,
  ) {}

  call(method: HalaxyRequest['method'], pathAndQuery: string, body?: unknown, permissions = this.permissions): HalaxyResponse {
    const [path, query = ''] = pathAndQuery.split('?', 2);
    return this.service.handle({ method, path, params: new URLSearchParams(query), body, baseUrl: BASE_URL, permissions });
  }

  /** GET that must answer 200. */
  get<T = Resource>(pathAndQuery: string): T {
    const response = this.call('GET', pathAndQuery);
    assert.equal(response.status, 200, `${pathAndQuery} → ${response.status} ${JSON.stringify(response.body)}`);
    return response.body as T;
  }

  search(pathAndQuery: string): Bundle {
    return this.get<Bundle>(pathAndQuery);
  }

  /** Ids of a search's matches on its first page (ask for a large _count to see all). */
  ids(pathAndQuery: string): string[] {
    return matchIds(this.search(pathAndQuery));
  }

  /** Follows an absolute Bundle link back into the service. */
  follow(url: string): Bundle {
    assert.ok(url.startsWith(`${BASE_URL}/`), `link ${url} is not under ${BASE_URL}`);
    return this.search(url.slice(BASE_URL.length + 1));
  }

  /** A refused request's status and first issue. */
  refusal(method: HalaxyRequest['method'], pathAndQuery: string, body?: unknown, permissions = this.permissions): { status: number; issue: Outcome['issue'][number] } {
    const response = this.call(method, pathAndQuery, body, permissions);
    const outcome = response.body as Outcome;
    assert.equal(outcome.resourceType, 'OperationOutcome', `${method} ${pathAndQuery} → ${response.status} ${JSON.stringify(response.body).slice(0, 300)}`);
    return { status: response.status, issue: outcome.issue[0] };
  }
}

export function matchIds(bundle: Bundle): string[] {
  return (bundle.entry ?? []).filter((e) => e.search.mode === 'match').map((e) => e.resource.id);
}

export function link(bundle: Bundle, relation: string): string | undefined {
  return bundle.link.find((l) => l.relation === relation)?.url;
}

/** Every `reference` string anywhere in a resource. */
export function referencesIn(value: unknown): string[] {
  if (Array.isArray(value)) {
    return value.flatMap(referencesIn);
  }
  if (typeof value !== 'object' || value === null) {
    return [];
  }
  return Object.entries(value).flatMap(([key, child]) => (key === 'reference' && typeof child === 'string' ? [child] : referencesIn(child)));
}

export const idOf = (reference: string): string => reference.split('/').pop() ?? '';
