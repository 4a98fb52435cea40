import assert from 'node:assert/strict';
import { splitSqlStatements, statementAt } from '../../../../src/core/documents/sqlStatements';
import { lexTsql } from '../../../../src/core/documents/tsqlLexer';

const texts = (sql: string): string[] => splitSqlStatements(sql).map((s) => s.text);

describe('core/documents splitSqlStatements', () => {
  it('splits on ; and keeps the ; with its statement', () => {
    assert.deepEqual(texts('SELECT 1; SELECT 2;SELECT 3'), ['SELECT 1;', 'SELECT 2;', 'SELECT 3']);
  });

  it('never splits inside strings, N-strings, brackets or double-quoted names', () => {
    assert.deepEqual(texts("SELECT 'a;b', 'it''s; fine' AS x; SELECT 2"), ["SELECT 'a;b', 'it''s; fine' AS x;", 'SELECT 2']);
    assert.deepEqual(texts("SELECT N'x;y'; SELECT [a;b], [c]];d] FROM \"t;u\"; SELECT 3"), ["SELECT N'x;y';", 'SELECT [a;b], [c]];d] FROM "t;u";', 'SELECT 3']);
  });

  it('never splits inside -- comments or nested /* */ comments', () => {
    assert.deepEqual(texts('SELECT 1 -- a; b\n, 2; SELECT 3'), ['SELECT 1 -- a; b\n, 2;', 'SELECT 3']);
    assert.deepEqual(texts('SELECT 1 /* outer /* inner; */ still; comment */ + 1; SELECT 2'), ['SELECT 1 /* outer /* inner; */ still; comment */ + 1;', 'SELECT 2']);
    // Without nesting the first */ would end the comment and the ; after "still" would split.
    assert.equal(texts('/* a /* b */ c; */ SELECT 1').length, 1);
  });

  it('splits on lines holding only GO, in any case, and counts batches', () => {
    const statements = splitSqlStatements('SELECT 1\nGO\nSELECT 2; SELECT 3\n  go  \nSELECT 4\nGo -- done\nSELECT 5');
    assert.deepEqual(statements.map((s) => [s.text, s.batch]), [['SELECT 1', 0], ['SELECT 2;', 1], ['SELECT 3', 1], ['SELECT 4', 2], ['SELECT 5', 3]]);
  });

  it('does not take GO inside a line, a string, a comment or a name for a separator', () => {
    assert.deepEqual(texts('SELECT 1 GO\nSELECT 2'), ['SELECT 1 GO\nSELECT 2']);
    assert.deepEqual(texts("SELECT '\nGO\n' AS x"), ["SELECT '\nGO\n' AS x"]);
    assert.deepEqual(texts('SELECT 1 /*\nGO\n*/ + 1'), ['SELECT 1 /*\nGO\n*/ + 1']);
    assert.deepEqual(texts('SELECT GOAL FROM T'), ['SELECT GOAL FROM T']);
    assert.deepEqual(splitSqlStatements('SELECT [\nGO\n] FROM T').map((s) => s.batch), [0]);
  });

  it('keeps the ;s inside BEGIN … END blocks, but not after BEGIN TRAN, and counts CASE … END', () => {
    assert.deepEqual(texts('IF 1 = 1 BEGIN SELECT 1; SELECT 2; END; SELECT 3'), ['IF 1 = 1 BEGIN SELECT 1; SELECT 2; END;', 'SELECT 3']);
    assert.deepEqual(texts('BEGIN TRAN; UPDATE T SET a = 1; COMMIT'), ['BEGIN TRAN;', 'UPDATE T SET a = 1;', 'COMMIT']);
    assert.deepEqual(texts('BEGIN SELECT CASE WHEN a = 1 THEN 2 END; SELECT 3; END; SELECT 4'), ['BEGIN SELECT CASE WHEN a = 1 THEN 2 END; SELECT 3; END;', 'SELECT 4']);
    assert.deepEqual(texts('BEGIN TRY SELECT 1; END TRY BEGIN CATCH SELECT 2; END CATCH; SELECT 3'), ['BEGIN TRY SELECT 1; END TRY BEGIN CATCH SELECT 2; END CATCH;', 'SELECT 3']);
  });

  it('drops statements made only of comments, and empty ones', () => {
    assert.deepEqual(texts('-- only a comment;\n/* and; another */ ;; SELECT 1;\n-- trailing\nGO\n-- nothing here'), ['SELECT 1;']);
    assert.deepEqual(texts(''), []);
    assert.deepEqual(texts('  \n\t'), []);
  });

  it('starts a statement at its first code token and keeps the comments inside it', () => {
    const [statement] = splitSqlStatements('-- @site Clinic\n-- Patients born in March\nSELECT *\n  -- inner\n  FROM PATIENTS;');
    assert.equal(statement.text, 'SELECT *\n  -- inner\n  FROM PATIENTS;');
    assert.deepEqual(statement.range.start, { offset: 42, line: 2, character: 0 });
    assert.deepEqual(statement.range.end, { offset: 78, line: 4, character: 16 });
  });

  it('reports ranges as offsets and lines in CRLF documents', () => {
    const sql = 'SELECT 1;\r\n\r\n  SELECT 2\r\nGO\r\nSELECT 3';
    const statements = splitSqlStatements(sql);
    assert.deepEqual(statements.map((s) => [s.range.start.line, s.range.start.character, s.range.end.line, s.range.end.character]), [[0, 0, 0, 9], [2, 2, 2, 10], [4, 0, 4, 8]]);
    for (const s of statements) assert.equal(sql.slice(s.range.start.offset, s.range.end.offset), s.text);
  });

  it('runs an unclosed string or comment to the end, as SQL Server reads it', () => {
    assert.deepEqual(texts("SELECT 'open; SELECT 2"), ["SELECT 'open; SELECT 2"]);
    // The comment swallows the rest; a trailing comment is not part of the statement's range.
    assert.deepEqual(texts('SELECT 1 /* open; SELECT 2'), ['SELECT 1']);
  });
});

describe('core/documents statementAt', () => {
  const sql = 'SELECT 1;\n\nSELECT *\nFROM PATIENTS;\n\n\nSELECT 3\nGO\n\nSELECT 4';
  const at = (offset: number): string | undefined => statementAt(sql, offset)?.text;

  it('finds the statement at its start, middle and end', () => {
    const second = sql.indexOf('SELECT *');
    assert.equal(at(second), 'SELECT *\nFROM PATIENTS;');
    assert.equal(at(second + 12), 'SELECT *\nFROM PATIENTS;');
    assert.equal(at(sql.indexOf('PATIENTS;') + 9), 'SELECT *\nFROM PATIENTS;');
    assert.equal(at(0), 'SELECT 1;');
    assert.equal(at(sql.length), 'SELECT 4');
  });

  it('takes the nearest statement above from a blank line or a GO line between statements', () => {
    assert.equal(at(sql.indexOf('\n\nSELECT *') + 1), 'SELECT 1;');
    assert.equal(at(sql.indexOf('\n\n\nSELECT 3') + 2), 'SELECT *\nFROM PATIENTS;');
    assert.equal(at(sql.indexOf('GO') + 1), 'SELECT 3');
    assert.equal(at(sql.indexOf('\n\nSELECT 4') + 1), 'SELECT 3');
  });

  it('prefers a statement on the cursor line: before it, else after it', () => {
    assert.equal(statementAt('SELECT 1;   \nSELECT 2', 11)?.text, 'SELECT 1;');
    assert.equal(statementAt('SELECT 1;\n    SELECT 2', 11)?.text, 'SELECT 2');
    assert.equal(statementAt('SELECT 1;  SELECT 2', 10)?.text, 'SELECT 1;');
  });

  it('finds nothing before the first statement', () => {
    assert.equal(statementAt('\n\n-- intro\nSELECT 1', 1), undefined);
    assert.equal(statementAt('', 0), undefined);
  });
});

describe('core/documents lexTsql', () => {
  it('tells variables, system variables, temp names, strings and comments apart', () => {
    const tokens = lexTsql("SELECT @a, @@VERSION, #t.x, N'é', [b c], -- c\n/* d */ 1.5e3 <> 0x1F");
    assert.deepEqual(tokens.map((t) => [t.kind, t.text]), [
      ['word', 'SELECT'], ['variable', '@a'], ['punctuation', ','], ['systemVariable', '@@VERSION'], ['punctuation', ','],
      ['tempName', '#t'], ['punctuation', '.'], ['word', 'x'], ['punctuation', ','], ['string', "N'é'"], ['punctuation', ','],
      ['quotedName', '[b c]'], ['punctuation', ','], ['comment', '-- c'], ['comment', '/* d */'], ['number', '1.5e3'],
      ['punctuation', '<>'], ['number', '0x1F'],
    ]);
  });
});
