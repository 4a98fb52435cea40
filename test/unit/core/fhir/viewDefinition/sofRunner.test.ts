import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compareRows, formatResult, runSofDirectory, runSofFile, summaryLine } from '../../../../sof/sofRunner';

const REPO = join(__dirname, '../../../../..');
/** The part of the official suite the project keeps beside the repository (`../shared/reference`). */
const OFFICIAL_TESTS = join(REPO, '..', 'shared', 'reference', 'sql-on-fhir', 'tests');

const PATIENTS = [
  { resourceType: 'Patient', id: 'p1', active: true, name: [{ family: 'Smith', given: ['Ann', 'Bea'] }] },
  { resourceType: 'Patient', id: 'p2', active: false },
];
const idView = { resource: 'Patient', select: [{ column: [{ name: 'id', path: 'id' }] }] };

function file(tests: unknown[]): string {
  return JSON.stringify({ title: 't', resources: PATIENTS, tests });
}

describe('SQL on FHIR test runner: comparison rules', () => {
  it('ignores row order on both sides', () => {
    assert.equal(compareRows([{ id: 'b' }, { id: 'a' }, { id: 'a' }], [{ id: 'a' }, { id: 'b' }, { id: 'a' }]), undefined);
    assert.equal(compareRows([{ a: 1, b: 'x' }], [{ b: 'x', a: 1 }]), undefined, 'key order within a row does not matter either');
  });

  it('counts duplicates: the same rows in other multiplicities do not match', () => {
    assert.match(compareRows([{ id: 'a' }, { id: 'a' }], [{ id: 'a' }, { id: 'b' }]) ?? '', /no row matches/);
    assert.match(compareRows([{ id: 'a' }], [{ id: 'a' }, { id: 'a' }]) ?? '', /expected 2 row\(s\), got 1/);
  });

  it('compares values strictly: no coercion between numbers, strings, booleans and null', () => {
    assert.match(compareRows([{ v: 1 }], [{ v: '1' }]) ?? '', /"v": 1 is not "1"/);
    assert.notEqual(compareRows([{ v: true }], [{ v: 'true' }]), undefined);
    assert.notEqual(compareRows([{ v: 0 }], [{ v: null }]), undefined);
    assert.notEqual(compareRows([{ v: '' }], [{ v: null }]), undefined);
    assert.equal(compareRows([{ v: 0.95 }], [{ v: 0.95 }]), undefined);
  });

  it('requires exactly the expected keys: a missing, extra or undefined column fails', () => {
    assert.match(compareRows([{ id: 'a' }], [{ id: 'a', v: null }]) ?? '', /columns \["id"\] where \["id","v"\] were expected/);
    assert.match(compareRows([{ id: 'a', v: null }], [{ id: 'a' }]) ?? '', /where \["id"\] were expected/);
  });

  it('compares arrays element by element, in order', () => {
    assert.equal(compareRows([{ v: ['a', 'b'] }], [{ v: ['a', 'b'] }]), undefined);
    assert.notEqual(compareRows([{ v: ['b', 'a'] }], [{ v: ['a', 'b'] }]), undefined);
    assert.notEqual(compareRows([{ v: ['a'] }], [{ v: ['a', 'a'] }]), undefined);
    assert.notEqual(compareRows([{ v: ['1'] }], [{ v: [1] }]), undefined);
    assert.notEqual(compareRows([{ v: [] }], [{ v: null }]), undefined);
  });

  it('refuses an expectation that is not a list of rows', () => {
    assert.match(compareRows([], { id: 'a' }) ?? '', /must be a list of rows/);
    assert.match(compareRows([], ['a']) ?? '', /must be a list of rows/);
  });
});

describe('SQL on FHIR test runner: cases and failures', () => {
  it('passes expect, expectColumns and expectCount when the view gives them', () => {
    const results = runSofFile('ok.json', file([
      { title: 'rows', view: idView, expect: [{ id: 'p2' }, { id: 'p1' }] },
      { title: 'columns', view: { resource: 'Patient', select: [{ column: [{ name: 'b', path: 'id' }, { name: 'a', path: 'active' }] }] }, expectColumns: ['b', 'a'] },
      { title: 'count', view: { resource: 'Patient', select: [{ forEach: 'name.given', column: [{ name: 'g', path: '$this' }] }] }, expectCount: 2 },
      { title: 'zero count', view: { resource: 'Patient', select: [{ forEach: 'address', column: [{ name: 'c', path: 'city' }] }] }, expectCount: 0 },
    ]));
    assert.deepEqual(results.map((r) => [r.title, r.passed, r.reason]), [
      ['rows', true, undefined],
      ['columns', true, undefined],
      ['count', true, undefined],
      ['zero count', true, undefined],
    ]);
  });

  it('fails each expectation the view does not meet, saying why', () => {
    const results = runSofFile('bad.json', file([
      { title: 'rows', view: idView, expect: [{ id: 'p1' }] },
      { title: 'columns', view: idView, expectColumns: ['identifier'] },
      { title: 'count', view: idView, expectCount: 3 },
    ]));
    assert.deepEqual(results.map((r) => r.passed), [false, false, false]);
    assert.match(results[0].reason ?? '', /expected 1 row\(s\), got 2/);
    assert.match(results[1].reason ?? '', /expected columns \["identifier"\], got \["id"\]/);
    assert.match(results[2].reason ?? '', /expected 3 row\(s\), got 2/);
  });

  it('treats a case without an expectation as a failure, as the reference runner does', () => {
    const [result] = runSofFile('none.json', file([{ title: 'forgot', view: idView }]));
    assert.equal(result.passed, false);
    assert.match(result.reason ?? '', /no expectation/);
  });

  it('expectError passes when validation or evaluation fails, and fails when the view runs', () => {
    const results = runSofFile('errors.json', file([
      { title: 'invalid', view: { select: [] }, expectError: true },
      { title: 'evaluation', view: { resource: 'Patient', select: [{ column: [{ name: 'g', path: 'name.given' }] }] }, expectError: 'too many values' },
      { title: 'runs fine', view: idView, expectError: true },
    ]));
    assert.deepEqual(results.map((r) => r.passed), [true, true, false]);
    assert.match(results[2].reason ?? '', /expected an error, but the view ran and gave 2 row\(s\)/);
  });

  it('reports a view that fails where rows were expected', () => {
    const [result] = runSofFile('fails.json', file([{ title: 'x', view: { resource: 'Patient', select: [{ column: [{ name: 'g', path: 'name.given' }] }] }, expect: [] }]));
    assert.equal(result.passed, false);
    assert.match(result.reason ?? '', /the view failed: select\[0\]\.column\[0\]: column "g" gave 2 values/);
  });

  it('turns a malformed file into one failure naming it', () => {
    assert.deepEqual(runSofFile('broken.json', '{"tests": ['), [{ file: 'broken.json', title: '(file)', passed: false, reason: 'not JSON: unexpected end of JSON at position 11' }]);
    assert.match(runSofFile('shape.json', '{"title": "no tests"}')[0].reason ?? '', /needs a "tests" list/);
    assert.match(runSofFile('cases.json', '{"tests": [1]}')[0].reason ?? '', /must be a JSON object/);
  });

  it('formats one line per result and the closing summary', () => {
    assert.equal(formatResult({ file: 'a.json', title: 'works', passed: true }), 'PASS a.json › works');
    assert.equal(formatResult({ file: 'a.json', title: 'breaks', passed: false, reason: 'why' }), 'FAIL a.json › breaks: why');
    assert.equal(summaryLine([{ file: 'a', title: 'x', passed: true }, { file: 'a', title: 'y', passed: false }]), '1 passed, 1 failed');
  });
});

describe('SQL on FHIR test runner: directories and the command line', () => {
  let directory: string;

  before(() => {
    directory = mkdtempSync(join(tmpdir(), 'sof-runner-'));
    writeFileSync(join(directory, 'a_good.json'), file([{ title: 'ids', view: idView, expect: [{ id: 'p1' }, { id: 'p2' }] }]));
    writeFileSync(join(directory, 'b_broken.json'), '{ not json');
    writeFileSync(join(directory, 'c_wrong.json'), file([{ title: 'wrong', view: idView, expect: [] }]));
    writeFileSync(join(directory, 'notes.txt'), 'not a test file');
    mkdirSync(join(directory, 'nested'));
    writeFileSync(join(directory, 'nested', 'd.json'), '{ also not json');
  });
  after(() => rmSync(directory, { recursive: true, force: true }));

  it('runs every *.json directly in the directory, in name order, and keeps going past a malformed file', () => {
    const results = runSofDirectory(directory);
    assert.deepEqual(results.map((r) => [r.file, r.title, r.passed]), [
      ['a_good.json', 'ids', true],
      ['b_broken.json', '(file)', false],
      ['c_wrong.json', 'wrong', false],
    ]);
  });

  it('fails an empty or missing directory rather than passing nothing', () => {
    assert.match(runSofDirectory(join(directory, 'nested', 'missing'))[0].reason ?? '', /cannot read the directory/);
    const empty = mkdtempSync(join(tmpdir(), 'sof-empty-'));
    try {
      assert.match(runSofDirectory(empty)[0].reason ?? '', /holds no \*\.json test files/);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it('prints one line per test and the summary last, exiting 1 when a test failed', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'test/sof/run.ts', directory], { cwd: REPO, encoding: 'utf8', timeout: 60_000 });
    const lines = run.stdout.trim().split('\n');
    assert.equal(run.status, 1, run.stderr);
    assert.deepEqual(lines.slice(0, 3).map((line) => line.split(':')[0]), ['PASS a_good.json › ids', 'FAIL b_broken.json › (file)', 'FAIL c_wrong.json › wrong']);
    assert.equal(lines.at(-1), '1 passed, 2 failed');
  });

  it('passes every test of the official suite kept in the reference folder, exiting 0', function () {
    if (!existsSync(OFFICIAL_TESTS)) {
      this.skip();
    }
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'test/sof/run.ts', OFFICIAL_TESTS], { cwd: REPO, encoding: 'utf8', timeout: 60_000 });
    const lines = run.stdout.trim().split('\n');
    assert.deepEqual(lines.filter((line) => !line.startsWith('PASS ')).slice(0, 5), [lines.at(-1)], 'every line but the summary is a PASS');
    assert.match(lines.at(-1) ?? '', /^\d+ passed, 0 failed$/);
    assert.ok(Number(lines.at(-1)?.split(' ')[0]) >= 80, lines.at(-1));
    assert.equal(run.status, 0, run.stderr);
  });
});
