import { compile, evaluate, parse, types, util } from 'fhirpath';
import type { Model, UserInvocationTable } from 'fhirpath';
import * as r4Context from 'fhirpath/fhir-context/r4';
import { parseReference } from '../reference';
import { boundary } from './boundaries';
import type { BoundaryEdge, BoundaryKind } from './boundaries';
import { decimalLexeme } from './fhirJson';

/** fhirpath's R4 model; at run time it also carries the set of every type name it knows. */
export const R4_MODEL = r4Context as unknown as Model & { availableTypes: ReadonlySet<string> };

/** A compiled expression: input (a resource, or a node an earlier expression returned) and `%` variables to results. */
export type Evaluator = (input: unknown, variables: Readonly<Record<string, unknown>>) => unknown[];

/** The FHIRPath system types a type specifier may name without a namespace or with `System.`. */
const SYSTEM_TYPES: ReadonlySet<string> = new Set(['Boolean', 'String', 'Integer', 'Long', 'Decimal', 'Date', 'DateTime', 'Time', 'Quantity']);

/** Environment variables fhirpath or the view runner provide whatever the view declares. */
const BUILT_IN_VARIABLES: ReadonlySet<string> = new Set(['rowIndex', 'resource', 'rootResource', 'context', 'ucum', 'sct', 'loinc', 'factory', 'terminologies']);

/** fhirpath's internal view of a value: a node of the resource (with its path and FHIR type) or a FHIRPath value. */
interface FhirPathNode {
  data?: unknown;
  parentResNode?: FhirPathNode | null;
  propName?: string | null;
  index?: number | null;
}

/**
 * Compiles once; `nodes` keeps fhirpath's nodes (for forEach foci, so nested expressions still know each element's
 * FHIR type), `values` gives plain JSON values (for columns).
 */
export function compileExpression(expression: string, output: 'nodes' | 'values'): Evaluator {
  const evaluator = compile(expression, R4_MODEL, { userInvocationTable: SQL_ON_FHIR_FUNCTIONS, resolveInternalTypes: output === 'values' });
  return (input, variables) => evaluator(input, variables) as unknown[];
}

/**
 * Static checks fhirpath leaves to evaluation time, where they would only fire on resources that reach them: the
 * expression must parse, every `%name` must be declared, and every type in `ofType`, `is` and `as` must exist.
 */
export function expressionProblems(expression: string, constants: ReadonlySet<string>): string[] {
  let tree: AstNode;
  try {
    tree = parse(expression) as AstNode;
  } catch (error) {
    return [`not a FHIRPath expression: ${firstLine(error)}`];
  }
  const problems: string[] = [];
  walk(tree, (node) => {
    if (node.type === 'ExternalConstantTerm') {
      const name = constantName(node);
      if (name !== undefined && !constants.has(name) && !BUILT_IN_VARIABLES.has(name) && !/^(vs|ext)-/.test(name)) {
        problems.push(`%${name} is not a constant of this view`);
      }
    } else if (node.type === 'TypeExpression') {
      const specifier = node.children?.find((child) => child.type === 'TypeSpecifier');
      if (specifier?.text !== undefined && !isKnownType(specifier.text)) {
        problems.push(`${specifier.text} is not a FHIR or FHIRPath type`);
      }
    } else if (node.type === 'Functn') {
      const [name, params] = node.children ?? [];
      if (name?.text === 'getReferenceKey' && params !== undefined && !/^[A-Za-z]\w*$/.test(params.children?.[0]?.text ?? '')) {
        problems.push(`getReferenceKey(${params.children?.[0]?.text ?? ''}): the argument must be a resource type name, such as Patient`);
      }
      if (['ofType', 'is', 'as'].includes(name?.text ?? '')) {
        const argument = params?.children?.[0]?.text;
        if (argument === undefined || !isKnownType(argument)) {
          problems.push(`${name.text}(${argument ?? ''}): ${argument === undefined ? 'a type is needed' : `${argument} is not a FHIR or FHIRPath type`}`);
        }
      }
    }
  });
  return problems;
}

interface AstNode {
  type: string;
  text?: string;
  children?: AstNode[];
}

function walk(node: AstNode, visit: (node: AstNode) => void): void {
  visit(node);
  for (const child of node.children ?? []) {
    walk(child, visit);
  }
}

function constantName(node: AstNode): string | undefined {
  if (node.text !== undefined) {
    return node.text;
  }
  let identifier: string | undefined;
  walk(node, (child) => {
    identifier ??= child.type === 'Identifier' ? child.text : undefined;
  });
  return identifier?.replace(/^`|`$/g, '');
}

function isKnownType(specifier: string): boolean {
  const parts = specifier.split('.').map((part) => part.replace(/^`|`$/g, ''));
  if (parts.length === 1) {
    return SYSTEM_TYPES.has(parts[0]) || R4_MODEL.availableTypes.has(parts[0]);
  }
  const [namespace, name] = parts;
  return parts.length === 2 && (namespace === 'System' ? SYSTEM_TYPES.has(name) : namespace === 'FHIR' && R4_MODEL.availableTypes.has(name));
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0];
}

// ------------------------------------------------------------------------------------------------ functions

/**
 * The functions SQL on FHIR adds to FHIRPath, and two it pins down: `join` (an empty input joins to '') and the
 * boundary functions (the SQL on FHIR tests expect offsets on dateTime boundaries, and decimal precision read from
 * the JSON text where {@link parseFhirJson} kept it).
 */
const SQL_ON_FHIR_FUNCTIONS: UserInvocationTable = {
  getResourceKey: { fn: getResourceKey, arity: { 0: [] }, internalStructures: true },
  // A plain name rather than a TypeSpecifier: fhirpath would refuse types its R4 model lacks (Halaxy's InvoiceLine).
  getReferenceKey: { fn: getReferenceKey, arity: { 0: [], 1: ['Identifier'] }, internalStructures: true },
  join: { fn: join, arity: { 0: [], 1: ['String'] } },
  lowBoundary: { fn: boundaryFunction('low'), arity: { 0: [], 1: ['Integer'] }, internalStructures: true },
  highBoundary: { fn: boundaryFunction('high'), arity: { 0: [], 1: ['Integer'] }, internalStructures: true },
};

/** The row key of the resource each input belongs to: its id (references to it give the same key). */
function getResourceKey(inputs: FhirPathNode[]): string[] {
  return inputs.flatMap((input) => {
    for (let node: FhirPathNode | null | undefined = input; node; node = node.parentResNode) {
      const data = util.valData(node) as { resourceType?: unknown; id?: unknown } | null;
      if (typeof data === 'object' && data !== null && typeof data.resourceType === 'string') {
        return typeof data.id === 'string' ? [data.id] : [];
      }
    }
    return [];
  });
}

/** The key of the resource a Reference points at, when it is a literal reference (of the given type, if one is given). */
function getReferenceKey(inputs: FhirPathNode[], type?: string): string[] {
  return inputs.flatMap((input) => {
    const reference = (util.valData(input) as { reference?: unknown } | null)?.reference;
    const parsed = typeof reference === 'string' ? parseReference(reference) : undefined;
    return parsed === undefined || (type !== undefined && type !== parsed.type) ? [] : [parsed.id];
  });
}

function join(inputs: unknown[], separator = ''): string[] {
  return [inputs.map((value) => String(value)).join(separator)];
}

const BOUNDARY_KINDS: Readonly<Record<string, BoundaryKind>> = {
  'FHIR.decimal': 'decimal',
  'System.Decimal': 'decimal',
  'FHIR.integer': 'decimal',
  'FHIR.positiveInt': 'decimal',
  'FHIR.unsignedInt': 'decimal',
  'System.Integer': 'decimal',
  'FHIR.date': 'date',
  'System.Date': 'date',
  'FHIR.dateTime': 'dateTime',
  'FHIR.instant': 'dateTime',
  'System.DateTime': 'dateTime',
  'FHIR.time': 'time',
  'System.Time': 'time',
};

function boundaryFunction(edge: BoundaryEdge) {
  return function (this: unknown, inputs: FhirPathNode[], precision?: number): unknown[] {
    return inputs.flatMap((input) => {
      const kind = BOUNDARY_KINDS[types([input])[0]];
      const text = kind === undefined ? undefined : valueText(input, kind);
      const result = text === undefined ? undefined : boundary(kind, text, edge, precision);
      if (result === undefined) {
        return [];
      }
      return [kind === 'decimal' ? Number(result) : temporalValue(kind, this, result)];
    });
  };
}

function valueText(input: FhirPathNode, kind: BoundaryKind): string | undefined {
  const value = util.valData(input) as unknown;
  if (kind === 'decimal' && typeof input.propName === 'string') {
    const holder = input.parentResNode?.data;
    const index = input.index ?? undefined;
    const lexeme = decimalLexeme(holder, input.propName, index) ?? decimalLexeme(holder, `${input.propName}Decimal`, index);
    if (lexeme !== undefined) {
      return lexeme;
    }
  }
  return value === null || value === undefined ? undefined : String(value);
}

type TemporalClass = new (context: unknown, text: string) => unknown;
let temporalClasses: Record<Exclude<BoundaryKind, 'decimal'>, TemporalClass> | undefined;

/**
 * The boundary as a FHIRPath date, dateTime or time, so it compares and sorts as one inside an expression. fhirpath
 * exports no constructor for these, so each class is taken from a literal it evaluated.
 */
function temporalValue(kind: Exclude<BoundaryKind, 'decimal'>, context: unknown, text: string): unknown {
  const classOf = (literal: string): TemporalClass =>
    (evaluate({}, literal, undefined, undefined, { resolveInternalTypes: false })[0] as { constructor: TemporalClass }).constructor;
  temporalClasses ??= { date: classOf('@2000-01-01'), dateTime: classOf('@2000-01-01T00:00:00.000Z'), time: classOf('@T00:00:00.000') };
  return new temporalClasses[kind](context, text);
}

// ------------------------------------------------------------------------------------------------ constants

const STRING_CONSTANTS = ['Base64Binary', 'Canonical', 'Code', 'Id', 'Oid', 'String', 'Uri', 'Url', 'Uuid'];
const DATE = /^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$/;
const DATE_TIME = /^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01])(T([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)(\.\d+)?(Z|[+-]((0\d|1[0-3]):[0-5]\d|14:00))?)?)?)?$/;
const INSTANT = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)(\.\d+)?(Z|[+-]((0\d|1[0-3]):[0-5]\d|14:00))$/;
const TIME = /^([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)(\.\d+)?$/;

/** The `value[x]` types a ViewDefinition constant may have. */
export const CONSTANT_VALUE_TYPES: readonly string[] = [
  ...STRING_CONSTANTS, 'Boolean', 'Date', 'DateTime', 'Decimal', 'Instant', 'Integer', 'Integer64', 'PositiveInt', 'Time', 'UnsignedInt',
];

/**
 * A constant's value as FHIRPath sees the literal it stands for (`valueDate` → a Date, not a string, so that
 * `birthDate = %date` compares dates), or a message saying why the value does not fit its type.
 */
export function constantValue(type: string, value: unknown): { value: unknown } | { problem: string } {
  const wrong = { problem: `value${type} ${JSON.stringify(value)} is not a valid ${type[0].toLowerCase()}${type.slice(1)}` };
  if (STRING_CONSTANTS.includes(type)) {
    return typeof value === 'string' ? { value } : wrong;
  }
  switch (type) {
    case 'Boolean':
      return typeof value === 'boolean' ? { value } : wrong;
    case 'Decimal':
      return typeof value === 'number' && Number.isFinite(value) ? { value } : wrong;
    case 'Integer':
      return Number.isSafeInteger(value) ? { value } : wrong;
    case 'PositiveInt':
      return Number.isSafeInteger(value) && (value as number) > 0 ? { value } : wrong;
    case 'UnsignedInt':
      return Number.isSafeInteger(value) && (value as number) >= 0 ? { value } : wrong;
    case 'Integer64':
      return (typeof value === 'string' && /^-?\d{1,19}$/.test(value)) || Number.isSafeInteger(value) ? literal(`${String(value)}L`) : wrong;
    case 'Date':
      return typeof value === 'string' && DATE.test(value) ? literal(`@${value}`) : wrong;
    case 'DateTime':
      // A FHIRPath literal with only a date part is a Date; the trailing T keeps it a DateTime.
      return typeof value === 'string' && DATE_TIME.test(value) ? literal(value.includes('T') ? `@${value}` : `@${value}T`) : wrong;
    case 'Instant':
      return typeof value === 'string' && INSTANT.test(value) ? literal(`@${value}`) : wrong;
    case 'Time':
      return typeof value === 'string' && TIME.test(value) ? literal(`@T${value}`) : wrong;
    default:
      return { problem: `value${type} is not a constant type (use one of ${CONSTANT_VALUE_TYPES.map((t) => `value${t}`).join(', ')})` };
  }
}

function literal(text: string): { value: unknown } | { problem: string } {
  try {
    return { value: evaluate({}, text, undefined, R4_MODEL, { resolveInternalTypes: false })[0] };
  } catch (error) {
    return { problem: `${text} is not a FHIRPath literal: ${firstLine(error)}` };
  }
}
