import { Parser } from 'node-sql-parser/build/transactsql';
import { lexTsql, unquotedName } from './tsqlLexer';
import type { TsqlToken } from './tsqlLexer';
import { splitSqlStatements } from './sqlStatements';
import type { SqlStatement } from './sqlStatements';

export type SqlVerdict = 'read' | 'write' | 'unknown';

export interface StatementClassification {
  statement: SqlStatement;
  verdict: SqlVerdict;
  reasons: string[];
}

/**
 * What a batch does to the database. `unknown` means "not provably read-only", which the UI treats as a write.
 * `reasons` name what made it write ("UPDATE PATIENTS", "EXEC BP_AddAppointment") or unknown ("could not parse
 * statement 2"), in statement order; a read has none.
 */
export interface SqlClassification {
  verdict: SqlVerdict;
  reasons: string[];
  statements: StatementClassification[];
}

/** Best Practice procedures integrators call through Halo that only read (shared/reference/halo-connect/NOTES.md). */
export const READ_ONLY_PROCEDURES: ReadonlySet<string> = new Set([
  'BP_GetPatientByNameDOB', 'BP_GetAppointmentBookUsers', 'BP_GetFreeAppointments', 'BP_GetPatientAppointments', 'BP_GetAllUsers',
].map((name) => name.toLowerCase()));
/** Best Practice procedures integrators call through Halo that write. */
export const WRITING_PROCEDURES: ReadonlySet<string> = new Set(['BP_AddAppointment', 'BP_CancelAppointment', 'BP_AddPatient'].map((name) => name.toLowerCase()));

// Reserved words of T-SQL that only writing statements use: reserved, so none of them can be a bare column or table name.
const WRITE_KEYWORDS = new Set([
  'INSERT', 'UPDATE', 'DELETE', 'MERGE', 'TRUNCATE', 'DROP', 'ALTER', 'CREATE', 'GRANT', 'REVOKE', 'DENY', 'BULK',
  'BACKUP', 'RESTORE', 'DBCC', 'KILL', 'SHUTDOWN', 'RECONFIGURE', 'WRITETEXT', 'UPDATETEXT', 'CHECKPOINT', 'INTO',
]);
// Words that may follow CREATE/ALTER/DROP/TRUNCATE before the object's name.
const OBJECT_WORDS = new Set([
  'OR', 'ALTER', 'IF', 'EXISTS', 'TABLE', 'VIEW', 'PROC', 'PROCEDURE', 'FUNCTION', 'TRIGGER', 'INDEX', 'UNIQUE', 'CLUSTERED',
  'NONCLUSTERED', 'SCHEMA', 'DATABASE', 'USER', 'LOGIN', 'ROLE', 'SYNONYM', 'TYPE', 'SEQUENCE', 'STATISTICS',
]);
// Table sources that run their text on another server, where it may write.
const REMOTE_SOURCES = new Set(['OPENQUERY', 'OPENROWSET', 'OPENDATASOURCE']);
// First words of statements; any other first word of a batch is a procedure call, as SQL Server reads it.
const STATEMENT_WORDS = new Set([
  'SELECT', 'WITH', 'INSERT', 'UPDATE', 'DELETE', 'MERGE', 'DECLARE', 'SET', 'EXEC', 'EXECUTE', 'IF', 'ELSE', 'WHILE',
  'BEGIN', 'END', 'COMMIT', 'ROLLBACK', 'SAVE', 'USE', 'PRINT', 'RAISERROR', 'THROW', 'RETURN', 'WAITFOR', 'GOTO',
  'BREAK', 'CONTINUE', 'OPEN', 'CLOSE', 'FETCH', 'DEALLOCATE', 'TRY', 'CATCH', ...WRITE_KEYWORDS,
]);

// node-sql-parser's AST is loosely typed JSON; it is walked generically and checked as it goes.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Node = any;

let parser: Parser | undefined;

/**
 * Classifies every statement of a batch (see splitSqlStatements) and the batch as a whole: any write makes it a
 * write, else any unknown makes it unknown. A statement is a write when it holds a writing keyword or EXECs a
 * procedure not known to be read-only; it is read only when node-sql-parser (TransactSQL) reads it as a SELECT
 * without INTO, a DECLARE, a USE, a SET of an option, or an IF over such statements — or when it EXECs a procedure
 * known to read. Anything else is unknown.
 */
export function classifySql(text: string): SqlClassification {
  const statements = splitSqlStatements(text).map((statement, index, all): StatementClassification => ({
    statement,
    ...classifyStatement(statement.text, index + 1, index === 0 || all[index - 1].batch !== statement.batch),
  }));
  const verdict: SqlVerdict = statements.some((s) => s.verdict === 'write')
    ? 'write'
    : statements.some((s) => s.verdict === 'unknown') ? 'unknown' : 'read';
  return { verdict, reasons: statements.flatMap((s) => s.reasons), statements };
}

function classifyStatement(text: string, number: number, firstInBatch: boolean): { verdict: SqlVerdict; reasons: string[] } {
  const all = lexTsql(text);
  const tokens = all.filter((token) => token.kind !== 'comment');
  const implicitExec = firstInBatch && (tokens[0]?.kind === 'word' || tokens[0]?.kind === 'quotedName') && !STATEMENT_WORDS.has(tokens[0].upper);
  const writes = writeReasons(tokens, implicitExec);
  if (writes.length > 0) return { verdict: 'write', reasons: writes };
  const remote = tokens.find((token, index) => token.kind === 'word' && REMOTE_SOURCES.has(token.upper) && tokens[index + 1]?.text === '(');
  if (remote) return unknown(`statement ${number} uses ${remote.upper}, which runs its query on another server`);
  const first = tokens[0].upper;
  if (implicitExec || first === 'EXEC' || first === 'EXECUTE') {
    // An explicit EXEC here calls a read-only procedure (writeReasons says so); what follows must be its arguments only.
    const readOnly = !implicitExec || procedureCall(tokens, 0).readOnly;
    return readOnly && isExecOfArguments(tokens, implicitExec ? 0 : 1) ? { verdict: 'read', reasons: [] } : unknown(`could not parse statement ${number}`);
  }
  if ((first === 'SET' || first === 'PRINT') && !hasAnotherStatement(tokens)) return { verdict: 'read', reasons: [] };
  // node-sql-parser reads unknown words as MySQL-style assignments; SQL Server would not run them at all.
  if (tokens[0].kind !== 'word' ? tokens[0].text !== '(' : !STATEMENT_WORDS.has(first)) return unknown(`could not parse statement ${number}`);
  let ast: Node;
  try {
    parser ??= new Parser();
    ast = parser.astify(parsableText(text, all));
  } catch {
    return unknown(`could not parse statement ${number}`);
  }
  return isReadAst(ast) ? { verdict: 'read', reasons: [] } : unknown(`statement ${number} is not provably read-only (${tokens[0].text})`);
}

const unknown = (reason: string): { verdict: SqlVerdict; reasons: string[] } => ({ verdict: 'unknown', reasons: [reason] });

function writeReasons(tokens: readonly TsqlToken[], implicitExec: boolean): string[] {
  const reasons: string[] = [];
  let selectInto: string | undefined;
  // A batch's first word that is no statement is a procedure call to SQL Server — or a typo, so only a procedure
  // known to write makes it a write here; an unknown one leaves the statement unparsed.
  if (implicitExec) {
    const call = procedureCall(tokens, 0);
    if (WRITING_PROCEDURES.has(call.name.toLowerCase())) reasons.push(`EXEC ${call.name}`);
  }
  for (let i = implicitExec ? 1 : 0; i < tokens.length; i++) {
    const token = tokens[i];
    // After a `.` a word is part of a name (`dbo.Backup`), never a keyword.
    if (token.kind !== 'word' || tokens[i - 1]?.text === '.') continue;
    if (token.upper === 'EXEC' || token.upper === 'EXECUTE') {
      const call = procedureCall(tokens, i + 1);
      if (!call.readOnly) reasons.push(`${token.upper} ${call.name}`);
      continue;
    }
    if (!WRITE_KEYWORDS.has(token.upper) || isJoinHint(tokens, i)) continue;
    // `FETCH … INTO @a, @b` fills variables; `INTO #t` or `INTO dbo.T` creates a table.
    if (token.upper === 'INTO') {
      if (tokens[i + 1]?.kind !== 'variable') selectInto ??= `SELECT INTO ${qualifiedName(tokens, i + 1).name}`.trimEnd();
      continue;
    }
    const { reason, next } = describeWrite(tokens, i);
    reasons.push(reason);
    // MERGE's own WHEN … THEN UPDATE/INSERT/DELETE clauses are part of it.
    i = token.upper === 'MERGE' ? tokens.length : next - 1;
  }
  return reasons.length === 0 && selectInto ? [selectInto] : reasons;
}

// MERGE is also a join hint: `INNER MERGE JOIN`, `OPTION (MERGE JOIN)`, `OPTION (MERGE UNION)`.
function isJoinHint(tokens: readonly TsqlToken[], index: number): boolean {
  return tokens[index].upper === 'MERGE' && (tokens[index + 1]?.upper === 'JOIN' || tokens[index + 1]?.upper === 'UNION' || tokens[index + 1]?.text === ',' || tokens[index + 1]?.text === ')');
}

// "UPDATE PATIENTS", "INSERT INTO dbo.T", "DROP TABLE X", "GRANT SELECT": the keyword, what kind of object, its name.
function describeWrite(tokens: readonly TsqlToken[], index: number): { reason: string; next: number } {
  const keyword = tokens[index].upper;
  let i = index + 1;
  const words = [keyword];
  if (keyword === 'INSERT' || keyword === 'MERGE' || keyword === 'DELETE' || keyword === 'UPDATE') {
    if (tokens[i]?.upper === 'TOP' && tokens[i + 1]?.text === '(') i = closingParenthesis(tokens, i + 1) + 1;
    const joining = keyword === 'DELETE' ? 'FROM' : keyword === 'UPDATE' ? undefined : 'INTO';
    if (joining) {
      words.push(joining);
      if (tokens[i]?.upper === joining) i++;
    }
  } else if (['TRUNCATE', 'DROP', 'ALTER', 'CREATE'].includes(keyword)) {
    while (tokens[i]?.kind === 'word' && OBJECT_WORDS.has(tokens[i].upper)) words.push(tokens[i++].upper);
  } else {
    // GRANT SELECT, BULK INSERT, DBCC SHRINKFILE, BACKUP DATABASE: the second word says what it does.
    return tokens[i]?.kind === 'word' ? { reason: `${keyword} ${tokens[i].upper}`, next: i + 1 } : { reason: keyword, next: i };
  }
  const name = qualifiedName(tokens, i);
  if (name.name) words.push(name.name);
  return { reason: words.join(' '), next: name.next };
}

// A name as written, `catalogue.owner.table`, `[dbo].[T]`, `#t` or `@t`, starting at `index`.
function qualifiedName(tokens: readonly TsqlToken[], index: number): { name: string; next: number } {
  const isPart = (token: TsqlToken | undefined): boolean => token !== undefined && ['word', 'quotedName', 'tempName', 'variable'].includes(token.kind);
  const first = tokens[index];
  if (!isPart(first) || (first.kind === 'word' && STATEMENT_WORDS.has(first.upper))) return { name: '', next: index };
  const parts = [first.text];
  let i = index + 1;
  while (tokens[i]?.text === '.' && isPart(tokens[i + 1])) {
    parts.push(tokens[i + 1].text);
    i += 2;
  }
  return { name: parts.join('.'), next: i };
}

function closingParenthesis(tokens: readonly TsqlToken[], open: number): number {
  let depth = 0;
  for (let i = open; i < tokens.length; i++) {
    if (tokens[i].text === '(') depth++;
    else if (tokens[i].text === ')' && --depth === 0) return i;
  }
  return tokens.length - 1;
}

// The procedure an EXEC (or a batch's first word) calls, named for reasons by its last part without brackets.
function procedureCall(tokens: readonly TsqlToken[], index: number): { name: string; readOnly: boolean } {
  let i = index;
  if (tokens[i]?.kind === 'variable' && tokens[i + 1]?.text === '=') i += 2;
  const target = tokens[i];
  if (!target || target.text === '(' || target.kind === 'string') return { name: '(dynamic SQL)', readOnly: false };
  if (target.kind === 'variable') return { name: `${target.text} (a procedure named at run time)`, readOnly: false };
  if (target.upper === 'AS') return { name: 'AS', readOnly: false };
  const { next } = qualifiedName(tokens, i);
  const last = unquotedName(tokens[Math.max(i, next - 1)]);
  return { name: last, readOnly: READ_ONLY_PROCEDURES.has(last.toLowerCase()) };
}

// After `EXEC [@rc =] name`: `[@param =] value [OUTPUT]`, comma-separated, and nothing else.
function isExecOfArguments(tokens: readonly TsqlToken[], nameIndex: number): boolean {
  let i = nameIndex;
  if (tokens[i]?.kind === 'variable' && tokens[i + 1]?.text === '=') i += 2;
  i = qualifiedName(tokens, i).next;
  const end = tokens[tokens.length - 1]?.text === ';' ? tokens.length - 1 : tokens.length;
  while (i < end) {
    if (tokens[i].kind === 'variable' && tokens[i + 1]?.text === '=') i += 2;
    if (tokens[i]?.text === '-' || tokens[i]?.text === '+') i++;
    const value = tokens[i];
    const isValue = value !== undefined && (['string', 'number', 'variable'].includes(value.kind) || (value.kind === 'word' && !STATEMENT_WORDS.has(value.upper)));
    if (!isValue) return false;
    i++;
    if (tokens[i]?.upper === 'OUTPUT' || tokens[i]?.upper === 'OUT') i++;
    if (i < end && tokens[i].text !== ',') return false;
    if (i < end) i++;
  }
  return true;
}

// `SET @x = (SELECT …)` or `PRINT …` alone: a statement word at the top level would be a second statement.
function hasAnotherStatement(tokens: readonly TsqlToken[]): boolean {
  let depth = 0;
  return tokens.slice(1).some((token) => {
    if (token.text === '(') depth++;
    else if (token.text === ')') depth--;
    return depth === 0 && token.kind === 'word' && STATEMENT_WORDS.has(token.upper);
  });
}

// Comments become spaces (the parser knows no nested comments), and `TOP (@n)` becomes `TOP (1)`, which it can read.
function parsableText(text: string, tokens: readonly TsqlToken[]): string {
  let out = '';
  let at = 0;
  tokens.forEach((token, index) => {
    const inTop = token.kind === 'variable' && tokens[index - 1]?.text === '(' && tokens[index - 2]?.upper === 'TOP';
    if (token.kind !== 'comment' && !inTop) return;
    out += text.slice(at, token.start) + (inTop ? '1' : ' ');
    at = token.end;
  });
  return out + text.slice(at);
}

function isReadAst(ast: Node): boolean {
  if (Array.isArray(ast)) return ast.length === 1 && isReadAst(ast[0]);
  if (ast === null || typeof ast !== 'object') return false;
  switch (ast.type) {
    case 'select':
      return !hasInto(ast);
    case 'declare': case 'use': case 'set':
      return true;
    case 'if':
      return !hasInto(ast.boolean_expr) && isReadAst(ast.if_expr?.ast) && (ast.else_expr === null || ast.else_expr === undefined || isReadAst(ast.else_expr.ast));
    default:
      return false;
  }
}

function hasInto(node: Node): boolean {
  if (node === null || typeof node !== 'object') return false;
  if (Array.isArray(node)) return node.some(hasInto);
  if (node.into && typeof node.into === 'object' && (node.into.expr || node.into.position)) return true;
  return Object.values(node).some(hasInto);
}
