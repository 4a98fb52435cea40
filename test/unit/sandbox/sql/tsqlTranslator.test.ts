import assert from 'node:assert/strict';
import initSqlJs from 'sql.js';
import { registerTsqlFunctions } from '../../../../src/sandbox/sql/tsqlFunctions';
import { translateBatch } from '../../../../src/sandbox/sql/tsqlTranslator';
import type { SqlStatement, TranslationContext } from '../../../../src/sandbox/sql/tsqlTranslator';
import { SqlExecutionError } from '../../../../src/sandbox/sql/types';

const context: TranslationContext = {
  catalogues: [{ name: 'BPSPatients', isDefault: true, schema: 'main' }, { name: 'BPSDrugs', isDefault: false, schema: 'drugs' }],
};

function translateOne(text: string, ctx: TranslationContext = context): SqlStatement {
  const statements = translateBatch(text, ctx);
  assert.equal(statements.length, 1);
  assert.equal(statements[0].kind, 'sql');
  return statements[0] as SqlStatement;
}

describe('tsqlTranslator', () => {
  it('prints SQLite that SQLite runs: TOP → LIMIT, catalogues → schemas, identifiers in backticks', async () => {
    const SQL = await initSqlJs();
    const db = new SQL.Database();
    try {
      db.exec("ATTACH DATABASE ':memory:' AS drugs");
      db.exec('CREATE TABLE drugs.VACCINES (VACCINEID INTEGER PRIMARY KEY, VACCINENAME TEXT)');
      db.exec("INSERT INTO drugs.VACCINES VALUES (1, 'b'), (2, 'a'), (3, 'c')");
      registerTsqlFunctions(db, { now: () => new Date(2025, 0, 1) });
      const statement = translateOne('SELECT TOP 2 [VACCINENAME] FROM [BPSDrugs].[dbo].[VACCINES] ORDER BY VACCINENAME');
      assert.match(statement.sql, /LIMIT 2$/);
      assert.match(statement.sql, /FROM `drugs`\.`VACCINES`/);
      assert.deepEqual(db.exec(statement.sql)[0].values, [['a'], ['b']]);
      const unqualified = translateOne('SELECT COUNT(*) AS n FROM VACCINES', { ...context, catalogue: 'bpsdrugs' });
      assert.deepEqual(db.exec(unqualified.sql)[0].values, [[3]]);
    } finally {
      db.close();
    }
  });

  it('turns @variables into bound parameters and lists them', () => {
    const statement = translateOne('SELECT * FROM PATIENTS WHERE INTERNALID = @Id OR SURNAME = @id OR FIRSTNAME = @name');
    assert.deepEqual(statement.variables.sort(), ['id', 'name']);
    assert.match(statement.sql, /:v_id .*:v_id .*:v_name/);
  });

  it('keeps procedure calls for the database to route', () => {
    const [exec] = translateBatch("EXEC [dbo].[BP_X] 1, @b = N'x', @c = @out OUTPUT", context);
    assert.equal(exec.kind, 'exec');
    assert.deepEqual(exec.kind === 'exec' && { procedure: exec.procedure, args: exec.args }, {
      procedure: 'BP_X',
      args: [
        { name: undefined, value: 1, output: false },
        { name: '@b', value: 'x', output: false },
        { name: '@c', value: null, variable: '@out', output: true },
      ],
    });
  });

  it('refuses with SQL Server codes before SQLite sees anything', () => {
    const refused = (text: string, code: number): void => {
      assert.throws(() => translateBatch(text, context), (e: unknown) => e instanceof SqlExecutionError && e.errorCode === code);
    };
    refused('SELECT * FROM Elsewhere.dbo.X', 911);
    refused('SELECT * FROM sys.objects', 208);
    refused('SELECT dbo.MyFunction(1)', 4121);
    refused('SELECT DATEDIFF(fortnight, 1, 2)', 155);
    refused('SELECT LEFT(1)', 174);
    refused('SELECT @@ROWCOUNT', 50000);
    refused('UPDATE p SET SURNAME = t.TITLE FROM PATIENTS p JOIN TITLES t ON t.TITLECODE = p.TITLECODE', 50000);
    refused('SELECT * FROM', 102);
  });
});
