import assert from 'node:assert/strict';
import { isApiError } from '../../../../src/core/errors';
import { bundleResources, isBundle, nextPageUrl } from '../../../../src/core/fhir/bundle';
import type { Bundle } from '../../../../src/core/fhir/bundle';

const BASE = new URL('https://au-api.halaxy.com/main');
const PAGE = new URL('https://au-api.halaxy.com/main/Patient?_count=2&page=1');

function withNext(url: string): Bundle {
  return { resourceType: 'Bundle', type: 'searchset', link: [{ relation: 'self', url: PAGE.href }, { relation: 'next', url }] };
}

describe('core/fhir bundle helpers', () => {
  it('resolves next links absolute, base-relative, root-relative and query-only', () => {
    const next = (url: string) => nextPageUrl(withNext(url), BASE, PAGE)?.href;
    assert.equal(next('https://au-api.halaxy.com/main/Patient?_count=2&page=2'), 'https://au-api.halaxy.com/main/Patient?_count=2&page=2');
    assert.equal(next('Patient?_count=2&page=2'), 'https://au-api.halaxy.com/main/Patient?_count=2&page=2');
    assert.equal(next('/main/Patient?_count=2&page=2'), 'https://au-api.halaxy.com/main/Patient?_count=2&page=2');
    assert.equal(next('?_count=2&page=2'), 'https://au-api.halaxy.com/main/Patient?_count=2&page=2');
    assert.equal(nextPageUrl({ resourceType: 'Bundle', type: 'searchset', link: [{ relation: 'self', url: PAGE.href }] }, BASE, PAGE), undefined);
    assert.equal(nextPageUrl({ resourceType: 'Bundle', type: 'searchset' }, BASE, PAGE), undefined);
  });

  it('refuses next links that leave the API', () => {
    for (const url of ['https://evil.example/main/Patient?page=2', 'http://au-api.halaxy.com/main/Patient?page=2', '/other/Patient?page=2',
      'https://au-api.halaxy.com/mainly/Patient', '../Patient?page=2', 'https://au-api.halaxy.com:8443/main/Patient']) {
      assert.throws(() => nextPageUrl(withNext(url), BASE, PAGE), (error) => isApiError(error, 'badResponse'), url);
    }
  });

  it('splits matches from included resources', () => {
    const bundle: Bundle = {
      resourceType: 'Bundle',
      type: 'searchset',
      entry: [
        { resource: { resourceType: 'Appointment', id: 'a1' }, search: { mode: 'match' } },
        { resource: { resourceType: 'Patient', id: 'p1' }, search: { mode: 'include' } },
        { resource: { resourceType: 'Appointment', id: 'a2' } },
        { resource: { resourceType: 'OperationOutcome' }, search: { mode: 'outcome' } },
        { fullUrl: 'https://au-api.halaxy.com/main/Appointment/a3' },
      ],
    };
    assert.deepEqual(bundleResources(bundle).map((resource) => resource.id), ['a1', 'a2']);
    assert.deepEqual(bundleResources(bundle, 'include').map((resource) => resource.id), ['p1']);
  });

  it('tells a Bundle from anything else', () => {
    assert.ok(isBundle({ resourceType: 'Bundle', type: 'searchset' }));
    for (const value of [null, 'Bundle', [], { resourceType: 'Patient' }, { resourceType: 'Bundle', entry: {} }, { resourceType: 'Bundle', link: 'x' }]) {
      assert.ok(!isBundle(value), JSON.stringify(value));
    }
  });
});
