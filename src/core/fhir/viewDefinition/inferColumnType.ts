import { R4_MODEL } from './fhirPath';

/** The FHIR primitive each FHIRPath system type surfaces as in a column. */
const SYSTEM_TO_FHIR: Readonly<Record<string, string>> = {
  String: 'string',
  Boolean: 'boolean',
  Integer: 'integer',
  Long: 'integer64',
  Decimal: 'decimal',
  Date: 'date',
  DateTime: 'dateTime',
  Time: 'time',
  Quantity: 'Quantity',
};

const SAME_TYPE = new Set(['first', 'last', 'single', 'where', 'distinct', 'tail', 'skip', 'take', 'trace']);
const RETURNS: Readonly<Record<string, string>> = {
  ...Object.fromEntries(
    ['exists', 'empty', 'not', 'hasValue', 'all', 'allTrue', 'anyTrue', 'allFalse', 'anyFalse', 'isDistinct', 'subsetOf', 'supersetOf',
      'contains', 'startsWith', 'endsWith', 'matches', 'is', 'toBoolean', 'convertsToString'].map((name) => [name, 'boolean']),
  ),
  ...Object.fromEntries(['count', 'length', 'indexOf', 'toInteger'].map((name) => [name, 'integer'])),
  ...Object.fromEntries(['join', 'toString', 'substring', 'upper', 'lower', 'replace', 'trim'].map((name) => [name, 'string'])),
  getResourceKey: 'id',
  getReferenceKey: 'id',
  toDecimal: 'decimal',
  toDate: 'date',
  toDateTime: 'dateTime',
  extension: 'Extension',
};

/**
 * The FHIR type a column path yields when the model can tell: member steps from a known type, `ofType(T)`, and
 * functions with a fixed result type (`exists()` → boolean). `contextType` is the resource type, or the type the
 * enclosing forEach yields; undefined when unknown. Paths the inference cannot follow give undefined, never a guess.
 */
export function inferPathType(contextType: string | undefined, path: string): string | undefined {
  const text = path.trim();
  if (text === '%rowIndex') {
    return 'integer';
  }
  if (/^'([^'\\]|\\.)*'$/.test(text)) {
    return 'string';
  }
  if (text === 'true' || text === 'false') {
    return 'boolean';
  }
  const steps = splitSteps(text);
  let type = contextType;
  for (const [i, step] of (steps ?? []).entries()) {
    const fn = /^([A-Za-z]\w*)\((.*)\)$/s.exec(step);
    if (fn !== null) {
      type = functionType(fn[1], fn[2], type);
    } else if (step === '$this') {
      continue;
    } else if (/^[A-Za-z]\w*(\[\d+\])?$/.test(step)) {
      const name = step.replace(/\[\d+\]$/, '');
      // A leading resource type (`Patient.name`) names the context itself.
      type = i === 0 && name === contextType ? type : memberType(type, name, steps?.[i + 1]);
    } else {
      return undefined;
    }
    if (type === undefined) {
      return undefined;
    }
  }
  return steps === undefined ? undefined : type;
}

/** `a.b(x.y).c[0]` → `a`, `b(x.y)`, `c[0]`; undefined for anything with operators or spaces between steps. */
function splitSteps(text: string): string[] | undefined {
  const steps: string[] = [];
  let depth = 0;
  let quote: string | undefined;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (quote !== undefined) {
      if (char === '\\') {
        i++;
      } else if (char === quote) {
        quote = undefined;
      }
    } else if (char === "'" || char === '`') {
      quote = char;
    } else if (char === '(' || char === '[') {
      depth++;
    } else if (char === ')' || char === ']') {
      depth--;
    } else if (depth === 0 && char === '.') {
      steps.push(text.slice(start, i));
      start = i + 1;
    } else if (depth === 0 && !/[\w$]/.test(char)) {
      return undefined;
    }
  }
  steps.push(text.slice(start));
  return depth === 0 && steps.every((step) => step !== '') ? steps : undefined;
}

function memberType(type: string | undefined, name: string, next: string | undefined): string | undefined {
  if (type === undefined) {
    return undefined;
  }
  let path = `${type}.${name}`;
  path = R4_MODEL.pathsDefinedElsewhere[path] ?? path;
  const found = R4_MODEL.path2Type[path];
  if (found === undefined) {
    // A choice element (`value`) has a type only once `ofType(T)` picks one: let that step decide.
    return R4_MODEL.choiceTypePaths[path] !== undefined && next?.startsWith('ofType(') ? 'choice' : undefined;
  }
  if (found === 'BackboneElement' || found === 'Element') {
    return path;
  }
  return found.startsWith('System.') ? SYSTEM_TO_FHIR[found.slice('System.'.length)] : found;
}

function functionType(name: string, argument: string, input: string | undefined): string | undefined {
  if (name === 'ofType') {
    const [namespace, typeName] = argument.replace(/`/g, '').trim().split('.');
    return typeName === undefined ? SYSTEM_TO_FHIR[namespace] ?? namespace : namespace === 'System' ? SYSTEM_TO_FHIR[typeName] : typeName;
  }
  if (name === 'lowBoundary' || name === 'highBoundary') {
    return input === 'date' || input === 'instant' ? 'dateTime' : input;
  }
  if (SAME_TYPE.has(name)) {
    return input === 'choice' ? undefined : input;
  }
  return RETURNS[name];
}
