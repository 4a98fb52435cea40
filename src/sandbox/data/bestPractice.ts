import type { Database, SqlJsStatic } from 'sql.js';
import type { PracticeDatabaseSpec } from '../sql/types';
import { BEST_PRACTICE_DRUG_TABLES, BEST_PRACTICE_TABLES, BEST_PRACTICE_VIEWS } from './bestPracticeSchema';
import { bestPracticeProcedures } from './bestPracticeProcedures';
import { invoiceLines } from './clinicalGenerator';
import { APPOINTMENT_KIND_NAMES, APPOINTMENT_MIX, PRODUCTS, VACCINES } from './clinicalReference';
import { generatePractice } from './practiceGenerator';
import type {
  AppointmentKind, AppointmentStatus, ConcessionKind, EncounterMode, GeneratedPractice, Indigenous, Payer, PatientStatus, PractitionerRole, Sex, Title,
} from './practiceModel';
import { deriveSeed } from './random';
import { type Cell, inSchema, inTransaction, insertAll, openBulkDatabase } from './sqlBulk';

/** Patients of the BPSSamples catalogue, Best Practice's own demonstration database. */
export const SAMPLE_PATIENTS = 50;

/** Best Practice's codes for the model's values; the lookup tables are filled from these same maps. */
export const BP_TITLE_CODES: Readonly<Record<Title, number>> = { Mr: 1, Mrs: 2, Ms: 3, Miss: 4, Master: 5, Dr: 6, Prof: 7 };
export const BP_SEX_CODES: Readonly<Record<Sex, number>> = { male: 1, female: 2, indeterminate: 3 };
const SEX_NAMES: readonly [number, string][] = [[1, 'Male'], [2, 'Female'], [3, 'Indeterminate'], [4, 'Not stated']];
export const BP_PATIENT_STATUS: Readonly<Record<Exclude<PatientStatus, 'deleted'>, number>> = { active: 1, inactive: 2, deceased: 3 };
const PATIENT_STATUS_NAMES: readonly [number, string][] = [[1, 'Active'], [2, 'Inactive'], [3, 'Deceased']];
/** RECORDSTATUS of a deleted record; 1 is live. */
export const BP_RECORD_DELETED = 2;
export const BP_APPOINTMENT_STATUS: Readonly<Record<AppointmentStatus, number>> = {
  booked: 1, arrived: 2, inConsultation: 3, completed: 4, didNotAttend: 5, cancelled: 6,
};
const APPOINTMENT_STATUS_NAMES: readonly [number, string][] = [[1, 'Booked'], [2, 'Waiting'], [3, 'With doctor'], [4, 'Completed'], [5, 'Did not arrive'], [6, 'Cancelled']];
const ETHNIC_CODES: Readonly<Record<Indigenous, number>> = { aboriginal: 1, torresStraitIslander: 2, both: 3, neither: 4, notStated: 5 };
const ETHNIC_NAMES: readonly [number, string][] = [
  [1, 'Aboriginal'], [2, 'Torres Strait Islander'], [3, 'Aboriginal and Torres Strait Islander'], [4, 'Neither Aboriginal nor Torres Strait Islander'], [5, 'Not stated'],
];
/** PENSIONCODE: 0 none, 1 pension (concession card), 2 health care card, 3 Commonwealth seniors health card. */
const PENSION_CODES: Readonly<Record<ConcessionKind, number>> = { none: 0, pension: 1, healthCareCard: 2, seniorsCard: 3 };
/** PAYERCODE of SERVICES. */
const PAYER_CODES: Readonly<Record<Payer, number>> = { bulkBilled: 1, private: 2, dva: 3, healthFund: 4 };
const VISIT_TYPES: Readonly<Record<EncounterMode, string>> = { surgery: 'Surgery', telehealth: 'Telehealth', telephone: 'Telephone', homeVisit: 'Home visit' };
const USER_TYPES: Readonly<Record<PractitionerRole, string>> = { gp: 'Doctor', nurse: 'Nurse', dentist: 'Dentist', hygienist: 'Hygienist' };

/** APPOINTMENTTYPES.APPOINTMENTCODE of each kind, numbered in the order the catalogue names them. */
export const BP_APPOINTMENT_CODES: Readonly<Record<AppointmentKind, number>> = Object.fromEntries(
  (Object.keys(APPOINTMENT_KIND_NAMES) as AppointmentKind[]).map((kind, index) => [kind, index + 1]),
) as Record<AppointmentKind, number>;

const TIMESTAMP = (date: string): string => (date.length === 10 ? `${date}T00:00:00` : date);

/**
 * Builds a Best Practice site: BPSPatients in `main` from `practice`, BPSSamples (a small practice from a derived seed,
 * same schema) and BPSDrugs ATTACHed, and Best Practice's stored procedures.
 */
export function buildBestPracticeDatabase(SQL: SqlJsStatic, practice: GeneratedPractice): PracticeDatabaseSpec {
  const db = openBulkDatabase(SQL);
  db.exec("ATTACH DATABASE ':memory:' AS BPSSamples; ATTACH DATABASE ':memory:' AS BPSDrugs;");
  const samples = generatePractice({
    seed: deriveSeed(practice.seed, 'BPSSamples'),
    patients: SAMPLE_PATIENTS,
    now: new Date(practice.instant),
    kind: practice.kind,
    software: practice.software,
  });
  inTransaction(db, () => {
    fillBestPracticeCatalogue(db, 'main', practice);
    fillBestPracticeCatalogue(db, 'BPSSamples', samples);
    fillDrugCatalogue(db, 'BPSDrugs');
  });
  // The procedures look appointments up by practitioner and day, and by patient; Best Practice indexes the same ways.
  db.exec(`CREATE INDEX IX_APPOINTMENTS_USER_DATE ON APPOINTMENTS (USERID, APPOINTMENTDATE);
    CREATE INDEX IX_APPOINTMENTS_PATIENT ON APPOINTMENTS (INTERNALID); CREATE INDEX IX_PATIENTS_SURNAME ON PATIENTS (SURNAME);`);
  return {
    db,
    catalogues: [
      { name: 'BPSPatients', isDefault: true, schema: 'main' },
      { name: 'BPSSamples', isDefault: false, schema: 'BPSSamples' },
      { name: 'BPSDrugs', isDefault: false, schema: 'BPSDrugs' },
    ],
    procedures: bestPracticeProcedures({ timeZone: practice.timeZone }),
  };
}

function fillDrugCatalogue(db: Database, schema: string): void {
  db.exec(inSchema(BEST_PRACTICE_DRUG_TABLES, schema));
  insertAll(db, `${schema}.VACCINES`, ['VACCINEID', 'VACCINENAME', 'AMTCODE', 'SCHEDULE'], VACCINES, (v) => [v.vaccineId, v.name, null, v.schedule]);
  insertAll(db, `${schema}.PRODUCTS`, ['PRODUCTID', 'PRODUCTNAME', 'GENERICNAME', 'STRENGTH', 'FORM', 'PBSCODE', 'SCHEDULE'], PRODUCTS,
    (p) => [p.productId, p.name, p.generic, p.strength, p.form, null, p.schedule]);
}

/** Creates the BPSPatients schema in `schema` and loads one practice into it. */
function fillBestPracticeCatalogue(db: Database, schema: string, practice: GeneratedPractice): void {
  db.exec(inSchema(BEST_PRACTICE_TABLES, schema));
  db.exec(inSchema(BEST_PRACTICE_VIEWS, schema));
  const t = (table: string): string => `${schema}.${table}`;
  const created = practice.practitioners[0]?.createdAt ?? practice.now;
  const load = <T>(table: string, columns: readonly string[], items: Iterable<T>, toRow: (item: T) => readonly Cell[]): void => {
    insertAll(db, t(table), columns, items, toRow);
  };
  const stamp = ['CREATED', 'UPDATED'];

  load('PRACTICE', ['PRACTICEID', 'PRACTICENAME', 'ADDRESS1', 'CITY', 'POSTCODE', 'STATE', 'PHONE', 'EMAIL', 'ABN', ...stamp], [practice],
    (p) => [1, p.name, p.address.line1, p.address.suburb, p.address.postcode, p.address.state, p.phone, p.email, p.abn, created, created]);
  load('LOCATIONS', ['LOCATIONID', 'LOCATIONNAME', 'ADDRESS1', 'CITY', 'POSTCODE', 'STATE', 'PHONE', 'RECORDSTATUS', ...stamp], practice.locations,
    (l) => [l.id, l.name, l.address.line1, l.address.suburb, l.address.postcode, l.address.state, l.phone, 1, created, created]);
  load('TITLES', ['TITLECODE', 'TITLE'], Object.entries(BP_TITLE_CODES), ([title, code]) => [code, title]);
  load('SEX', ['SEXCODE', 'SEX'], SEX_NAMES, (row) => row);
  load('PATIENTSTATUS', ['PATIENTSTATUS', 'STATUSTEXT'], PATIENT_STATUS_NAMES, (row) => row);
  load('APPOINTMENTSTATUS', ['STATUSCODE', 'STATUSTEXT'], APPOINTMENT_STATUS_NAMES, (row) => row);
  load('ETHNICITY', ['ETHNICCODE', 'ETHNICITY'], ETHNIC_NAMES, (row) => row);
  const slotsOf = new Map(Object.values(APPOINTMENT_MIX).flat().map((m) => [m.kind, m.slots]));
  load('APPOINTMENTTYPES', ['APPOINTMENTCODE', 'DESCRIPTION', 'DURATION'], Object.entries(BP_APPOINTMENT_CODES) as [AppointmentKind, number][],
    ([kind, code]) => [code, APPOINTMENT_KIND_NAMES[kind], (slotsOf.get(kind) ?? 1) * 900]);
  const religions = [...new Set(practice.patients.map((p) => p.religion).filter((r): r is string => r !== undefined))].sort();
  const religionCode = new Map(religions.map((r, i) => [r, i + 1]));
  load('RELIGION', ['RELIGIONCODE', 'RELIGION'], religions, (r) => [religionCode.get(r), r]);

  load('USERS', ['USERID', 'USERSTATUS', 'TITLECODE', 'FIRSTNAME', 'SURNAME', 'PROVIDERNO', 'PRESCRIBERNO', 'HPII', 'LOCATIONID', 'USERTYPE', 'EMAIL',
    'SEXCODE', 'APPOINTMENTBOOK', ...stamp], practice.practitioners,
  (u) => [u.id, u.active ? 1 : 2, BP_TITLE_CODES[u.title], u.firstName, u.surname, u.providerNumber, u.prescriberNumber, u.hpii, u.locationId,
    USER_TYPES[u.role], u.email, BP_SEX_CODES[u.sex], u.active ? 1 : 0, u.createdAt, u.createdAt]);
  load('SESSIONS', ['USERID', 'LOCATIONID', 'DAYOFWEEK', 'STARTTIME', 'ENDTIME', 'RECORDSTATUS', ...stamp],
    practice.practitioners.filter((u) => u.active).flatMap((u) => u.sessions.map((s) => ({ u, s }))),
    ({ u, s }) => [u.id, u.locationId, s.weekday, s.start, s.end, 1, u.createdAt, u.createdAt]);

  load('PATIENTS', ['INTERNALID', 'EXTERNALID', 'RECORDNO', 'TITLECODE', 'FIRSTNAME', 'MIDDLENAME', 'SURNAME', 'PREFERREDNAME', 'DOB', 'SEXCODE',
    'ETHNICCODE', 'ADDRESS1', 'ADDRESS2', 'CITY', 'POSTCODE', 'POSTALADDRESS', 'POSTALCITY', 'POSTALPOSTCODE', 'HOMEPHONE', 'WORKPHONE', 'MOBILEPHONE',
    'EMAIL', 'MEDICARENO', 'MEDICARELINENO', 'MEDICAREEXPIRY', 'IHI', 'PENSIONCODE', 'PENSIONNO', 'DVACODE', 'RELIGIONCODE', 'USUALDOCTOR',
    'HEADOFFAMILYID', 'RECORDSTATUS', 'PATIENTSTATUS', ...stamp], practice.patients,
  (p) => [p.id, null, p.recordNo, BP_TITLE_CODES[p.title], p.firstName, p.middleName, p.surname, p.preferredName, TIMESTAMP(p.dob), BP_SEX_CODES[p.sex],
    ETHNIC_CODES[p.indigenous], p.address.line1, p.address.line2, p.address.suburb, p.address.postcode,
    p.postalAddress?.line1, p.postalAddress?.suburb, p.postalAddress?.postcode, p.homePhone, p.workPhone, p.mobile, p.email,
    p.medicare?.number, p.medicare === undefined ? null : String(p.medicare.irn), p.medicare === undefined ? null : `${p.medicare.expiry}-01T00:00:00`,
    p.ihi, PENSION_CODES[p.concession], p.pensionNumber, p.dvaNumber, p.religion === undefined ? null : religionCode.get(p.religion),
    p.usualPractitionerId, p.headOfFamilyId, p.status === 'deleted' ? BP_RECORD_DELETED : 1,
    p.status === 'deleted' ? BP_PATIENT_STATUS.inactive : BP_PATIENT_STATUS[p.status], p.createdAt, p.updatedAt]);

  load('APPOINTMENTS', ['RECORDID', 'INTERNALID', 'USERID', 'LOCATIONID', 'APPOINTMENTDATE', 'APPOINTMENTTIME', 'APPOINTMENTLENGTH', 'APPOINTMENTCODE',
    'STATUSCODE', 'NOTES', 'RECORDSTATUS', ...stamp], practice.appointments,
  (a) => [a.id, a.patientId, a.practitionerId, a.locationId, TIMESTAMP(a.date), a.start, a.length, BP_APPOINTMENT_CODES[a.kind],
    BP_APPOINTMENT_STATUS[a.status], null, 1, a.createdAt, a.createdAt]);
  load('VISITS', ['VISITID', 'INTERNALID', 'USERID', 'VISITDATE', 'VISITTYPE', 'VISITNOTES', 'RECORDSTATUS', ...stamp], practice.encounters,
    (v) => [v.id, v.patientId, v.practitionerId, v.at, VISIT_TYPES[v.mode], v.notes, 1, v.at, v.at]);
  load('HISTORY', ['RECORDID', 'INTERNALID', 'YEAR', 'CONDITION', 'CONDITIONID', 'SNOMEDCODE', 'STATUS', 'RECORDSTATUS', ...stamp], practice.conditions,
    (c) => [c.id, c.patientId, c.year, c.name, c.conditionId, c.snomed, c.active ? 'Active' : 'Inactive', 1, c.recordedAt, c.recordedAt]);
  load('REACTIONS', ['RECORDID', 'INTERNALID', 'ITEMNAME', 'REACTION', 'SEVERITY', 'COMMENT', 'RECORDSTATUS', ...stamp], practice.allergies,
    (r) => [r.id, r.patientId, r.substance, r.reaction, r.severity[0].toUpperCase() + r.severity.slice(1), r.comment, 1, r.recordedAt, r.recordedAt]);
  load('IMMUNISATIONS', ['RECORDID', 'INTERNALID', 'GIVENDATE', 'VACCINEID', 'VACCINENAME', 'BATCHNO', 'USERID', 'NOTGIVENHERE', 'RECORDSTATUS', ...stamp],
    practice.immunisations,
    (i) => [i.id, i.patientId, i.date, i.vaccineId, i.vaccineName, i.batch, i.givenById, i.givenElsewhere, 1, i.date, i.date]);
  load('CURRENTRX', ['RECORDID', 'INTERNALID', 'PRODUCTID', 'DRUGNAME', 'DOSE', 'FREQUENCY', 'PRN', 'ROUTE', 'QUANTITY', 'PRODUCTUNIT', 'REPEATS',
    'INDICATION', 'LASTDATE', 'USERID', 'RECORDSTATUS', ...stamp], practice.medications,
  (m) => [m.id, m.patientId, m.productId, m.drugName, m.dose, m.frequency, m.prn, m.route, m.quantity, m.unit, m.repeats, m.indication,
    m.lastPrescribed, m.prescriberId, 1, m.lastPrescribed, m.lastPrescribed]);
  load('OBSERVATIONS', ['RECORDID', 'INTERNALID', 'OBSERVATIONCODE', 'OBSERVATIONNAME', 'OBSERVATIONDATE', 'OBSERVATIONTIME', 'OBSERVATIONVALUE',
    'RECORDSTATUS', ...stamp], practice.observations,
  (o) => [o.id, o.patientId, o.code, o.name, o.date, o.time, o.value, 1, o.date, o.date]);
  load('INVESTIGATIONS', ['REPORTID', 'INTERNALID', 'TESTNAME', 'COLLECTED', 'REPORTED', 'CHECKED', 'ACTIONED', 'CHECKEDBY', 'NOTATION', 'ACTION',
    'RECORDSTATUS', ...stamp], practice.investigations,
  (i) => [i.id, i.patientId, i.test, i.collected, i.reported, i.checked, i.actioned, i.checked === undefined ? null : i.requestedById, i.notation,
    i.action, 1, i.collected, i.actioned ?? i.checked ?? i.reported ?? i.collected]);
  load('INVOICES', ['INVOICEID', 'INTERNALID', 'USERID', 'INVOICEDATE', 'TOTAL', 'RECORDSTATUS', ...stamp], practice.invoices,
    (i) => [i.id, i.patientId, i.practitionerId, TIMESTAMP(i.date), i.total, 1, TIMESTAMP(i.date), TIMESTAMP(i.date)]);
  load('SERVICES', ['SERVICEID', 'INVOICEID', 'INTERNALID', 'SERVICEDATE', 'MBSITEM', 'DESCRIPTION', 'FEE', 'PAYERCODE', 'SERVICESTATUS', 'RECORDSTATUS',
    ...stamp], invoiceLines(practice.invoices),
  // SERVICESTATUS: 1 billed, awaiting payment; 2 paid.
  ({ invoice: i, line: l }) => [l.id, i.id, i.patientId, TIMESTAMP(i.date), l.item, l.description, l.fee, PAYER_CODES[i.payer], i.paid ? 2 : 1, 1,
    TIMESTAMP(i.date), TIMESTAMP(i.date)]);
}
