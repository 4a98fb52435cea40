import assert from 'node:assert/strict';
import { checkParameterValue, findSqlParameters, toWireParameters } from '../../../../src/core/documents/sqlParameters';

const names = (sql: string): string[] => findSqlParameters(sql).map((p) => p.name);
const types = (sql: string): Record<string, string> => Object.fromEntries(findSqlParameters(sql).map((p) => [p.name, p.type]));

describe('core/documents findSqlParameters', () => {
  it('lists parameters in order of first use, once each, ignoring case', () => {
    assert.deepEqual(names('SELECT * FROM PATIENTS WHERE SURNAME = @Surname AND FIRSTNAME = @first OR SURNAME = @surname'), ['@Surname', '@first']);
  });

  it('leaves out variables the text declares, in lists and table declarations', () => {
    assert.deepEqual(names('DECLARE @a INT = @seed, @b VARCHAR(10); DECLARE @t TABLE (id INT); SELECT @a, @b, @c FROM @t'), ['@seed', '@c']);
    assert.deepEqual(names('DECLARE @x INT = (SELECT MAX(ID) FROM T WHERE K = @k)\nSELECT @x, @y'), ['@k', '@y']);
  });

  it('ignores @@ system functions, strings, comments and bracketed names', () => {
    assert.deepEqual(names("SELECT @@VERSION, @@ROWCOUNT, '@notme', N'@nor me' /* @hidden */ -- @gone\nFROM [@weird] WHERE a = @real AND b = \"@quoted\""), ['@real']);
  });

  it('does not take EXEC argument names for variables, but keeps the values and return variables', () => {
    assert.deepEqual(names("EXEC BP_GetPatientByNameDOB @firstname = @first, @surname = 'Smith', @dob = @dob"), ['@first', '@dob']);
    assert.deepEqual(names('EXEC @rc = dbo.BP_AddAppointment @aptdate = @date, @apttime = 36000'), ['@rc', '@date']);
    assert.deepEqual(names('EXECUTE [dbo].[BP_GetFreeAppointments] @userid, @aptdate'), ['@userid', '@aptdate']);
  });

  it("leaves out a procedure's own parameters", () => {
    assert.deepEqual(names('CREATE PROCEDURE dbo.P @a INT, @b DATE = NULL AS SELECT * FROM T WHERE x = @a AND y = @b AND z = @c'), ['@c']);
  });

  it('infers DateTime from comparison with a date-ish column, either side, qualified or bracketed', () => {
    assert.deepEqual(types('SELECT * FROM PATIENTS p WHERE p.DOB >= @from AND @to > APPOINTMENTDATE AND [CREATED] < @created AND a.UPDATED = @updated'), {
      '@from': 'DateTime', '@to': 'DateTime', '@created': 'DateTime', '@updated': 'DateTime',
    });
    assert.deepEqual(types('SELECT * FROM VISITS WHERE VISITDATE BETWEEN @start AND @end'), { '@start': 'DateTime', '@end': 'DateTime' });
    assert.deepEqual(types('SELECT * FROM A WHERE @when <= GETDATE() AND DATE_OF_BIRTH = @birth'), { '@when': 'DateTime', '@birth': 'DateTime' });
  });

  it('keeps integer time-of-day columns (Best Practice seconds) and plain columns as NVarChar', () => {
    assert.deepEqual(types('SELECT * FROM APPOINTMENTS WHERE APPOINTMENTTIME = @time AND VALIDATED = @v AND SURNAME = @s'), {
      '@time': 'NVarChar', '@v': 'NVarChar', '@s': 'NVarChar',
    });
  });

  it('infers NVarChar from LIKE and Int from TOP, OFFSET and FETCH', () => {
    assert.deepEqual(types("SELECT TOP (@n) * FROM PATIENTS WHERE SURNAME LIKE @pattern OR FIRSTNAME LIKE '%' + @part + '%'"), {
      '@n': 'Int', '@pattern': 'NVarChar', '@part': 'NVarChar',
    });
    assert.deepEqual(types('SELECT TOP @m * FROM T ORDER BY 1 OFFSET @skip ROWS FETCH NEXT @take ROWS ONLY'), { '@m': 'Int', '@skip': 'Int', '@take': 'Int' });
  });

  it('uses the first use that says something about the type', () => {
    assert.deepEqual(types('SELECT @d AS shown FROM T WHERE DOB = @d'), { '@d': 'DateTime' });
  });

  it('finds nothing in text without parameters', () => {
    assert.deepEqual(findSqlParameters('SELECT 1'), []);
    assert.deepEqual(findSqlParameters(''), []);
  });
});

describe('core/documents toWireParameters and checkParameterValue', () => {
  it('makes input Parameters with @ names', () => {
    assert.deepEqual(toWireParameters([
      { name: '@dob', type: 'DateTime', value: '1975-03-02' },
      { name: 'surname', type: 'NVarChar', value: null },
    ]), [
      { name: '@dob', direction: 'input', type: 'DateTime', value: '1975-03-02' },
      { name: '@surname', direction: 'input', type: 'NVarChar', value: null },
    ]);
    assert.deepEqual(toWireParameters([]), []);
  });

  it('accepts values that fit their type', () => {
    const good: [Parameters<typeof checkParameterValue>[0], string | null][] = [
      ['Int', '42'], ['Int', '-2147483648'], ['TinyInt', '255'], ['BigInt', '9223372036854775807'], ['Bit', 'true'],
      ['Decimal', '12.50'], ['Float', '-1e3'], ['DateTime', '1975-03-02'], ['DateTime', '2024-02-29T09:30:00'],
      ['Date', '2024-12-31'], ['UniqueIdentifier', '3F2504E0-4F89-11D3-9A0C-0305E82C3301'], ['NVarChar', 'anything'], ['Int', null],
    ];
    for (const [type, value] of good) assert.equal(checkParameterValue(type, value), undefined, `${type} ${value}`);
  });

  it('explains values that do not fit', () => {
    assert.equal(checkParameterValue('Int', '4.2'), 'Int needs a whole number.');
    assert.equal(checkParameterValue('Int', '2147483648'), 'Int holds -2147483648 to 2147483647.');
    assert.equal(checkParameterValue('TinyInt', '-1'), 'TinyInt holds 0 to 255.');
    assert.equal(checkParameterValue('Bit', 'yes'), 'Bit needs 0, 1, true or false.');
    assert.equal(checkParameterValue('Money', '$5'), 'Money needs a number.');
    assert.match(checkParameterValue('DateTime', '2023-02-29') ?? '', /^DateTime needs a date/);
    assert.match(checkParameterValue('DateTime', '02/03/1975') ?? '', /^DateTime needs a date/);
    assert.match(checkParameterValue('DateTime', '2024-01-01T24:00') ?? '', /^DateTime needs a date/);
    assert.match(checkParameterValue('UniqueIdentifier', 'not-a-guid') ?? '', /^UniqueIdentifier needs a GUID/);
  });
});
