import assert from 'node:assert/strict';
import { parseReference } from '../../../../src/core/fhir/reference';

describe('core/fhir parseReference', () => {
  it('reads relative references, with and without a version', () => {
    assert.deepEqual(parseReference('Patient/123'), { type: 'Patient', id: '123' });
    assert.deepEqual(parseReference('Practitioner/PR-1234'), { type: 'Practitioner', id: 'PR-1234' });
    assert.deepEqual(parseReference('Appointment/a.1/_history/3'), { type: 'Appointment', id: 'a.1', version: '3' });
  });

  it('reads absolute references and keeps their base', () => {
    assert.deepEqual(parseReference('https://au-api.halaxy.com/main/Patient/123'), { type: 'Patient', id: '123', baseUrl: 'https://au-api.halaxy.com/main' });
    assert.deepEqual(parseReference('http://127.0.0.1:4100/main/Organization/CL-7/_history/2'), {
      type: 'Organization',
      id: 'CL-7',
      version: '2',
      baseUrl: 'http://127.0.0.1:4100/main',
    });
    assert.deepEqual(parseReference('https://example.org/Patient/9'), { type: 'Patient', id: '9', baseUrl: 'https://example.org' });
    assert.deepEqual(parseReference('https://example.org/Fhir/R4/Patient/9'), { type: 'Patient', id: '9', baseUrl: 'https://example.org/Fhir/R4' });
  });

  it('refuses what names nothing fetchable', () => {
    for (const reference of ['#contained1', 'urn:uuid:5b1f0a3e-0000-4000-8000-000000000000', '123', 'patient/123', 'Patient/', 'Patient/12/34',
      'Patient/a b', 'ftp://example.org/Patient/1', 'Patient/123?x=1', '', `Patient/${'x'.repeat(65)}`]) {
      assert.equal(parseReference(reference), undefined, reference);
    }
  });
});
