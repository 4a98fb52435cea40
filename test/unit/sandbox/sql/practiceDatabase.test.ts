import assert from 'node:assert/strict';
import type { Database } from 'sql.js';
import type { SandboxPracticeDatabase } from '../../../../src/sandbox/sql/practiceDatabase';
import { SqlExecutionError } from '../../../../src/sandbox/sql/types';
import type { Row, SqlCommandInput } from '../../../../src/sandbox/sql/types';
import { command, createTestDatabase } from './practiceFixture';

describe('SandboxPracticeDatabase', () => {
  let practice: SandboxPracticeDatabase;
  let db: Database;

  beforeEach(async () => {
    ({ practice, db } = await createTestDatabase());
  });
  afterEach(() => db.close());

  const rows = (text: string, extra: Partial<SqlCommandInput> = {}): Row[] => practice.execute(command(text, extra)).rows ?? [];
  const one = (expression: string): unknown => Object.values(rows(`SELECT ${expression} AS v`)[0])[0];
  const fails = (text: string, code: number, message: string | RegExp, extra: Partial<SqlCommandInput> = {}): void => {
    assert.throws(() => practice.execute(command(text, extra)), (error: unknown) => {
      assert.ok(error instanceof SqlExecutionError, `expected SqlExecutionError, got ${String(error)}`);
      assert.equal(error.errorCode, code, error.message);
      if (typeof message === 'string') assert.equal(error.message, message);
      else assert.match(error.message, message);
      return true;
    });
  };

  describe('real-world integrator queries', () => {
    it('TOP, brackets, dbo prefix, CONVERT style 103, LIKE and ORDER BY', () => {
      assert.deepEqual(
        rows("SELECT TOP 10 [InternalID], [Firstname], [Surname], CONVERT(varchar(10), DOB, 103) AS DOB FROM dbo.BPS_Patients WHERE Surname LIKE 'S%' ORDER BY Surname"),
        [
          { InternalID: 3, Firstname: 'Peter', Surname: 'Sanders', DOB: '15/06/2000' },
          { InternalID: 5, Firstname: 'Old', Surname: 'Sawyer', DOB: '02/03/1940' },
          { InternalID: 1, Firstname: 'John', Surname: 'Smith', DOB: '01/01/1970' },
          { InternalID: 2, Firstname: 'Jane', Surname: 'Stevens', DOB: '31/12/1985' },
        ],
      );
    });

    it('three-part names, string + concatenation and DATEDIFF(year) ages against GETDATE()', () => {
      assert.deepEqual(
        rows("SELECT p.INTERNALID, p.FIRSTNAME + ' ' + p.SURNAME AS FullName, DATEDIFF(year, p.DOB, GETDATE()) AS Age FROM BPSPatients.dbo.PATIENTS p WHERE p.RECORDSTATUS = 1 AND p.PATIENTSTATUS = 1"),
        [
          { INTERNALID: 1, FullName: 'John Smith', Age: 55 },
          { INTERNALID: 2, FullName: 'Jane Stevens', Age: 40 },
          { INTERNALID: 3, FullName: 'Peter Sanders', Age: 25 },
          { INTERNALID: 4, FullName: 'Mary Brown', Age: 56 },
        ],
      );
    });

    it('counts appointments of the last 30 days with DATEADD and CAST(GETDATE() AS date)', () => {
      // Now is 2025-06-15 10:30: the window starts 2025-05-16 00:00, so 05-16, 06-14 and 06-20 count and 05-15 does not.
      assert.deepEqual(rows('SELECT COUNT(*) AS Appointments FROM BPS_Appointments WHERE AppointmentDate >= DATEADD(day, -30, CAST(GETDATE() AS date))'), [{ Appointments: 3 }]);
    });

    it('ISNULL with an @id parameter', () => {
      const query = 'SELECT ISNULL(MobilePhone, HomePhone) AS Phone FROM BPS_Patients WHERE InternalID = @id';
      assert.deepEqual(rows(query, { parameters: [{ name: '@id', type: 'Int', value: '2' }] }), [{ Phone: '0292222222' }]);
      assert.deepEqual(rows(query, { parameters: [{ name: 'id', type: 'Int', value: '1' }] }), [{ Phone: '0411111111' }]);
    });

    it('joins USERS, TITLES and LOCATIONS with a LEFT JOIN keeping a user without location', () => {
      assert.deepEqual(
        rows("SELECT u.USERID, t.TITLE + ' ' + u.FIRSTNAME + ' ' + u.SURNAME AS Name, l.LOCATIONNAME FROM USERS u JOIN TITLES t ON t.TITLECODE = u.TITLECODE LEFT JOIN LOCATIONS l ON l.LOCATIONID = u.LOCATIONID WHERE u.USERSTATUS = 1"),
        [
          { USERID: 1, Name: 'Dr Alice Nguyen', LOCATIONNAME: 'Main Clinic' },
          { USERID: 2, Name: 'Dr Bob Stone', LOCATIONNAME: null },
        ],
      );
    });

    it('reads BPSDrugs through its three-part name', () => {
      assert.deepEqual(rows('SELECT VACCINENAME FROM BPSDrugs.dbo.VACCINES ORDER BY VACCINENAME'), [
        { VACCINENAME: 'Boostrix' }, { VACCINENAME: 'Comirnaty' }, { VACCINENAME: 'Fluvax' },
      ]);
    });
  });

  describe('names and catalogues', () => {
    it('accepts [catalogue].[dbo].[table] and bracketed names with spaces', () => {
      assert.equal(rows('SELECT COUNT(*) AS n FROM [BPSDrugs].[dbo].[VACCINES]')[0].n, 3);
      assert.deepEqual(rows('SELECT [Surname] AS [Family Name] FROM [dbo].[BPS_Patients] WHERE [InternalID] = 4'), [{ 'Family Name': 'Brown' }]);
    });

    it('resolves unqualified names in the request catalogue', () => {
      assert.equal(rows('SELECT COUNT(*) AS n FROM VACCINES', { catalogue: 'BPSDrugs' })[0].n, 3);
      fails('SELECT COUNT(*) AS n FROM VACCINES', 208, "Invalid object name 'VACCINES'.");
      fails('SELECT 1 FROM Nowhere.dbo.X', 911, "Database 'Nowhere' does not exist. Make sure that the name is entered correctly.");
      fails('SELECT 1 FROM other.PATIENTS', 208, "Invalid object name 'other.PATIENTS'.");
    });

    it('names columns as the query wrote them, unnamed expressions "" and duplicates keep the last value', () => {
      assert.deepEqual(Object.keys(rows('SELECT internalid, p.Surname FROM PATIENTS p WHERE INTERNALID = 1')[0]), ['internalid', 'Surname']);
      assert.deepEqual(rows("SELECT 1 + 1, 'x' AS a, 'y' AS a"), [{ '': 2, a: 'y' }]);
      assert.deepEqual(rows('SELECT Total = 2 * 3'), [{ Total: 6 }]);
      const odd = rows('SELECT 1 AS [__proto__], 2 AS [a"b\\c]')[0];
      assert.deepEqual(Object.entries(odd), [['__proto__', 1], ['a"b\\c', 2]]);
    });

    it('returns BLOBs as base64 text', () => {
      db.run('CREATE TABLE DOCUMENTS (DOCUMENTID INTEGER PRIMARY KEY, BODY BLOB)');
      db.run('INSERT INTO DOCUMENTS VALUES (1, ?)', [new Uint8Array([1, 2, 3, 250])]);
      assert.deepEqual(rows('SELECT DOCUMENTID, BODY FROM dbo.DOCUMENTS'), [{ DOCUMENTID: 1, BODY: 'AQID+g==' }]);
    });
  });

  describe('TOP, paging and clauses', () => {
    it('TOP (n), TOP n PERCENT (rounded up) and OFFSET … FETCH', () => {
      assert.deepEqual(rows('SELECT TOP (2) InternalID FROM BPS_Patients ORDER BY InternalID DESC'), [{ InternalID: 5 }, { InternalID: 4 }]);
      // 5 visible patients: 50 percent is 2.5, rounded up to 3.
      assert.equal(rows('SELECT TOP 50 PERCENT InternalID FROM BPS_Patients ORDER BY InternalID').length, 3);
      assert.deepEqual(rows('SELECT InternalID FROM BPS_Patients ORDER BY InternalID OFFSET 1 ROWS FETCH NEXT 2 ROWS ONLY'), [{ InternalID: 2 }, { InternalID: 3 }]);
      assert.deepEqual(
        rows('SELECT TOP (@n) InternalID FROM BPS_Patients ORDER BY InternalID', { parameters: [{ name: '@n', type: 'Int', value: '1' }] }),
        [{ InternalID: 1 }],
      );
    });

    it('GROUP BY, HAVING, DISTINCT, IN, BETWEEN, CASE and COUNT(DISTINCT)', () => {
      assert.deepEqual(rows('SELECT USERID, COUNT(*) AS n FROM APPOINTMENTS GROUP BY USERID HAVING COUNT(*) > 2'), [{ USERID: 1, n: 3 }]);
      assert.deepEqual(rows('SELECT DISTINCT USERID FROM APPOINTMENTS ORDER BY USERID'), [{ USERID: 1 }, { USERID: 2 }]);
      assert.equal(rows('SELECT COUNT(DISTINCT INTERNALID) AS n FROM APPOINTMENTS')[0].n, 4);
      assert.deepEqual(rows('SELECT INTERNALID FROM PATIENTS WHERE INTERNALID IN (2, 4) ORDER BY 1'), [{ INTERNALID: 2 }, { INTERNALID: 4 }]);
      assert.deepEqual(
        rows("SELECT INTERNALID, CASE WHEN DOB < '1970-01-01' THEN 'before' ELSE 'after' END AS era FROM PATIENTS WHERE DOB BETWEEN '1969-12-31' AND '1970-01-01' ORDER BY INTERNALID"),
        [{ INTERNALID: 1, era: 'after' }, { INTERNALID: 4, era: 'before' }],
      );
    });

    it('compares datetime columns with date literals as SQL Server does', () => {
      assert.equal(rows("SELECT COUNT(*) AS n FROM PATIENTS WHERE DOB >= '1970-01-01'")[0].n, 3);
      assert.equal(rows("SELECT COUNT(*) AS n FROM PATIENTS WHERE DOB <= '1970-01-01'")[0].n, 4);
      assert.equal(rows("SELECT COUNT(*) AS n FROM PATIENTS WHERE DOB = '1970-01-01 00:00'")[0].n, 1);
      assert.equal(rows("SELECT COUNT(*) AS n FROM PATIENTS WHERE CONVERT(varchar(10), DOB, 23) = '1970-01-01'")[0].n, 1);
      assert.equal(rows("SELECT COUNT(*) AS n FROM PATIENTS WHERE MEDICARENO = '29509417'")[0].n, 0);
    });

    it('compares and sorts text case-insensitively, like Best Practice collation', () => {
      assert.deepEqual(rows("SELECT Surname FROM BPS_Patients WHERE Surname = 'smith'"), [{ Surname: 'Smith' }]);
      db.run("UPDATE PATIENTS SET SURNAME = 'adams' WHERE INTERNALID = 4");
      assert.equal(rows('SELECT TOP 1 Surname FROM BPS_Patients ORDER BY Surname')[0].Surname, 'adams');
    });

    it('subqueries, CTEs, UNION and ROW_NUMBER() OVER', () => {
      assert.deepEqual(
        rows('SELECT Surname FROM BPS_Patients WHERE InternalID IN (SELECT INTERNALID FROM APPOINTMENTS WHERE USERID = 2) ORDER BY Surname'),
        [{ Surname: 'Sanders' }, { Surname: 'Smith' }],
      );
      assert.deepEqual(
        rows('WITH recent AS (SELECT INTERNALID, MAX(APPOINTMENTDATE) AS lastSeen FROM APPOINTMENTS GROUP BY INTERNALID) SELECT TOP 1 INTERNALID, lastSeen FROM recent ORDER BY lastSeen DESC'),
        [{ INTERNALID: 4, lastSeen: '2025-06-20T00:00:00' }],
      );
      assert.deepEqual(rows('SELECT TITLE AS t FROM TITLES WHERE TITLECODE = 1 UNION SELECT SEX FROM SEX WHERE SEXCODE = 2 ORDER BY t'), [{ t: 'Dr' }, { t: 'Female' }]);
      assert.deepEqual(
        rows('SELECT RECORDID, ROW_NUMBER() OVER (PARTITION BY USERID ORDER BY APPOINTMENTDATE) AS rn FROM APPOINTMENTS WHERE USERID = 2 ORDER BY RECORDID'),
        [{ RECORDID: 3, rn: 2 }, { RECORDID: 4, rn: 1 }],
      );
    });
  });

  describe('more T-SQL forms', () => {
    it('N strings, keyword-named columns, ORDER BY an alias, IS NULL, NOT LIKE, EXISTS and STRING_AGG', () => {
      db.run("INSERT INTO HISTORY (INTERNALID, YEAR, CONDITION, STATUS, CREATED, UPDATED) VALUES (1, 2010, 'Asthma', 'Active', '', '')");
      assert.deepEqual(rows("SELECT InternalID FROM BPS_Patients WHERE Surname = N'Smith'"), [{ InternalID: 1 }]);
      assert.deepEqual(rows('SELECT Year, [Condition] FROM BPS_History'), [{ Year: 2010, Condition: 'Asthma' }]);
      assert.deepEqual(rows('SELECT TOP 2 INTERNALID, DATEDIFF(year, DOB, GETDATE()) AS Age FROM PATIENTS ORDER BY Age DESC'), [
        { INTERNALID: 5, Age: 85 }, { INTERNALID: 6, Age: 75 },
      ]);
      assert.deepEqual(
        rows("SELECT INTERNALID FROM PATIENTS p WHERE MOBILEPHONE IS NULL AND SURNAME NOT LIKE 'S%' AND EXISTS (SELECT 1 FROM APPOINTMENTS a WHERE a.INTERNALID = p.INTERNALID)"),
        [{ INTERNALID: 4 }],
      );
      assert.deepEqual(rows('SELECT INTERNALID FROM PATIENTS p WHERE NOT EXISTS (SELECT 1 FROM APPOINTMENTS a WHERE a.INTERNALID = p.INTERNALID) ORDER BY 1'), [
        { INTERNALID: 5 }, { INTERNALID: 6 },
      ]);
      assert.deepEqual(rows("SELECT STRING_AGG(TITLE, '/') AS t FROM TITLES"), [{ t: 'Dr/Mr/Ms' }]);
    });

    it('GO separates batches and an EXEC inside a batch runs after the first result set', () => {
      assert.deepEqual(rows('SELECT 1 AS a\nGO\nSELECT 2 AS b'), [{ a: 1 }]);
      const outcome = practice.execute(command(
        "SELECT COUNT(*) AS n FROM APPOINTMENTS; EXEC BP_AddAppointment @aptdate = '2025-08-01', @apttime = 1, @aptlen = 2, @practitionerid = 1, @patientid = 1, @locationid = 1",
      ));
      assert.deepEqual(outcome.rows, [{ n: 5 }]);
      assert.equal(outcome.rowsAffected, 1);
      assert.equal(rows('SELECT COUNT(*) AS n FROM APPOINTMENTS')[0].n, 6);
    });
  });

  describe('T-SQL functions', () => {
    it('clock functions follow the injected now', () => {
      assert.equal(one('GETDATE()'), '2025-06-15T10:30:00');
      assert.equal(one('SYSDATETIME()'), '2025-06-15T10:30:00');
      assert.equal(one('CURRENT_TIMESTAMP'), '2025-06-15T10:30:00');
      assert.equal(one('CONVERT(date, GETDATE())'), '2025-06-15T00:00:00');
    });

    it('DATEADD with every part and abbreviation', () => {
      const cases: [string, string][] = [
        ["DATEADD(day, 1, '2024-02-28')", '2024-02-29T00:00:00'], ["DATEADD(dd, -1, '2024-03-01')", '2024-02-29T00:00:00'],
        ["DATEADD(month, 1, '2024-01-31')", '2024-02-29T00:00:00'], ["DATEADD(mm, 13, '2024-01-15')", '2025-02-15T00:00:00'],
        ["DATEADD(year, 1, '2024-02-29')", '2025-02-28T00:00:00'], ["DATEADD(yy, -2, '2024-05-05')", '2022-05-05T00:00:00'],
        ["DATEADD(yyyy, 1, '2024-05-05')", '2025-05-05T00:00:00'], ["DATEADD(hour, 25, '2024-05-05T00:00:00')", '2024-05-06T01:00:00'],
        ["DATEADD(hh, 1, '2024-05-05')", '2024-05-05T01:00:00'], ["DATEADD(minute, 90, '2024-05-05')", '2024-05-05T01:30:00'],
        ["DATEADD(mi, -1, '2024-05-05')", '2024-05-04T23:59:00'], ["DATEADD(second, 61, '2024-05-05')", '2024-05-05T00:01:01'],
        ["DATEADD(ss, 1, '2024-05-05')", '2024-05-05T00:00:01'], ["DATEADD(week, 2, '2024-05-05')", '2024-05-19T00:00:00'],
        ["DATEADD(wk, -1, '2024-05-05')", '2024-04-28T00:00:00'],
      ];
      for (const [expression, expected] of cases) assert.equal(one(expression), expected, expression);
    });

    it('DATEDIFF counts boundaries, DATEPART, DATENAME, YEAR/MONTH/DAY and EOMONTH', () => {
      assert.equal(one("DATEDIFF(year, '2000-12-31', '2001-01-01')"), 1);
      assert.equal(one("DATEDIFF(month, '2024-01-31', '2024-02-01')"), 1);
      assert.equal(one("DATEDIFF(day, '2024-01-01T23:59:00', '2024-01-02T00:00:00')"), 1);
      assert.equal(one("DATEDIFF(week, '2024-05-04', '2024-05-05')"), 1); // Saturday → Sunday
      assert.equal(one("DATEDIFF(hour, '2024-01-01T10:59:00', '2024-01-01T11:00:00')"), 1);
      assert.equal(one("DATEDIFF(dd, GETDATE(), '2025-06-20')"), 5);
      assert.equal(one("DATEPART(dw, '2024-05-05')"), 1);
      assert.equal(one("DATEPART(quarter, '2024-05-05')"), 2);
      assert.equal(one("DATENAME(month, '2024-05-05')"), 'May');
      assert.equal(one("DATENAME(weekday, '2024-05-05')"), 'Sunday');
      assert.deepEqual(rows("SELECT YEAR(DOB) AS y, MONTH(DOB) AS m, DAY(DOB) AS d FROM PATIENTS WHERE INTERNALID = 2"), [{ y: 1985, m: 12, d: 31 }]);
      assert.equal(one("EOMONTH('2024-02-10')"), '2024-02-29T00:00:00');
      assert.equal(one("EOMONTH('2024-02-10', 1)"), '2024-03-31T00:00:00');
    });

    it('CONVERT styles and CAST targets', () => {
      const dob = "'1985-12-31T14:05:09'";
      const styles: [number, string][] = [[23, '1985-12-31'], [103, '31/12/1985'], [101, '12/31/1985'], [111, '1985/12/31'], [112, '19851231'],
        [120, '1985-12-31 14:05:09'], [121, '1985-12-31 14:05:09.000'], [126, '1985-12-31T14:05:09']];
      for (const [style, expected] of styles) assert.equal(one(`CONVERT(varchar(30), ${dob}, ${style})`), expected, `style ${style}`);
      assert.equal(one(`CONVERT(varchar(10), ${dob}, 120)`), '1985-12-31');
      assert.equal(one(`CAST(${dob} AS varchar(20))`), 'Dec 31 1985  2:05PM');
      assert.equal(one("CONVERT(date, '31/12/1985', 103)"), '1985-12-31T00:00:00');
      assert.equal(one("CAST('2024-05-05 13:45' AS datetime)"), '2024-05-05T13:45:00');
      assert.equal(one('CAST(2.99 AS int)'), 2);
      assert.equal(one("CAST('42' AS int)"), 42);
      assert.equal(one('CAST(2.345 AS decimal(10,2))'), 2.35);
      assert.equal(one("CAST('true' AS bit)"), 1);
      fails("SELECT CAST('abc' AS bit)", 245, "Conversion failed when converting the varchar value 'abc' to data type bit.");
    });

    it('TRY_CAST and TRY_CONVERT return NULL where CAST fails', () => {
      assert.equal(one("TRY_CAST('abc' AS int)"), null);
      assert.equal(one("TRY_CAST('12' AS int)"), 12);
      assert.equal(one("TRY_CONVERT(date, 'not a date')"), null);
      assert.equal(one("TRY_CONVERT(int, '7')"), 7);
    });

    it('string functions', () => {
      assert.equal(one("LEN('abc   ')"), 3);
      assert.equal(one("LTRIM('  a ') + '|' + RTRIM(' a  ') + '|' + TRIM('  a  ')"), 'a | a|a');
      assert.equal(one("UPPER('ab') + LOWER('CD')"), 'ABcd');
      assert.equal(one("SUBSTRING('Hello', 2, 3)"), 'ell');
      assert.equal(one("LEFT('Hello', 2) + RIGHT('Hello', 2)"), 'Helo');
      assert.equal(one("CHARINDEX('L', 'hello')"), 3);
      assert.equal(one("CHARINDEX('z', 'hello')"), 0);
      assert.equal(one("REPLACE('Hello hello', 'HELLO', 'bye')"), 'bye bye');
      assert.equal(one("CONCAT('a', NULL, 1, 'b')"), 'a1b');
      assert.equal(one("FORMAT(CAST('2024-05-05' AS date), 'dd/MM/yyyy')"), '05/05/2024');
      assert.equal(one("FORMAT(1234.5, 'N2')"), '1,234.50');
    });

    it('null handling, IIF and numbers', () => {
      assert.equal(one('COALESCE(NULL, NULL, 3)'), 3);
      assert.equal(one('NULLIF(1, 1)'), null);
      assert.equal(one("IIF(1 > 2, 'yes', 'no')"), 'no');
      assert.equal(one('ROUND(2.5, 0)'), 3);
      assert.equal(one('ROUND(-2.5, 0)'), -3);
      assert.equal(one('ROUND(1234.567, -2)'), 1200);
      assert.equal(one('ABS(-4)'), 4);
      assert.equal(one('FLOOR(-1.5)'), -2);
      assert.equal(one('CEILING(1.2)'), 2);
      assert.match(String(one('NEWID()')), /^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/);
    });

    it('+ concatenates text, adds numbers, adds days to datetimes and propagates NULL', () => {
      assert.equal(one("'1' + '2'"), '12');
      assert.equal(one('1 + 2'), 3);
      assert.equal(one("'5' + 1"), 6);
      assert.equal(one("NULL + 'a'"), null);
      assert.equal(one('GETDATE() + 1'), '2025-06-16T10:30:00');
      assert.equal(one('GETDATE() - 30'), '2025-05-16T10:30:00');
      fails("SELECT 'abc' + 1", 245, "Conversion failed when converting the varchar value 'abc' to data type int.");
    });

    it('DECLARE @x int = 5; SELECT @x', () => {
      assert.deepEqual(rows('DECLARE @x int = 5; SELECT @x + 1 AS y'), [{ y: 6 }]);
      assert.deepEqual(rows("DECLARE @since datetime = DATEADD(day, -30, CAST(GETDATE() AS date)); SELECT COUNT(*) AS n FROM APPOINTMENTS WHERE APPOINTMENTDATE >= @since"), [{ n: 3 }]);
    });
  });

  describe('parameters', () => {
    it('converts values by SqlDbType', () => {
      const out = rows('SELECT @i AS i, @b AS b, @d AS d, @dt AS dt, @s AS s, @n AS n', {
        parameters: [
          { name: '@i', type: 'Int', value: '42' }, { name: '@b', type: 'Bit', value: 'true' }, { name: '@d', type: 'Decimal', value: '1.25' },
          { name: '@dt', type: 'DateTime', value: '2024-05-05 09:30' }, { name: '@s', type: 'NVarChar', value: '007' }, { name: '@n', type: 'Int', value: null },
        ],
      });
      assert.deepEqual(out, [{ i: 42, b: 1, d: 1.25, dt: '2024-05-05T09:30:00', s: '007', n: null }]);
    });

    it('a Date parameter finds the patient born that day', () => {
      assert.deepEqual(
        rows('SELECT InternalID FROM BPS_Patients WHERE DOB = @dob', { parameters: [{ name: '@dob', type: 'Date', value: '1970-01-01' }] }),
        [{ InternalID: 1 }],
      );
    });

    it('refuses an undeclared variable and a bad value', () => {
      fails('SELECT @missing', 137, 'Must declare the scalar variable "@missing".');
      fails('SELECT @i', 8114, 'Error converting data type nvarchar to int.', { parameters: [{ name: '@i', type: 'Int', value: 'x' }] });
    });
  });

  describe('execution modes and batches', () => {
    it('scalar returns the first column of the first row', () => {
      assert.deepEqual(practice.execute(command('SELECT Surname, Firstname FROM BPS_Patients ORDER BY InternalID', { executionMode: 'scalar' })).rows, [{ Surname: 'Smith' }]);
      assert.deepEqual(practice.execute(command('SELECT Surname FROM BPS_Patients WHERE 1 = 0', { executionMode: 'scalar' })).rows, []);
    });

    it('nonQuery sums rows affected and writes persist', () => {
      const outcome = practice.execute(command(
        "UPDATE PATIENTS SET MOBILEPHONE = '0500000000' WHERE INTERNALID IN (2, 4); DELETE FROM dbo.APPOINTMENTS WHERE RECORDID = 4",
        { executionMode: 'nonQuery' },
      ));
      assert.equal(outcome.rowsAffected, 3);
      assert.equal(outcome.rows, undefined);
      assert.deepEqual(rows('SELECT MobilePhone FROM BPS_Patients WHERE InternalID = 4'), [{ MobilePhone: '0500000000' }]);
      assert.equal(rows('SELECT COUNT(*) AS n FROM APPOINTMENTS')[0].n, 4);
      assert.equal(practice.execute(command('SELECT 1', { executionMode: 'nonQuery' })).rowsAffected, -1);
    });

    it('INSERT stores dates in the stored form and is readable afterwards', () => {
      const outcome = practice.execute(command(
        "INSERT INTO BPSPatients.dbo.APPOINTMENTS (INTERNALID, USERID, APPOINTMENTDATE, APPOINTMENTTIME, APPOINTMENTLENGTH, CREATED, UPDATED) VALUES (@p, 1, '2025-07-01', 36000, 900, GETDATE(), GETDATE())",
        { executionMode: 'nonQuery', parameters: [{ name: '@p', type: 'Int', value: '3' }] },
      ));
      assert.equal(outcome.rowsAffected, 1);
      db.run('CREATE TABLE NOTES ([Note Text] TEXT)');
      practice.execute(command("INSERT INTO NOTES ([Note Text]) VALUES ('hello')", { executionMode: 'nonQuery' }));
      assert.deepEqual(rows('SELECT [Note Text] FROM NOTES'), [{ 'Note Text': 'hello' }]);
      assert.deepEqual(rows("SELECT INTERNALID, APPOINTMENTDATE, CREATED FROM APPOINTMENTS WHERE APPOINTMENTDATE = '2025-07-01'"), [
        { INTERNALID: 3, APPOINTMENTDATE: '2025-07-01T00:00:00', CREATED: '2025-06-15T10:30:00' },
      ]);
    });

    it('a batch returns its first result set', () => {
      assert.deepEqual(rows("UPDATE TITLES SET TITLE = 'Prof' WHERE TITLECODE = 1; SELECT TITLE FROM TITLES WHERE TITLECODE = 1; SELECT 2 AS two"), [{ TITLE: 'Prof' }]);
      assert.deepEqual(rows('SET NOCOUNT ON; SELECT 1 AS one;;'), [{ one: 1 }]);
    });
  });

  describe('stored procedures', () => {
    it('runs a procedure by name with parameters bound case-insensitively, @ optional', () => {
      for (const text of ['BP_GetPatientByNameDOB', 'dbo.bp_getpatientbynamedob', '[dbo].[BP_GetPatientByNameDOB]']) {
        const outcome = practice.execute({
          text, type: 'storedProcedure', executionMode: 'reader',
          parameters: [
            { name: '@FirstName', type: 'VarChar', value: 'john' }, { name: 'surname', type: 'VarChar', value: 'SMITH' },
            { name: '@dob', type: 'DateTime', value: '1970-01-01' },
          ],
        });
        assert.deepEqual(outcome.rows, [{ InternalID: 1, Firstname: 'John', Surname: 'Smith' }], text);
      }
    });

    it('returns output parameters and the return value as strings, and the write persists', () => {
      const outcome = practice.execute({
        text: 'BP_AddAppointment', type: 'storedProcedure', executionMode: 'nonQuery',
        parameters: [
          { name: '@aptdate', type: 'DateTime', value: '2025-07-02' }, { name: '@apttime', type: 'Int', value: '32400' },
          { name: '@aptlen', type: 'Int', value: '900' }, { name: '@practitionerid', type: 'Int', value: '1' },
          { name: '@patientid', type: 'Int', value: '2' }, { name: '@locationid', type: 'Int', value: '1' },
          { name: '@aptid', type: 'Int', direction: 'output', value: null },
          { name: '@RETURN_VALUE', type: 'Int', direction: 'returnValue' },
        ],
      });
      assert.equal(outcome.rowsAffected, 1);
      assert.deepEqual(outcome.parameters.map((p) => [p.name, p.value]), [['@aptid', '6'], ['@RETURN_VALUE', '6']]);
      assert.deepEqual(rows('SELECT INTERNALID, APPOINTMENTDATE FROM APPOINTMENTS WHERE RECORDID = 6'), [{ INTERNALID: 2, APPOINTMENTDATE: '2025-07-02T00:00:00' }]);
    });

    it('EXEC and EXECUTE in text commands, named and positional, with OUTPUT into a variable', () => {
      assert.deepEqual(rows("EXEC BP_GetPatientByNameDOB @firstname = 'Jane', @surname = 'Stevens', @dob = '1985-12-31'"), [{ InternalID: 2, Firstname: 'Jane', Surname: 'Stevens' }]);
      assert.deepEqual(rows("EXECUTE dbo.BP_GetPatientByNameDOB 'Mary', N'Brown', '19691231';"), [{ InternalID: 4, Firstname: 'Mary', Surname: 'Brown' }]);
      const outcome = practice.execute(command("EXEC @rc = BP_AddAppointment '2025-07-03', 36000, 900, 2, 1, 1, @id OUTPUT", {
        executionMode: 'nonQuery',
        parameters: [{ name: '@id', type: 'Int', direction: 'output' }, { name: '@rc', type: 'Int', direction: 'output' }],
      }));
      assert.deepEqual(outcome.parameters.map((p) => p.value), ['6', '6']);
    });

    it('reports missing procedures and parameters as SQL Server does', () => {
      fails('selct', 2812, "Could not find stored procedure 'selct'.", { type: 'storedProcedure' });
      fails('EXEC BP_Nope', 2812, "Could not find stored procedure 'BP_Nope'.");
      fails('selct * from PATIENTS', 2812, "Could not find stored procedure 'selct'.");
      fails("EXEC BP_GetPatientByNameDOB @firstname = 'x', @surname = 'y'", 201,
        "Procedure or function 'BP_GetPatientByNameDOB' expects parameter '@dob', which was not supplied.");
      fails("EXEC BP_GetPatientByNameDOB @firstname = 'x', @bogus = 1", 8145, '@bogus is not a parameter for procedure BP_GetPatientByNameDOB.');
    });
  });

  describe('errors', () => {
    it('maps SQLite failures to SQL Server codes and messages', () => {
      fails('SELECT * FROM dbo.BPS_Patient', 208, "Invalid object name 'BPS_Patient'.");
      fails('SELECT Nope FROM BPS_Patients', 207, "Invalid column name 'Nope'.");
      fails('SELECT FROM WHERE', 102, /^Incorrect syntax near '/);
      fails('SELECT 1 FROM PATIENTS LIMIT 1', 102, "Incorrect syntax near 'LIMIT'.");
      fails('SELECT SOUNDEX2(Surname) FROM PATIENTS', 195, "'SOUNDEX2' is not a recognized built-in function name.");
      fails("SELECT DATEADD(fortnight, 1, '2024-01-01')", 155, "'fortnight' is not a recognized dateadd option.");
      fails("SELECT CAST('x' AS int)", 245, "Conversion failed when converting the varchar value 'x' to data type int.");
      fails("SELECT CAST('31/02/2024' AS date)", 241, 'Conversion failed when converting date and/or time from character string.');
      fails("SELECT 'abc", 105, /^Unclosed quotation mark/);
    });

    it('names the constructs the Sandbox cannot run', () => {
      fails('MERGE INTO PATIENTS USING TITLES ON 1 = 0 WHEN MATCHED THEN DELETE;', 50000, 'The Sandbox cannot run MERGE statements.');
      fails('SELECT * FROM (SELECT USERID, INTERNALID FROM APPOINTMENTS) s PIVOT (COUNT(INTERNALID) FOR USERID IN ([1], [2])) p', 50000, "'PIVOT' is not supported by the Sandbox.");
      fails('SELECT * INTO #t FROM PATIENTS', 50000, "Temporary tables ('#t') are not supported by the Sandbox.");
      fails('SELECT INTERNALID FROM PATIENTS FOR XML PATH', 50000, "'FOR XML' is not supported by the Sandbox.");
      fails('SELECT * FROM PATIENTS p CROSS APPLY (SELECT 1 AS x) q', 50000, "'CROSS APPLY' and 'OUTER APPLY' are not supported by the Sandbox.");
      fails('CREATE TABLE X (A INT)', 50000, 'The Sandbox cannot run CREATE statements.');
    });
  });
});
