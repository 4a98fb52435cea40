import assert from 'node:assert/strict';
import { boundary } from '../../../../../src/core/fhir/viewDefinition/boundaries';
import { FALL_BACK, compileFastPath } from '../../../../../src/core/fhir/viewDefinition/fastPath';
import { compileExpression } from '../../../../../src/core/fhir/viewDefinition/fhirPath';
import { decimalLexeme, parseFhirJson } from '../../../../../src/core/fhir/viewDefinition/fhirJson';
import { compileViewDefinition, runViewDefinition, viewColumns } from '../../../../../src/core/fhir/viewDefinition/viewRunner';

const column = (name: string, path: string, extra: Record<string, unknown> = {}) => ({ name, path, ...extra });

describe('ViewDefinition engine', () => {
  it('lists columns in output order with declared or inferred types', () => {
    const view = {
      resource: 'Patient',
      select: [
        {
          column: [column('id', 'getResourceKey()'), column('born', 'birthDate'), column('custom', 'birthDate', { type: 'string' })],
          select: [{ forEach: 'name', column: [column('family', 'family'), column('given', 'given', { collection: true })] }],
          unionAll: [{ column: [column('tel', "telecom.where(system = 'phone').value.first()")] }, { column: [column('tel', "'none'")] }],
        },
        { column: [column('dead', 'deceased.ofType(boolean)'), column('n', 'name.count()'), column('x', 'name.family + 1'), column('i', '%rowIndex')] },
      ],
    };
    assert.deepEqual(viewColumns(view), [
      { name: 'id', type: 'id' },
      { name: 'born', type: 'date' },
      { name: 'custom', type: 'string' },
      { name: 'family', type: 'string' },
      { name: 'given', type: 'string', collection: true },
      { name: 'tel', type: 'string' },
      { name: 'dead', type: 'boolean' },
      { name: 'n', type: 'integer' },
      { name: 'x' },
      { name: 'i', type: 'integer' },
    ]);
  });

  it('gives rows keyed in column order, and none for resources of other types', () => {
    const view = compileViewDefinition({
      resource: 'Patient',
      select: [{ column: [column('b', "'B'")], unionAll: [{ column: [column('d', "'D'")] }], select: [{ column: [column('c', "'C'")] }] }, { column: [column('a', 'id')] }],
    });
    const rows = view.run([{ resourceType: 'Observation', id: 'o1' }, { resourceType: 'Patient', id: 'p1' }, null, 'text']);
    assert.deepEqual(rows, [{ b: 'B', c: 'C', d: 'D', a: 'p1' }]);
    assert.deepEqual(Object.keys(rows[0]), view.columns.map((c) => c.name));
  });

  it('keeps a decimal\'s written precision for lowBoundary() and highBoundary() when the JSON is read with parseFhirJson', () => {
    const text = '[{"resourceType": "Observation", "id": "o1", "valueQuantity": {"value": 1.0}}, {"resourceType": "Observation", "id": "o2", "valueQuantity": {"value": 1.587}}]';
    const view = {
      resource: 'Observation',
      select: [{ column: [column('id', 'id'), column('low', 'value.ofType(Quantity).value.lowBoundary()'), column('high', 'value.ofType(Quantity).value.highBoundary()')] }],
    };
    assert.deepEqual(runViewDefinition(view, parseFhirJson(text) as unknown[]), [
      { id: 'o1', low: 0.95, high: 1.05 },
      { id: 'o2', low: 1.5865, high: 1.5875 },
    ]);
    // JSON.parse has already turned 1.0 into 1, whose precision is the unit.
    assert.deepEqual(runViewDefinition(view, JSON.parse(text) as unknown[])[0], { id: 'o1', low: 0.5, high: 1.5 });
  });

  it('compares temporal boundaries as dates inside expressions', () => {
    const rows = runViewDefinition(
      { resource: 'Patient', select: [{ column: [column('id', 'id'), column('after', 'birthDate.lowBoundary() >= @1970-06-01T00:00:00.000+14:00')] }] },
      [{ resourceType: 'Patient', id: 'p1', birthDate: '1970-06' }],
    );
    assert.deepEqual(rows, [{ id: 'p1', after: true }]);
  });

  it('keys references by id, for relative, absolute and versioned references, and only for the type asked for', () => {
    const patient = {
      resourceType: 'Patient',
      id: 'p1',
      generalPractitioner: [
        { reference: 'Practitioner/PR-1' },
        { reference: 'https://au-api.halaxy.com/main/Organization/CL-2/_history/3' },
        { reference: '#contained' },
        { display: 'no reference' },
      ],
      link: [{ other: { reference: 'ReferralDefinition/77' } }],
    };
    const view = {
      resource: 'Patient',
      select: [
        {
          column: [
            column('all', 'generalPractitioner.getReferenceKey()', { collection: true }),
            column('orgs', 'generalPractitioner.getReferenceKey(Organization)', { collection: true }),
            // single() is left to fhirpath, so this also checks the fhirpath function on a type R4 lacks.
            column('vendor', 'link.other.getReferenceKey(ReferralDefinition).single()'),
            column('self', 'getResourceKey()'),
          ],
        },
        { forEach: 'generalPractitioner.where(reference.exists())', column: [column('owner', 'getResourceKey()'), column('root', '%resource.id')] },
      ],
    };
    assert.deepEqual(runViewDefinition(view, [patient]), [
      { all: ['PR-1', 'CL-2'], orgs: ['CL-2'], vendor: '77', self: 'p1', owner: 'p1', root: 'p1' },
      { all: ['PR-1', 'CL-2'], orgs: ['CL-2'], vendor: '77', self: 'p1', owner: 'p1', root: 'p1' },
      { all: ['PR-1', 'CL-2'], orgs: ['CL-2'], vendor: '77', self: 'p1', owner: 'p1', root: 'p1' },
    ]);
  });

  it('gives an empty array, not null, in a collection column with nothing in it', () => {
    assert.deepEqual(runViewDefinition({ resource: 'Patient', select: [{ column: [column('given', 'name.given', { collection: true })] }] }, [{ resourceType: 'Patient' }]), [{ given: [] }]);
  });

  it('stops a repeat that would never run dry', () => {
    const rows = runViewDefinition({ resource: 'Patient', select: [{ repeat: ['$this'], column: [column('id', 'id')] }] }, [{ resourceType: 'Patient', id: 'p1' }]);
    assert.deepEqual(rows, [{ id: 'p1' }]);
    assert.throws(
      () => runViewDefinition({ resource: 'Patient', select: [{ repeat: ["'again'"], column: [column('x', '$this')] }] }, [{ resourceType: 'Patient', id: 'p1' }]),
      { kind: 'evaluation', message: 'select[0].repeat[0]: repeat went deeper than 1000 levels' },
    );
  });
});

describe('ViewDefinition engine: the fast path agrees with fhirpath', () => {
  const resources: Record<string, unknown>[] = [
    {
      resourceType: 'Patient',
      id: 'p1',
      birthDate: '1970-06-01',
      _birthDate: { extension: [{ url: 'http://example.org/accuracy', valueCode: 'estimated' }] },
      name: [{ use: 'official', family: 'Official', given: ['A', 'B'] }, { use: 'usual', family: 'Usual' }],
      identifier: [
        { system: 'urn:mrn', type: { coding: [{ code: 'MR' }, { code: 'XX' }] }, value: 'one' },
        { system: 'urn:mrn', type: { coding: [{ code: 'MR' }] }, value: 'two' },
      ],
      extension: [{ url: 'urn:length', valueDuration: { value: 15, unit: 'min' } }, { url: 'urn:flag', valueBoolean: true }],
      deceasedBoolean: false,
    },
    { resourceType: 'Patient', id: 'p2', name: [{ family: 'Only', given: ['C', null] }], deceasedDateTime: '2020-01-01' },
    { resourceType: 'Patient', id: 'p3', active: true, contained: [{ resourceType: 'Practitioner', id: 'c1' }] },
  ];
  const expressions = [
    'id',
    'birthDate',
    'birthDate.exists()',
    "(name.where(use = 'official') | name).first().family",
    "(name.where(use = 'nickname') | name.where(use = 'usual') | name).first().given.join('+')",
    "identifier.where(type.coding.code = 'MR').value",
    "identifier.where(system = 'urn:mrn' and type.coding.code != 'XX').value.first()",
    "extension('urn:length').value.ofType(Quantity).value",
    "extension('urn:length').value.ofType(Duration).value",
    "extension('urn:flag').value.ofType(boolean)",
    'deceased.ofType(boolean)',
    'deceased.ofType(dateTime)',
    'name.given.count()',
    'name[1].family',
    'active.not()',
    'active or deceased.ofType(boolean)',
    'contained.getResourceKey()',
    'Patient.name.family.first()',
    'name.empty()',
  ];

  for (const expression of expressions) {
    it(expression, () => {
      const fast = compileFastPath(expression, 'Patient', 'Patient', {});
      assert.ok(fast, `${expression} should compile to the fast path`);
      const slow = compileExpression(expression, 'values');
      for (const resource of resources) {
        const variables = { rowIndex: 0, resource };
        let expected: unknown;
        try {
          expected = slow(resource, variables);
        } catch (error) {
          expected = `error: ${(error as Error).message}`;
        }
        let actual: unknown;
        try {
          actual = fast(resource, variables);
        } catch (error) {
          // Falling back is always allowed: fhirpath then gives the answer.
          actual = error === FALL_BACK ? expected : `error: ${(error as Error).message}`;
        }
        assert.deepEqual(JSON.parse(JSON.stringify(actual)), JSON.parse(JSON.stringify(expected)), `${expression} on ${resource.id}`);
      }
    });
  }

  it('leaves to fhirpath what it does not compile', () => {
    for (const expression of ["name.where(family.startsWith('O'))", 'birthDate = @1970-06-01', "name.family = 'A' | 'B'", "'it\\'s'", 'name.given[%i]', 'name.family']) {
      assert.equal(compileFastPath(expression, expression === 'name.family' ? undefined : 'Patient', 'Patient', { i: 'x' }), undefined, expression);
    }
    // A choice element is only read through ofType(), and dates compare as dates.
    assert.equal(compileFastPath('value', 'Observation', 'Observation', {}), undefined);
    assert.equal(compileFastPath("effective.ofType(dateTime) = '2020'", 'Observation', 'Observation', {}), undefined);
    assert.ok(compileFastPath('value.ofType(string)', 'Observation', 'Observation', {}));
  });
});

describe('ViewDefinition engine: boundaries and lossless JSON', () => {
  it('computes decimal boundaries from the written precision', () => {
    assert.equal(boundary('decimal', '1.0', 'low'), '0.95000000');
    assert.equal(boundary('decimal', '1.587', 'high'), '1.58750000');
    assert.equal(boundary('decimal', '-1.587', 'low'), '-1.58750000');
    assert.equal(boundary('decimal', '-1.587', 'high'), '-1.58650000');
    assert.equal(boundary('decimal', '1.587', 'low', 2), '1.58');
    assert.equal(boundary('decimal', '1.587', 'high', 2), '1.59');
    assert.equal(boundary('decimal', '2400', 'low', 1), '2399.5');
    assert.equal(boundary('decimal', '1.5', 'low', -1), undefined);
    assert.equal(boundary('decimal', 'abc', 'low'), undefined);
  });

  it('computes date, dateTime and time boundaries to the millisecond, widest offsets for a dateTime without one', () => {
    assert.equal(boundary('date', '2024-02', 'high'), '2024-02-29');
    assert.equal(boundary('date', '1900-02', 'high'), '1900-02-28');
    assert.equal(boundary('date', '2014', 'low', 6), '2014-01');
    assert.equal(boundary('dateTime', '2010-10-10', 'low'), '2010-10-10T00:00:00.000+14:00');
    assert.equal(boundary('dateTime', '2010-10-10', 'high'), '2010-10-10T23:59:59.999-12:00');
    assert.equal(boundary('dateTime', '2018-03-15T21:43-05:00', 'high'), '2018-03-15T21:43:59.999-05:00');
    assert.equal(boundary('dateTime', '2020-05-17T18:19:43.6789Z', 'low'), '2020-05-17T18:19:43.678Z');
    assert.equal(boundary('dateTime', '2010-10-10', 'low', 8), '2010-10-10');
    assert.equal(boundary('time', '12:34', 'high'), '12:34:59.999');
    assert.equal(boundary('time', '12:34:00', 'high'), '12:34:00.999');
    assert.equal(boundary('time', '12:34:00', 'low', 4), '12:34');
    assert.equal(boundary('time', '25', 'low', 5), undefined);
  });

  it('parses JSON as JSON.parse does, keeping the text of numbers that would print differently', () => {
    const text = '{"a": [1.0, 2, 1.50, {"b": -0.0}], "c": 15.080, "d": 1e2, "e": "x\\"y", "__proto__": {"f": 1}, "g": [[1.0]], "h": null, "i": true}';
    const parsed = parseFhirJson(text) as Record<string, unknown>;
    assert.deepEqual(JSON.stringify(parsed), JSON.stringify(JSON.parse(text)));
    assert.equal(Object.getPrototypeOf(parsed), Object.prototype);
    assert.equal(decimalLexeme(parsed, 'c'), '15.080');
    assert.equal(decimalLexeme(parsed, 'd'), '1e2');
    assert.equal(decimalLexeme(parsed, 'a', 0), '1.0');
    assert.equal(decimalLexeme(parsed, 'a', 1), undefined);
    assert.equal(decimalLexeme(parsed, 'a', 2), '1.50');
    assert.equal(decimalLexeme((parsed.a as unknown[])[3], 'b'), '-0.0');
    assert.equal(decimalLexeme(parsed, 'g', 0), undefined, 'arrays of arrays record nothing');
    for (const bad of ['', '{', '{"a" 1}', '[1,]', '{"a": 01}', '"unterminated', '[1] 2', 'nul']) {
      assert.throws(() => parseFhirJson(bad), SyntaxError, bad);
    }
  });
});
