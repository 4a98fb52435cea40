import type { Database, Statement } from 'sql.js';
import type { Parameter } from '../../core/haloConnect/wireTypes';
import { SqlExecutionError } from './types';
import type {
  CatalogueSpec, PracticeDatabase, PracticeDatabaseSpec, ProcedureDefinition, ProcedureResult, Row, SqlCommandInput, SqlOutcome, SqlValue,
} from './types';
import { decodeFunctionError, registerTsqlFunctions } from './tsqlFunctions';
import { SANDBOX_REFUSAL_CODE, tokenize } from './tsqlTokens';
import type { ExecCall } from './tsqlTokens';
import { normaliseVariable, resultColumnName, translateBatch, variableParameter } from './tsqlTranslator';
import type { TranslatedStatement } from './tsqlTranslator';
import { convertParameter, convertValue, parseTargetType } from './tsqlValues';

export interface PracticeDatabaseOptions {
  /** The clock behind GETDATE() and friends (local time). */
  now?: () => Date;
}

const TRANSLATION_CACHE_SIZE = 256;
const OUTPUT_DIRECTIONS = new Set(['output', 'inputOutput', 'returnValue']);

// What one batch produced while it ran.
interface BatchState {
  variables: Map<string, SqlValue>;
  /** SQL Server clients read the first result set of a batch; later ones are run and dropped. */
  firstResult?: Row[];
  rowsAffected: number;
  wrote: boolean;
  returnValue?: number;
}

/**
 * A site's practice database in the Sandbox: T-SQL in, SQL Server-shaped results out, over sql.js.
 *
 * - A batch of several statements runs in order; the rows returned are the FIRST result set, as an ADO.NET
 *   reader (and so Halo) reads it.
 * - Result rows are keyed by column name as the SQL produced them; when two columns share a name the later value
 *   wins (a JSON object of the reader's row). An expression without an alias is named "", as SQL Server leaves it.
 * - `nonQuery` reports the rows changed by INSERT/UPDATE/DELETE (and procedures), or -1 when nothing wrote,
 *   as ExecuteNonQuery does.
 */
export class SandboxPracticeDatabase implements PracticeDatabase {
  readonly catalogues: readonly CatalogueSpec[];
  private readonly db: Database;
  private readonly procedures = new Map<string, ProcedureDefinition>();
  private readonly translations = new Map<string, TranslatedStatement[]>();

  constructor(spec: PracticeDatabaseSpec, options: PracticeDatabaseOptions = {}) {
    this.db = spec.db;
    this.catalogues = spec.catalogues;
    for (const procedure of spec.procedures) this.procedures.set(procedure.name.toLowerCase(), procedure);
    registerTsqlFunctions(this.db, { now: options.now });
  }

  execute(command: SqlCommandInput): SqlOutcome {
    try {
      return this.run(command);
    } catch (error) {
      throw toSqlExecutionError(error);
    }
  }

  private run(command: SqlCommandInput): SqlOutcome {
    const state: BatchState = { variables: new Map(), rowsAffected: 0, wrote: false };
    for (const p of command.parameters) {
      if (p.direction !== 'returnValue') state.variables.set(normaliseVariable(p.name), convertParameter(p.value, p.type));
    }
    if (command.type === 'storedProcedure') {
      this.callProcedure(procedureCallFromName(command.text, command.parameters), state);
    } else {
      for (const statement of this.translate(command)) this.runStatement(statement, state);
    }
    return outcome(command, state);
  }

  private translate(command: SqlCommandInput): TranslatedStatement[] {
    const key = `${command.catalogue ?? ''}\u0000${command.text}`;
    const cached = this.translations.get(key);
    if (cached) return cached;
    const translated = translateBatch(command.text, { catalogues: this.catalogues, catalogue: command.catalogue });
    if (this.translations.size >= TRANSLATION_CACHE_SIZE) this.translations.delete(this.translations.keys().next().value as string);
    this.translations.set(key, translated);
    return translated;
  }

  private runStatement(statement: TranslatedStatement, state: BatchState): void {
    switch (statement.kind) {
      case 'exec':
        this.callProcedure(statement, state);
        return;
      case 'declare': {
        const value = statement.value ? this.querySingle(statement.value.sql, statement.value.variables, state) : null;
        state.variables.set(statement.variable, convertValue(value, parseTargetType(statement.type)));
        return;
      }
      case 'sql': {
        const stmt = this.db.prepare(statement.sql);
        try {
          bindVariables(stmt, statement.variables, state);
          if (stmt.getColumnNames().length > 0) {
            if (state.firstResult === undefined) state.firstResult = readRows(stmt);
          } else {
            stmt.step();
            if (statement.writes) {
              state.rowsAffected += this.db.getRowsModified();
              state.wrote = true;
            }
          }
        } finally {
          stmt.free();
        }
      }
    }
  }

  private querySingle(sql: string, variables: readonly string[], state: BatchState): SqlValue {
    const stmt = this.db.prepare(sql);
    try {
      bindVariables(stmt, variables, state);
      return stmt.step() ? toJsonValue(stmt.get()[0]) : null;
    } finally {
      stmt.free();
    }
  }

  private callProcedure(call: ExecCall, state: BatchState): void {
    const procedure = this.procedures.get(call.procedure.toLowerCase());
    if (!procedure) throw new SqlExecutionError(2812, `Could not find stored procedure '${call.written}'.`);
    const supplied = new Map<string, SqlValue>();
    call.args.forEach((arg, index) => {
      const declared = arg.name === undefined
        ? procedure.parameters[index]
        : procedure.parameters.find((p) => normaliseVariable(p.name) === normaliseVariable(arg.name as string));
      if (!declared) {
        if (arg.name === undefined) throw new SqlExecutionError(8144, `Procedure or function ${procedure.name} has too many arguments specified.`);
        throw new SqlExecutionError(8145, `${arg.name} is not a parameter for procedure ${procedure.name}.`);
      }
      const raw = arg.variable === undefined ? arg.value : variableValue(arg.variable, state);
      supplied.set(normaliseVariable(declared.name), convertParameter(raw === null ? null : String(raw), declared.type));
    });
    for (const p of procedure.parameters) {
      if (p.direction === 'input' && !supplied.has(normaliseVariable(p.name))) {
        throw new SqlExecutionError(201, `Procedure or function '${procedure.name}' expects parameter '${p.name}', which was not supplied.`);
      }
    }
    const result: ProcedureResult = procedure.run(this.db, supplied);
    if (state.firstResult === undefined && result.rows) state.firstResult = result.rows;
    if (result.rowsAffected !== undefined) {
      state.rowsAffected += result.rowsAffected;
      state.wrote = true;
    }
    for (const arg of call.args) {
      if (!arg.output || arg.variable === undefined) continue;
      const declared = arg.name ?? procedure.parameters[call.args.indexOf(arg)]?.name;
      const value = result.outputs?.[normaliseVariable(declared ?? '')];
      if (value !== undefined) state.variables.set(normaliseVariable(arg.variable), value);
    }
    if (call.returnVariable) state.variables.set(normaliseVariable(call.returnVariable), result.returnValue ?? 0);
    state.returnValue = result.returnValue ?? 0;
  }
}

// A `storedProcedure` command: `text` names the procedure (`BP_X`, `dbo.BP_X`, `[dbo].[BP_X]`) and every
// input or inputOutput parameter is an argument, output ones coming back through the batch variables.
function procedureCallFromName(text: string, parameters: readonly Parameter[]): ExecCall {
  const tokens = tokenize(text);
  const names = tokens.filter((t, i) => (i % 2 === 0 ? t.kind === 'word' || t.kind === 'quoted' : t.text === '.'));
  if (tokens.length === 0 || names.length !== tokens.length || tokens.length % 2 === 0) {
    throw new SqlExecutionError(2812, `Could not find stored procedure '${text.trim()}'.`);
  }
  const last = tokens[tokens.length - 1];
  return {
    procedure: last.kind === 'quoted' ? last.value : last.text,
    written: text.trim(),
    args: parameters
      .filter((p) => p.direction !== 'returnValue')
      .map((p) => ({
        name: p.name.startsWith('@') ? p.name : `@${p.name}`,
        value: p.value ?? null,
        variable: p.name,
        output: p.direction === 'output' || p.direction === 'inputOutput',
      })),
  };
}

function variableValue(name: string, state: BatchState): SqlValue {
  const key = normaliseVariable(name);
  if (!state.variables.has(key)) throw new SqlExecutionError(137, `Must declare the scalar variable "@${name.replace(/^@/, '')}".`);
  return state.variables.get(key) as SqlValue;
}

function bindVariables(stmt: Statement, variables: readonly string[], state: BatchState): void {
  if (variables.length === 0) return;
  const values: Record<string, SqlValue> = {};
  for (const v of variables) {
    const value = variableValue(v, state);
    values[variableParameter(v)] = typeof value === 'boolean' ? Number(value) : value;
  }
  stmt.bind(values as Record<string, number | string | null>);
}

// SQLite values as JSON-ready values: BLOBs (the only objects sql.js returns) become base64 text.
function toJsonValue(value: unknown): SqlValue {
  if (typeof value === 'object' && value !== null) {
    const bytes = value as Uint8Array;
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
  }
  return value as SqlValue;
}

// Steps through a prepared statement. Column names are read once and compiled into a row builder: an object literal
// of fixed shape builds faster than keyed assignment in a loop, which matters at hundreds of thousands of rows.
// Keys are JSON-escaped; a repeated name keeps the later value, as a JSON object of the row would.
function readRows(stmt: Statement): Row[] {
  const names = stmt.getColumnNames().map(resultColumnName);
  const fields = names.map((name, i) => `[${JSON.stringify(name)}]: json(values[${i}])`).join(', ');
  const build = new Function('values', 'json', `return { ${fields} };`) as (values: unknown[], json: (v: unknown) => SqlValue) => Row;
  const rows: Row[] = [];
  while (stmt.step()) rows.push(build(stmt.get(), toJsonValue));
  return rows;
}

function outcome(command: SqlCommandInput, state: BatchState): SqlOutcome {
  const parameters = command.parameters
    .filter((p) => p.direction !== undefined && OUTPUT_DIRECTIONS.has(p.direction))
    .map((p): Parameter => {
      const value = p.direction === 'returnValue' ? state.returnValue ?? null : state.variables.get(normaliseVariable(p.name)) ?? null;
      return { ...p, value: value === null ? null : String(value) };
    });
  switch (command.executionMode) {
    case 'nonQuery':
      return { rowsAffected: state.wrote ? state.rowsAffected : -1, parameters };
    case 'scalar': {
      const first = state.firstResult?.[0];
      const column = first === undefined ? undefined : Object.keys(first)[0];
      return { rows: column === undefined ? [] : [{ [column]: (first as Row)[column] }], parameters };
    }
    default:
      return { rows: state.firstResult ?? [], ...(state.wrote ? { rowsAffected: state.rowsAffected } : {}), parameters };
  }
}

// SQLite's complaints in SQL Server's words, so an integrator sees what the real server would say.
const SQLITE_ERRORS: readonly [RegExp, (m: RegExpExecArray) => SqlExecutionError][] = [
  [/no such table: (?:[\w]+\.)?(.+)$/, (m) => new SqlExecutionError(208, `Invalid object name '${m[1]}'.`)],
  [/no such column: (?:.*\.)?(.+)$/, (m) => new SqlExecutionError(207, `Invalid column name '${m[1]}'.`)],
  [/table \S+ has no column named (.+)$/, (m) => new SqlExecutionError(207, `Invalid column name '${m[1]}'.`)],
  [/no such function: (\w+)/, (m) => new SqlExecutionError(195, `'${m[1]}' is not a recognized built-in function name.`)],
  [/ambiguous column name: (?:.*\.)?(.+)$/, (m) => new SqlExecutionError(209, `Ambiguous column name '${m[1]}'.`)],
  [/near "([^"]*)": syntax error/, (m) => new SqlExecutionError(102, `Incorrect syntax near '${m[1]}'.`)],
  [/incomplete input|syntax error/, () => new SqlExecutionError(102, 'Incorrect syntax near the end of the batch.')],
  [/UNIQUE constraint failed: (\w+)\.(\w+)/, (m) => new SqlExecutionError(2627,
    `Violation of PRIMARY KEY constraint 'PK_${m[1]}'. Cannot insert duplicate key in object 'dbo.${m[1]}'.`)],
  [/NOT NULL constraint failed: (\w+)\.(\w+)/, (m) => new SqlExecutionError(515,
    `Cannot insert the value NULL into column '${m[2]}', table 'dbo.${m[1]}'; column does not allow nulls. INSERT fails.`)],
  [/(\d+) values for (\d+) columns/, () => new SqlExecutionError(110,
    'There are fewer columns in the INSERT statement than values specified in the VALUES clause. The number of values in the VALUES clause must match the number of columns specified in the INSERT statement.')],
  [/misuse of aggregate/, () => new SqlExecutionError(8120, 'Column is invalid in the select list because it is not contained in either an aggregate function or the GROUP BY clause.')],
  [/cannot modify (\w+) because it is a view/, (m) => new SqlExecutionError(4405, `View or function '${m[1]}' is not updatable because the modification affects multiple base tables.`)],
];

function toSqlExecutionError(error: unknown): SqlExecutionError {
  if (error instanceof SqlExecutionError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const fromFunction = decodeFunctionError(message);
  if (fromFunction) return fromFunction;
  for (const [pattern, make] of SQLITE_ERRORS) {
    const m = pattern.exec(message);
    if (m) return make(m);
  }
  return new SqlExecutionError(SANDBOX_REFUSAL_CODE, `The Sandbox's SQLite engine refused the query: ${message}`);
}
