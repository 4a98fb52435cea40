import assert from 'node:assert/strict';
import { capabilityResources } from '../../../../src/core/fhir/capabilities';
import { fhirCompletions, isRequestLinePrefix } from '../../../../src/vscode/documents/fhirCompletion';

const statement = {
  resourceType: 'CapabilityStatement',
  rest: [
    {
      mode: 'server',
      resource: [
        { type: 'Patient', searchParam: [{ name: 'family', type: 'string' }, { name: 'general-practitioner', type: 'reference' }, { name: 'gender', type: 'token' }] },
        { type: 'Appointment', searchParam: [{ name: 'date', type: 'date', documentation: 'Appointment date/time' }] },
      ],
    },
    { mode: 'client', resource: [{ type: 'Basic' }] },
  ],
};

describe('vscode/documents/fhirCompletion', () => {
  it('reads the server resources of a CapabilityStatement, sorted', () => {
    const index = capabilityResources(statement);
    assert.deepEqual(index.map((resource) => resource.type), ['Appointment', 'Patient']);
    assert.deepEqual(index[0].searchParams, [{ name: 'date', type: 'date', documentation: 'Appointment date/time' }]);
    assert.deepEqual(capabilityResources({ resourceType: 'OperationOutcome' }), []);
  });

  it('completes resource types after the method', () => {
    const context = fhirCompletions('GET Pat', capabilityResources(statement));
    assert.equal(context?.replaceFrom, 4);
    assert.deepEqual(context?.completions.map((completion) => completion.label), ['Appointment', 'Patient']);
    assert.equal(fhirCompletions('GET Patient/12', capabilityResources(statement)), undefined);
  });

  it("completes the type's search parameters and the common ones after ? and &", () => {
    const afterQuestion = fhirCompletions('GET Patient?fa', capabilityResources(statement));
    assert.equal(afterQuestion?.replaceFrom, 'GET Patient?'.length);
    const labels = afterQuestion?.completions.map((completion) => completion.label) ?? [];
    assert.deepEqual(labels.slice(0, 3), ['family', 'general-practitioner', 'gender']);
    assert.ok(labels.includes('_count') && labels.includes('_include'));
    const afterAmpersand = fhirCompletions('GET Patient?family=Smith&ge', capabilityResources(statement));
    assert.equal(afterAmpersand?.replaceFrom, 'GET Patient?family=Smith&'.length);
    assert.equal(fhirCompletions('GET Patient?family=Sm', capabilityResources(statement)), undefined);
  });

  it('completes modifiers by parameter type, with resource types for a reference', () => {
    const string = fhirCompletions('GET Patient?family:', capabilityResources(statement));
    assert.equal(string?.replaceFrom, 'GET Patient?family:'.length);
    assert.deepEqual(string?.completions.map((completion) => completion.label), ['missing', 'exact', 'contains']);
    const token = fhirCompletions('GET Patient?gender:n', capabilityResources(statement));
    assert.ok(token?.completions.some((completion) => completion.label === 'not'));
    const reference = fhirCompletions('GET Patient?general-practitioner:', capabilityResources(statement));
    assert.deepEqual(reference?.completions.map((completion) => completion.label), ['missing', 'identifier', 'above', 'below', 'Appointment', 'Patient']);
    assert.equal(fhirCompletions('GET Patient?unknown:', capabilityResources(statement)), undefined);
  });

  it('offers nothing off request lines', () => {
    assert.equal(isRequestLinePrefix('@family = Sm'), false);
    assert.equal(isRequestLinePrefix('# a comment GET '), false);
    assert.equal(isRequestLinePrefix('  post Patient/_se'), true);
    assert.equal(fhirCompletions('{"resourceType": "Pat', capabilityResources(statement)), undefined);
  });
});
