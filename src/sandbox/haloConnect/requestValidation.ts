import type { Command, CommandType, ExecutionMode, Parameter, ParameterDirection, SqlDbType } from '../../core/haloConnect/wireTypes';
import { SQL_DB_TYPES } from '../../core/haloConnect/wireTypes';
import { HaloHttpError } from './haloErrors';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const EXECUTION_MODES: readonly ExecutionMode[] = ['reader', 'nonQuery', 'scalar'];
const COMMAND_TYPES: readonly CommandType[] = ['text', 'storedProcedure'];
const DIRECTIONS: readonly ParameterDirection[] = ['input', 'output', 'inputOutput', 'returnValue'];

export function isGuid(value: string): boolean {
  return GUID.test(value);
}

/** A command with Halo's defaults applied, as the practice database receives it. */
export interface NormalisedCommand {
  text: string;
  type: CommandType;
  executionMode: ExecutionMode;
  parameters: Parameter[];
}

export interface ValidatedQueryRequest {
  command: NormalisedCommand;
  catalogue?: string;
  maxTimeInQueue: number;
  /** Bytes of the command as JSON. */
  commandSize: number;
}

export interface ValidatedRegisteredQuery {
  name: string;
  frequency: number;
  duration: number;
  command: NormalisedCommand;
}

/** Smallest registered-query frequency the Sandbox accepts: Halo's own examples poll every 60 s, none faster. */
export const MIN_REGISTERED_FREQUENCY_SECONDS = 60;
/** Halo's documented ceiling for a registered query's duration (24 hours). */
export const MAX_REGISTERED_DURATION_SECONDS = 86_400;

function bad(message: string): HaloHttpError {
  return new HaloHttpError(400, message);
}

export function parseJsonBody(body: Buffer): unknown {
  if (body.length === 0) {
    throw bad('A JSON request body is required.');
  }
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    throw bad('The request body is not valid JSON.');
  }
}

function objectAt(value: unknown, field: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw bad(`${field} must be a JSON object.`);
  }
  return value as Record<string, unknown>;
}

function integerAt(value: unknown, field: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw bad(`${field} must be an integer from ${min} to ${max}.`);
  }
  return value;
}

function enumAt<T extends string>(value: unknown, field: string, allowed: readonly T[], fallback: T): T {
  if (value === undefined) {
    return fallback;
  }
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw bad(`${field} must be one of: ${allowed.join(', ')}.`);
  }
  return value as T;
}

function validateCommand(value: unknown, field: string): NormalisedCommand {
  const command = objectAt(value, field);
  if (typeof command.text !== 'string' || command.text.trim() === '') {
    throw bad(`${field}.text is required and must be a non-empty string.`);
  }
  const executionMode = enumAt(command.executionMode, `${field}.executionMode`, EXECUTION_MODES, 'reader');
  const type = enumAt(command.type, `${field}.type`, COMMAND_TYPES, 'text');
  const parameters: Parameter[] = [];
  if (command.parameters !== undefined && command.parameters !== null) {
    if (!Array.isArray(command.parameters)) {
      throw bad(`${field}.parameters must be an array.`);
    }
    command.parameters.forEach((item, index) => {
      const at = `${field}.parameters[${index}]`;
      const parameter = objectAt(item, at);
      if (typeof parameter.name !== 'string' || parameter.name === '') {
        throw bad(`${at}.name is required and must be a string.`);
      }
      if (parameter.value !== undefined && parameter.value !== null && typeof parameter.value !== 'string') {
        throw bad(`${at}.value must be a string or null.`);
      }
      const normalised: Parameter = {
        name: parameter.name,
        direction: enumAt(parameter.direction, `${at}.direction`, DIRECTIONS, 'input'),
        type: enumAt<SqlDbType>(parameter.type, `${at}.type`, SQL_DB_TYPES, 'NVarChar'),
        value: (parameter.value as string | null | undefined) ?? null,
      };
      if (parameter.size !== undefined) {
        normalised.size = integerAt(parameter.size, `${at}.size`, -1, 2_147_483_647);
      }
      parameters.push(normalised);
    });
  }
  return { text: command.text, type, executionMode, parameters };
}

/** Checks an immediate or async query body against Halo's ImmediateCommand / AsyncCommand schema. */
export function validateQueryRequest(body: unknown, mode: 'immediate' | 'async'): ValidatedQueryRequest {
  const request = objectAt(body, 'The request body');
  if (request.command === undefined) {
    throw bad('command is required.');
  }
  const command = validateCommand(request.command, 'command');
  const [maxAllowed, fallback] = mode === 'immediate' ? [60_000, 30_000] : [7_200_000, 3_600_000];
  const maxTimeInQueue = request.maxTimeInQueue === undefined ? fallback : integerAt(request.maxTimeInQueue, 'maxTimeInQueue', 0, maxAllowed);
  let catalogue: string | undefined;
  if (request.catalogue !== undefined && request.catalogue !== null) {
    if (typeof request.catalogue !== 'string') {
      throw bad('catalogue must be a string.');
    }
    catalogue = request.catalogue;
  }
  return { command, catalogue, maxTimeInQueue, commandSize: Buffer.byteLength(JSON.stringify(request.command as Command)) };
}

/** Checks a `RegisteredQueryPostReq`. */
export function validateRegisteredQuery(body: unknown): ValidatedRegisteredQuery {
  const request = objectAt(body, 'The request body');
  if (typeof request.name !== 'string' || request.name.trim() === '') {
    throw bad('name is required and must be a non-empty string.');
  }
  if (request.registeredQueryType !== 'query') {
    throw bad('registeredQueryType is required and must be "query".');
  }
  if (request.frequency === undefined) {
    throw bad('frequency is required.');
  }
  const frequency = integerAt(request.frequency, 'frequency', MIN_REGISTERED_FREQUENCY_SECONDS, MAX_REGISTERED_DURATION_SECONDS);
  if (request.duration === undefined) {
    throw bad('duration is required.');
  }
  const duration = integerAt(request.duration, 'duration', 1, MAX_REGISTERED_DURATION_SECONDS);
  const registerCommand = objectAt(request.registerCommand, 'registerCommand');
  if (registerCommand.command === undefined) {
    throw bad('registerCommand.command is required.');
  }
  return { name: request.name, frequency, duration, command: validateCommand(registerCommand.command, 'registerCommand.command') };
}

/** Most ids one batch status request may name. */
export const MAX_BATCH_QUERY_IDS = 100;

export function validateQueryIds(body: unknown): string[] {
  const request = objectAt(body, 'The request body');
  if (!Array.isArray(request.queryIds)) {
    throw bad('queryIds is required and must be an array of query ids.');
  }
  if (request.queryIds.length > MAX_BATCH_QUERY_IDS) {
    throw bad(`queryIds may name at most ${MAX_BATCH_QUERY_IDS} queries.`);
  }
  return request.queryIds.map((id, index) => {
    if (typeof id !== 'string' || !isGuid(id)) {
      throw bad(`queryIds[${index}] must be a query id (a GUID).`);
    }
    return id.toLowerCase();
  });
}
