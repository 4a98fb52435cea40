import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseFhirJson } from '../../src/core/fhir/viewDefinition/fhirJson';
import { ViewDefinitionError } from '../../src/core/fhir/viewDefinition/viewDefinition';
import type { ViewRow } from '../../src/core/fhir/viewDefinition/viewDefinition';
import { compileViewDefinition } from '../../src/core/fhir/viewDefinition/viewRunner';

/** The outcome of one test case, or of a whole file that could not be read as a test file (`title` '(file)'). */
export interface SofResult {
  file: string;
  title: string;
  passed: boolean;
  reason?: string;
}

type Json = Record<string, unknown>;

/**
 * Runs every `*.json` file directly in `directory` (not its subfolders, as the reference runner reads the suite's
 * one flat folder), in name order. A file that cannot be read or parsed is one failure; the others still run.
 */
export function runSofDirectory(directory: string): SofResult[] {
  let files: string[];
  try {
    files = readdirSync(directory, { withFileTypes: true })
      .filter((entry) => entry.isFile() && entry.name.endsWith('.json'))
      .map((entry) => entry.name)
      .sort();
  } catch (error) {
    return [{ file: directory, title: '(directory)', passed: false, reason: `cannot read the directory: ${messageOf(error)}` }];
  }
  if (files.length === 0) {
    return [{ file: directory, title: '(directory)', passed: false, reason: 'holds no *.json test files' }];
  }
  return files.flatMap((file) => {
    let text: string;
    try {
      text = readFileSync(join(directory, file), 'utf8');
    } catch (error) {
      return [{ file, title: '(file)', passed: false, reason: `cannot read the file: ${messageOf(error)}` }];
    }
    return runSofFile(file, text);
  });
}

/** Runs the cases of one test file given as text. */
export function runSofFile(file: string, text: string): SofResult[] {
  let suite: unknown;
  try {
    // Decimals keep their written precision (1.0 is not 1 to lowBoundary()).
    suite = parseFhirJson(text);
  } catch (error) {
    return [{ file, title: '(file)', passed: false, reason: `not JSON: ${messageOf(error)}` }];
  }
  if (!isObject(suite) || !Array.isArray(suite.tests)) {
    return [{ file, title: '(file)', passed: false, reason: 'not a test file: it needs a "tests" list' }];
  }
  if (suite.resources !== undefined && !Array.isArray(suite.resources)) {
    return [{ file, title: '(file)', passed: false, reason: '"resources" must be a list of FHIR resources' }];
  }
  const resources = (suite.resources ?? []) as unknown[];
  return suite.tests.map((testCase, i): SofResult => {
    const title = isObject(testCase) && typeof testCase.title === 'string' ? testCase.title : `test #${i + 1}`;
    const reason = isObject(testCase) ? failureOf(testCase, resources) : 'a test case must be a JSON object';
    return reason === undefined ? { file, title, passed: true } : { file, title, passed: false, reason };
  });
}

/** Why a case fails, or undefined when it passes. */
export function failureOf(testCase: Json, resources: readonly unknown[]): string | undefined {
  const expectsError = testCase.expectError !== undefined && testCase.expectError !== false;
  if (expectsError) {
    try {
      const rows = compileViewDefinition(testCase.view).run(resources);
      return `expected an error, but the view ran and gave ${rows.length} row(s)`;
    } catch (error) {
      return error instanceof ViewDefinitionError ? undefined : `expected a view error, but the engine crashed: ${messageOf(error)}`;
    }
  }
  if (testCase.expect === undefined && testCase.expectColumns === undefined && testCase.expectCount === undefined) {
    return 'no expectation: a case needs expect, expectColumns, expectCount or expectError';
  }
  let rows: ViewRow[];
  let columns: string[];
  try {
    const view = compileViewDefinition(testCase.view);
    columns = view.columns.map((column) => column.name);
    rows = view.run(resources);
  } catch (error) {
    return `the view failed: ${messageOf(error)}`;
  }
  if (testCase.expectColumns !== undefined) {
    if (!Array.isArray(testCase.expectColumns) || !equalValues(columns, testCase.expectColumns)) {
      return `expected columns ${JSON.stringify(testCase.expectColumns)}, got ${JSON.stringify(columns)}`;
    }
  }
  if (testCase.expectCount !== undefined && rows.length !== testCase.expectCount) {
    return `expected ${JSON.stringify(testCase.expectCount)} row(s), got ${rows.length}`;
  }
  return testCase.expect === undefined ? undefined : compareRows(rows, testCase.expect);
}

/**
 * Rows against expected rows, ignoring order (both sides sorted canonically); each row must have exactly the expected
 * keys, values compare strictly (1 is not "1"), arrays and objects element by element. Undefined when they match.
 */
export function compareRows(actual: readonly unknown[], expected: unknown): string | undefined {
  if (!Array.isArray(expected) || !expected.every(isObject)) {
    return 'expect must be a list of rows (JSON objects)';
  }
  if (actual.length !== expected.length) {
    return `expected ${expected.length} row(s), got ${actual.length}: ${JSON.stringify(actual)}`;
  }
  const sortedActual = canonicalOrder(actual);
  const sortedExpected = canonicalOrder(expected);
  for (let i = 0; i < sortedActual.length; i++) {
    const got = sortedActual[i] as Json;
    const want = sortedExpected[i] as Json;
    const gotKeys = Object.keys(got).sort();
    const wantKeys = Object.keys(want).sort();
    if (!equalValues(gotKeys, wantKeys)) {
      return `a row has columns ${JSON.stringify(gotKeys)} where ${JSON.stringify(wantKeys)} were expected: ${JSON.stringify(got)}`;
    }
    const key = wantKeys.find((k) => !equalValues(got[k], want[k]));
    if (key !== undefined) {
      return `no row matches ${canonical(want)}; nearest is ${canonical(got)} ("${key}": ${JSON.stringify(got[key])} is not ${JSON.stringify(want[key])})`;
    }
  }
  return undefined;
}

/** `PASS file › title` or `FAIL file › title: why`. */
export function formatResult(result: SofResult): string {
  return result.passed ? `PASS ${result.file} › ${result.title}` : `FAIL ${result.file} › ${result.title}: ${result.reason}`;
}

export function summaryLine(results: readonly SofResult[]): string {
  const passed = results.filter((r) => r.passed).length;
  return `${passed} passed, ${results.length - passed} failed`;
}

function canonicalOrder(rows: readonly unknown[]): unknown[] {
  return rows
    .map((row) => ({ row, key: canonical(row) }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .map(({ row }) => row);
}

/** JSON with every object's keys sorted, so equal rows print the same whatever their key order. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    isObject(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
  );
}

function equalValues(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((item, i) => equalValues(item, b[i]));
  }
  if (isObject(a) && isObject(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((key) => Object.hasOwn(b, key) && equalValues(a[key], b[key]));
  }
  return a === b;
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
