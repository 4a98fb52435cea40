import assert from 'node:assert/strict';
import initSqlJs, { type Database, type SqlJsStatic, type SqlValue } from 'sql.js';
import { buildBestPracticeDatabase, SAMPLE_PATIENTS } from '../../../../src/sandbox/data/bestPractice';
import { bestPracticeProcedures } from '../../../../src/sandbox/data/bestPracticeProcedures';
import { isValidIhi, isValidMedicareNumber, isValidProviderNumber } from '../../../../src/sandbox/data/australianIdentifiers';
import { generatePractice } from '../../../../src/sandbox/data/practiceGenerator';
import type { GeneratedPractice } from '../../../../src/sandbox/data/practiceModel';
import { type PracticeDatabaseSpec, type ProcedureDefinition, type SqlValue as CellValue, SqlExecutionError } from '../../../../src/sandbox/sql/types';

const NOW = new Date('2025-06-16T02:00:00Z');

/** The database holds no blobs, so every cell is a Sandbox SqlValue. */
function rows(db: Database, sql: string, params: SqlValue[] = []): Record<string, CellValue>[] {
  const statement = db.prepare(sql);
  statement.bind(params);
  const result: Record<string, CellValue>[] = [];
  while (statement.step()) {
    result.push(statement.getAsObject() as Record<string, CellValue>);
  }
  statement.free();
  return result;
}

function value(db: Database, sql: string, params: SqlValue[] = []): CellValue {
  return Object.values(rows(db, sql, params)[0])[0];
}

function columns(db: Database, sql: string): string[] {
  const statement = db.prepare(sql);
  const names = statement.getColumnNames();
  statement.free();
  return names;
}

const VIEW_COLUMNS: Record<string, string[]> = {
  BPS_Patients: ['InternalID', 'ExternalID', 'RecordNo', 'StatusText', 'Title', 'Firstname', 'Middlename', 'Surname', 'Preferredname', 'DOB', 'Sex',
    'Ethnicity', 'Address1', 'Address2', 'City', 'Postcode', 'PostalAddress', 'PostalCity', 'HomePhone', 'WorkPhone', 'MobilePhone', 'Email', 'MedicareNo',
    'PensionNo', 'Religion', 'UsualDoctor'],
  BPS_Appointments: ['Patient', 'InternalID', 'AppointmentDate', 'AppointmentTime', 'Provider', 'Status', 'AppointmentType'],
  BPS_Users: ['UserID', 'Surname', 'Firstname', 'LocationName', 'Title', 'ProviderNo'],
  BPS_Visits: ['InternalID', 'VisitType', 'VisitDate', 'UserID', 'DrName', 'VisitID', 'VisitNotes'],
  BPS_Immunisations: ['InternalID', 'GivenDate', 'VaccineName', 'VaccineID', 'NotGivenHere'],
  BPS_Reactions: ['InternalID', 'ItemName', 'Reaction', 'Severity', 'Comment'],
  BPS_History: ['InternalID', 'Year', 'Condition', 'ConditionID', 'Status'],
  BPS_CurrentRx: ['InternalID', 'DrugName', 'Dose', 'Frequency', 'PRN', 'Route', 'Quantity', 'ProductUnit', 'Repeats', 'Indication', 'LastDate', 'ProductID'],
  BPS_Observations: ['InternalID', 'RECORDID', 'ObservationCode', 'ObservationName', 'ObservationDate', 'ObservationTime', 'ObservationValue'],
  BPS_Investigations: ['InternalID', 'ReportID', 'TestName', 'Collected', 'Reported', 'Checked', 'Actioned', 'CheckedBy', 'Notation', 'Action'],
  BPS_Services: ['INTERNALID', 'SERVICEDATE', 'MBSITEM', 'DESCRIPTION'],
};

describe('buildBestPracticeDatabase', () => {
  let SQL: SqlJsStatic;
  let practice: GeneratedPractice;
  let site: PracticeDatabaseSpec;
  let db: Database;
  const fixedClock = (): Date => new Date('2025-06-16T03:00:00Z');

  function procedure(name: string): ProcedureDefinition {
    const found = site.procedures.find((p) => p.name === name);
    assert.ok(found, name);
    return found;
  }

  function call(name: string, args: Record<string, CellValue>): ReturnType<ProcedureDefinition['run']> {
    return procedure(name).run(db, new Map<string, CellValue>(Object.entries(args)));
  }

  before(async () => {
    SQL = await initSqlJs();
    practice = generatePractice({ seed: 11, patients: 2000, now: NOW });
    const started = performance.now();
    site = buildBestPracticeDatabase(SQL, practice);
    // The build itself (generation excluded) stays well inside the 2 s budget for the default size.
    assert.ok(performance.now() - started < 5000);
    db = site.db;
    // Procedures built by the builder use the real clock; rebuild the list with a pinned one for stable stamps.
    site = { ...site, procedures: bestPracticeProcedures({ timeZone: practice.timeZone, clock: fixedClock }) };
  });

  after(() => {
    db.close();
  });

  it('builds byte-identical databases from the same seed and different ones from another', () => {
    const a = buildBestPracticeDatabase(SQL, generatePractice({ seed: 3, patients: 300, now: NOW }));
    const b = buildBestPracticeDatabase(SQL, generatePractice({ seed: 3, patients: 300, now: NOW }));
    const c = buildBestPracticeDatabase(SQL, generatePractice({ seed: 4, patients: 300, now: NOW }));
    const bytesA = Buffer.from(a.db.export());
    assert.ok(bytesA.equals(Buffer.from(b.db.export())));
    assert.ok(!bytesA.equals(Buffer.from(c.db.export())));
    for (const table of ['PATIENTS', 'APPOINTMENTS', 'SERVICES']) {
      assert.equal(JSON.stringify(a.db.exec(`SELECT * FROM BPSSamples.${table}`)), JSON.stringify(b.db.exec(`SELECT * FROM BPSSamples.${table}`)));
    }
    [a, b, c].forEach((s) => s.db.close());
  });

  it('lists its catalogues with BPSPatients as default, and attaches BPSSamples and BPSDrugs', () => {
    assert.deepEqual(site.catalogues, [
      { name: 'BPSPatients', isDefault: true, schema: 'main' },
      { name: 'BPSSamples', isDefault: false, schema: 'BPSSamples' },
      { name: 'BPSDrugs', isDefault: false, schema: 'BPSDrugs' },
    ]);
    assert.equal(value(db, 'SELECT COUNT(*) FROM PATIENTS'), 2000);
    assert.equal(value(db, 'SELECT COUNT(*) FROM BPSSamples.PATIENTS'), SAMPLE_PATIENTS);
    assert.ok((value(db, 'SELECT COUNT(*) FROM BPSSamples.BPS_Appointments') as number) > 0);
    assert.notEqual(value(db, 'SELECT SURNAME FROM BPSSamples.PATIENTS WHERE INTERNALID = 1'), value(db, 'SELECT SURNAME FROM PATIENTS WHERE INTERNALID = 1'));
    assert.ok((value(db, 'SELECT COUNT(*) FROM BPSDrugs.VACCINES') as number) >= 15);
    const missingVaccines = value(db, 'SELECT COUNT(*) FROM IMMUNISATIONS i LEFT JOIN BPSDrugs.VACCINES v ON v.VACCINEID = i.VACCINEID WHERE v.VACCINEID IS NULL');
    const missingProducts = value(db, 'SELECT COUNT(*) FROM CURRENTRX r LEFT JOIN BPSDrugs.PRODUCTS p ON p.PRODUCTID = r.PRODUCTID WHERE p.PRODUCTID IS NULL');
    assert.equal(missingVaccines, 0);
    assert.equal(missingProducts, 0);
    assert.equal(value(db, 'SELECT COUNT(*) FROM CURRENTRX r JOIN BPSDrugs.PRODUCTS p ON p.PRODUCTID = r.PRODUCTID WHERE p.PRODUCTNAME <> r.DRUGNAME'), 0);
  });

  it('fills the lookup tables', () => {
    assert.deepEqual(rows(db, 'SELECT SEXCODE, SEX FROM SEX ORDER BY SEXCODE').slice(0, 3), [
      { SEXCODE: 1, SEX: 'Male' }, { SEXCODE: 2, SEX: 'Female' }, { SEXCODE: 3, SEX: 'Indeterminate' },
    ]);
    assert.equal(value(db, "SELECT TITLE FROM TITLES WHERE TITLECODE = 6"), 'Dr');
    assert.equal(value(db, 'SELECT STATUSTEXT FROM PATIENTSTATUS WHERE PATIENTSTATUS = 1'), 'Active');
    assert.equal(value(db, 'SELECT DURATION FROM APPOINTMENTTYPES WHERE DESCRIPTION = \'Long appointment\''), 1800);
    assert.ok((value(db, 'SELECT COUNT(*) FROM APPOINTMENTSTATUS') as number) >= 5);
    for (const table of ['TITLES', 'SEX', 'PATIENTSTATUS', 'APPOINTMENTTYPES', 'APPOINTMENTSTATUS', 'ETHNICITY', 'RELIGION', 'LOCATIONS', 'PRACTICE']) {
      assert.ok((value(db, `SELECT COUNT(*) FROM ${table}`) as number) > 0, table);
    }
    assert.equal(value(db, 'SELECT PRACTICENAME FROM PRACTICE'), practice.name);
  });

  it('marks active, inactive, deceased and deleted patients', () => {
    const active = value(db, 'SELECT COUNT(*) FROM PATIENTS WHERE RECORDSTATUS = 1 AND PATIENTSTATUS = 1') as number;
    assert.ok(active > 1700 && active < 2000, String(active));
    assert.ok((value(db, 'SELECT COUNT(*) FROM PATIENTS WHERE PATIENTSTATUS = 3') as number) > 0);
    assert.ok((value(db, 'SELECT COUNT(*) FROM PATIENTS WHERE RECORDSTATUS <> 1') as number) > 0);
    assert.equal(value(db, 'SELECT COUNT(*) FROM BPS_Patients'), value(db, 'SELECT COUNT(*) FROM PATIENTS WHERE RECORDSTATUS = 1'));
  });

  it('stores valid identifiers', () => {
    for (const row of rows(db, 'SELECT MEDICARENO, IHI FROM PATIENTS')) {
      assert.ok(row.MEDICARENO === null || isValidMedicareNumber(row.MEDICARENO as string));
      assert.ok(row.IHI === null || isValidIhi(row.IHI as string));
    }
    for (const row of rows(db, 'SELECT PROVIDERNO FROM USERS WHERE PROVIDERNO IS NOT NULL')) {
      assert.ok(isValidProviderNumber(row.PROVIDERNO as string));
    }
  });

  it('keeps referential integrity', () => {
    const orphans: Record<string, string> = {
      'appointment patients': 'SELECT COUNT(*) FROM APPOINTMENTS a LEFT JOIN PATIENTS p ON p.INTERNALID = a.INTERNALID WHERE p.INTERNALID IS NULL',
      'appointment users': 'SELECT COUNT(*) FROM APPOINTMENTS a LEFT JOIN USERS u ON u.USERID = a.USERID WHERE u.USERID IS NULL',
      'appointment locations': 'SELECT COUNT(*) FROM APPOINTMENTS a LEFT JOIN LOCATIONS l ON l.LOCATIONID = a.LOCATIONID WHERE l.LOCATIONID IS NULL',
      'appointment types': 'SELECT COUNT(*) FROM APPOINTMENTS a LEFT JOIN APPOINTMENTTYPES t ON t.APPOINTMENTCODE = a.APPOINTMENTCODE WHERE t.APPOINTMENTCODE IS NULL',
      'visit patients': 'SELECT COUNT(*) FROM VISITS v LEFT JOIN PATIENTS p ON p.INTERNALID = v.INTERNALID WHERE p.INTERNALID IS NULL',
      'visit users': 'SELECT COUNT(*) FROM VISITS v LEFT JOIN USERS u ON u.USERID = v.USERID WHERE u.USERID IS NULL',
      'service invoices': 'SELECT COUNT(*) FROM SERVICES s LEFT JOIN INVOICES i ON i.INVOICEID = s.INVOICEID WHERE i.INVOICEID IS NULL OR i.INTERNALID <> s.INTERNALID',
      'invoice totals': `SELECT COUNT(*) FROM INVOICES i LEFT JOIN (SELECT INVOICEID, SUM(FEE) AS FEES FROM SERVICES GROUP BY INVOICEID) s
        ON s.INVOICEID = i.INVOICEID WHERE s.FEES IS NULL OR s.FEES <> i.TOTAL`,
      'head of family': 'SELECT COUNT(*) FROM PATIENTS c LEFT JOIN PATIENTS h ON h.INTERNALID = c.HEADOFFAMILYID WHERE c.HEADOFFAMILYID IS NOT NULL AND h.INTERNALID IS NULL',
      'usual doctor': 'SELECT COUNT(*) FROM PATIENTS p LEFT JOIN USERS u ON u.USERID = p.USUALDOCTOR WHERE u.USERID IS NULL',
      'history patients': 'SELECT COUNT(*) FROM HISTORY h LEFT JOIN PATIENTS p ON p.INTERNALID = h.INTERNALID WHERE p.INTERNALID IS NULL',
    };
    for (const [label, sql] of Object.entries(orphans)) {
      assert.equal(value(db, sql), 0, label);
    }
    assert.equal(value(db, 'SELECT COUNT(*) FROM APPOINTMENTS WHERE APPOINTMENTTIME < 7 * 3600 OR APPOINTMENTTIME + APPOINTMENTLENGTH > 19 * 3600'), 0);
    assert.ok((value(db, "SELECT COUNT(*) FROM SERVICES WHERE MBSITEM IN ('23', '36', '721', '10990') AND FEE > 0") as number) > 100);
  });

  it('serves every BPS_* view with rows and the documented columns in order', () => {
    for (const [view, expected] of Object.entries(VIEW_COLUMNS)) {
      assert.deepEqual(columns(db, `SELECT * FROM ${view}`), expected, view);
      assert.ok((value(db, `SELECT COUNT(*) FROM ${view}`) as number) > 0, view);
      assert.deepEqual(columns(db, `SELECT * FROM BPSSamples.${view}`), expected, `BPSSamples.${view}`);
    }
    const appointment = rows(db, 'SELECT * FROM BPS_Appointments LIMIT 1')[0];
    assert.match(appointment.AppointmentDate as string, /^\d{4}-\d{2}-\d{2}T00:00:00$/);
    assert.equal(typeof appointment.AppointmentTime, 'number');
    assert.match(rows(db, 'SELECT DOB FROM BPS_Patients LIMIT 1')[0].DOB as string, /^\d{4}-\d{2}-\d{2}T00:00:00$/);
  });

  it('BP_GetPatientByNameDOB finds a patient by name and date of birth in any accepted form', () => {
    const patient = rows(db, 'SELECT INTERNALID, FIRSTNAME, SURNAME, DOB FROM PATIENTS WHERE RECORDSTATUS = 1 ORDER BY INTERNALID LIMIT 1 OFFSET 10')[0];
    const dob = (patient.DOB as string).slice(0, 10);
    const found = call('BP_GetPatientByNameDOB', { firstname: (patient.FIRSTNAME as string).toUpperCase(), surname: patient.SURNAME, dob });
    assert.ok(found.rows?.some((r) => r.InternalID === patient.INTERNALID));
    const [y, m, d] = dob.split('-');
    const australian = call('BP_GetPatientByNameDOB', { firstname: patient.FIRSTNAME, surname: patient.SURNAME, dob: `${d}/${m}/${y}` });
    assert.deepEqual(australian.rows, found.rows);
    assert.equal(call('BP_GetPatientByNameDOB', { firstname: patient.FIRSTNAME, surname: patient.SURNAME, dob: '1900-01-01' }).rows?.length, 0);
    assert.throws(() => call('BP_GetPatientByNameDOB', { firstname: 'A', surname: 'B', dob: 'not a date' }),
      (e: unknown) => e instanceof SqlExecutionError && e.errorCode === 241);
  });

  it('BP_GetAppointmentBookUsers and BP_GetAllUsers list current users', () => {
    const book = call('BP_GetAppointmentBookUsers', {}).rows ?? [];
    const all = call('BP_GetAllUsers', {}).rows ?? [];
    const active = practice.practitioners.filter((p) => p.active);
    assert.equal(book.length, active.length);
    assert.equal(all.length, active.length);
    assert.deepEqual(Object.keys(book[0]), ['UserID', 'Title', 'Firstname', 'Surname', 'UserType', 'ProviderNo', 'LocationID', 'LocationName', 'AppointmentBook']);
    assert.ok(!book.some((u) => practice.practitioners.find((p) => p.id === u.UserID)?.active === false));
  });

  it('BP_GetFreeAppointments, BP_AddAppointment, BP_GetPatientAppointments and BP_CancelAppointment work together and persist', () => {
    const gp = practice.practitioners.find((p) => p.role === 'gp' && p.active);
    assert.ok(gp);
    // A weekday a month ahead on which the GP works: lightly booked, so free slots exist.
    let day = new Date('2025-07-14T00:00:00Z');
    for (let i = 0; i < 7 && !gp.sessions.some((s) => s.weekday === day.getUTCDay()); i++) {
      day = new Date(day.getTime() + 86_400_000);
    }
    const aptdate = day.toISOString().slice(0, 10);
    const free = call('BP_GetFreeAppointments', { userid: gp.id, aptdate }).rows ?? [];
    assert.ok(free.length > 0);
    const sessionSlots = gp.sessions.filter((s) => s.weekday === day.getUTCDay()).reduce((n, s) => n + (s.end - s.start) / 900, 0);
    const booked = value(db, 'SELECT COUNT(*) FROM APPOINTMENTS WHERE USERID = ? AND APPOINTMENTDATE = ? AND STATUSCODE <> 6', [gp.id, `${aptdate}T00:00:00`]) as number;
    assert.ok(free.length <= sessionSlots && free.length >= sessionSlots - booked * 4);
    const slot = free[0];
    const patientId = value(db, 'SELECT INTERNALID FROM PATIENTS WHERE RECORDSTATUS = 1 AND PATIENTSTATUS = 1 LIMIT 1') as number;

    const added = call('BP_AddAppointment', {
      aptdate, apttime: String(slot.AppointmentTime), aptlen: '900', practitionerid: String(gp.id), patientid: String(patientId), locationid: null,
    });
    assert.equal(added.rowsAffected, 1);
    assert.equal(added.returnValue, value(db, 'SELECT MAX(RECORDID) FROM APPOINTMENTS'));
    assert.ok(procedure('BP_AddAppointment').writes);
    const stored = rows(db, 'SELECT * FROM APPOINTMENTS WHERE RECORDID = ?', [added.returnValue as number])[0];
    assert.equal(stored.APPOINTMENTTIME, slot.AppointmentTime);
    assert.equal(stored.STATUSCODE, 1);
    assert.equal(stored.LOCATIONID, gp.locationId);
    assert.match(stored.CREATED as string, /^2025-06-16T1[123]:00:00$/);
    const after = call('BP_GetFreeAppointments', { userid: gp.id, aptdate }).rows ?? [];
    assert.equal(after.length, free.length - 1);
    assert.throws(() => call('BP_AddAppointment', { aptdate, apttime: slot.AppointmentTime, aptlen: 900, practitionerid: gp.id, patientid: patientId }),
      (e: unknown) => e instanceof SqlExecutionError && e.errorCode === 50000);

    const mine = call('BP_GetPatientAppointments', { patientid: patientId }).rows ?? [];
    assert.ok(mine.some((r) => r.AppointmentID === added.returnValue && r.Status === 'Booked'));

    const cancelled = call('BP_CancelAppointment', { aptid: added.returnValue as number });
    assert.equal(cancelled.rowsAffected, 1);
    assert.ok(procedure('BP_CancelAppointment').writes);
    assert.equal(value(db, 'SELECT STATUSCODE FROM APPOINTMENTS WHERE RECORDID = ?', [added.returnValue as number]), 6);
    assert.equal((call('BP_GetFreeAppointments', { userid: gp.id, aptdate }).rows ?? []).length, free.length);
    assert.equal(call('BP_CancelAppointment', { aptid: added.returnValue as number }).rowsAffected, 0);
  });

  it('BP_AddPatient takes 28 parameters and returns the new INTERNALID', () => {
    const definition = procedure('BP_AddPatient');
    assert.equal(definition.parameters.length, 28);
    assert.equal(definition.parameters[0].name, '@titlecode');
    assert.equal(definition.parameters[27].name, '@usualdoctor');
    const before = value(db, 'SELECT MAX(INTERNALID) FROM PATIENTS') as number;
    const result = call('BP_AddPatient', {
      titlecode: '3', firstname: 'Matilda', middlename: null, surname: 'Sandbox', preferredname: 'Tilly', address1: '1 Test Street', address2: null,
      city: 'Parramatta', postcode: '2150', postaladdress: null, postalcity: null, postalpostcode: null, dob: '1990-02-03', sexcode: '2',
      ethniccode: '4', homephone: null, workphone: null, mobilephone: '0412 345 678', medicareno: '2123456701', medicarelineno: '1',
      medicareexpiry: '05/2028', pensioncode: '0', pensionno: null, dvacode: null, recordno: null, email: 'tilly@example.com', headoffamilyid: null,
      usualdoctor: '1',
    });
    assert.equal(result.returnValue, before + 1);
    assert.equal(result.rowsAffected, 1);
    const stored = rows(db, 'SELECT * FROM BPS_Patients WHERE InternalID = ?', [result.returnValue as number])[0];
    assert.equal(stored.Firstname, 'Matilda');
    assert.equal(stored.DOB, '1990-02-03T00:00:00');
    assert.equal(stored.Sex, 'Female');
    assert.equal(stored.StatusText, 'Active');
    assert.equal(value(db, 'SELECT MEDICAREEXPIRY FROM PATIENTS WHERE INTERNALID = ?', [result.returnValue as number]), '2028-05-01T00:00:00');
    const found = call('BP_GetPatientByNameDOB', { firstname: 'tilly', surname: 'SANDBOX', dob: '03/02/1990' }).rows ?? [];
    assert.equal(found[0]?.InternalID, result.returnValue);
    assert.throws(() => call('BP_AddPatient', { firstname: 'No', surname: 'Card', dob: '1990-01-01', medicareno: '2123456711' }),
      (e: unknown) => e instanceof SqlExecutionError && /Medicare/.test(e.message));
    assert.throws(() => call('BP_AddPatient', { firstname: 'No', surname: 'Dob' }), (e: unknown) => e instanceof SqlExecutionError && e.errorCode === 201);
  });

  it('declares the procedures Best Practice integrators call', () => {
    assert.deepEqual(site.procedures.map((p) => p.name).sort(), [
      'BP_AddAppointment', 'BP_AddPatient', 'BP_CancelAppointment', 'BP_GetAllUsers', 'BP_GetAppointmentBookUsers', 'BP_GetFreeAppointments',
      'BP_GetPatientAppointments', 'BP_GetPatientByNameDOB',
    ]);
    assert.deepEqual(procedure('BP_AddAppointment').parameters.map((p) => p.name),
      ['@aptdate', '@apttime', '@aptlen', '@practitionerid', '@patientid', '@locationid']);
    assert.deepEqual(site.procedures.filter((p) => p.writes).map((p) => p.name).sort(), ['BP_AddAppointment', 'BP_AddPatient', 'BP_CancelAppointment']);
  });
});
