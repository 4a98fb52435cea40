import assert from 'node:assert/strict';
import initSqlJs, { type Database, type SqlJsStatic, type SqlValue } from 'sql.js';
import { isValidMedicareNumber } from '../../../../src/sandbox/data/australianIdentifiers';
import { buildD4wDatabase } from '../../../../src/sandbox/data/d4w';
import { generatePractice } from '../../../../src/sandbox/data/practiceGenerator';
import { buildSandboxPractices } from '../../../../src/sandbox/data/sandboxPractices';
import { buildZedmedDatabase } from '../../../../src/sandbox/data/zedmed';

const NOW = new Date('2025-06-16T02:00:00Z');

function value(db: Database, sql: string): SqlValue {
  return db.exec(sql)[0].values[0][0];
}

describe('Zedmed, D4w and the Sandbox practices', () => {
  let SQL: SqlJsStatic;
  before(async () => {
    SQL = await initSqlJs();
  });

  it('builds a queryable Zedmed site with two catalogues and useful views', () => {
    const practice = generatePractice({ seed: 21, patients: 400, now: NOW, software: 'Zedmed' });
    const site = buildZedmedDatabase(SQL, practice);
    assert.deepEqual(site.catalogues.map((c) => [c.name, c.isDefault, c.schema]), [['ZedmedClinical', true, 'main'], ['ZedmedBilling', false, 'ZedmedBilling']]);
    assert.equal(value(site.db, 'SELECT COUNT(*) FROM PATIENT'), 400);
    assert.equal(value(site.db, 'SELECT COUNT(*) FROM APPOINTMENT'), practice.appointments.length);
    assert.equal(value(site.db, 'SELECT COUNT(*) FROM APPOINTMENT a LEFT JOIN PATIENT p ON p.PATIENT_ID = a.PATIENT_ID WHERE p.PATIENT_ID IS NULL'), 0);
    assert.equal(value(site.db, 'SELECT COUNT(*) FROM APPOINTMENT a LEFT JOIN DOCTOR d ON d.DOCTOR_ID = a.DOCTOR_ID WHERE d.DOCTOR_ID IS NULL'), 0);
    assert.ok((value(site.db, 'SELECT COUNT(*) FROM V_PATIENT_SUMMARY') as number) > 300);
    assert.ok((value(site.db, "SELECT COUNT(*) FROM V_APPOINTMENT_BOOK WHERE STATUS = 'Completed'") as number) > 0);
    assert.ok((value(site.db, 'SELECT COUNT(*) FROM V_CURRENT_MEDICATIONS') as number) > 0);
    assert.equal(value(site.db, 'SELECT COUNT(*) FROM ZedmedBilling.INVOICE'), practice.invoices.length);
    assert.ok((value(site.db, 'SELECT COUNT(*) FROM ZedmedBilling.V_DAILY_TAKINGS') as number) > 0);
    assert.ok((value(site.db, 'SELECT COUNT(*) FROM ZedmedBilling.V_OUTSTANDING_INVOICES') as number) >= 0);
    assert.equal(value(site.db, "SELECT SCHEDULE_FEE_CENTS FROM ZedmedBilling.MBS_FEE WHERE MBS_ITEM = '23'"), 4285);
    for (const [medicare] of site.db.exec('SELECT MEDICARE_NO FROM PATIENT WHERE MEDICARE_NO IS NOT NULL')[0].values) {
      assert.ok(isValidMedicareNumber(medicare as string));
    }
    site.db.close();
  });

  it('builds a queryable D4w site with ADA items, FDI teeth, chart entries and recalls', () => {
    const practice = generatePractice({ seed: 22, patients: 600, now: NOW, software: 'D4w' });
    const site = buildD4wDatabase(SQL, practice);
    const db = site.db;
    assert.deepEqual(site.catalogues, [{ name: 'D4w', isDefault: true, schema: 'main' }]);
    assert.deepEqual(db.exec('SELECT DISTINCT PROV_TYPE FROM PROVIDERS ORDER BY 1')[0].values.flat(), ['Dentist', 'Hygienist']);
    assert.ok((value(db, "SELECT COUNT(*) FROM TREATMENTS WHERE ADA_CODE IN ('011', '012', '114', '121')") as number) > 100);
    assert.equal(value(db, 'SELECT COUNT(*) FROM TREATMENTS t LEFT JOIN ITEM_CODES i ON i.ADA_CODE = t.ADA_CODE WHERE i.ADA_CODE IS NULL'), 0);
    assert.equal(value(db, 'SELECT COUNT(*) FROM TREATMENTS WHERE TOOTH IS NOT NULL AND NOT ((TOOTH BETWEEN 11 AND 48 AND TOOTH % 10 BETWEEN 1 AND 8) OR (TOOTH BETWEEN 51 AND 85 AND TOOTH % 10 BETWEEN 1 AND 5))'), 0);
    assert.ok((value(db, 'SELECT COUNT(*) FROM CHART') as number) > 0);
    assert.equal(value(db, 'SELECT COUNT(*) FROM CHART c LEFT JOIN TREATMENTS t ON t.TREAT_ID = c.TREAT_ID WHERE t.TREAT_ID IS NULL OR t.TOOTH <> c.TOOTH'), 0);
    assert.ok((value(db, 'SELECT COUNT(*) FROM RECALLS') as number) > 0);
    assert.ok((value(db, 'SELECT COUNT(*) FROM V_TREATMENT_HISTORY') as number) > 0);
    assert.ok((value(db, 'SELECT COUNT(*) FROM V_APPOINTMENT_BOOK') as number) > 0);
    assert.equal(value(db, 'SELECT COUNT(*) FROM V_OVERDUE_RECALLS'), value(db, "SELECT COUNT(*) FROM RECALLS WHERE RECALL_STATUS = 'Overdue'"));
    assert.equal(value(db, 'SELECT COUNT(*) FROM APPOINTMENTS a LEFT JOIN PATIENTS p ON p.PAT_ID = a.PAT_ID WHERE p.PAT_ID IS NULL'), 0);
    db.close();
  });

  it('builds the five Sandbox sites from one seed, scaled from the main site', () => {
    const sites = buildSandboxPractices({ SQL, seed: 5, patients: 1000, now: NOW });
    assert.deepEqual(Object.keys(sites), ['bestPractice', 'zedmed', 'd4w', 'offline', 'unreachable']);
    assert.equal(sites.bestPractice.practice.patients.length, 1000);
    assert.equal(sites.zedmed.practice.patients.length, 500);
    assert.equal(sites.offline.practice.patients.length, 100);
    assert.equal(sites.bestPractice.catalogues[0].name, 'BPSPatients');
    assert.equal(sites.offline.catalogues[0].name, 'BPSPatients');
    assert.equal(sites.zedmed.catalogues[0].name, 'ZedmedClinical');
    assert.equal(sites.unreachable.catalogues[0].name, 'ZedmedClinical');
    assert.equal(sites.d4w.catalogues[0].name, 'D4w');
    assert.match(sites.bestPractice.practice.pmsVersion, /^Best Practice /);
    assert.match(sites.zedmed.practice.pmsVersion, /^\d+\.\d+\.\d+$/);
    assert.match(sites.d4w.practice.pmsVersion, /^11\.\d$/);
    assert.equal(sites.d4w.practice.kind, 'dental');
    assert.equal(new Set(Object.values(sites).map((s) => s.practice.name + s.practice.abn)).size, 5);
    assert.equal(value(sites.bestPractice.db, 'SELECT PRACTICENAME FROM PRACTICE'), sites.bestPractice.practice.name);
    const again = buildSandboxPractices({ SQL, seed: 5, patients: 1000, now: NOW });
    for (const key of Object.keys(sites) as (keyof typeof sites)[]) {
      assert.ok(Buffer.from(sites[key].db.export()).equals(Buffer.from(again[key].db.export())), key);
    }
    assert.equal(buildSandboxPractices({ SQL, seed: 5, patients: 10, now: NOW }).zedmed.practice.patients.length, 100);
    Object.values(sites).forEach((s) => s.db.close());
    Object.values(again).forEach((s) => s.db.close());
  });
});
