import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import type { ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';

/**
 * Holds responses to Halo's integrator OpenAPI document (`shared/reference/halo-connect/integrator-openapi.json`,
 * beside the repository), so the Sandbox cannot drift from Halo's contract.
 *
 * Adjustments to the document, each forced by the document itself:
 * - `oneOf` is read as "any of, but a body that has every required property of a branch must match that branch":
 *   several unions overlap by construction (the general `Error` schema has no required property, so every object
 *   matches it; the result page's "Non Query Result" matches every page), so a literal `oneOf` would reject every valid
 *   body, and a plain `anyOf` would let a page with broken `data` through. {@link houseRules} adds what error bodies need.
 * - `discriminator` (an annotation to JSON Schema) is turned into what it means: `status: X` must match the mapped schema.
 * - `example`/`examples` are dropped; the custom formats ("milli-seconds", "base64 (output)", "httpStatus", …) are
 *   accepted as annotations, while `base64` and `version` (CalVer) are checked.
 * - Getting an immediate query by id: the spec types the answer as an async query (mode "async" only) yet documents
 *   that immediate queries are retrievable there; such bodies are checked against the immediate-query schemas.
 * - The stream endpoint's body is declared `type: string`: the raw body text is what is validated.
 */

const SPEC_PATH = path.resolve(__dirname, '../../../shared/reference/halo-connect/integrator-openapi.json');

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

interface Operation {
  method: string;
  template: string;
  pattern: RegExp;
  templateParams: number;
  responses: Record<string, { headers?: Record<string, JsonObject>; content?: Record<string, { schema?: JsonObject }> }>;
}

export interface ContractResponse {
  method: string;
  /** Path of the request, query string allowed (it is ignored). */
  path: string;
  status: number;
  headers: Headers;
  /** Parsed JSON body, or undefined when there was none or it was not JSON. */
  body: unknown;
  text: string;
}

let loaded: { spec: JsonObject; operations: Operation[]; ajv: Ajv2020; cache: Map<string, ValidateFunction> } | undefined;

function load(): NonNullable<typeof loaded> {
  if (loaded) {
    return loaded;
  }
  const spec = JSON.parse(readFileSync(SPEC_PATH, 'utf8')) as JsonObject;
  const operations: Operation[] = [];
  for (const [template, item] of Object.entries(spec.paths as JsonObject)) {
    for (const [method, operation] of Object.entries(item as JsonObject)) {
      if (method === 'parameters') {
        continue;
      }
      const names: string[] = [];
      const source = template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{(\w+)\}/g, (_m, name: string) => {
        names.push(name);
        // fhirParameters carries a resource path and search, slashes included.
        return name === 'fhirParameters' ? '(.+)' : '([^/]+)';
      });
      operations.push({
        method: method.toUpperCase(),
        template,
        pattern: new RegExp(`^${source}$`),
        templateParams: names.length,
        responses: (operation as JsonObject).responses as Operation['responses'],
      });
    }
  }
  // A literal segment beats a template one (`/queries/registered` is not the query "registered").
  operations.sort((a, b) => a.templateParams - b.templateParams);
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true });
  addFormats(ajv);
  for (const annotation of ['milli-seconds', 'base64 (output)', 'httpStatus', 'httpStatusPhrase', 'string']) {
    ajv.addFormat(annotation, true);
  }
  ajv.addFormat('base64', { type: 'string', validate: (value: string) => value.length % 4 === 0 && /^[A-Za-z0-9+/]*={0,2}$/.test(value) });
  ajv.addFormat('version', /^\d{2}\.\d{1,4}\.\d+$/);
  loaded = { spec, operations, ajv, cache: new Map() };
  return loaded;
}

function schemas(): JsonObject {
  return ((load().spec.components as JsonObject).schemas as JsonObject);
}

/** Clones a schema with examples and nested discriminators dropped and oneOf relaxed (see above). */
function plain(schema: Json): Json {
  if (Array.isArray(schema)) {
    return schema.map(plain);
  }
  if (schema === null || typeof schema !== 'object') {
    return schema;
  }
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'example' || key === 'examples' || key === 'discriminator') {
      continue;
    }
    out[key] = plain(value);
  }
  return relaxOneOf(out);
}

/** Property names a schema requires, its allOf parts included. */
function requiredOf(schema: Json): string[] {
  if (schema === null || typeof schema !== 'object' || Array.isArray(schema)) {
    return [];
  }
  const own = Array.isArray(schema.required) ? (schema.required as string[]) : [];
  const parts = Array.isArray(schema.allOf) ? schema.allOf.flatMap(requiredOf) : [];
  return [...new Set([...own, ...parts])];
}

function relaxOneOf(schema: JsonObject): JsonObject {
  const branches = schema.oneOf as Json[] | undefined;
  if (!branches) {
    return schema;
  }
  const rest = { ...schema };
  delete rest.oneOf;
  const specific = branches
    .map((branch) => ({ branch, required: requiredOf(branch) }))
    .filter((entry) => entry.required.length > 0)
    .map((entry) => ({ if: { required: entry.required }, then: entry.branch }));
  const allOf = [...((rest.allOf as Json[]) ?? []), ...specific];
  return allOf.length > 0 ? { ...rest, anyOf: branches, allOf } : { ...rest, anyOf: branches };
}

/** Like {@link plain}, but a discriminator becomes "when status is X, also match the mapped schema". */
function prepare(schema: Json): Json {
  if (Array.isArray(schema)) {
    return schema.map(prepare);
  }
  if (schema === null || typeof schema !== 'object') {
    return schema;
  }
  const discriminator = schema.discriminator as JsonObject | undefined;
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'example' || key === 'examples' || key === 'discriminator') {
      continue;
    }
    out[key] = prepare(value);
  }
  if (discriminator?.mapping) {
    const property = discriminator.propertyName as string;
    const rules = Object.entries(discriminator.mapping as JsonObject).map(([value, ref]) => ({
      if: { properties: { [property]: { const: value } }, required: [property] },
      then: plain(schemas()[(ref as string).split('/').pop() as string]),
    }));
    return relaxOneOf({ ...out, allOf: [...((out.allOf as Json[]) ?? []), ...rules] });
  }
  return relaxOneOf(out);
}

function validatorFor(key: string, schema: Json): ValidateFunction {
  const { ajv, cache } = load();
  let validate = cache.get(key);
  if (!validate) {
    validate = ajv.compile(prepare(schema) as object);
    cache.set(key, validate);
  }
  return validate;
}

function immediateQueryValidator(): ValidateFunction {
  const all = schemas();
  return validatorFor('#immediateQuery', { anyOf: [all.SuccessfulImmediateQuery, all.ExecutionFailedImmediateQuery, all.ImmediateQuery] });
}

export function findOperation(method: string, requestPath: string): Operation | undefined {
  const pathname = requestPath.split('?')[0];
  return load().operations.find((operation) => operation.method === method.toUpperCase() && operation.pattern.test(pathname));
}

/**
 * Validates one response against the operation's documented response; returns the problems (empty when it conforms).
 * `allowUndocumented` lets a caller accept a status the spec does not list (the gateway's 429): its body must then be
 * Halo's general error envelope.
 */
export function validateResponse(response: ContractResponse, options: { allowUndocumented?: readonly number[] } = {}): string[] {
  const operation = findOperation(response.method, response.path);
  if (!operation) {
    return [`${response.method} ${response.path} is not an operation of Halo's API`];
  }
  const where = `${operation.method} ${operation.template} → ${response.status}`;
  const documented = operation.responses[String(response.status)];
  if (!documented) {
    if (!options.allowUndocumented?.includes(response.status)) {
      return [`${where}: status ${response.status} is not documented for this operation`];
    }
    return check(where, validatorFor('#Error', schemas().Error), response.body).concat(houseRules(where, response));
  }
  const problems: string[] = [];
  for (const [name, header] of Object.entries(documented.headers ?? {})) {
    const value = response.headers.get(name);
    if (value === null) {
      problems.push(`${where}: header ${name} is missing`);
    } else if (((header.schema as JsonObject | undefined)?.type === 'integer') && !/^-?\d+$/.test(value)) {
      problems.push(`${where}: header ${name} is not an integer ("${value}")`);
    }
  }
  const content = documented.content;
  if (!content) {
    if (response.text.length > 0) {
      problems.push(`${where}: documented without a body, but one was sent`);
    }
    return problems;
  }
  const mediaType = (response.headers.get('content-type') ?? '').split(';')[0].trim().toLowerCase();
  const media = content[mediaType];
  if (!media) {
    return problems.concat(`${where}: content-type "${mediaType}" is not documented (expected ${Object.keys(content).join(', ')})`);
  }
  const schema = media.schema as JsonObject;
  if (schema.type === 'string') {
    return problems.concat(check(where, validatorFor(`${where}#string`, schema), response.text));
  }
  if (response.body === undefined) {
    return problems.concat(`${where}: the body is not JSON`);
  }
  const body = response.body as Record<string, unknown>;
  const isImmediate = (value: unknown): boolean => typeof value === 'object' && value !== null && (value as Record<string, unknown>).mode === 'immediate';
  if (operation.template.endsWith('/queries/{queryId}') && response.status === 200 && isImmediate(body)) {
    return problems.concat(check(where, immediateQueryValidator(), body), houseRules(where, response));
  }
  if (operation.template.endsWith('/queries/status') && response.status === 200 && Array.isArray(body.results)) {
    // Batch status: each immediate query inside is held to the immediate schemas, the rest of the body to the spec.
    const results = body.results as Record<string, unknown>[];
    const immediate = results.filter((result) => isImmediate(result.query));
    const stripped = { ...body, results: results.map((result) => (isImmediate(result.query) ? { ...result, query: undefined } : result)) };
    return problems.concat(
      check(where, validatorFor(where, schema), JSON.parse(JSON.stringify(stripped))),
      ...immediate.map((result) => check(`${where} (query ${String(result.queryId)})`, immediateQueryValidator(), result.query)),
    );
  }
  return problems.concat(check(where, validatorFor(where, schema), body), houseRules(where, response));
}

function check(where: string, validate: ValidateFunction, value: unknown): string[] {
  if (validate(value)) {
    return [];
  }
  return (validate.errors ?? []).slice(0, 8).map((error) => `${where}: ${error.instancePath || '(body)'} ${error.message ?? ''} ${JSON.stringify(error.params)}`);
}

/**
 * What the loosened unions no longer enforce: an error answer is Halo's general envelope whose `status` repeats the HTTP
 * status with a message, a failed query object carrying `errorDetails`, or a FHIR OperationOutcome.
 */
function houseRules(where: string, response: ContractResponse): string[] {
  if (response.status < 400) {
    return [];
  }
  const body = response.body as Record<string, unknown> | undefined;
  if (body?.resourceType === 'OperationOutcome' && Array.isArray(body.issue) && body.issue.length > 0) {
    return [];
  }
  if (body && typeof body.status === 'string' && typeof body.errorDetails === 'object') {
    return [];
  }
  const error = body?.error as Record<string, unknown> | undefined;
  if (!error || error.status !== response.status || typeof error.statusText !== 'string' || typeof error.message !== 'string' || error.message === '') {
    return [`${where}: an error must be {"error":{"status":${response.status},"statusText","message"}}, got ${response.text.slice(0, 200)}`];
  }
  return [];
}
