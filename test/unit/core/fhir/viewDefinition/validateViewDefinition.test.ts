import assert from 'node:assert/strict';
import { validateViewDefinition } from '../../../../../src/core/fhir/viewDefinition/validateViewDefinition';
import { ViewDefinitionError } from '../../../../../src/core/fhir/viewDefinition/viewDefinition';
import { compileViewDefinition, runViewDefinition } from '../../../../../src/core/fhir/viewDefinition/viewRunner';

const column = (name: string, path: string) => ({ name, path });
const valid = { resource: 'Patient', select: [{ column: [column('id', 'id')] }] };

/** The problems of `valid` with `change` applied, as `path: message` lines. */
function problemsOf(view: unknown): string[] {
  return validateViewDefinition(view).map((p) => `${p.path}: ${p.message}`);
}

describe('validateViewDefinition', () => {
  it('accepts a well-formed view, and a column named by a path that is itself a name', () => {
    assert.deepEqual(problemsOf(valid), []);
    assert.deepEqual(problemsOf({ resource: 'Patient', select: [{ column: [{ path: 'active' }] }] }), []);
  });

  it('needs an object, a resource type and at least one select', () => {
    assert.deepEqual(problemsOf([]), [': a ViewDefinition is a JSON object']);
    assert.deepEqual(problemsOf({}), [
      'resource: must name the FHIR resource type the view flattens, such as "Patient"',
      'select: must list at least one select',
    ]);
    assert.deepEqual(problemsOf({ resource: 'patient', select: [] }), [
      'resource: must name the FHIR resource type the view flattens, such as "Patient"',
      'select: must list at least one select',
    ]);
    assert.deepEqual(problemsOf({ ...valid, resourceType: 'Library' }), ['resourceType: is "Library", not "ViewDefinition"']);
  });

  it('checks the shape of selects and columns', () => {
    assert.deepEqual(problemsOf({ resource: 'Patient', select: { column: [] } }), ['select: must list at least one select', 'select: must be a list']);
    assert.deepEqual(problemsOf({ resource: 'Patient', select: [{ forEach: 'name', forEachOrNull: 'name', column: [column('f', 'family')] }] }), [
      'select[0]: may have only one of forEach, forEachOrNull and repeat, not forEach and forEachOrNull',
    ]);
    assert.deepEqual(problemsOf({ resource: 'Patient', select: [{ forEach: 1 }] }), ['select[0].forEach: must be a FHIRPath expression (a non-empty string)']);
    assert.deepEqual(problemsOf({ resource: 'Patient', select: [{ repeat: 'item' }] }), ['select[0].repeat: must list at least one FHIRPath expression']);
    assert.deepEqual(problemsOf({ resource: 'Patient', select: [{ column: [{ name: 'x' }, { name: 'y', path: 'id', collection: 'yes' }, 'z'] }] }), [
      'select[0].column[0].path: must be a FHIRPath expression (a non-empty string)',
      'select[0].column[1].collection: must be true or false',
      'select[0].column[2]: must be a JSON object',
    ]);
    assert.deepEqual(problemsOf({ resource: 'Patient', select: [{ unionAll: [] }] }), ['select[0].unionAll: must list at least one select']);
  });

  it('wants database-friendly column names, unique across the whole view', () => {
    assert.deepEqual(problemsOf({ resource: 'Patient', select: [{ column: [column('_id', 'id'), column('family name', 'name.family'), { path: 'name.family' }] }] }), [
      'select[0].column[0].name: must be a name of letters, digits and underscores that starts with a letter',
      'select[0].column[1].name: must be a name of letters, digits and underscores that starts with a letter',
      'select[0].column[2].name: must be a name of letters, digits and underscores that starts with a letter',
    ]);
    assert.deepEqual(problemsOf({ resource: 'Patient', select: [{ column: [column('id', 'id')] }, { forEach: 'name', select: [{ column: [column('id', 'family')] }] }] }), [
      'select: column "id" is defined more than once',
    ]);
  });

  it('needs unionAll branches with the same columns in the same order', () => {
    const union = (a: string[], b: string[]) => ({ resource: 'Patient', select: [{ unionAll: [{ column: a.map((n) => column(n, 'id')) }, { column: b.map((n) => column(n, 'id')) }] }] });
    assert.deepEqual(problemsOf(union(['a', 'b'], ['a', 'b'])), []);
    assert.match(problemsOf(union(['a', 'b'], ['b', 'a']))[0], /^select\[0\]\.unionAll\[1\]: has columns \(b, a\) where the first branch has \(a, b\)/);
    assert.equal(problemsOf(union(['a'], ['a', 'b'])).length, 1);
  });

  it('needs each constant to have a valid name and exactly one valid value[x]', () => {
    const withConstants = (constant: unknown[]) => ({ ...valid, constant });
    assert.deepEqual(problemsOf(withConstants([{ name: 'use', valueCode: 'official' }, { name: 'born', valueDate: '1970-06' }, { name: 'n', valueInteger: 2 }])), []);
    assert.deepEqual(problemsOf(withConstants([{ name: 'use' }])), [`constant[0]: needs exactly one value[x] (one of ${valueTypesList()})`]);
    assert.deepEqual(problemsOf(withConstants([{ name: 'use', valueCode: 'a', valueString: 'b' }])).length, 1);
    assert.deepEqual(problemsOf(withConstants([
      { name: 'a', valueInteger: '2' },
      { name: 'b', valueDate: '2020-13-01' },
      { name: 'c', valueBoolean: 'true' },
      { name: 'd', valuePositiveInt: 0 },
      { name: 'e', valueTime: "12:00' or true" },
      { name: 'f', valueCoding: { code: 'x' } },
    ])), [
      'constant[0].valueInteger: valueInteger "2" is not a valid integer',
      'constant[1].valueDate: valueDate "2020-13-01" is not a valid date',
      'constant[2].valueBoolean: valueBoolean "true" is not a valid boolean',
      'constant[3].valuePositiveInt: valuePositiveInt 0 is not a valid positiveInt',
      `constant[4].valueTime: valueTime "12:00' or true" is not a valid time`,
      `constant[5].valueCoding: valueCoding is not a constant type (use one of ${valueTypesList()})`,
    ]);
    assert.deepEqual(problemsOf(withConstants([{ name: '1st', valueString: 'x' }, { name: 'x', valueString: 'a' }, { name: 'x', valueString: 'b' }, { name: 'rowIndex', valueInteger: 1 }])), [
      'constant[0].name: must be a name of letters, digits and underscores that starts with a letter',
      'constant[2].name: constant "x" is defined more than once',
      'constant[3].name: %rowIndex is provided by the runner and cannot be redefined',
    ]);
  });

  it('checks every expression: it parses, names declared constants and existing types', () => {
    const view = {
      resource: 'Observation',
      constant: [{ name: 'code', valueCode: 'x' }],
      where: [{ path: 'code.coding.exists(code = %code)' }, { path: 'status = %status' }],
      select: [
        {
          forEach: 'component.where(',
          column: [
            column('a', 'value.ofType(Quantity).value'),
            column('b', 'value.ofType(Quantityy)'),
            column('c', 'value is FHIR.Strin'),
            column('d', 'subject.getReferenceKey(\'Patient\')'),
            column('e', '%rowIndex + %resource.id.length() + %`vs-x`.count()'),
          ],
        },
      ],
    };
    const problems = problemsOf(view);
    assert.match(problems[1], /^select\[0\]\.forEach: not a FHIRPath expression: line: 1; /);
    assert.deepEqual(problems.filter((_, i) => i !== 1), [
      'where[1].path: %status is not a constant of this view',
      'select[0].column[1].path: ofType(Quantityy): Quantityy is not a FHIR or FHIRPath type',
      'select[0].column[2].path: FHIR.Strin is not a FHIR or FHIRPath type',
      "select[0].column[3].path: getReferenceKey('Patient'): the argument must be a resource type name, such as Patient",
    ]);
  });
});

describe('ViewDefinitionError', () => {
  const patients = [
    { resourceType: 'Patient', id: 'p1', active: true, name: [{ family: 'A' }, { family: 'B' }] },
    { resourceType: 'Patient', id: 'p2' },
  ];

  it('is thrown with kind invalid and every problem when a view cannot compile', () => {
    assert.throws(
      () => compileViewDefinition({ resource: 'Patient', select: [{ column: [column('x', 'id'), column('x', 'active')] }], where: [{ path: 'x..y' }] }),
      (error: unknown) =>
        error instanceof ViewDefinitionError &&
        error.kind === 'invalid' &&
        error.problems.length === 2 &&
        error.problems[0].path === 'where[0].path' &&
        /column "x" is defined more than once/.test(error.message),
    );
  });

  it('is thrown with kind evaluation when a where clause gives something other than a boolean', () => {
    assert.throws(
      () => runViewDefinition({ ...valid, where: [{ path: 'name.family' }] }, patients),
      { name: 'ViewDefinitionError', kind: 'evaluation', message: 'where[0].path: must give true or false, but gave ["A","B"] for Patient/p1' },
    );
    // An empty result is false, not an error: p2 has no `active`.
    assert.deepEqual(runViewDefinition({ ...valid, where: [{ path: 'active' }] }, patients), [{ id: 'p1' }]);
  });

  it('is thrown with kind evaluation when a single-valued column gets several values', () => {
    assert.throws(() => runViewDefinition({ resource: 'Patient', select: [{ column: [column('family', 'name.family')] }] }, patients), {
      kind: 'evaluation',
      message: 'select[0].column[0]: column "family" gave 2 values; set "collection": true to keep them all, or pick one (first())',
    });
  });

  it('wraps fhirpath failures with the place they happened', () => {
    assert.throws(() => runViewDefinition({ resource: 'Patient', select: [{ column: [column('x', 'name.family.substring(\'a\')')] }] }, patients), (error: unknown) => {
      return error instanceof ViewDefinitionError && error.kind === 'evaluation' && error.problems[0].path === 'select[0].column[0]';
    });
  });
});

function valueTypesList(): string {
  return ['Base64Binary', 'Canonical', 'Code', 'Id', 'Oid', 'String', 'Uri', 'Url', 'Uuid', 'Boolean', 'Date', 'DateTime', 'Decimal', 'Instant', 'Integer', 'Integer64', 'PositiveInt', 'Time', 'UnsignedInt']
    .map((t) => `value${t}`)
    .join(', ');
}
