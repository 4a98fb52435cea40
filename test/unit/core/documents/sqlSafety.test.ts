import assert from 'node:assert/strict';
import { classifySql } from '../../../../src/core/documents/sqlSafety';

const verdictOf = (sql: string): [string, string[]] => {
  const { verdict, reasons } = classifySql(sql);
  return [verdict, reasons];
};

describe('core/documents classifySql', () => {
  it('reads: SELECTs as integrators write them', () => {
    const reads = [
      'SELECT 1',
      'select top 10 * from patients',
      'SELECT TOP (@n) p.FIRSTNAME, p.SURNAME FROM BPSPatients.dbo.PATIENTS p WITH (NOLOCK) WHERE p.SURNAME LIKE @s + \'%\'',
      "SELECT CONVERT(varchar(10), DOB, 103) AS dob FROM [dbo].[BPS_Patients] WHERE DOB >= DATEADD(year, -1, GETDATE())",
      'SELECT a.RECORDID FROM APPOINTMENTS a INNER JOIN PATIENTS p ON p.INTERNALID = a.INTERNALID ORDER BY 1 OFFSET 10 ROWS FETCH NEXT 5 ROWS ONLY',
      'SELECT * FROM P WHERE ID IN (SELECT ID FROM Q) UNION SELECT * FROM R',
      "SELECT 'DELETE FROM PATIENTS; DROP TABLE X' AS [UPDATE], \"INSERT\" FROM T",
      '/* DELETE */ SELECT 1 -- UPDATE PATIENTS',
      'WITH recent AS (SELECT * FROM VISITS WHERE VISITDATE > GETDATE() - 30) SELECT COUNT(*) FROM recent',
      'DECLARE @from DATE = \'2024-01-01\'; SELECT * FROM VISITS WHERE VISITDATE >= @from',
      'SET NOCOUNT ON; SET @x = (SELECT MAX(ID) FROM T); SELECT @x',
      'IF EXISTS (SELECT 1 FROM PATIENTS) SELECT 1 ELSE SELECT 2',
      'USE BPSPatients\nGO\nSELECT 1',
      '(SELECT 1)',
      'SELECT * FROM #scratch',
      'PRINT \'done\'',
    ];
    for (const sql of reads) assert.deepEqual(verdictOf(sql), ['read', []], sql);
  });

  it('reads: EXEC of procedures known to only read, with or without EXEC, in any case', () => {
    for (const sql of [
      "EXEC BP_GetPatientByNameDOB @firstname = 'Jo', @surname = 'Smith', @dob = '1975-03-02'",
      'exec bp_getallusers',
      'EXECUTE dbo.BP_GetFreeAppointments @userid = 3, @aptdate = @d',
      'BP_GetAppointmentBookUsers',
      'EXEC [BPSPatients].[dbo].[BP_GetPatientAppointments] 42;',
    ]) assert.deepEqual(verdictOf(sql), ['read', []], sql);
  });

  it('writes: DML and DDL, naming what writes', () => {
    const cases: [string, string][] = [
      ["UPDATE PATIENTS SET SURNAME = 'x' WHERE INTERNALID = 1", 'UPDATE PATIENTS'],
      ['update top (5) [dbo].[PATIENTS] set a = 1', 'UPDATE [dbo].[PATIENTS]'],
      ['INSERT INTO BPSPatients.dbo.TITLES (TITLECODE, TITLE) VALUES (9, \'Sir\')', 'INSERT INTO BPSPatients.dbo.TITLES'],
      ['insert TITLES values (9, \'Sir\')', 'INSERT INTO TITLES'],
      ['DELETE FROM dbo.PATIENTS WHERE 1 = 0', 'DELETE FROM dbo.PATIENTS'],
      ['delete PATIENTS', 'DELETE FROM PATIENTS'],
      ['MERGE INTO T USING S ON T.a = S.a WHEN MATCHED THEN UPDATE SET b = 1 WHEN NOT MATCHED THEN INSERT (a) VALUES (S.a);', 'MERGE INTO T'],
      ['TRUNCATE TABLE dbo.AUDIT', 'TRUNCATE TABLE dbo.AUDIT'],
      ['DROP TABLE IF EXISTS #scratch', 'DROP TABLE IF EXISTS #scratch'],
      ['ALTER TABLE PATIENTS ADD NICKNAME varchar(20)', 'ALTER TABLE PATIENTS'],
      ['CREATE OR ALTER PROCEDURE dbo.P AS SELECT 1', 'CREATE OR ALTER PROCEDURE dbo.P'],
      ['GRANT SELECT ON PATIENTS TO reporting', 'GRANT SELECT'],
      ['SELECT * INTO #t FROM PATIENTS', 'SELECT INTO #t'],
      ['SELECT SURNAME INTO dbo.Backup FROM PATIENTS', 'SELECT INTO dbo.Backup'],
      ['WITH x AS (SELECT INTERNALID FROM PATIENTS) UPDATE PATIENTS SET SURNAME = UPPER(SURNAME) WHERE INTERNALID IN (SELECT INTERNALID FROM x)', 'UPDATE PATIENTS'],
      ['WITH x AS (SELECT 1 AS a) DELETE FROM T WHERE a IN (SELECT a FROM x)', 'DELETE FROM T'],
    ];
    for (const [sql, reason] of cases) assert.deepEqual(verdictOf(sql), ['write', [reason]], sql);
  });

  it('writes: EXEC of procedures known to write, unknown procedures and dynamic SQL', () => {
    assert.deepEqual(verdictOf('EXEC BP_AddAppointment @aptdate = \'2025-01-01\', @apttime = 36000, @aptlen = 900, @practitionerid = 1, @patientid = 2, @locationid = 1'), ['write', ['EXEC BP_AddAppointment']]);
    assert.deepEqual(verdictOf('exec dbo.BP_CancelAppointment 12'), ['write', ['EXEC BP_CancelAppointment']]);
    assert.deepEqual(verdictOf('BP_AddPatient @surname = \'x\''), ['write', ['EXEC BP_AddPatient']]);
    assert.deepEqual(verdictOf('EXEC sp_rename \'T\', \'U\''), ['write', ['EXEC sp_rename']]);
    assert.deepEqual(verdictOf("EXEC ('DELETE FROM T')"), ['write', ['EXEC (dynamic SQL)']]);
    assert.deepEqual(verdictOf('EXECUTE @proc'), ['write', ['EXECUTE @proc (a procedure named at run time)']]);
  });

  it('a batch is as dangerous as its worst statement, and lists every reason in order', () => {
    assert.deepEqual(verdictOf('SELECT 1; DELETE FROM X'), ['write', ['DELETE FROM X']]);
    assert.deepEqual(verdictOf('SELECT 1\nGO\nUPDATE T SET a = 1\nGO\nEXEC BP_AddAppointment 1'), ['write', ['UPDATE T', 'EXEC BP_AddAppointment']]);
    // T-SQL needs no `;`: a write written straight after a read is still found.
    assert.deepEqual(verdictOf('SELECT 1 DELETE FROM X'), ['write', ['DELETE FROM X']]);
    assert.deepEqual(verdictOf('IF 1 = 1 SELECT 1 ELSE DELETE FROM X'), ['write', ['DELETE FROM X']]);
    assert.deepEqual(verdictOf('SELECT FROM WHERE; INSERT INTO T VALUES (1)'), ['write', ['could not parse statement 1', 'INSERT INTO T']]);
  });

  it('unknown: what cannot be proved read-only', () => {
    assert.deepEqual(verdictOf('SELECT FROM WHERE'), ['unknown', ['could not parse statement 1']]);
    assert.deepEqual(verdictOf('SELECT 1; SELEC 2'), ['unknown', ['could not parse statement 2']]);
    assert.deepEqual(verdictOf('SELEC 1'), ['unknown', ['could not parse statement 1']]);
    assert.deepEqual(verdictOf('EXEC BP_GetAllUsers SELECT * FROM P'), ['unknown', ['could not parse statement 1']]);
    assert.deepEqual(verdictOf("SELECT * FROM OPENQUERY(linked, 'SELECT 1')"), ['unknown', ['statement 1 uses OPENQUERY, which runs its query on another server']]);
    assert.deepEqual(verdictOf('BEGIN TRAN; SELECT 1; COMMIT'), ['unknown', ['statement 1 is not provably read-only (BEGIN)', 'could not parse statement 3']]);
    // A MERGE join hint is not a MERGE statement; the parser does not read join hints, so it stays unknown.
    assert.deepEqual(verdictOf('SELECT * FROM A INNER MERGE JOIN B ON A.x = B.x'), ['unknown', ['could not parse statement 1']]);
  });

  it('classifies each statement with its range, and an empty document as read', () => {
    const result = classifySql('SELECT 1;\nUPDATE T SET a = 1;');
    assert.deepEqual(result.statements.map((s) => [s.statement.text, s.verdict, s.statement.range.start.line]), [['SELECT 1;', 'read', 0], ['UPDATE T SET a = 1;', 'write', 1]]);
    assert.deepEqual(classifySql('-- nothing to run\n'), { verdict: 'read', reasons: [], statements: [] });
  });
});
