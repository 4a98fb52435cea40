import { parse } from 'fhirpath';
import { parseReference } from '../reference';
import { R4_MODEL } from './fhirPath';
import type { Evaluator } from './fhirPath';

/**
 * fhirpath evaluates a column in 5–40 µs, most of it setting up each call; a grid of 1,000 patients by 25 columns
 * would take half a second. The paths views are mostly made of (member steps, `where(x = 'y')`, `first()`,
 * `exists()`, `join()`, `ofType()` on a choice, the key functions) compile here to plain functions over the JSON
 * instead. Anything else, and any value they were not built for (an element with extensions on a primitive, a
 * non-boolean criterion), falls back to fhirpath: a fast evaluator throws {@link FALL_BACK} and the caller re-runs
 * the expression there, so results never differ.
 */
export const FALL_BACK: unique symbol = Symbol('evaluate with fhirpath');

/** What the compiler knows of a collection's items: a model type, untyped JSON, or nothing it can rely on. */
type StaticType =
  | { kind: 'typed'; type: string }
  | { kind: 'choice'; path: string; types: readonly string[] }
  | { kind: 'untyped' }
  | { kind: 'unknown' };

interface Compiled {
  run: (focus: unknown[], variables: Readonly<Record<string, unknown>>) => unknown[];
  type: StaticType;
  /** A union's duplicates are only dropped where that cannot change the result: right before first(). */
  union?: true;
}

interface AstNode {
  type: string;
  text?: string;
  children?: AstNode[];
}

/** Types whose equality is plain JavaScript equality of their JSON values. */
const PLAIN_EQUALITY: ReadonlySet<string> = new Set([
  'string', 'code', 'id', 'uri', 'url', 'canonical', 'oid', 'uuid', 'markdown', 'base64Binary', 'boolean', 'integer', 'positiveInt',
  'unsignedInt', 'System.String', 'System.Boolean', 'System.Integer',
]);
const SYSTEM_TO_FHIR: Readonly<Record<string, string>> = { 'System.String': 'string', 'System.Boolean': 'boolean', 'System.Integer': 'integer' };

/**
 * A fast evaluator for `expression` over items of `contextType` (a resource type, or a type or backbone path such as
 * `Patient.contact`; undefined when unknown), or undefined when the expression is outside what it compiles.
 * `constants` are the view's constants: only strings, booleans and integers are inlined.
 */
export function compileFastPath(expression: string, contextType: string | undefined, resourceType: string, constants: Readonly<Record<string, unknown>>): Evaluator | undefined {
  const modelled = R4_MODEL.availableTypes.has(resourceType);
  const context: StaticType = contextType !== undefined && modelled ? { kind: 'typed', type: contextType } : modelled ? { kind: 'unknown' } : { kind: 'untyped' };
  let tree: AstNode;
  try {
    tree = parse(expression) as AstNode;
  } catch {
    return undefined;
  }
  const compiled = new FastCompiler(constants).node(unwrapEntire(tree), context, true);
  if (!usable(compiled)) {
    return undefined;
  }
  return (input, variables) => compiled.run([plainValue(input)], variables);
}

function unwrapEntire(node: AstNode): AstNode {
  return node.type === 'EntireExpression' && node.children?.length === 1 ? unwrapEntire(node.children[0]) : node;
}

/** The JSON value under the input: a resource, or an element fhirpath returned as one of its nodes. */
function plainValue(input: unknown): unknown {
  if (typeof input !== 'object' || input === null || Object.getPrototypeOf(input) === Object.prototype) {
    return input;
  }
  const node = input as { data?: unknown; _data?: unknown; parentResNode?: unknown };
  if ('parentResNode' in node && 'data' in node && (node._data === undefined || node._data === null)) {
    return plainValue(node.data);
  }
  throw FALL_BACK;
}

class FastCompiler {
  constructor(private readonly constants: Readonly<Record<string, unknown>>) {}

  /** `atStart`: a member at the start of a term navigates from the focus, and may name the resource type itself. */
  node(node: AstNode, context: StaticType, atStart: boolean): Compiled | undefined {
    const children = node.children ?? [];
    switch (node.type) {
      case 'TermExpression':
      case 'InvocationTerm':
        return children.length === 1 ? this.node(children[0], context, atStart) : undefined;
      case 'ParenthesizedTerm':
        return children.length === 1 ? this.node(children[0], context, true) : undefined;
      case 'ThisInvocation':
        return { run: (focus) => focus, type: context };
      case 'MemberInvocation':
        return this.member(node.text, context, atStart, (focus) => focus);
      case 'FunctionInvocation':
        return this.function(children[0], { run: (focus) => focus, type: context });
      case 'InvocationExpression': {
        const left = children.length === 2 ? this.node(children[0], context, true) : undefined;
        if (left === undefined) {
          return undefined;
        }
        const right = children[1];
        if (right.type === 'MemberInvocation' && left.union !== true) {
          return this.member(right.text, left.type, false, left.run);
        }
        return right.type === 'FunctionInvocation' ? this.function(right.children?.[0], left) : undefined;
      }
      case 'IndexerExpression':
        return this.indexer(children, context);
      case 'LiteralTerm':
        return this.literal(children[0]);
      case 'ExternalConstantTerm':
        return this.constant(node.text);
      case 'UnionExpression': {
        // Nested unions (`a | b | c`) stay unions: only first() may read them.
        const [a, b] = children.map((child) => this.node(child, context, true));
        if (a === undefined || b === undefined || a.type.kind === 'choice' || b.type.kind === 'choice') {
          return undefined;
        }
        const type = a.type.kind === 'typed' && b.type.kind === 'typed' && a.type.type === b.type.type ? a.type : { kind: 'unknown' as const };
        return { run: (focus, variables) => [...a.run(focus, variables), ...b.run(focus, variables)], type, union: true };
      }
      case 'EqualityExpression':
        return this.equality(node.text, children, context);
      case 'AndExpression':
      case 'OrExpression':
        return this.logic(node.text, children, context);
      default:
        return undefined;
    }
  }

  private member(name: string | undefined, context: StaticType, atStart: boolean, input: Compiled['run']): Compiled | undefined {
    if (name === undefined || !/^[A-Za-z]\w*$/.test(name) || context.kind === 'choice') {
      return undefined;
    }
    if (atStart && context.kind === 'typed' && name === context.type && /^[A-Z]/.test(name)) {
      // `Patient.name`: the type name selects the focus itself when it is a resource of that type.
      return { run: (focus, variables) => input(focus, variables).filter((item) => (item as { resourceType?: unknown } | null)?.resourceType === name), type: context };
    }
    const type = memberType(context, name);
    if (type === undefined) {
      return undefined;
    }
    if (type.kind === 'choice') {
      // Only ofType() reads a choice element: compiled there, from the step before it.
      return { run: input, type };
    }
    const shadow = `_${name}`;
    return {
      run: (focus, variables) => {
        const result: unknown[] = [];
        for (const item of input(focus, variables)) {
          if (typeof item !== 'object' || item === null) {
            continue;
          }
          const record = item as Record<string, unknown>;
          if (record[shadow] !== undefined) {
            // A primitive with an id or extensions: fhirpath gives it a node even without a value.
            throw FALL_BACK;
          }
          push(result, record[name]);
        }
        return result;
      },
      type,
    };
  }

  private function(functn: AstNode | undefined, input: Compiled): Compiled | undefined {
    const name = functn?.children?.[0]?.text;
    const params = functn?.children?.[1]?.children ?? [];
    if (name === undefined || (input.union === true && name !== 'first') || (input.type.kind === 'choice' && name !== 'ofType')) {
      return undefined;
    }
    const run = input.run;
    const none = params.length === 0;
    switch (name) {
      case 'first':
        return none ? { run: (focus, v) => run(focus, v).slice(0, 1), type: input.type } : undefined;
      case 'exists':
        return none ? { run: (focus, v) => [run(focus, v).length > 0], type: BOOLEAN } : undefined;
      case 'empty':
        return none ? { run: (focus, v) => [run(focus, v).length === 0], type: BOOLEAN } : undefined;
      case 'count':
        return none ? { run: (focus, v) => [run(focus, v).length], type: { kind: 'typed', type: 'integer' } } : undefined;
      case 'not':
        return none ? { run: (focus, v) => truth(run(focus, v)).map((b) => !b), type: BOOLEAN } : undefined;
      case 'where':
        return params.length === 1 ? this.where(params[0], input) : undefined;
      case 'join': {
        const separator = none ? '' : params.length === 1 ? stringLiteral(params[0]) : undefined;
        return separator === undefined ? undefined : { run: (focus, v) => [run(focus, v).map((item) => String(item)).join(separator)], type: STRING };
      }
      case 'ofType':
        return params.length === 1 ? this.ofType(identifierOf(params[0]), input) : undefined;
      case 'extension': {
        const url = params.length === 1 ? stringLiteral(params[0]) : undefined;
        return url === undefined ? undefined : { run: (focus, v) => extensions(run(focus, v), url), type: { kind: 'typed', type: 'Extension' } };
      }
      case 'getResourceKey':
        return none ? { run: (focus, v) => run(focus, v).map(resourceKey), type: ID } : undefined;
      case 'getReferenceKey': {
        const type = none ? undefined : params.length === 1 ? identifierOf(params[0]) : null;
        return type === null ? undefined : { run: (focus, v) => referenceKeys(run(focus, v), type), type: ID };
      }
      default:
        return undefined;
    }
  }

  private where(criterion: AstNode, input: Compiled): Compiled | undefined {
    const itemType = input.type.kind === 'typed' || input.type.kind === 'untyped' ? input.type : { kind: 'unknown' as const };
    const test = this.node(criterion, itemType, true);
    if (!usable(test)) {
      return undefined;
    }
    return {
      run: (focus, variables) => input.run(focus, variables).filter((item) => truth(test.run([item], variables))[0] === true),
      type: input.type,
    };
  }

  private ofType(name: string | null | undefined, input: Compiled): Compiled | undefined {
    if (typeof name !== 'string' || input.type.kind !== 'choice') {
      return undefined;
    }
    const wanted = name[0].toUpperCase() + name.slice(1);
    const choice = input.type;
    const element = choice.path.slice(choice.path.lastIndexOf('.') + 1);
    const keys = choice.types.map((suffix) => `${element}${suffix}`);
    const type: StaticType = R4_MODEL.availableTypes.has(name) ? { kind: 'typed', type: name } : { kind: 'unknown' };
    return {
      run: (focus, variables) => {
        const result: unknown[] = [];
        for (const item of input.run(focus, variables)) {
          if (typeof item !== 'object' || item === null) {
            continue;
          }
          const record = item as Record<string, unknown>;
          // As fhirpath does: the element is the first of its allowed types present; ofType keeps it if it is the one asked for.
          const index = keys.findIndex((key) => record[key] !== undefined || record[`_${key}`] !== undefined);
          if (index >= 0 && record[`_${keys[index]}`] !== undefined) {
            throw FALL_BACK;
          }
          if (index >= 0 && choice.types[index] === wanted) {
            push(result, record[keys[index]]);
          } else if (index >= 0 && derivesFrom(choice.types[index], wanted)) {
            // A subtype (Duration of Quantity, code of string): fhirpath's type rules decide.
            throw FALL_BACK;
          }
        }
        return result;
      },
      type,
    };
  }

  private indexer(children: AstNode[], context: StaticType): Compiled | undefined {
    const collection = children.length === 2 ? this.node(children[0], context, true) : undefined;
    const index = children[1] === undefined ? undefined : integerLiteral(children[1]);
    if (!usable(collection) || index === undefined) {
      return undefined;
    }
    return { run: (focus, v) => collection.run(focus, v).slice(index, index + 1), type: collection.type };
  }

  private literal(node: AstNode | undefined): Compiled | undefined {
    if (node?.type === 'StringLiteral') {
      const value = stringLiteral(node);
      return value === undefined ? undefined : { run: () => [value], type: STRING };
    }
    if (node?.type === 'BooleanLiteral') {
      const value = node.text === 'true';
      return { run: () => [value], type: BOOLEAN };
    }
    const value = node === undefined ? undefined : integerLiteral(node);
    return value === undefined ? undefined : { run: () => [value], type: { kind: 'typed', type: 'integer' } };
  }

  private constant(name: string | undefined): Compiled | undefined {
    if (name === 'rowIndex') {
      return { run: (_focus, variables) => [variables.rowIndex], type: { kind: 'typed', type: 'integer' } };
    }
    const value = name === undefined ? undefined : this.constants[name];
    if (typeof value === 'string') {
      return { run: () => [value], type: STRING };
    }
    if (typeof value === 'boolean') {
      return { run: () => [value], type: BOOLEAN };
    }
    return Number.isSafeInteger(value) ? { run: () => [value], type: { kind: 'typed', type: 'integer' } } : undefined;
  }

  private equality(operator: string | undefined, children: AstNode[], context: StaticType): Compiled | undefined {
    const [a, b] = children.map((child) => this.node(child, context, true));
    if ((operator !== '=' && operator !== '!=') || !usable(a) || !usable(b)) {
      return undefined;
    }
    // Dates, decimals and quantities compare by value in FHIRPath, not as their JSON text.
    if (!plainlyComparable(a.type) || !plainlyComparable(b.type)) {
      return undefined;
    }
    const negate = operator === '!=';
    return {
      run: (focus, variables) => {
        const left = a.run(focus, variables);
        const right = b.run(focus, variables);
        if (left.length === 0 || right.length === 0) {
          return [];
        }
        for (const value of [...left, ...right]) {
          if (typeof value !== 'string' && typeof value !== 'boolean' && !Number.isSafeInteger(value)) {
            throw FALL_BACK;
          }
        }
        const equal = left.length === right.length && left.every((value, i) => value === right[i]);
        return [equal !== negate];
      },
      type: BOOLEAN,
    };
  }

  private logic(operator: string | undefined, children: AstNode[], context: StaticType): Compiled | undefined {
    const [a, b] = children.map((child) => this.node(child, context, true));
    if ((operator !== 'and' && operator !== 'or') || !usable(a) || !usable(b)) {
      return undefined;
    }
    const decisive = operator === 'or';
    return {
      run: (focus, variables) => {
        const [left] = truth(a.run(focus, variables));
        const [right] = truth(b.run(focus, variables));
        if (left === decisive || right === decisive) {
          return [decisive];
        }
        return left === undefined || right === undefined ? [] : [!decisive];
      },
      type: BOOLEAN,
    };
  }
}

/** A result any step may read: not a union (first() only) and not a choice element (ofType() only). */
function usable(compiled: Compiled | undefined): compiled is Compiled {
  return compiled !== undefined && compiled.union !== true && compiled.type.kind !== 'choice';
}

const BOOLEAN: StaticType = { kind: 'typed', type: 'boolean' };
const STRING: StaticType = { kind: 'typed', type: 'string' };
const ID: StaticType = { kind: 'typed', type: 'id' };

function memberType(context: StaticType, name: string): StaticType | undefined {
  if (context.kind !== 'typed') {
    // Without the item's type, `value` could be a choice fhirpath would expand: only untyped JSON is safe to read.
    return context.kind === 'untyped' ? context : undefined;
  }
  let path = `${context.type}.${name}`;
  path = R4_MODEL.pathsDefinedElsewhere[path] ?? path;
  const choices = R4_MODEL.choiceTypePaths[path];
  if (choices !== undefined) {
    return { kind: 'choice', path, types: choices };
  }
  const found = R4_MODEL.path2Type[path];
  if (found === undefined) {
    // Not in the model (a vendor's own element): fhirpath reads it as plain JSON too.
    return { kind: 'untyped' };
  }
  return { kind: 'typed', type: found === 'BackboneElement' || found === 'Element' ? path : SYSTEM_TO_FHIR[found] ?? found };
}

/** Whether the choice suffix `present` names a type below `wanted` (compared without the case of the first letter). */
function derivesFrom(present: string, wanted: string): boolean {
  const normal = (name: string): string => name[0].toLowerCase() + name.slice(1);
  const target = normal(wanted);
  let type: string | undefined = R4_MODEL.availableTypes.has(present) ? present : normal(present);
  for (let depth = 0; type !== undefined && depth < 16; depth++) {
    if (normal(type) === target) {
      return true;
    }
    type = R4_MODEL.type2Parent[type];
  }
  return false;
}

function plainlyComparable(type: StaticType): boolean {
  return type.kind === 'untyped' || (type.kind === 'typed' && PLAIN_EQUALITY.has(type.type));
}

/** A boolean singleton or empty, as where() and the logical operators read their operands; anything else goes to fhirpath. */
function truth(values: unknown[]): boolean[] {
  if (values.length === 0 || (values.length === 1 && typeof values[0] === 'boolean')) {
    return values as boolean[];
  }
  throw FALL_BACK;
}

function push(result: unknown[], value: unknown): void {
  if (Array.isArray(value)) {
    for (const item of value) {
      if (item === null || item === undefined) {
        // fhirpath keeps a node for a null item (it may carry extensions); counts and exists() would see it.
        throw FALL_BACK;
      }
      result.push(item);
    }
  } else if (value !== null && value !== undefined) {
    result.push(value);
  }
}

function extensions(items: unknown[], url: string): unknown[] {
  const result: unknown[] = [];
  for (const item of items) {
    const list = typeof item === 'object' && item !== null ? (item as { extension?: unknown }).extension : undefined;
    if (Array.isArray(list)) {
      for (const extension of list) {
        if ((extension as { url?: unknown } | null)?.url === url) {
          result.push(extension);
        }
      }
    }
  }
  return result;
}

function resourceKey(item: unknown): unknown {
  const resource = item as { resourceType?: unknown; id?: unknown } | null;
  // Below the resource, the key is its enclosing resource's: fhirpath knows the way up, this compiler does not.
  if (typeof resource !== 'object' || resource === null || typeof resource.resourceType !== 'string' || typeof resource.id !== 'string') {
    throw FALL_BACK;
  }
  return resource.id;
}

function referenceKeys(items: unknown[], type: string | undefined): string[] {
  const keys: string[] = [];
  for (const item of items) {
    const reference = typeof item === 'object' && item !== null ? (item as { reference?: unknown }).reference : undefined;
    const parsed = typeof reference === 'string' ? parseReference(reference) : undefined;
    if (parsed !== undefined && (type === undefined || type === parsed.type)) {
      keys.push(parsed.id);
    }
  }
  return keys;
}

/** A parameter that is a plain name (`Patient`, `boolean`), or null when it is anything else. */
function identifierOf(node: AstNode): string | null {
  const text = node.type === 'TermExpression' ? node.text : undefined;
  return text !== undefined && /^[A-Za-z]\w*$/.test(text) ? text : null;
}

/** The value of a string literal without escapes (those are left to fhirpath). */
function stringLiteral(node: AstNode): string | undefined {
  const literal = node.type === 'TermExpression' ? node.children?.[0]?.children?.[0] : node;
  const text = literal?.type === 'StringLiteral' ? literal.text : undefined;
  return text !== undefined && /^'[^'\\]*'$/.test(text) ? text.slice(1, -1) : undefined;
}

function integerLiteral(node: AstNode): number | undefined {
  const literal = node.type === 'TermExpression' ? node.children?.[0]?.children?.[0] : node;
  return literal?.type === 'NumberLiteral' && literal.text !== undefined && /^\d{1,9}$/.test(literal.text) ? Number(literal.text) : undefined;
}
