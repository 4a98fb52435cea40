import { CONSTANT_VALUE_TYPES, constantValue, expressionProblems } from './fhirPath';
import type { ViewProblem } from './viewDefinition';

/** Column and constant names must work as SQL identifiers (the spec's `sql-name` constraint). */
export const SQL_NAME = /^[A-Za-z][A-Za-z0-9_]*$/;
const RESOURCE_TYPE = /^[A-Z][A-Za-z0-9]*$/;
const ITERATIONS = ['forEach', 'forEachOrNull', 'repeat'] as const;
/** Variables the runner itself provides: a constant of the same name would hide them. */
const RESERVED_CONSTANTS: ReadonlySet<string> = new Set(['rowIndex', 'resource', 'rootResource', 'context']);

type Json = Record<string, unknown>;

/**
 * Everything wrong with a ViewDefinition that can be told without data: its structure, names (valid, and unique
 * across the view), `unionAll` branches with the same columns in the same order, constants with one valid `value[x]`,
 * and expressions that parse, name only declared constants and only types that exist. Empty when the view can run.
 */
export function validateViewDefinition(view: unknown): ViewProblem[] {
  const problems: ViewProblem[] = [];
  const problem = (path: string, message: string): void => {
    problems.push({ path, message });
  };
  if (!isObject(view)) {
    return [{ path: '', message: 'a ViewDefinition is a JSON object' }];
  }
  if (view.resourceType !== undefined && view.resourceType !== 'ViewDefinition') {
    problem('resourceType', `is ${JSON.stringify(view.resourceType)}, not "ViewDefinition"`);
  }
  if (typeof view.resource !== 'string' || !RESOURCE_TYPE.test(view.resource)) {
    problem('resource', 'must name the FHIR resource type the view flattens, such as "Patient"');
  }
  const constants = validateConstants(view.constant, problem);
  const expression = (path: string, value: unknown): void => {
    if (typeof value !== 'string' || value.trim() === '') {
      problem(path, 'must be a FHIRPath expression (a non-empty string)');
      return;
    }
    for (const message of expressionProblems(value, constants)) {
      problem(path, message);
    }
  };
  eachItem(view.where, 'where', problem, (where, path) => expression(`${path}.path`, where.path));

  if (!Array.isArray(view.select) || view.select.length === 0) {
    problem('select', 'must list at least one select');
  }
  const columns = eachItem(view.select, 'select', problem, (select, path) => selectColumns(select, path, problem, expression)).flat();
  const seen = new Set<string>();
  for (const name of columns) {
    if (seen.has(name)) {
      problem('select', `column "${name}" is defined more than once`);
    }
    seen.add(name);
  }
  return problems;
}

/** A column's name: its own, or a path that is itself a valid name (`{"path": "active"}`). */
export function columnNameOf(column: { name?: unknown; path?: unknown }): string | undefined {
  if (column.name !== undefined) {
    return typeof column.name === 'string' ? column.name : undefined;
  }
  return typeof column.path === 'string' && SQL_NAME.test(column.path) ? column.path : undefined;
}

/** The `value[x]` element of a constant, and its type (`valueDate` → `Date`). */
export function constantValueKeys(constant: object): { key: string; type: string }[] {
  return Object.keys(constant)
    .filter((key) => /^value[A-Z]/.test(key))
    .map((key) => ({ key, type: key.slice('value'.length) }));
}

function validateConstants(value: unknown, problem: (path: string, message: string) => void): Set<string> {
  const names = new Set<string>();
  eachItem(value, 'constant', problem, (constant, path) => {
    const name = constant.name;
    if (typeof name !== 'string' || !SQL_NAME.test(name)) {
      problem(`${path}.name`, 'must be a name of letters, digits and underscores that starts with a letter');
    } else if (RESERVED_CONSTANTS.has(name)) {
      problem(`${path}.name`, `%${name} is provided by the runner and cannot be redefined`);
    } else if (names.has(name)) {
      problem(`${path}.name`, `constant "${name}" is defined more than once`);
    } else {
      names.add(name);
    }
    const values = constantValueKeys(constant);
    if (values.length !== 1) {
      problem(path, `needs exactly one value[x] (one of ${CONSTANT_VALUE_TYPES.map((t) => `value${t}`).join(', ')})`);
      return;
    }
    const converted = constantValue(values[0].type, constant[values[0].key]);
    if ('problem' in converted) {
      problem(`${path}.${values[0].key}`, converted.problem);
    }
  });
  return names;
}

/** Checks one select and returns the names of the columns it produces, in output order. */
function selectColumns(
  select: Json,
  path: string,
  problem: (path: string, message: string) => void,
  expression: (path: string, value: unknown) => void,
): string[] {
  const iterations = ITERATIONS.filter((key) => select[key] !== undefined);
  if (iterations.length > 1) {
    problem(path, `may have only one of forEach, forEachOrNull and repeat, not ${iterations.join(' and ')}`);
  }
  for (const key of ['forEach', 'forEachOrNull'] as const) {
    if (select[key] !== undefined) {
      expression(`${path}.${key}`, select[key]);
    }
  }
  if (select.repeat !== undefined) {
    if (!Array.isArray(select.repeat) || select.repeat.length === 0) {
      problem(`${path}.repeat`, 'must list at least one FHIRPath expression');
    } else {
      select.repeat.forEach((item, i) => expression(`${path}.repeat[${i}]`, item));
    }
  }
  const own = eachItem(select.column, `${path}.column`, problem, (column, columnPath) => {
    expression(`${columnPath}.path`, column.path);
    if (column.collection !== undefined && typeof column.collection !== 'boolean') {
      problem(`${columnPath}.collection`, 'must be true or false');
    }
    if (column.type !== undefined && typeof column.type !== 'string') {
      problem(`${columnPath}.type`, 'must be a FHIR type name');
    }
    const name = columnNameOf(column);
    if (name === undefined || !SQL_NAME.test(name)) {
      problem(`${columnPath}.name`, 'must be a name of letters, digits and underscores that starts with a letter');
      return [];
    }
    return [name];
  }).flat();
  const nested = eachItem(select.select, `${path}.select`, problem, (child, childPath) => selectColumns(child, childPath, problem, expression)).flat();
  const branches = eachItem(select.unionAll, `${path}.unionAll`, problem, (child, childPath) => selectColumns(child, childPath, problem, expression));
  if (Array.isArray(select.unionAll) && select.unionAll.length === 0) {
    problem(`${path}.unionAll`, 'must list at least one select');
  }
  branches.forEach((branch, i) => {
    if (i > 0 && branch.join() !== branches[0].join()) {
      problem(`${path}.unionAll[${i}]`, `has columns (${branch.join(', ')}) where the first branch has (${branches[0].join(', ')}): every branch needs the same names in the same order`);
    }
  });
  return [...own, ...nested, ...(branches[0] ?? [])];
}

/** Visits each object of an optional array, reporting a value that is not an array or an item that is not an object. */
function eachItem<T>(value: unknown, path: string, problem: (path: string, message: string) => void, visit: (item: Json, path: string) => T): T[] {
  if (value === undefined) {
    return [];
  }
  if (!Array.isArray(value)) {
    problem(path, 'must be a list');
    return [];
  }
  return value.flatMap((item, i) => {
    if (!isObject(item)) {
      problem(`${path}[${i}]`, 'must be a JSON object');
      return [];
    }
    return [visit(item, `${path}[${i}]`)];
  });
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
