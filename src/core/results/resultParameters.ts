import type { ImmediateResult, Parameter, ParameterDirection, SqlDbType } from '../haloConnect/wireTypes';
import { decodePage } from './decodePage';

/** A parameter the database handed back: an output, input-output or return value. */
export interface ReturnedParameter {
  name: string;
  direction: Exclude<ParameterDirection, 'input'>;
  type?: SqlDbType;
  /**
   * The value exactly as Halo sent it. The OpenAPI document labels it "base64 (output)", yet its examples and
   * every known client show plain text (`"66"`), and a short plain value can also be valid base64 — so decoding
   * would silently corrupt values. It is shown as sent.
   */
  value: string | null;
}

export type ImmediateOutcome =
  | { kind: 'rows'; bytes: Buffer; rowCount?: number; parameters: ReturnedParameter[] }
  | { kind: 'nonQuery'; rowsAffected: number; parameters: ReturnedParameter[] };

const RETURNED: ReadonlySet<string> = new Set(['output', 'inputOutput', 'returnValue']);

/** The output, input-output and return-value parameters among `parameters`, in their order. */
export function returnedParameters(parameters: readonly Parameter[] | null | undefined): ReturnedParameter[] {
  return (parameters ?? [])
    .filter((parameter) => parameter.direction !== undefined && RETURNED.has(parameter.direction))
    .map((parameter) => ({
      name: parameter.name,
      direction: parameter.direction as ReturnedParameter['direction'],
      type: parameter.type,
      value: parameter.value ?? null,
    }));
}

/** What an immediate query produced: rows (as bytes, for `parseRows`) or, for a nonQuery, the rows affected. */
export function readImmediateResult(result: ImmediateResult): ImmediateOutcome {
  const parameters = returnedParameters(result.parameters);
  if (result.data === undefined && typeof result.rowsAffected === 'number') {
    return { kind: 'nonQuery', rowsAffected: result.rowsAffected, parameters };
  }
  return { kind: 'rows', bytes: decodePage(result.data ?? ''), rowCount: result.rows, parameters };
}
