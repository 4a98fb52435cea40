import assert from 'node:assert/strict';
import { flattenFhir } from '../../../../src/webview/flattenFhir';

describe('webview/flattenFhir', () => {
  it("flattens a Bundle's resources to id, resourceType and top-level scalars, in order of first appearance", () => {
    const table = flattenFhir({
      resourceType: 'Bundle',
      type: 'searchset',
      entry: [
        { resource: { resourceType: 'Appointment', id: 'a1', status: 'booked', start: '2030-01-01T09:00:00+10:00', participant: [{}] } },
        { resource: { id: 'p1', resourceType: 'Patient', active: true, birthDate: '1970-01-01', name: [{ family: 'Smith' }] }, search: { mode: 'include' } },
        { fullUrl: 'no resource' },
      ],
    });
    assert.deepEqual(table.columns, ['resourceType', 'id', 'status', 'start', 'active', 'birthDate']);
    assert.deepEqual(table.rows, [
      ['Appointment', 'a1', 'booked', '2030-01-01T09:00:00+10:00', null, null],
      ['Patient', 'p1', null, null, true, '1970-01-01'],
    ]);
  });

  it('shows a single resource as one row, and an empty Bundle or a non-resource as no rows', () => {
    assert.deepEqual(flattenFhir({ resourceType: 'Patient', id: '7', gender: 'male' }), { columns: ['resourceType', 'id', 'gender'], rows: [['Patient', '7', 'male']] });
    assert.deepEqual(flattenFhir({ resourceType: 'Bundle', type: 'searchset', total: 0 }), { columns: [], rows: [] });
    assert.deepEqual(flattenFhir([1, 2]), { columns: [], rows: [] });
  });
});
