import type { Database } from 'sql.js';
import type { CommandType, ExecutionMode, Parameter, SiteCatalogue, SqlDbType } from '../../core/haloConnect/wireTypes';

/** A value as it leaves the Sandbox's SQL engine and enters a result row. Dates are ISO text without offset. */
export type SqlValue = string | number | boolean | null;
export type Row = Record<string, SqlValue>;

/** A command as Halo hands it to the practice database (the wire `Command` with defaults applied). */
export interface SqlCommandInput {
  text: string;
  type: CommandType;
  executionMode: ExecutionMode;
  parameters: Parameter[];
  /** Catalogue name as listed in the site's `catalogue[]`; undefined means the default catalogue. */
  catalogue?: string;
}

/** What a command produced. Reader and scalar produce rows (scalar: one row, one column); nonQuery produces rowsAffected. */
export interface SqlOutcome {
  rows?: Row[];
  rowsAffected?: number;
  /** Output, inputOutput and returnValue parameters with their values set, in the order the command listed them. */
  parameters: Parameter[];
}

/**
 * A failure as SQL Server would report it: Halo relays it as `errorDetails { errorType: "mssql", errorCode, errorMessage }`.
 * Codes follow SQL Server's (102 syntax, 207 invalid column, 208 invalid object, 2812 missing procedure, 245 conversion…).
 */
export class SqlExecutionError extends Error {
  readonly errorType = 'mssql' as const;
  constructor(readonly errorCode: number, message: string) {
    super(message);
    this.name = 'SqlExecutionError';
  }
}

/** A catalogue of a site and the SQLite schema that holds it (`main` for the default one, else an ATTACHed name). */
export interface CatalogueSpec extends SiteCatalogue {
  schema: string;
}

/** Arguments of a stored-procedure call, keyed by parameter name in lower case without `@`. */
export type ProcedureArgs = ReadonlyMap<string, SqlValue>;

export interface ProcedureResult {
  rows?: Row[];
  rowsAffected?: number;
  returnValue?: number;
  /** Values of output parameters, keyed like ProcedureArgs. */
  outputs?: Record<string, SqlValue>;
}

export interface ProcedureParameter {
  /** With `@`, as integrators pass it. */
  name: string;
  type: SqlDbType;
  direction: 'input' | 'output';
}

/** A stored procedure of a practice database, implemented in TypeScript over the site's SQLite database. */
export interface ProcedureDefinition {
  name: string;
  parameters: readonly ProcedureParameter[];
  /** True when it changes data: the extension's safety guard asks before running it. */
  writes: boolean;
  run(db: Database, args: ProcedureArgs): ProcedureResult;
}

/** A practice database ready to serve: built by src/sandbox/data, run by src/sandbox/sql. */
export interface PracticeDatabaseSpec {
  db: Database;
  catalogues: CatalogueSpec[];
  procedures: readonly ProcedureDefinition[];
}

/** What the Sandbox's HTTP layer needs from a site's database. */
export interface PracticeDatabase {
  readonly catalogues: readonly CatalogueSpec[];
  /** Runs a command; throws SqlExecutionError for anything SQL Server would refuse or the Sandbox cannot run. */
  execute(command: SqlCommandInput): SqlOutcome;
}
