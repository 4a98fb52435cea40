import { strict as assert } from 'node:assert';
import initSqlJs from 'sql.js';
import type { Database } from 'sql.js';
import { BEST_PRACTICE_TABLES, BEST_PRACTICE_VIEWS } from '../../../../src/sandbox/data/bestPracticeSchema';
import { BestPracticeFhirFacade } from '../../../../src/sandbox/fhir/bestPracticeFhir';
import { BASE_URL, NOW } from './bestPracticeFixture';
import type { Bundle } from './bestPracticeFixture';

const PATIENTS = 2000;
const APPOINTMENTS_PER_PATIENT = 10;

describe('Best Practice FHIR facade over 2,000 patients', () => {
  let db: Database;
  let facade: BestPracticeFhirFacade;

  before(async () => {
    const SQL = await initSqlJs();
    db = new SQL.Database();
    db.exec(BEST_PRACTICE_TABLES + BEST_PRACTICE_VIEWS);
    db.exec(`INSERT INTO SEX VALUES (1,'Male'),(2,'Female'); INSERT INTO PATIENTSTATUS VALUES (1,'Active');
      INSERT INTO USERS (USERID, FIRSTNAME, SURNAME, CREATED, UPDATED) VALUES (1,'Anna','Smith','2020-01-01T00:00:00','2020-01-01T00:00:00')`);
    db.exec('BEGIN');
    const patient = db.prepare(`INSERT INTO PATIENTS (INTERNALID, FIRSTNAME, SURNAME, DOB, SEXCODE, POSTCODE, EMAIL, MEDICARENO,
      MEDICARELINENO, IHI, RECORDNO, USUALDOCTOR, CREATED, UPDATED) VALUES (?,?,?,?,?,?,?,?,?,?,?,1,'2020-01-01T00:00:00','2024-01-01T00:00:00')`);
    const appointment = db.prepare(`INSERT INTO APPOINTMENTS (INTERNALID, USERID, LOCATIONID, APPOINTMENTDATE, APPOINTMENTTIME,
      APPOINTMENTLENGTH, CREATED, UPDATED) VALUES (?,1,NULL,?,32400,900,'2024-01-01T00:00:00','2024-01-01T00:00:00')`);
    for (let i = 1; i <= PATIENTS; i++) {
      const year = 1940 + (i % 70);
      patient.run([i, `Given${i}`, i % 10 === 0 ? 'Smith' : `Family${i}`, `${year}-0${1 + (i % 9)}-15T00:00:00`, 1 + (i % 2),
        String(2000 + (i % 900)), `p${i}@example.com`, String(2000000000 + i), '1', String(8003600000000000 + i), `R${i}`]);
      for (let a = 0; a < APPOINTMENTS_PER_PATIENT; a++) {
        appointment.run([i, `2024-${String(1 + (a % 12)).padStart(2, '0')}-10T00:00:00`]);
      }
    }
    patient.free();
    appointment.free();
    db.exec('COMMIT');
    facade = new BestPracticeFhirFacade(db, { now: () => NOW });
  });
  after(() => db.close());

  const search = (path: string, query: string): Bundle => {
    const response = facade.handle({ method: 'GET', path, params: new URLSearchParams(query), baseUrl: BASE_URL });
    assert.equal(response.status, 200);
    return response.body as Bundle;
  };

  it('searches Patient by family name and birth year', () => {
    const bundle = search('Patient', 'family=smith&birthdate=ge1970');
    // Every tenth patient is a Smith; birth years cycle 1940–2009, so those born 1970 or later are the i with i % 70 >= 30.
    const expected = Array.from({ length: PATIENTS }, (_, k) => k + 1).filter((i) => i % 10 === 0 && i % 70 >= 30).length;
    assert.equal(bundle.total, expected);
  });

  it('reads one Patient and pages the whole sorted list', () => {
    const read = facade.handle({ method: 'GET', path: 'Patient/1500', params: new URLSearchParams(), baseUrl: BASE_URL });
    assert.equal((read.body as { id: string }).id, '1500');
    const all = search('Patient', '_count=50&_offset=1000&_sort=family');
    assert.equal(all.total, PATIENTS);
  });

  it('searches Appointment by patient among 20,000 appointments', () => {
    const bundle = search('Appointment', 'patient=Patient/42&_include=Appointment:patient');
    assert.equal(bundle.total, APPOINTMENTS_PER_PATIENT);
  });
});
