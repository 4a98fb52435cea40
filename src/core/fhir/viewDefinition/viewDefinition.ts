/** A SQL on FHIR v2 ViewDefinition, as a user or the defaults write it (only the elements the engine reads). */
export interface ViewDefinition {
  resourceType?: 'ViewDefinition';
  name?: string;
  title?: string;
  description?: string;
  status?: string;
  /** The FHIR resource type the view flattens, e.g. `Patient`. */
  resource: string;
  constant?: ViewConstant[];
  select: ViewSelect[];
  where?: ViewWhere[];
}

/** A value usable as `%name` in every expression of the view: `name` plus exactly one `value[x]`. */
export interface ViewConstant {
  name: string;
  [valueX: `value${string}`]: unknown;
}

export interface ViewSelect {
  column?: ViewColumnDefinition[];
  select?: ViewSelect[];
  forEach?: string;
  forEachOrNull?: string;
  repeat?: string[];
  unionAll?: ViewSelect[];
}

export interface ViewColumnDefinition {
  name: string;
  path: string;
  description?: string;
  collection?: boolean;
  /** A FHIR type name such as `string`, `date` or `id`. */
  type?: string;
  tag?: { name: string; value: string }[];
}

export interface ViewWhere {
  path: string;
  description?: string;
}

/** One column of a view's output, in output order. */
export interface ViewColumn {
  name: string;
  /** The FHIR type the column declares or the engine can tell from its path. */
  type?: string;
  /** True when each cell holds an array. */
  collection?: boolean;
}

/** A cell: FHIR primitives as JSON gives them, dates and times as strings, complex values as objects. */
export type ViewValue = string | number | boolean | null | ViewValue[] | { [key: string]: unknown };

/** One output row, keyed by column name in column order. */
export type ViewRow = Record<string, ViewValue>;

/** What is wrong with a view, and where (`select[0].column[1].path`). */
export interface ViewProblem {
  path: string;
  message: string;
}

/**
 * A view that cannot run: `invalid` when its structure or expressions are wrong (the problems say where),
 * `evaluation` when a resource made it fail (a where clause that is not boolean, several values in a single-valued
 * column, an unknown type).
 */
export class ViewDefinitionError extends Error {
  readonly kind: 'invalid' | 'evaluation';
  readonly problems: readonly ViewProblem[];

  constructor(kind: 'invalid' | 'evaluation', problems: readonly ViewProblem[], options?: { cause?: unknown }) {
    super(problems.map((p) => (p.path === '' ? p.message : `${p.path}: ${p.message}`)).join('; '), options);
    this.name = 'ViewDefinitionError';
    this.kind = kind;
    this.problems = problems;
  }
}
