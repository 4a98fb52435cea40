import assert from 'node:assert/strict';
import { searchQuery } from '../../../../src/core/fhir/searchQuery';

describe('core/fhir searchQuery', () => {
  it('escapes + as %2B so a time zone survives, and a space as %20', () => {
    assert.equal(searchQuery({ date: 'ge2025-06-01T09:00:00+10:00', name: 'Mary Ann' }), 'date=ge2025-06-01T09:00:00%2B10:00&name=Mary%20Ann');
    // What a server's form decoding makes of it: the plus is still a plus.
    assert.equal(new URLSearchParams(searchQuery({ date: 'ge2025-06-01T09:00:00+10:00' })).get('date'), 'ge2025-06-01T09:00:00+10:00');
  });

  it('keeps FHIR punctuation readable and encodes what would break the query', () => {
    assert.equal(
      searchQuery({ _id: 'a,b', identifier: 'http://ns.electronichealth.net.au/id/medicare-number|2950156481', 'subject:Patient': '12', email: 'a&b=c#d?@x.au' }),
      '_id=a,b&identifier=http://ns.electronichealth.net.au/id/medicare-number|2950156481&subject:Patient=12&email=a%26b%3Dc%23d%3F%40x.au',
    );
  });

  it('repeats a parameter for an array, writes numbers and booleans, skips undefined', () => {
    assert.equal(
      searchQuery({ date: ['ge2025-01-01', 'lt2026-01-01'], _count: 50, active: true, _summary: undefined, _include: ['Appointment:patient', 'Appointment:actor'] }),
      'date=ge2025-01-01&date=lt2026-01-01&_count=50&active=true&_include=Appointment:patient&_include=Appointment:actor',
    );
  });

  it('takes ordered pairs and URLSearchParams, encoded the same way', () => {
    assert.equal(searchQuery([['_sort', '-name'], ['family', 'O’Brien+Smith']]), '_sort=-name&family=O%E2%80%99Brien%2BSmith');
    assert.equal(searchQuery(new URLSearchParams('_lastUpdated=gt2025-06-01T00:00:00%2B10:00&page=2')), '_lastUpdated=gt2025-06-01T00:00:00%2B10:00&page=2');
    assert.equal(searchQuery({}), '');
  });
});
