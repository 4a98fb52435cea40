import assert from 'node:assert/strict';
import { capabilityResourceTypes } from '../../../../src/core/fhir/capabilities';

describe('core/fhir/capabilities', () => {
  it("lists the server section's resource types, sorted, once each", () => {
    const statement = {
      resourceType: 'CapabilityStatement',
      rest: [
        { mode: 'server', resource: [{ type: 'Patient' }, { type: 'Appointment' }, { type: 'Patient' }, { type: 'bad type' }, {}] },
        { mode: 'client', resource: [{ type: 'Observation' }] },
        { mode: 'server', resource: [{ type: 'Encounter' }] },
      ],
    };
    assert.deepEqual(capabilityResourceTypes(statement), ['Appointment', 'Encounter', 'Patient']);
  });

  it('offers nothing for other resources or a statement without a server section', () => {
    assert.deepEqual(capabilityResourceTypes({ resourceType: 'OperationOutcome', rest: [{ resource: [{ type: 'Patient' }] }] }), []);
    assert.deepEqual(capabilityResourceTypes({ resourceType: 'CapabilityStatement' }), []);
    assert.deepEqual(capabilityResourceTypes({ resourceType: 'CapabilityStatement', rest: [null, { mode: 'server' }] }), []);
  });
});
