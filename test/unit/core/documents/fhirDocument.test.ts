import assert from 'node:assert/strict';
import { fhirRequestAt, isWriteRequest, parseFhirDocument } from '../../../../src/core/documents/fhirDocument';
import type { FhirRequest } from '../../../../src/core/documents/fhirDocument';
import { locateJsonError } from '../../../../src/core/documents/jsonErrors';
import type { DocumentDiagnostic } from '../../../../src/core/documents/textRange';

const lines = (...text: string[]): string => text.join('\n');
const query = (request: FhirRequest): [string, string][] => [...request.query.entries()];
const where = (diagnostic: DocumentDiagnostic): [number, number, number, number, string] => [
  diagnostic.range.start.line, diagnostic.range.start.character, diagnostic.range.end.line, diagnostic.range.end.character, diagnostic.severity,
];

describe('core/documents parseFhirDocument', () => {
  const document = parseFhirDocument(lines(
    '# @site Sunshine Clinic',
    '@family = Smith',
    '@resource = Patient',
    '# a comment between definitions',
    '@search = {{resource}}?family={{family}}',
    '',
    'GET {{resource}}?family={{family}}&birthdate=ge1970-01-01T00:00:00+10:00',
    '    &_count=10',
    '    ?name:exact=Jo%20Anne',
    '',
    '### Search by form',
    'POST Patient/_search',
    'Accept: application/fhir+json',
    '',
    'family={{family}}',
    '# not part of the form',
    '&given=Jo',
    'birthdate=le2000-01-01&_include=Patient:general-practitioner',
    '',
    '###',
    'PUT Patient/123 HTTP/1.1',
    'Content-Type: application/fhir+json',
    '',
    '{',
    '  "resourceType": "Patient",',
    '  "id": "123",',
    '  "name": [{ "family": "{{family}}" }]',
    '}',
    '',
    '',
    '###',
    'Appointment/$find?start=2025-01-01&duration=15',
    '###',
    '/metadata',
  ));

  it('reads the site pin and the variables, resolving references between them', () => {
    assert.equal(document.sitePin?.value, 'Sunshine Clinic');
    assert.deepEqual(document.variables.map((v) => [v.name, v.value, v.range.start.line]), [
      ['family', 'Smith', 1], ['resource', 'Patient', 2], ['search', 'Patient?family=Smith', 4],
    ]);
    assert.deepEqual(document.diagnostics, []);
  });

  it('parses every request between ### separators, with ranges for a CodeLens', () => {
    assert.deepEqual(document.requests.map((r) => [r.method, r.path, r.name, r.range.start.line, r.range.end.line, r.block.start.line, r.block.end.line]), [
      ['GET', 'Patient', undefined, 6, 8, 0, 9],
      ['POST', 'Patient/_search', 'Search by form', 11, 17, 10, 18],
      ['PUT', 'Patient/123', undefined, 20, 27, 19, 29],
      ['GET', 'Appointment/$find', undefined, 31, 31, 30, 31],
      ['GET', 'metadata', undefined, 33, 33, 32, 33],
    ]);
    for (const request of document.requests) assert.deepEqual(request.diagnostics, [], `${request.method} ${request.path}`);
  });

  it('substitutes variables and joins query continuation lines, keeping + and decoding escapes', () => {
    const [get] = document.requests;
    assert.deepEqual(query(get), [
      ['family', 'Smith'], ['birthdate', 'ge1970-01-01T00:00:00+10:00'], ['_count', '10'], ['name:exact', 'Jo Anne'],
    ]);
    // Serialised for the wire, + becomes %2B as Halaxy needs.
    assert.match(get.query.toString(), /birthdate=ge1970-01-01T00%3A00%3A00%2B10%3A00/);
    assert.deepEqual(get.headers, {});
    assert.equal(get.body, undefined);
  });

  it('reads a form body over several lines, joined with &, skipping comments', () => {
    const search = document.requests[1];
    assert.deepEqual(search.headers, { Accept: 'application/fhir+json' });
    assert.equal(search.body?.kind, 'form');
    assert.deepEqual(search.body?.kind === 'form' && [...search.body.params.entries()], [
      ['family', 'Smith'], ['given', 'Jo'], ['birthdate', 'le2000-01-01'], ['_include', 'Patient:general-practitioner'],
    ]);
  });

  it('reads a JSON body, with variables substituted, and keeps its text', () => {
    const put = document.requests[2];
    assert.deepEqual(put.headers, { 'Content-Type': 'application/fhir+json' });
    assert.deepEqual(put.body, {
      kind: 'json',
      value: { resourceType: 'Patient', id: '123', name: [{ family: 'Smith' }] },
      text: '{\n  "resourceType": "Patient",\n  "id": "123",\n  "name": [{ "family": "Smith" }]\n}',
    });
  });

  it('finds the request of a line', () => {
    assert.equal(fhirRequestAt(document, 0)?.path, 'Patient');
    assert.equal(fhirRequestAt(document, 15)?.path, 'Patient/_search');
    assert.equal(fhirRequestAt(document, 29)?.path, 'Patient/123');
    assert.equal(fhirRequestAt(document, 40), undefined);
  });

  it('reports an undefined variable where it is used, and leaves it as written', () => {
    const parsed = parseFhirDocument(lines('@a = 1', 'GET Patient/{{id}}?x={{a}}', 'X-Trace: {{ trace }}'));
    const [request] = parsed.requests;
    assert.equal(request.path, 'Patient/{{id}}');
    assert.deepEqual(query(request), [['x', '1']]);
    assert.deepEqual(request.headers, { 'X-Trace': '{{ trace }}' });
    assert.deepEqual(request.diagnostics.map((d) => [d.message, ...where(d)]), [
      ["Undefined variable 'id'.", 1, 12, 1, 18, 'error'],
      ["Undefined variable 'trace'.", 2, 9, 2, 20, 'error'],
    ]);
  });

  it('reports problems in variable definitions: undefined references, cycles, duplicates, bad lines', () => {
    const parsed = parseFhirDocument(lines('@a = {{b}}', '@b = {{a}}', '@c = {{missing}}', '@d = 1', '@d = 2', '@ broken', 'GET Patient?a={{a}}&c={{c}}&d={{d}}'));
    assert.deepEqual(parsed.diagnostics.map((d) => [d.message, d.range.start.line, d.range.start.character]), [
      ["Variable 'd' is also defined on line 4; this definition replaces it.", 4, 0],
      ['Expected a variable definition like @patient = Patient/123.', 5, 0],
      ["Variable 'b' refers to itself through a → b → a.", 1, 5],
      ["Undefined variable 'missing'.", 2, 5],
    ]);
    assert.deepEqual(parsed.variables.map((v) => [v.name, v.value]), [['d', '2']]);
    const [request] = parsed.requests;
    assert.deepEqual(query(request), [['a', '{{a}}'], ['c', '{{c}}'], ['d', '2']]);
    assert.deepEqual(request.diagnostics.map((d) => d.message), [
      "Variable 'a' cannot be resolved: see line 1.",
      "Variable 'c' cannot be resolved: see line 3.",
    ]);
  });

  it('places a JSON error on its line and column, even after variable substitution', () => {
    const parsed = parseFhirDocument(lines(
      '@long = a-much-longer-value',
      'POST Patient',
      '',
      '{',
      '  "resourceType": "{{long}}",',
      '  "active": tru',
      '}',
    ));
    const [request] = parsed.requests;
    assert.equal(request.body?.kind, 'text');
    assert.deepEqual(request.diagnostics.map((d) => [d.message, ...where(d)]), [
      ["Invalid JSON body: Unexpected 't': expected a JSON value.", 5, 12, 5, 13, 'error'],
    ]);
    const trailing = parseFhirDocument(lines('PATCH Patient/1', '', '{', '  "active": false,', '}')).requests[0];
    assert.deepEqual(trailing.diagnostics.map((d) => [d.message, ...where(d)]), [['Invalid JSON body: Trailing comma before }.', 3, 17, 3, 18, 'error']]);
    const reference = parseFhirDocument(lines('@x = 1', 'POST Patient', '', '{ "a": {{x}} "b": 2 }')).requests[0];
    assert.deepEqual(reference.diagnostics.map(where), [[3, 13, 3, 14, 'error']]);
  });

  it('accepts lower-case methods and a bare path, and refuses other methods and full URLs', () => {
    assert.deepEqual(parseFhirDocument('get Patient/1').requests.map((r) => [r.method, r.path]), [['GET', 'Patient/1']]);
    const head = parseFhirDocument('HEAD Patient').requests[0];
    assert.deepEqual(head.diagnostics.map((d) => [d.message, d.severity]), [['Unsupported method HEAD: use GET, POST, PUT, PATCH or DELETE.', 'error']]);
    const absolute = parseFhirDocument('GET https://au-api.halaxy.com/main/Patient').requests[0];
    assert.equal(absolute.path, '');
    assert.match(absolute.diagnostics[0].message, /^Write the path relative to the site's FHIR endpoint/);
    assert.equal(parseFhirDocument('GET Patient search').requests[0].diagnostics[0].message, "A request path has no spaces: 'Patient search'.");
    assert.deepEqual(parseFhirDocument('GET ?_type=Patient').requests[0].diagnostics, []);
  });

  it('warns about bodies where none belongs, missing bodies, stray lines and bad escapes', () => {
    const parsed = parseFhirDocument(lines(
      'GET Patient', '', 'family=Smith',
      '###', 'POST Patient',
      '###', 'POST Patient', 'Content-Type: application/fhir+json', '{ "resourceType": "Patient" }',
      '###', 'GET Patient?name=100%',
    ));
    assert.deepEqual(parsed.requests.map((r) => r.diagnostics.map((d) => [d.severity, d.range.start.line, d.message])), [
      [['warning', 2, 'A GET request sends no body: these lines are ignored. Separate requests with ###.']],
      [['warning', 4, 'POST Patient sends no body.']],
      [['warning', 8, 'Expected a header (Name: value) or a blank line before the body; the body starts here.']],
      [['warning', 10, "'100%' holds a % that starts no escape (write %25 for a literal %); it is sent as written."]],
    ]);
    assert.deepEqual(parsed.requests[2].body, { kind: 'json', value: { resourceType: 'Patient' }, text: '{ "resourceType": "Patient" }' });
    assert.deepEqual(query(parsed.requests[3]), [['name', '100%']]);
  });

  it('sends a body as text when it is neither JSON nor a form, and a form when the Content-Type says so', () => {
    const parsed = parseFhirDocument(lines(
      'POST Binary', 'Content-Type: text/plain', '', 'hello', 'world',
      '###', 'POST Patient/$export-ids', 'content-type: application/x-www-form-urlencoded', '', 'a=1',
    ));
    assert.deepEqual(parsed.requests[0].body, { kind: 'text', text: 'hello\nworld' });
    assert.deepEqual(parsed.requests[1].body?.kind === 'form' && parsed.requests[1].body.params.toString(), 'a=1');
  });

  it('handles CRLF documents and a document without requests', () => {
    const parsed = parseFhirDocument('# @site X\r\n@id = 7\r\nGET Patient/{{id}}\r\n');
    assert.deepEqual(parsed.requests.map((r) => [r.path, r.range.start.line, r.range.end.character]), [['Patient/7', 2, 18]]);
    assert.deepEqual(parseFhirDocument('# only comments\n@a = 1\n').requests, []);
    assert.deepEqual(parseFhirDocument('').requests, []);
  });
});

describe('core/documents isWriteRequest', () => {
  it('calls POST, PUT, PATCH, DELETE and $book writes; GET, searches, $find and $export-ids reads', () => {
    const cases: [FhirRequest['method'], string, boolean][] = [
      ['GET', 'Patient', false],
      ['GET', 'Appointment/$find', false],
      ['GET', 'Patient/$export-ids', false],
      ['POST', 'Patient/_search', false],
      ['POST', 'Appointment/$find', false],
      ['POST', 'Patient/$export-ids', false],
      ['POST', 'Patient', true],
      ['PUT', 'Patient/1', true],
      ['PATCH', 'Appointment/9', true],
      ['DELETE', 'Patient/1', true],
      ['POST', 'Appointment/$book', true],
      ['GET', 'Appointment/$book', true],
      ['POST', 'Patient/$everything', true],
      ['POST', '', true],
    ];
    for (const [method, path, write] of cases) assert.equal(isWriteRequest({ method, path }), write, `${method} ${path}`);
  });
});

describe('core/documents locateJsonError', () => {
  it('says nothing about valid JSON and agrees with JSON.parse', () => {
    for (const text of ['{}', '[]', ' 1 ', '"a\\u00e9\\n"', '{"a":[1,-2.5e3,true,false,null,{"b":"c"}]}']) {
      assert.doesNotThrow(() => JSON.parse(text));
      assert.equal(locateJsonError(text), undefined, text);
    }
  });

  it('finds the first error and says what it is', () => {
    const cases: [string, number, string][] = [
      ['', 0, 'Unexpected end of JSON: a value is missing.'],
      ['{"a" 1}', 5, "Expected ':' after the property name."],
      ['{a: 1}', 1, 'Expected a property name in double quotes.'],
      ['{"a": 1 "b": 2}', 8, "Expected ',' or '}' after a value."],
      ['[1, 2,]', 5, 'Trailing comma before ].'],
      ['{"a": [1, 2}', 11, "Expected ',' or ']' after a value."],
      ['{"a": "open', 6, 'Unterminated string.'],
      ['{"a": 01}', 7, "Expected ',' or '}' after a value."],
      ['{"a": "\\x"}', 7, 'Invalid escape in a JSON string.'],
      ['{"a": 1} x', 9, "Unexpected 'x' after the JSON value."],
      ['[1', 2, 'Unexpected end of JSON: expected ].'],
      ['-', 0, 'Invalid number.'],
    ];
    for (const [text, offset, message] of cases) {
      assert.throws(() => JSON.parse(text));
      assert.deepEqual(locateJsonError(text), { offset, message }, text);
    }
  });
});
