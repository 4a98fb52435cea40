import { FALL_BACK, compileFastPath } from './fastPath';
import { compileExpression, constantValue } from './fhirPath';
import type { Evaluator } from './fhirPath';
import { inferPathType } from './inferColumnType';
import { columnNameOf, constantValueKeys, validateViewDefinition } from './validateViewDefinition';
import { ViewDefinitionError } from './viewDefinition';
import type { ViewColumn, ViewColumnDefinition, ViewConstant, ViewDefinition, ViewRow, ViewSelect, ViewValue } from './viewDefinition';

/** A ViewDefinition checked and compiled once, ready to flatten any number of resources. */
export interface CompiledView {
  /** The resource type the view reads; resources of other types give no rows. */
  readonly resource: string;
  readonly columns: readonly ViewColumn[];
  /** Every row of every resource, in input order. Throws {@link ViewDefinitionError} (`evaluation`) when a resource makes the view fail. */
  run(resources: Iterable<unknown>): ViewRow[];
  /** The rows of one resource. */
  rowsOf(resource: unknown): ViewRow[];
}

/** Compiles a view, or throws {@link ViewDefinitionError} (`invalid`) with every problem {@link validateViewDefinition} finds. */
export function compileViewDefinition(view: unknown): CompiledView {
  const problems = validateViewDefinition(view);
  if (problems.length > 0) {
    throw new ViewDefinitionError('invalid', problems);
  }
  return new ViewProgram(view as ViewDefinition);
}

/** The rows a view makes of some resources (one compile; see {@link compileViewDefinition} to reuse it). */
export function runViewDefinition(view: unknown, resources: Iterable<unknown>): ViewRow[] {
  return compileViewDefinition(view).run(resources);
}

/** A view's output columns in order, with their declared or inferred types. Throws like {@link compileViewDefinition}. */
export function viewColumns(view: unknown): ViewColumn[] {
  const problems = validateViewDefinition(view);
  if (problems.length > 0) {
    throw new ViewDefinitionError('invalid', problems);
  }
  return columnsOf(view as ViewDefinition);
}

function columnsOf(view: ViewDefinition): ViewColumn[] {
  return view.select.flatMap((select) => selectColumns(select, view.resource));
}

function selectColumns(select: ViewSelect, contextType: string | undefined): ViewColumn[] {
  const type = focusType(select, contextType);
  const own = (select.column ?? []).map((column): ViewColumn => {
    const inferred = column.type ?? inferPathType(type, column.path);
    return {
      name: columnNameOf(column) as string,
      ...(inferred === undefined ? {} : { type: inferred }),
      ...(column.collection === true ? { collection: true } : {}),
    };
  });
  const nested = (select.select ?? []).flatMap((child) => selectColumns(child, type));
  const union = select.unionAll?.[0] === undefined ? [] : selectColumns(select.unionAll[0], type);
  return [...own, ...nested, ...union];
}

/** The type of a select's foci: its iteration's, its parent's without one; undefined when that cannot be told. */
function focusType(select: ViewSelect, contextType: string | undefined): string | undefined {
  if (select.repeat !== undefined) {
    // Every level of a repeat must have the same type: one path that leads from its type back to its type.
    const type = select.repeat.length === 1 ? inferPathType(contextType, select.repeat[0]) : undefined;
    return type !== undefined && inferPathType(type, select.repeat[0]) === type ? type : undefined;
  }
  const iteration = select.forEach ?? select.forEachOrNull;
  return iteration === undefined ? contextType : inferPathType(contextType, iteration);
}

interface CompiledColumn {
  name: string;
  evaluate: Evaluator;
  collection: boolean;
  location: string;
}

type Iteration =
  | { kind: 'forEach' | 'forEachOrNull'; evaluate: Evaluator; location: string }
  | { kind: 'repeat'; paths: { evaluate: Evaluator; location: string }[] };

interface CompiledSelect {
  iteration?: Iteration;
  columns: CompiledColumn[];
  selects: CompiledSelect[];
  unionAll: CompiledSelect[];
  /** The row a forEachOrNull gives when it finds nothing: every column of the select and below it null. */
  nullRow: ViewRow;
}

/** Variables as fhirpath reads them (`name in variables`): constants, then per resource, then per row. */
type Variables = Readonly<Record<string, unknown>>;

/** Guards repeat against paths that never run dry (`repeat: ["$this"]`). */
const MAX_REPEAT_DEPTH = 1000;

class ViewProgram implements CompiledView {
  readonly resource: string;
  readonly columns: readonly ViewColumn[];
  private readonly root: CompiledSelect;
  private readonly where: { evaluate: Evaluator; location: string }[];
  private readonly constants: Variables;

  constructor(view: ViewDefinition) {
    this.resource = view.resource;
    this.columns = columnsOf(view);
    this.constants = Object.freeze(Object.fromEntries((view.constant ?? []).map((constant) => [constant.name, valueOf(constant)])));
    const scope: CompileScope = { resource: view.resource, constants: this.constants };
    this.where = (view.where ?? []).map((where, i) => ({ evaluate: valuesEvaluator(where.path, view.resource, scope), location: `where[${i}].path` }));
    this.root = compileSelect({ select: view.select }, '', view.resource, scope);
  }

  run(resources: Iterable<unknown>): ViewRow[] {
    const rows: ViewRow[] = [];
    for (const resource of resources) {
      for (const row of this.rowsOf(resource)) {
        rows.push(row);
      }
    }
    return rows;
  }

  rowsOf(resource: unknown): ViewRow[] {
    if ((resource as { resourceType?: unknown } | null)?.resourceType !== this.resource) {
      return [];
    }
    const variables: Variables = Object.assign(Object.create(this.constants) as Record<string, unknown>, {
      resource,
      rootResource: resource,
      rowIndex: 0,
    });
    for (const where of this.where) {
      const result = evaluateAt(where.location, () => where.evaluate(resource, variables));
      if (result.length > 1 || (result.length === 1 && typeof result[0] !== 'boolean')) {
        throw new ViewDefinitionError('evaluation', [
          { path: where.location, message: `must give true or false, but gave ${JSON.stringify(result)} for ${describe(resource)}` },
        ]);
      }
      if (result[0] !== true) {
        return [];
      }
    }
    return process(this.root, resource, variables);
  }
}

function valueOf(constant: ViewConstant): unknown {
  const [{ key, type }] = constantValueKeys(constant);
  const converted = constantValue(type, constant[key as `value${string}`]);
  // Validation has already refused constants that do not convert.
  return 'value' in converted ? converted.value : undefined;
}

/** What every expression of a view compiles against. */
interface CompileScope {
  resource: string;
  constants: Variables;
}

/** Column and where values: the fast path where it applies, fhirpath (compiled on first need) where it does not. */
function valuesEvaluator(path: string, contextType: string | undefined, scope: CompileScope): Evaluator {
  let slow: Evaluator | undefined;
  const fhirPath: Evaluator = (input, variables) => (slow ??= compileExpression(path, 'values'))(input, variables);
  const fast = compileFastPath(path, contextType, scope.resource, scope.constants);
  if (fast === undefined) {
    return fhirPath;
  }
  return (input, variables) => {
    try {
      return fast(input, variables);
    } catch (error) {
      if (error === FALL_BACK) {
        return fhirPath(input, variables);
      }
      throw error;
    }
  };
}

function compileSelect(select: ViewSelect, location: string, contextType: string | undefined, scope: CompileScope): CompiledSelect {
  const type = focusType(select, contextType);
  let iteration: Iteration | undefined;
  if (select.repeat !== undefined) {
    iteration = {
      kind: 'repeat',
      paths: select.repeat.map((path, i) => ({ evaluate: compileExpression(path, 'nodes'), location: `${location}.repeat[${i}]` })),
    };
  } else {
    const kind = select.forEach !== undefined ? 'forEach' : select.forEachOrNull !== undefined ? 'forEachOrNull' : undefined;
    if (kind !== undefined) {
      iteration = { kind, evaluate: compileExpression(select[kind] as string, 'nodes'), location: `${location}.${kind}` };
    }
  }
  const compiled: CompiledSelect = {
    iteration,
    columns: (select.column ?? []).map((column, i) => compileColumn(column, `${location}.column[${i}]`, type, scope)),
    selects: (select.select ?? []).map((child, i) => compileSelect(child, within(location, `select[${i}]`), type, scope)),
    unionAll: (select.unionAll ?? []).map((child, i) => compileSelect(child, within(location, `unionAll[${i}]`), type, scope)),
    nullRow: {},
  };
  compiled.nullRow = nullRowOf(select);
  return compiled;
}

/** `select[0]` inside `select[1]` is `select[1].select[0]`; at the top it is `select[0]`, as validation names it. */
function within(location: string, child: string): string {
  return location === '' ? child : `${location}.${child}`;
}

function compileColumn(column: ViewColumnDefinition, location: string, contextType: string | undefined, scope: CompileScope): CompiledColumn {
  return { name: columnNameOf(column) as string, evaluate: valuesEvaluator(column.path, contextType, scope), collection: column.collection === true, location };
}

function nullRowOf(select: ViewSelect): ViewRow {
  const row: ViewRow = {};
  for (const column of select.column ?? []) {
    // The spec binds %rowIndex to 0 in the row a forEachOrNull makes of nothing.
    row[columnNameOf(column) as string] = column.path.trim() === '%rowIndex' ? 0 : null;
  }
  for (const child of [...(select.select ?? []), ...(select.unionAll ?? []).slice(0, 1)]) {
    Object.assign(row, nullRowOf(child));
  }
  return row;
}

/**
 * The spec's Process(S, N): each focus gives one row of the select's own columns, crossed with the rows of each
 * nested select and with the rows of all unionAll branches together. Columns of a select come before those of its
 * nested selects, and unionAll columns last, so merging parts in that order yields keys in column order.
 */
function process(select: CompiledSelect, node: unknown, variables: Variables): ViewRow[] {
  const foci = fociOf(select, node, variables);
  const rows: ViewRow[] = [];
  for (let i = 0; i < foci.length; i++) {
    // Only an iteration starts a new %rowIndex; a plain select (or unionAll branch) keeps its parent's.
    const scope: Variables = select.iteration === undefined ? variables : withRowIndex(variables, i);
    rows.push(...rowsOfFocus(select, foci[i], scope));
  }
  if (foci.length === 0 && select.iteration?.kind === 'forEachOrNull') {
    rows.push({ ...select.nullRow });
  }
  return rows;
}

function rowsOfFocus(select: CompiledSelect, focus: unknown, variables: Variables): ViewRow[] {
  // Without columns of its own, a select's rows are its parts' rows: nothing to copy them into.
  let rows: ViewRow[] | undefined;
  if (select.columns.length > 0) {
    const own: ViewRow = {};
    for (const column of select.columns) {
      own[column.name] = cell(column, evaluateAt(column.location, () => column.evaluate(focus, variables)));
    }
    rows = [own];
  }
  for (const child of select.selects) {
    const childRows = process(child, focus, variables);
    rows = rows === undefined ? childRows : cross(rows, childRows);
    if (rows.length === 0) {
      return rows;
    }
  }
  if (select.unionAll.length > 0) {
    const unionRows = select.unionAll.flatMap((branch) => process(branch, focus, variables));
    rows = rows === undefined ? unionRows : cross(rows, unionRows);
  }
  return rows ?? [{}];
}

/** Rows on the left are this select's own (fresh) objects, so a single right-hand row merges into them in place. */
function cross(left: ViewRow[], right: ViewRow[]): ViewRow[] {
  if (right.length === 1) {
    for (const row of left) {
      Object.assign(row, right[0]);
    }
    return left;
  }
  const rows: ViewRow[] = [];
  for (const a of left) {
    for (const b of right) {
      rows.push({ ...a, ...b });
    }
  }
  return rows;
}

function fociOf(select: CompiledSelect, node: unknown, variables: Variables): unknown[] {
  const iteration = select.iteration;
  if (iteration === undefined) {
    return [node];
  }
  if (iteration.kind !== 'repeat') {
    return evaluateAt(iteration.location, () => iteration.evaluate(node, variables));
  }
  const foci: unknown[] = [];
  const visited = new Set<unknown>();
  // Depth-first, each node before its descendants, as the spec's traverse() orders them.
  const traverse = (current: unknown, depth: number): void => {
    if (depth > MAX_REPEAT_DEPTH) {
      throw new ViewDefinitionError('evaluation', [{ path: iteration.paths[0].location, message: `repeat went deeper than ${MAX_REPEAT_DEPTH} levels` }]);
    }
    for (const path of iteration.paths) {
      for (const child of evaluateAt(path.location, () => path.evaluate(current, variables))) {
        const identity = (child as { data?: unknown } | null)?.data ?? child;
        if (typeof identity === 'object' && identity !== null && visited.has(identity)) {
          continue;
        }
        visited.add(identity);
        foci.push(child);
        traverse(child, depth + 1);
      }
    }
  };
  traverse(node, 0);
  return foci;
}

function withRowIndex(variables: Variables, rowIndex: number): Variables {
  return Object.assign(Object.create(variables) as Record<string, unknown>, { rowIndex });
}

function cell(column: CompiledColumn, values: unknown[]): ViewValue {
  if (column.collection) {
    return values as ViewValue[];
  }
  if (values.length > 1) {
    throw new ViewDefinitionError('evaluation', [
      { path: column.location, message: `column "${column.name}" gave ${values.length} values; set "collection": true to keep them all, or pick one (first())` },
    ]);
  }
  return values.length === 0 ? null : (values[0] as ViewValue);
}

/** Runs fhirpath, turning its errors (an unknown type, an undefined variable, a bad argument) into evaluation errors. */
function evaluateAt(location: string, evaluate: () => unknown[]): unknown[] {
  try {
    return evaluate();
  } catch (error) {
    if (error instanceof ViewDefinitionError) {
      throw error;
    }
    throw new ViewDefinitionError('evaluation', [{ path: location, message: error instanceof Error ? error.message.split('\n')[0] : String(error) }], { cause: error });
  }
}

function describe(resource: unknown): string {
  const { resourceType, id } = resource as { resourceType?: unknown; id?: unknown };
  return typeof id === 'string' ? `${String(resourceType)}/${id}` : String(resourceType);
}
