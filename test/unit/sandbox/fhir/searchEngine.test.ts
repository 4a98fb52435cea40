import { strict as assert } from 'node:assert';
import type { SearchsetBundle } from '../../../../src/sandbox/fhir/bundle';
import { FhirError } from '../../../../src/sandbox/fhir/operationOutcome';
import { FhirSearchEngine } from '../../../../src/sandbox/fhir/searchEngine';
import type { ResourceDefinition, ResourceStore } from '../../../../src/sandbox/fhir/searchEngine';
import type { FhirResource } from '../../../../src/sandbox/fhir/searchParameters';
import { dateRange } from '../../../../src/sandbox/fhir/searchParameters';

const BASE = 'http://127.0.0.1:9/main';

type Observation = FhirResource & { subject: { reference: string }; valueQuantity: { value: number; system: string; code: string }; rank?: number };

/** Seven observations of two patients, with weights in kg and one in g, and a rank to test number search. */
const observations: Observation[] = [100, 99.6, 100.4, 100.6, 50, 150, 250].map((value, i) => ({
  resourceType: 'Observation',
  id: `o${i + 1}`,
  meta: { lastUpdated: `2024-0${i + 1}-01T00:00:00Z` },
  subject: { reference: i % 2 === 0 ? 'Patient/p1' : 'Patient/p2' },
  valueQuantity: i === 6 ? { value, system: 'http://unitsofmeasure.org', code: 'g' } : { value, system: 'http://unitsofmeasure.org', code: 'kg' },
  ...(i === 3 ? {} : { rank: value }),
}));
const patients: FhirResource[] = [
  { resourceType: 'Patient', id: 'p1', name: 'Alpha' },
  { resourceType: 'Patient', id: 'p2', name: 'Beta' },
];

const store: ResourceStore = {
  list: (type) => (type === 'Observation' ? observations : patients),
  read: (type, id) => (type === 'Observation' ? observations : patients).find((r) => r.id === id),
};

const definitions: ResourceDefinition[] = [
  {
    type: 'Observation',
    interactions: ['read', 'search-type'],
    searchParameters: [
      { name: 'subject', type: 'reference', targets: ['Patient'], documentation: 'Subject', values: (r: Observation) => [r.subject.reference] },
      { name: 'value-quantity', type: 'quantity', documentation: 'Value', values: (r: Observation) => [r.valueQuantity] },
      { name: 'rank', type: 'number', documentation: 'A number', values: (r: Observation) => [r.rank] },
    ],
  },
  {
    type: 'Patient',
    interactions: ['read', 'search-type'],
    searchParameters: [{ name: 'name', type: 'string', documentation: 'Name', values: (r) => [r.name as string] }],
  },
];

describe('FHIR search engine (generic, Halaxy-style options)', () => {
  const engine = new FhirSearchEngine({ resources: definitions, paging: 'page', bareReferences: 'reject', now: () => new Date('2025-01-01T00:00:00Z') });
  const search = (type: string, query: string) => engine.search(store, { type, params: new URLSearchParams(query), baseUrl: BASE });
  const ids = (type: string, query: string) => (search(type, query).entry ?? []).filter((e) => e.search.mode === 'match').map((e) => (e.resource as FhirResource).id);
  const failure = (type: string, query: string): FhirError => {
    try {
      search(type, query);
    } catch (error) {
      assert.ok(error instanceof FhirError);
      return error;
    }
    assert.fail(`${type}?${query} should have failed`);
  };

  it('pages with a 1-based page parameter, following next until absent', () => {
    let bundle: SearchsetBundle = search('Observation', '_count=3');
    const pages: string[][] = [];
    for (let guard = 0; guard < 10; guard++) {
      assert.equal(bundle.total, 7);
      pages.push((bundle.entry ?? []).map((e) => (e.resource as FhirResource).id));
      const next = bundle.link.find((l) => l.relation === 'next')?.url;
      if (next === undefined) {
        break;
      }
      assert.ok(next.startsWith(`${BASE}/Observation?`));
      bundle = search('Observation', next.slice(next.indexOf('?') + 1));
    }
    assert.deepEqual(pages, [['o1', 'o2', 'o3'], ['o4', 'o5', 'o6'], ['o7']]);
    assert.equal(bundle.link.find((l) => l.relation === 'last')?.url, `${BASE}/Observation?_count=3&page=3`);
    assert.equal(bundle.link.find((l) => l.relation === 'previous')?.url, `${BASE}/Observation?_count=3&page=2`);
    assert.equal(failure('Observation', 'page=0').status, 400);
  });

  it('rejects a bare id in a reference parameter with 422 and accepts Type/id or a URL', () => {
    const error = failure('Observation', 'subject=p1');
    assert.equal(error.status, 422);
    assert.match(error.message, /Patient\/p1/);
    assert.deepEqual(ids('Observation', 'subject=Patient/p1'), ['o1', 'o3', 'o5', 'o7']);
    assert.deepEqual(ids('Observation', 'subject=https://au-api.halaxy.com/main/Patient/p2'), ['o2', 'o4', 'o6']);
    assert.deepEqual(ids('Observation', 'subject:Patient=p2'), ['o2', 'o4', 'o6'], 'a type modifier makes the id typed');
  });

  it('applies number prefixes with implicit precision', () => {
    assert.deepEqual(ids('Observation', 'rank=100'), ['o1', 'o2', 'o3'], '100 means [99.5, 100.5)');
    assert.deepEqual(ids('Observation', 'rank=100.0'), ['o1']);
    assert.deepEqual(ids('Observation', 'rank=gt100'), ['o3', 'o6', 'o7']);
    assert.deepEqual(ids('Observation', 'rank=le99.6'), ['o2', 'o5']);
    assert.deepEqual(ids('Observation', 'rank=ap140'), ['o6']);
    assert.deepEqual(ids('Observation', 'rank=ne100'), ['o5', 'o6', 'o7']);
    assert.deepEqual(ids('Observation', 'rank:missing=true'), ['o4']);
    assert.equal(failure('Observation', 'rank=ten').status, 400);
  });

  it('matches quantities on value, system and code', () => {
    assert.deepEqual(ids('Observation', 'value-quantity=gt140|http://unitsofmeasure.org|kg'), ['o6']);
    assert.deepEqual(ids('Observation', 'value-quantity=gt140||g'), ['o7']);
    assert.deepEqual(ids('Observation', 'value-quantity=100.6'), ['o4']);
  });

  it('includes the referenced patients once', () => {
    const bundle = search('Observation', '_include=Observation:subject&_count=2');
    assert.deepEqual(
      (bundle.entry ?? []).map((e) => `${e.search.mode}:${(e.resource as FhirResource).id}`),
      ['match:o1', 'match:o2', 'include:p1', 'include:p2'],
    );
  });

  it('sorts on numbers and lastUpdated, missing values last', () => {
    assert.deepEqual(ids('Observation', '_sort=-rank'), ['o7', 'o6', 'o3', 'o1', 'o2', 'o5', 'o4']);
    assert.deepEqual(ids('Observation', '_sort=-_lastUpdated&_count=2'), ['o7', 'o6']);
  });

  it('computes implicit date ranges with the default offset', () => {
    assert.deepEqual(dateRange('2024', 600), { start: Date.parse('2024-01-01T00:00:00+10:00'), end: Date.parse('2025-01-01T00:00:00+10:00') });
    assert.deepEqual(dateRange('2024-02', 0), { start: Date.parse('2024-02-01T00:00:00Z'), end: Date.parse('2024-03-01T00:00:00Z') });
    assert.equal(dateRange('2024-02-29T10:00-05:00', 600)?.start, Date.parse('2024-02-29T15:00:00Z'));
    assert.equal(dateRange('2023-02-29', 600), undefined);
  });

  it('names the supported types for an unknown one', () => {
    const error = failure('Encounter', '');
    assert.equal(error.status, 404);
    assert.match(error.message, /Observation, Patient/);
  });
});
