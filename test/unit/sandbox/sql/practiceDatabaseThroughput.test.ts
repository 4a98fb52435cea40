import assert from 'node:assert/strict';
import initSqlJs from 'sql.js';
import type { Database } from 'sql.js';
import { SandboxPracticeDatabase } from '../../../../src/sandbox/sql/practiceDatabase';

const ROW_COUNT = 200_000;
// The aim is 300k rows/s; the floor leaves room for a busy two-core machine while still catching a regression
// such as per-row column-name lookups (getAsObject), which run several times slower.
const FLOOR_ROWS_PER_SECOND = 150_000;

describe('SandboxPracticeDatabase throughput', function () {
  this.timeout(60_000);
  let db: Database;

  before(async () => {
    const SQL = await initSqlJs();
    db = new SQL.Database();
    db.exec('CREATE TABLE WIDE (ID INTEGER PRIMARY KEY, FIRSTNAME TEXT, SURNAME TEXT, CODE INTEGER, AMOUNT REAL, DOB TEXT, SEX TEXT, FLAG INTEGER, NOTES TEXT, EMPTY TEXT)');
    db.exec(`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${ROW_COUNT})
      INSERT INTO WIDE SELECT i, 'Firstname' || i, 'Surname' || i, i % 97, i * 1.5, '1970-01-01T00:00:00', 'F', i % 2, 'Some longer text value', NULL FROM n`);
  });
  after(() => db.close());

  it(`reads ${ROW_COUNT.toLocaleString('en-AU')} rows × 10 columns with SELECT * at ≥ ${FLOOR_ROWS_PER_SECOND.toLocaleString('en-AU')} rows/s`, () => {
    const practice = new SandboxPracticeDatabase({ db, catalogues: [{ name: 'BPSPatients', isDefault: true, schema: 'main' }], procedures: [] });
    const command = { text: 'SELECT * FROM dbo.WIDE', type: 'text' as const, executionMode: 'reader' as const, parameters: [] };
    practice.execute({ ...command, text: 'SELECT TOP 1000 * FROM dbo.WIDE' }); // warm the JIT and the translation path
    let best = 0;
    for (let run = 0; run < 3; run++) {
      const started = process.hrtime.bigint();
      const rows = practice.execute(command).rows ?? [];
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      assert.equal(rows.length, ROW_COUNT);
      assert.deepEqual(rows[ROW_COUNT - 1], {
        ID: ROW_COUNT, FIRSTNAME: `Firstname${ROW_COUNT}`, SURNAME: `Surname${ROW_COUNT}`, CODE: ROW_COUNT % 97, AMOUNT: ROW_COUNT * 1.5,
        DOB: '1970-01-01T00:00:00', SEX: 'F', FLAG: 0, NOTES: 'Some longer text value', EMPTY: null,
      });
      best = Math.max(best, ROW_COUNT / seconds);
    }
    console.log(`      SELECT * throughput: ${Math.round(best).toLocaleString('en-AU')} rows/s (best of 3)`);
    assert.ok(best >= FLOOR_ROWS_PER_SECOND, `${Math.round(best)} rows/s is below ${FLOOR_ROWS_PER_SECOND}`);
  });
});
