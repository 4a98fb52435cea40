import assert from 'node:assert/strict';
import {
  convertParameter, convertValue, dateAdd, dateDiff, datePart, formatDateStyle, parseDateTime, parseTargetType, toStoredDateTime,
} from '../../../../src/sandbox/sql/tsqlValues';
import { SqlExecutionError } from '../../../../src/sandbox/sql/types';

const d = (text: string) => parseDateTime(text);

describe('tsqlValues', () => {
  it('reads the date forms SQL Server accepts and refuses impossible dates', () => {
    assert.equal(toStoredDateTime('2024-02-29'), '2024-02-29T00:00:00');
    assert.equal(toStoredDateTime('20240229 13:05'), '2024-02-29T13:05:00');
    assert.equal(toStoredDateTime('2024-02-29T13:05:09.123'), '2024-02-29T13:05:09');
    assert.equal(toStoredDateTime('29/02/2024'), '2024-02-29T00:00:00');
    assert.throws(() => toStoredDateTime('2023-02-29'), (e: unknown) => e instanceof SqlExecutionError && e.errorCode === 241);
  });

  it('counts DATEDIFF boundaries, not elapsed time', () => {
    assert.equal(dateDiff('year', d('2000-12-31'), d('2001-01-01')), 1);
    assert.equal(dateDiff('year', d('2001-01-01'), d('2001-12-31')), 0);
    assert.equal(dateDiff('month', d('2024-01-31T23:59:59'), d('2024-02-01')), 1);
    assert.equal(dateDiff('week', d('2024-05-05'), d('2024-05-11')), 0); // Sunday to Saturday: same week
    assert.equal(dateDiff('minute', d('2024-05-05T10:00:59'), d('2024-05-05T10:01:00')), 1);
    assert.equal(dateDiff('day', d('2024-05-05'), d('2024-05-01')), -4);
  });

  it('DATEADD clamps to month ends and DATEPART follows us_english defaults', () => {
    assert.deepEqual(dateAdd('month', -1, d('2024-03-31')), d('2024-02-29'));
    assert.deepEqual(dateAdd('quarter', 1, d('2024-11-30')), d('2025-02-28'));
    assert.equal(datePart('weekday', d('2024-05-11')), 7);
    assert.equal(datePart('dayofyear', d('2024-12-31')), 366);
    assert.equal(datePart('week', d('2024-01-07')), 2);
  });

  it('formats CONVERT styles', () => {
    const p = d('2024-03-05T07:08:09');
    assert.equal(formatDateStyle(p, 103), '05/03/2024');
    assert.equal(formatDateStyle(p, 106), '05 Mar 2024');
    assert.equal(formatDateStyle(p, 108), '07:08:09');
    assert.equal(formatDateStyle(p, 0), 'Mar  5 2024  7:08AM');
    assert.throws(() => formatDateStyle(p, 999), (e: unknown) => e instanceof SqlExecutionError && e.errorCode === 281);
  });

  it('converts values to T-SQL types with SQL Server errors', () => {
    assert.equal(convertValue('12', parseTargetType('INT')), 12);
    assert.equal(convertValue(-2.7, parseTargetType('INT')), -2);
    assert.equal(convertValue(1.005, parseTargetType('DECIMAL(10,2)')), 1.01);
    assert.equal(convertValue('abcdef', parseTargetType('VARCHAR(3)')), 'abc');
    assert.equal(convertValue('ab', parseTargetType('CHAR(4)')), 'ab  ');
    assert.equal(convertValue(null, parseTargetType('INT')), null);
    assert.throws(() => convertValue(300, parseTargetType('TINYINT')), (e: unknown) => e instanceof SqlExecutionError && e.errorCode === 220);
    assert.throws(() => convertValue('1.5', parseTargetType('INT')), (e: unknown) => e instanceof SqlExecutionError && e.errorCode === 245);
    assert.throws(() => convertValue('x', parseTargetType('FLOAT')), (e: unknown) => e instanceof SqlExecutionError && e.errorCode === 8114);
    assert.throws(() => convertValue('x', parseTargetType('GEOGRAPHY')), (e: unknown) => e instanceof SqlExecutionError && e.errorCode === 243);
  });

  it('converts wire parameters by SqlDbType', () => {
    assert.equal(convertParameter('7', 'BigInt'), 7);
    assert.equal(convertParameter('False', 'Bit'), 0);
    assert.equal(convertParameter('9.95', 'Money'), 9.95);
    assert.equal(convertParameter('2024-05-05T10:00:00+10:00', 'DateTimeOffset'), '2024-05-05T10:00:00');
    assert.equal(convertParameter('2024-05-05', 'Date'), '2024-05-05T00:00:00');
    assert.equal(convertParameter('0042', 'VarChar'), '0042');
    assert.equal(convertParameter('0042', undefined), '0042');
    assert.equal(convertParameter(null, 'Int'), null);
  });
});
