import { Parser } from 'node-sql-parser/build/transactsql';
import type { CatalogueSpec } from './types';
import { SqlExecutionError } from './types';
import { TSQL_FUNCTION_NAMES } from './tsqlFunctions';
import { SANDBOX_REFUSAL_CODE, parseExecCall, preparseBatch, tokenize } from './tsqlTokens';
import type { ExecArgument, ExecCall } from './tsqlTokens';
import { datePartOf, looksLikeDateLiteral, toStoredDateTime } from './tsqlValues';

/**
 * T-SQL → SQLite. node-sql-parser's TransactSQL grammar gives the AST; this module rewrites it (TOP → LIMIT,
 * catalogue.dbo.table → SQLite schema, T-SQL functions → the `tsql_*` functions of tsqlFunctions.ts, `+` → a
 * function with SQL Server's string/number rules, case-insensitive comparison as under Best Practice's collation)
 * and prints it back with the parser's SQLite printer.
 */

// node-sql-parser's AST is loosely typed JSON; the rewriter walks it generically and checks shapes as it goes.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Node = any;

export interface TranslationContext {
  catalogues: readonly CatalogueSpec[];
  /** The request's catalogue: where unqualified names resolve. Undefined means the default catalogue. */
  catalogue?: string;
}

/** A statement ready for SQLite; variables are bound as `:v_<name>` (see variableParameter). */
export interface SqlStatement {
  kind: 'sql';
  sql: string;
  /** Variables it reads, lower case without `@`. */
  variables: string[];
  writes: boolean;
}

export interface DeclareStatement {
  kind: 'declare';
  /** Lower case without `@`. */
  variable: string;
  /** The declared type as CAST would take it ("INT", "VARCHAR(10)"). */
  type: string;
  /** A SQLite `SELECT` of the initial value, when the declaration has one. */
  value?: SqlStatement;
}

export interface ExecStatement extends ExecCall {
  kind: 'exec';
}

export type TranslatedStatement = SqlStatement | DeclareStatement | ExecStatement;

const UNNAMED_PREFIX = 'tsql_unnamed_';
const STATEMENT_KEYWORDS: ReadonlySet<string> = new Set([
  'SELECT', 'WITH', 'INSERT', 'UPDATE', 'DELETE', 'DECLARE', 'SET', 'EXEC', 'EXECUTE', 'MERGE', 'CREATE', 'ALTER', 'DROP',
  'TRUNCATE', 'IF', 'WHILE', 'BEGIN', 'COMMIT', 'ROLLBACK', 'USE', 'DBCC', 'RAISERROR', 'THROW', 'PRINT', 'WAITFOR', 'GO',
  'GRANT', 'REVOKE', 'DENY', 'BACKUP', 'RESTORE', 'OPEN', 'CLOSE', 'FETCH', 'DEALLOCATE', 'RETURN', 'SAVE', 'REPLACE',
]);
const parser = new Parser();
const PRINT_OPTIONS = { database: 'sqlite' } as never;

/** The name a result column carries to the client: SQL Server gives an expression without an alias no name (""). */
export function resultColumnName(sqliteName: string): string {
  return sqliteName.startsWith(UNNAMED_PREFIX) ? '' : sqliteName;
}

/** The SQLite parameter name a T-SQL variable is bound to (`@PatientId` → `:v_patientid`). */
export function variableParameter(name: string): string {
  return `:v_${normaliseVariable(name).replace(/[^\w]/g, '_')}`;
}

/** Lower case without `@`: how variables and procedure parameters are matched, as SQL Server does (case-insensitive). */
export function normaliseVariable(name: string): string {
  return name.replace(/^@/, '').toLowerCase();
}

/** Parses a batch into statements and translates each for SQLite. Throws SqlExecutionError with SQL Server's codes. */
export function translateBatch(text: string, context: TranslationContext): TranslatedStatement[] {
  const tokens = tokenize(text);
  const exec = parseExecCall(text, tokens);
  if (exec) return [{ kind: 'exec', ...exec }];
  // SQL Server reads a batch that starts with an unknown word as a procedure call (Halo's own example: 'selct').
  if (tokens[0]?.kind === 'word' && !STATEMENT_KEYWORDS.has(tokens[0].value)) {
    throw new SqlExecutionError(2812, `Could not find stored procedure '${tokens[0].text}'.`);
  }
  const prepared = preparseBatch(text, tokens);
  if (prepared.trim() === '') return [];
  return parseStatements(prepared).map((ast) => translateStatement(ast, context));
}

function parseStatements(text: string): Node[] {
  let ast: Node;
  try {
    ast = parser.astify(text);
  } catch (error) {
    throw syntaxErrorFrom(error, text);
  }
  return flattenBatches(ast);
}

// Batches separated by GO come back as `{ ast, go_next }` chains; the Sandbox runs them one after another.
function flattenBatches(ast: Node): Node[] {
  if (ast === null || ast === undefined) return [];
  if (Array.isArray(ast)) return ast.flatMap(flattenBatches);
  if (ast.go || (ast.ast && ast.type === undefined)) return [...flattenBatches(ast.ast), ...flattenBatches(ast.go_next)];
  return [ast];
}

function syntaxErrorFrom(error: unknown, text: string): SqlExecutionError {
  const e = error as { location?: { start?: { offset?: number } }; found?: string | null };
  if (e.location?.start?.offset !== undefined) {
    const token = tokenize(text).find((t) => t.end > (e.location?.start?.offset ?? 0));
    const near = token?.text ?? text.trim().split(/\s+/).pop() ?? '';
    return new SqlExecutionError(102, `Incorrect syntax near '${near}'.`);
  }
  return new SqlExecutionError(102, `Incorrect syntax near '${text.trim().split(/\s+/)[0] ?? ''}'.`);
}

const refuse = (message: string): SqlExecutionError => new SqlExecutionError(SANDBOX_REFUSAL_CODE, message);

class StatementScope {
  readonly variables = new Set<string>();
  readonly cteNames = new Set<string>();
  unnamed = 0;
  constructor(readonly context: TranslationContext) {}
}

function translateStatement(ast: Node, context: TranslationContext): TranslatedStatement {
  const scope = new StatementScope(context);
  switch (ast.type) {
    case 'select':
      rewriteSelect(ast, scope, true);
      return sqlStatement(ast, scope, false);
    case 'insert': case 'replace':
      if (ast.type === 'replace') throw refuse('The Sandbox cannot run REPLACE statements.');
      rewriteTables(ast.table, scope);
      if (ast.values?.type === 'values') {
        for (const row of ast.values.values) row.value = row.value.map((v: Node) => normaliseStoredLiteral(rewriteExpr(v, scope)));
      } else if (ast.values?.type === 'select') {
        rewriteSelect(ast.values, scope, false);
      }
      return sqlStatement(ast, scope, true);
    case 'update':
      if (ast.from?.length) throw refuse('UPDATE … FROM is not supported by the Sandbox: use a subquery in SET or WHERE.');
      rewriteTables(ast.table, scope);
      for (const item of ast.set ?? []) item.value = normaliseStoredLiteral(rewriteExpr(item.value, scope));
      ast.where = rewriteExpr(ast.where, scope);
      return sqlStatement(ast, scope, true);
    case 'delete':
      rewriteTables(ast.from, scope);
      // T-SQL's `DELETE t FROM t WHERE …` names the target twice; SQLite names it once.
      if (ast.from?.length > 1) throw refuse('DELETE … FROM with a join is not supported by the Sandbox: use a subquery in WHERE.');
      ast.table = null;
      ast.where = rewriteExpr(ast.where, scope);
      return sqlStatement(ast, scope, true);
    case 'declare':
      return translateDeclare(ast, context);
    case 'exec':
      return { kind: 'exec', ...execFromAst(ast) };
    default:
      if (typeof ast.type !== 'string') throw new SqlExecutionError(102, 'Incorrect syntax: the Sandbox could not read this statement.');
      throw refuse(`The Sandbox cannot run ${ast.type.toUpperCase()} statements.`);
  }
}

// The SQLite printer wraps names in double quotes without doubling the ones inside, and prints INSERT's column list
// bare; doubling and quoting them here keeps names like [Patient "Name"] or [First Name] intact.
function quoteNamesForPrinter(node: Node, insertColumns = false): void {
  if (node === null || typeof node !== 'object') return;
  if (Array.isArray(node)) {
    if (insertColumns) node.forEach((c, i) => { if (typeof c === 'string') node[i] = `"${c.replace(/"/g, '""')}"`; });
    else node.forEach((n) => quoteNamesForPrinter(n));
    return;
  }
  for (const key of Object.keys(node)) {
    const value = node[key];
    if (typeof value === 'string' && (key === 'column' || key === 'table' || key === 'as') && value.includes('"')) node[key] = value.replace(/"/g, '""');
    else quoteNamesForPrinter(value, node.type === 'insert' && key === 'columns');
  }
}

function sqlStatement(ast: Node, scope: StatementScope, writes: boolean): SqlStatement {
  let sql: string;
  quoteNamesForPrinter(ast);
  try {
    sql = parser.sqlify(ast, PRINT_OPTIONS);
  } catch (error) {
    throw refuse(`The Sandbox cannot translate this ${String(ast.type).toUpperCase()} statement for SQLite (${(error as Error).message}).`);
  }
  return { kind: 'sql', sql: backtickIdentifiers(sql), variables: [...scope.variables], writes };
}

// SQLite reads a "double-quoted" name that matches no column as a string literal, so a misspelt column would
// silently become text instead of SQL Server's error 207. Backticks are identifiers only.
function backtickIdentifiers(sql: string): string {
  let out = '';
  let at = 0;
  for (const token of tokenize(sql)) {
    if (token.kind !== 'quoted' || !token.text.startsWith('"')) continue;
    out += `${sql.slice(at, token.start)}\`${token.value.replace(/`/g, '``')}\``;
    at = token.end;
  }
  return out + sql.slice(at);
}

function translateDeclare(ast: Node, context: TranslationContext): DeclareStatement {
  if (ast.declare.length !== 1) throw refuse('The Sandbox runs one variable per DECLARE.');
  const item = ast.declare[0];
  if (item.keyword !== 'variable') throw refuse('The Sandbox cannot DECLARE tables or cursors.');
  const dt = item.datatype ?? {};
  const type = dt.length === undefined ? String(dt.dataType) : `${dt.dataType}(${dt.length}${dt.scale === undefined ? '' : `,${dt.scale}`})`;
  const declaration: DeclareStatement = { kind: 'declare', variable: normaliseVariable(item.name), type };
  if (item.definition?.value) {
    const select = parser.astify('SELECT 1') as Node;
    select.columns[0].expr = item.definition.value;
    const scope = new StatementScope(context);
    rewriteSelect(select, scope, false);
    declaration.value = sqlStatement(select, scope, false);
  }
  return declaration;
}

function execFromAst(ast: Node): ExecCall {
  const args: ExecArgument[] = (ast.parameters ?? []).map((p: Node) => {
    const v = p.value;
    const arg: ExecArgument = { name: `@${p.name}`, value: null, output: false };
    if (v?.type === 'column_ref' && String(v.column).startsWith('@')) arg.variable = v.column;
    else if (v?.type === 'number') arg.value = v.value;
    else if (v?.type === 'null') arg.value = null;
    else if (typeof v?.value === 'string') arg.value = v.value;
    else throw refuse('The Sandbox passes only literals and variables to EXEC.');
    return arg;
  });
  return { procedure: ast.module.table, written: [ast.module.db, ast.module.table].filter(Boolean).join('.'), args };
}

// ---------------------------------------------------------------- SELECT

function rewriteSelect(sel: Node, scope: StatementScope, topLevel: boolean): void {
  if (sel.into?.position || sel.into?.expr) throw refuse('SELECT … INTO is not supported by the Sandbox.');
  if (sel.for) throw refuse(`'FOR ${String(sel.for.type ?? 'XML').toUpperCase()}' is not supported by the Sandbox.`);
  for (const cte of sel.with ?? []) {
    scope.cteNames.add(String(cte.name?.value ?? cte.name).toLowerCase());
    rewriteSelect(cte.stmt?.ast ?? cte.stmt, scope, false);
  }
  fixTopVariable(sel);
  rewriteTables(sel.from, scope);
  sel.columns = rewriteColumns(sel.columns, scope, topLevel);
  sel.where = rewriteExpr(sel.where, scope);
  if (sel.groupby) {
    const list = Array.isArray(sel.groupby) ? sel.groupby : sel.groupby.columns;
    const rewritten = (list ?? []).map((e: Node) => rewriteExpr(e, scope));
    if (Array.isArray(sel.groupby)) sel.groupby = rewritten;
    else sel.groupby.columns = rewritten;
  }
  sel.having = rewriteExpr(sel.having, scope);
  for (const item of sel.orderby ?? []) item.expr = withCaseInsensitive(rewriteExpr(item.expr, scope));
  rewriteLimit(sel, scope);
  if (sel._next) {
    if (sel._next.top) throw refuse('TOP inside a UNION branch is not supported by the Sandbox: wrap the branch in a subquery.');
    rewriteSelect(sel._next, scope, false);
  }
}

// `SELECT TOP (@n) a FROM t` parses as a call of a function TOP aliased `a`; put it back together.
function fixTopVariable(sel: Node): void {
  const first = sel.columns?.[0];
  const expr = first?.expr;
  if (sel.top || expr?.type !== 'function' || functionName(expr) !== 'TOP') return;
  if (!first.as) throw new SqlExecutionError(102, "Incorrect syntax near 'TOP'.");
  sel.top = { value: expr.args.value[0], percent: null, parentheses: true };
  first.expr = { type: 'column_ref', table: null, column: first.as, collate: null };
  first.as = null;
}

function rewriteColumns(columns: Node, scope: StatementScope, topLevel: boolean): Node {
  if (!Array.isArray(columns)) return columns;
  return columns.map((col: Node) => {
    const expr = col.expr;
    // `SELECT Name = expr` is T-SQL's other way to write an alias.
    if (!col.as && expr?.type === 'binary_expr' && expr.operator === '=' && expr.left?.type === 'column_ref' && !expr.left.table) {
      if (String(expr.left.column).startsWith('@')) throw refuse(`The Sandbox cannot assign variables in a SELECT list (${expr.left.column} = …).`);
      col.as = expr.left.column;
      col.expr = expr.right;
    }
    const original = col.expr;
    col.expr = rewriteExpr(col.expr, scope);
    if (topLevel && !col.as) {
      if (original?.type === 'column_ref' && original.column !== '*' && !String(original.column).startsWith('@')) {
        // SQL Server names the column as the query wrote it; SQLite would use the declared name's case.
        col.as = original.column;
      } else if (!(original?.type === 'column_ref' && original.column === '*')) {
        col.as = `${UNNAMED_PREFIX}${++scope.unnamed}`;
      }
    }
    return col;
  });
}

function rewriteLimit(sel: Node, scope: StatementScope): void {
  if (sel.limit?.seperator !== undefined && sel.limit.value?.length) throw new SqlExecutionError(102, "Incorrect syntax near 'LIMIT'.");
  const offset = sel.limit?.offset?.value;
  const fetch = sel.limit?.fetch?.value;
  const top = sel.top;
  sel.limit = null;
  if (offset !== undefined || fetch !== undefined) {
    if (top) throw new SqlExecutionError(10741, 'A TOP can not be used in the same query or sub-query as a OFFSET.');
    sel.limit = {
      seperator: 'offset',
      value: [fetch === undefined ? { type: 'number', value: -1 } : rewriteExpr(fetch, scope), rewriteExpr(offset ?? { type: 'number', value: 0 }, scope)],
    };
    return;
  }
  if (!top) return;
  sel.top = null;
  const count = typeof top.value === 'number' ? { type: 'number', value: top.value } : rewriteExpr(top.value, scope);
  if (!top.percent) {
    sel.limit = { seperator: '', value: [count] };
    return;
  }
  // TOP n PERCENT: SQL Server rounds the row count up.
  if (count.type !== 'number') throw refuse('TOP … PERCENT with a variable is not supported by the Sandbox.');
  const inner = JSON.parse(JSON.stringify({ ...sel, orderby: null, limit: null, _next: null, with: null }));
  const counter = parser.astify(`SELECT CAST(COUNT(*) * ${Number(count.value)} / 100.0 + 0.9999999 AS INTEGER) FROM x`) as Node;
  counter.from = [{ expr: { ast: inner, parentheses: true }, as: 'tsql_top_percent' }];
  sel.limit = { seperator: '', value: [{ ast: counter, parentheses: true }] };
}

function rewriteTables(items: Node, scope: StatementScope): void {
  for (const item of Array.isArray(items) ? items : []) {
    if (item.expr) {
      if (item.expr.ast) rewriteSelect(item.expr.ast, scope, false);
      else item.expr = rewriteExpr(item.expr, scope);
    } else if (typeof item.table === 'string') {
      resolveTable(item, scope);
    }
    item.table_hint = null;
    if (item.on) item.on = rewriteExpr(item.on, scope);
    if (/APPLY/i.test(String(item.join ?? ''))) throw refuse("'CROSS APPLY' and 'OUTER APPLY' are not supported by the Sandbox.");
  }
}

// T-SQL names are [catalogue.][owner.]object; node-sql-parser puts a two-part name's owner in `db`. The catalogue
// picks the SQLite schema (the request's catalogue when absent); the owner must be dbo, the only one Best Practice uses.
function resolveTable(item: Node, scope: StatementScope): void {
  const [catalogue, owner] = item.schema ? [item.db, item.schema] : [null, item.db];
  const written = [catalogue, owner, item.table].filter((p) => p !== null && p !== undefined).join('.');
  if (!catalogue && !owner && scope.cteNames.has(String(item.table).toLowerCase())) return;
  if (owner && String(owner).toLowerCase() !== 'dbo') throw new SqlExecutionError(208, `Invalid object name '${written}'.`);
  item.db = schemaOf(catalogue ?? scope.context.catalogue, scope.context);
  item.schema = null;
}

function schemaOf(catalogue: string | undefined | null, context: TranslationContext): string {
  const spec = catalogue
    ? context.catalogues.find((c) => c.name.toLowerCase() === catalogue.toLowerCase())
    : context.catalogues.find((c) => c.isDefault) ?? context.catalogues[0];
  if (!spec) {
    throw new SqlExecutionError(911, `Database '${catalogue ?? ''}' does not exist. Make sure that the name is entered correctly.`);
  }
  return spec.schema;
}

// ---------------------------------------------------------------- expressions

function functionName(node: Node): string {
  const parts = node.name?.name;
  return Array.isArray(parts) ? String(parts[parts.length - 1]?.value ?? '').toUpperCase() : String(node.name ?? '').toUpperCase();
}

const call = (name: string, args: Node[]): Node => ({
  type: 'function', name: { name: [{ type: 'default', value: name }] }, args: { type: 'expr_list', value: args }, over: null,
});
const text = (value: string): Node => ({ type: 'single_quote_string', value });

// T-SQL names SQLite runs the same way.
const SAME_IN_SQLITE: ReadonlySet<string> = new Set(['COALESCE', 'NULLIF', 'IIF', 'ABS', 'UPPER', 'LOWER', 'LTRIM', 'RTRIM', 'TRIM']);
const WINDOW_FUNCTIONS: ReadonlySet<string> = new Set(['ROW_NUMBER', 'RANK', 'DENSE_RANK', 'NTILE', 'LAG', 'LEAD', 'FIRST_VALUE', 'LAST_VALUE', 'CUME_DIST', 'PERCENT_RANK']);
// T-SQL names whose `tsql_` function has another name.
const RENAMED: Readonly<Record<string, string>> = {
  SYSDATETIME: 'tsql_getdate', CURRENT_TIMESTAMP: 'tsql_getdate', SYSUTCDATETIME: 'tsql_getutcdate', SUBSTRING: 'substr',
};
const DATE_PART_FUNCTIONS: ReadonlySet<string> = new Set(['DATEADD', 'DATEDIFF', 'DATEPART', 'DATENAME']);
const ARG_COUNTS: Readonly<Record<string, [number, number]>> = {
  ISNULL: [2, 2], DATEADD: [3, 3], DATEDIFF: [3, 3], DATEPART: [2, 2], DATENAME: [2, 2], LEFT: [2, 2], RIGHT: [2, 2],
  LEN: [1, 1], CHARINDEX: [2, 3], REPLACE: [3, 3], SUBSTRING: [3, 3], ROUND: [2, 3], EOMONTH: [1, 2], FORMAT: [2, 3],
  YEAR: [1, 1], MONTH: [1, 1], DAY: [1, 1], GETDATE: [0, 0], NEWID: [0, 0], CONVERT: [2, 3], TRY_CONVERT: [2, 3],
};
// Functions whose result is a datetime: a date literal compared with one is a datetime too.
const DATETIME_RESULTS: ReadonlySet<string> = new Set(['tsql_getdate', 'tsql_getutcdate', 'tsql_dateadd', 'tsql_eomonth']);

function rewriteFunction(node: Node, scope: StatementScope): Node {
  if (node.name?.schema) {
    const schema = node.name.schema.value;
    throw new SqlExecutionError(4121, `Cannot find either column "${schema}" or the user-defined function or aggregate "${schema}.${functionName(node)}", or the name is ambiguous.`);
  }
  const name = functionName(node);
  const args: Node[] = node.args?.value ?? (node.args ? [node.args] : []);
  const counts = ARG_COUNTS[name];
  if (counts && (args.length < counts[0] || args.length > counts[1])) {
    throw new SqlExecutionError(174, `The ${name.toLowerCase()} function requires ${counts[0] === counts[1] ? counts[0] : `${counts[0]} to ${counts[1]}`} argument(s).`);
  }
  if (name === 'TSQL_TRY_CAST_MARKER') {
    const cast = rewriteExpr(args[0], scope);
    cast.name.name[0].value = 'tsql_try_convert';
    return cast;
  }
  if (name === 'EXISTS') {
    node.args = { type: 'expr_list', value: args.map((a) => rewriteExpr(a, scope)) };
    return node;
  }
  if (node.over) {
    if (!WINDOW_FUNCTIONS.has(name)) throw refuse(`'${name}' with OVER is not supported by the Sandbox.`);
    node.args = { type: 'expr_list', value: args.map((a) => rewriteExpr(a, scope)) };
    node.over = rewriteExpr(node.over, scope);
    return node;
  }
  if (name === 'CONVERT' || name === 'TRY_CONVERT') {
    const rest = args.slice(1).map((a) => rewriteExpr(a, scope));
    return call(name === 'CONVERT' ? 'tsql_convert' : 'tsql_try_convert', [text(typeText(args[0])), ...rest]);
  }
  if (DATE_PART_FUNCTIONS.has(name)) {
    const part = args[0]?.type === 'column_ref' ? String(args[0].column) : String(args[0]?.value ?? '');
    if (!datePartOf(part)) throw new SqlExecutionError(155, `'${part}' is not a recognized ${name.toLowerCase()} option.`);
    return call(`tsql_${name.toLowerCase()}`, [text(part), ...args.slice(1).map((a) => rewriteExpr(a, scope))]);
  }
  const rewritten = args.map((a) => rewriteExpr(a, scope));
  if (name === 'ISNULL') return call('coalesce', rewritten);
  if (SAME_IN_SQLITE.has(name)) return call(name.toLowerCase(), rewritten);
  const target = RENAMED[name] ?? `tsql_${name.toLowerCase()}`;
  if (target !== 'substr' && !TSQL_FUNCTION_NAMES.has(target)) {
    throw new SqlExecutionError(195, `'${name}' is not a recognized built-in function name.`);
  }
  return call(target, rewritten);
}

// CONVERT's first argument (`varchar(10)`, `date`, `decimal(10,2)`) as type text.
function typeText(node: Node): string {
  if (node?.type === 'column_ref') return String(node.column).toUpperCase();
  if (node?.type === 'function') {
    const params = (node.args?.value ?? []).map((a: Node) => (a.type === 'column_ref' ? a.column : a.value));
    return `${functionName(node)}(${params.join(',')})`;
  }
  throw new SqlExecutionError(102, "Incorrect syntax near 'CONVERT'.");
}

function castTarget(node: Node): string {
  const t = node.target?.[0] ?? {};
  if (t.length === undefined) return String(t.dataType);
  return `${t.dataType}(${t.length}${t.scale === undefined ? '' : `,${t.scale}`})`;
}

const COMPARISONS: ReadonlySet<string> = new Set(['=', '<>', '!=', '<', '>', '<=', '>=', 'IN', 'NOT IN', 'BETWEEN', 'NOT BETWEEN']);
const NOCASE = { type: 'collate', keyword: 'collate', collate: { name: 'NOCASE', symbol: null } };

// Best Practice's databases use a case-insensitive collation: text compares and sorts ignoring case.
function withCaseInsensitive(node: Node): Node {
  if (node?.type === 'column_ref' && node.column !== '*' && !node.collate) node.collate = NOCASE;
  return node;
}

function isDatetimeExpression(node: Node): boolean {
  if (node?.type === 'column_ref') return true;
  if (node?.type !== 'function') return false;
  const name = node.name?.name?.[0]?.value;
  if (DATETIME_RESULTS.has(name)) return true;
  return (name === 'tsql_convert' || name === 'tsql_try_convert') && /^(DATE|DATETIME|DATETIME2|SMALLDATETIME)\b/i.test(node.args.value[0].value);
}

const isStringLiteral = (node: Node): boolean => node?.type === 'single_quote_string' && typeof node.value === 'string';

// '2020-01-01' against a datetime means midnight of that day: give the literal the stored form so text order is right.
function normaliseDateOperand(literal: Node, other: Node): Node {
  if (isStringLiteral(literal) && looksLikeDateLiteral(literal.value) && isDatetimeExpression(other)) {
    return text(toStoredDateTime(literal.value));
  }
  return literal;
}

// A date literal written into a row takes the stored form, as SQL Server would store it in a datetime column.
function normaliseStoredLiteral(node: Node): Node {
  return isStringLiteral(node) && looksLikeDateLiteral(node.value) ? text(toStoredDateTime(node.value)) : node;
}

function rewriteBinary(node: Node, scope: StatementScope): Node {
  const op = String(node.operator).toUpperCase();
  const left = rewriteExpr(node.left, scope);
  const right = rewriteExpr(node.right, scope);
  if (op === '+' || op === '-') return call(op === '+' ? 'tsql_add' : 'tsql_subtract', [left, right]);
  node.left = left;
  node.right = right;
  if (COMPARISONS.has(op)) {
    withCaseInsensitive(left);
    if (right?.type === 'expr_list' && Array.isArray(right.value)) {
      right.value = right.value.map((v: Node) => normaliseDateOperand(v, left));
    } else {
      withCaseInsensitive(right);
      node.right = normaliseDateOperand(right, left);
      node.left = normaliseDateOperand(left, right);
    }
  }
  return node;
}

function rewriteExpr(node: Node, scope: StatementScope): Node {
  if (node === null || node === undefined || typeof node !== 'object') return node;
  if (Array.isArray(node)) return node.map((n) => rewriteExpr(n, scope));
  if (node.ast) {
    rewriteSelect(node.ast, scope, false);
    return node;
  }
  switch (node.type) {
    case 'select':
      rewriteSelect(node, scope, false);
      return node;
    case 'column_ref': {
      const column = String(node.column?.expr?.value ?? node.column);
      if (column.startsWith('@@')) throw refuse(`'${column}' is not supported by the Sandbox.`);
      if (column.startsWith('@')) {
        scope.variables.add(normaliseVariable(column));
        return { type: 'param', value: variableParameter(column).slice(1) };
      }
      // A three-part column name's catalogue and owner mean nothing to SQLite once the table is resolved.
      node.db = null;
      node.schema = null;
      return node;
    }
    case 'var_string': case 'natural_string': case 'double_quote_string':
      return text(node.value);
    case 'binary_expr':
      return rewriteBinary(node, scope);
    case 'function':
      return rewriteFunction(node, scope);
    case 'cast':
      return call(node.keyword === 'try_cast' ? 'tsql_try_convert' : 'tsql_convert', [text(castTarget(node)), rewriteExpr(node.expr, scope)]);
    case 'aggr_func':
      if (String(node.name).toUpperCase() === 'STRING_AGG' && node.args?.separator) {
        return call('group_concat', [rewriteExpr(node.args.expr, scope), rewriteExpr(node.args.separator.delimiter, scope)]);
      }
      if (!['COUNT', 'SUM', 'AVG', 'MIN', 'MAX'].includes(String(node.name).toUpperCase())) {
        throw new SqlExecutionError(195, `'${node.name}' is not a recognized built-in function name.`);
      }
      break;
    default:
      break;
  }
  for (const key of Object.keys(node)) {
    if (key === 'type') continue;
    const value = node[key];
    if (value && typeof value === 'object') node[key] = rewriteExpr(value, scope);
  }
  return node;
}
