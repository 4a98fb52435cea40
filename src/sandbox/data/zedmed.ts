/*
 * Zedmed's database schema is not public. This one is INVENTED for the Sandbox: plausible names and shapes for a
 * Zedmed site with two catalogues, ZedmedClinical (default: patients, doctors, appointments, clinical records) and
 * ZedmedBilling (invoices, items, payments, the MBS fee table). Integrators must not take it for the real thing.
 */
import type { SqlJsStatic } from 'sql.js';
import type { PracticeDatabaseSpec } from '../sql/types';
import { invoiceLines } from './clinicalGenerator';
import { MBS_ITEMS } from './clinicalReference';
import { isoDateTime, parseIsoDay } from './practiceClock';
import type { AppointmentStatus, ConcessionKind, GeneratedPractice, Payer, Sex } from './practiceModel';
import { inSchema, inTransaction, insertAll, openBulkDatabase } from './sqlBulk';

export const ZEDMED_CLINICAL_TABLES = `
CREATE TABLE CLINIC (CLINIC_ID INTEGER PRIMARY KEY, CLINIC_NAME TEXT NOT NULL, ADDRESS TEXT, SUBURB TEXT, STATE TEXT, POSTCODE TEXT, PHONE TEXT, ABN TEXT);
CREATE TABLE DOCTOR (DOCTOR_ID INTEGER PRIMARY KEY, TITLE TEXT, GIVEN_NAME TEXT NOT NULL, FAMILY_NAME TEXT NOT NULL, ROLE TEXT NOT NULL,
  PROVIDER_NO TEXT, PRESCRIBER_NO TEXT, HPII TEXT, CLINIC_ID INTEGER, IS_ACTIVE INTEGER NOT NULL);
CREATE TABLE PATIENT (PATIENT_ID INTEGER PRIMARY KEY, CHART_NO TEXT NOT NULL, TITLE TEXT, GIVEN_NAME TEXT NOT NULL, MIDDLE_NAME TEXT,
  FAMILY_NAME TEXT NOT NULL, PREFERRED_NAME TEXT, DATE_OF_BIRTH TEXT NOT NULL, SEX TEXT NOT NULL, ADDRESS_LINE_1 TEXT, ADDRESS_LINE_2 TEXT,
  SUBURB TEXT, STATE TEXT, POSTCODE TEXT, HOME_PHONE TEXT, MOBILE_PHONE TEXT, EMAIL TEXT, MEDICARE_NO TEXT, MEDICARE_IRN INTEGER,
  MEDICARE_EXPIRY TEXT, IHI TEXT, CONCESSION_TYPE TEXT, CONCESSION_NO TEXT, DVA_NO TEXT, FAMILY_HEAD_ID INTEGER, USUAL_DOCTOR_ID INTEGER,
  IS_ACTIVE INTEGER NOT NULL, IS_DECEASED INTEGER NOT NULL, IS_DELETED INTEGER NOT NULL, CREATED_AT TEXT NOT NULL, MODIFIED_AT TEXT NOT NULL);
CREATE TABLE APPOINTMENT (APPOINTMENT_ID INTEGER PRIMARY KEY, PATIENT_ID INTEGER NOT NULL, DOCTOR_ID INTEGER NOT NULL, CLINIC_ID INTEGER,
  START_TIME TEXT NOT NULL, DURATION_MINUTES INTEGER NOT NULL, APPOINTMENT_TYPE TEXT, STATUS TEXT NOT NULL, BOOKED_AT TEXT NOT NULL);
CREATE TABLE CONSULTATION (CONSULT_ID INTEGER PRIMARY KEY, APPOINTMENT_ID INTEGER, PATIENT_ID INTEGER NOT NULL, DOCTOR_ID INTEGER NOT NULL,
  CONSULT_DATE TEXT NOT NULL, CONSULT_MODE TEXT, NOTES TEXT);
CREATE TABLE DIAGNOSIS (DIAGNOSIS_ID INTEGER PRIMARY KEY, PATIENT_ID INTEGER NOT NULL, DESCRIPTION TEXT NOT NULL, SNOMED_CT TEXT,
  YEAR_ONSET INTEGER, IS_ACTIVE INTEGER NOT NULL);
CREATE TABLE PRESCRIPTION (SCRIPT_ID INTEGER PRIMARY KEY, PATIENT_ID INTEGER NOT NULL, DRUG_NAME TEXT NOT NULL, DOSE TEXT, FREQUENCY TEXT,
  ROUTE TEXT, QUANTITY TEXT, REPEATS INTEGER, INDICATION TEXT, PRESCRIBED_DATE TEXT, DOCTOR_ID INTEGER, IS_CURRENT INTEGER NOT NULL);
CREATE TABLE ALLERGY (ALLERGY_ID INTEGER PRIMARY KEY, PATIENT_ID INTEGER NOT NULL, SUBSTANCE TEXT NOT NULL, REACTION TEXT, SEVERITY TEXT);
CREATE TABLE IMMUNISATION (IMMUNISATION_ID INTEGER PRIMARY KEY, PATIENT_ID INTEGER NOT NULL, VACCINE TEXT NOT NULL, DATE_GIVEN TEXT NOT NULL,
  BATCH_NO TEXT, GIVEN_BY_ID INTEGER, GIVEN_ELSEWHERE INTEGER NOT NULL);
CREATE TABLE MEASUREMENT (MEASUREMENT_ID INTEGER PRIMARY KEY, PATIENT_ID INTEGER NOT NULL, MEASUREMENT_TYPE TEXT NOT NULL, VALUE TEXT NOT NULL,
  UNIT TEXT, MEASURED_AT TEXT NOT NULL);
`;

export const ZEDMED_CLINICAL_VIEWS = `
CREATE VIEW V_PATIENT_SUMMARY AS SELECT p.PATIENT_ID, p.CHART_NO, p.TITLE, p.GIVEN_NAME, p.FAMILY_NAME, p.DATE_OF_BIRTH, p.SEX, p.SUBURB,
  p.STATE, p.POSTCODE, p.MOBILE_PHONE, p.MEDICARE_NO, p.MEDICARE_IRN, TRIM(COALESCE(d.TITLE || ' ', '') || d.GIVEN_NAME || ' ' || d.FAMILY_NAME) AS USUAL_DOCTOR
  FROM PATIENT p LEFT JOIN DOCTOR d ON d.DOCTOR_ID = p.USUAL_DOCTOR_ID WHERE p.IS_ACTIVE = 1 AND p.IS_DELETED = 0;
CREATE VIEW V_APPOINTMENT_BOOK AS SELECT a.APPOINTMENT_ID, a.START_TIME, a.DURATION_MINUTES, a.APPOINTMENT_TYPE, a.STATUS,
  a.PATIENT_ID, p.GIVEN_NAME || ' ' || p.FAMILY_NAME AS PATIENT_NAME, a.DOCTOR_ID, d.GIVEN_NAME || ' ' || d.FAMILY_NAME AS DOCTOR_NAME, c.CLINIC_NAME
  FROM APPOINTMENT a JOIN PATIENT p ON p.PATIENT_ID = a.PATIENT_ID JOIN DOCTOR d ON d.DOCTOR_ID = a.DOCTOR_ID LEFT JOIN CLINIC c ON c.CLINIC_ID = a.CLINIC_ID;
CREATE VIEW V_CURRENT_MEDICATIONS AS SELECT s.PATIENT_ID, p.GIVEN_NAME || ' ' || p.FAMILY_NAME AS PATIENT_NAME, s.DRUG_NAME, s.DOSE, s.FREQUENCY,
  s.INDICATION, s.PRESCRIBED_DATE FROM PRESCRIPTION s JOIN PATIENT p ON p.PATIENT_ID = s.PATIENT_ID WHERE s.IS_CURRENT = 1;
`;

export const ZEDMED_BILLING_TABLES = `
CREATE TABLE MBS_FEE (MBS_ITEM TEXT PRIMARY KEY, DESCRIPTION TEXT NOT NULL, SCHEDULE_FEE_CENTS INTEGER NOT NULL);
CREATE TABLE INVOICE (INVOICE_ID INTEGER PRIMARY KEY, PATIENT_ID INTEGER NOT NULL, DOCTOR_ID INTEGER NOT NULL, APPOINTMENT_ID INTEGER,
  INVOICE_DATE TEXT NOT NULL, BILLING_TYPE TEXT NOT NULL, TOTAL_CENTS INTEGER NOT NULL, STATUS TEXT NOT NULL);
CREATE TABLE INVOICE_ITEM (ITEM_ID INTEGER PRIMARY KEY, INVOICE_ID INTEGER NOT NULL, MBS_ITEM TEXT NOT NULL, DESCRIPTION TEXT,
  FEE_CENTS INTEGER NOT NULL, SERVICE_DATE TEXT NOT NULL);
CREATE TABLE PAYMENT (PAYMENT_ID INTEGER PRIMARY KEY, INVOICE_ID INTEGER NOT NULL, PAID_AT TEXT NOT NULL, AMOUNT_CENTS INTEGER NOT NULL, METHOD TEXT NOT NULL);
`;

export const ZEDMED_BILLING_VIEWS = `
CREATE VIEW V_OUTSTANDING_INVOICES AS SELECT INVOICE_ID, PATIENT_ID, DOCTOR_ID, INVOICE_DATE, BILLING_TYPE, TOTAL_CENTS
  FROM INVOICE WHERE STATUS = 'Outstanding';
CREATE VIEW V_DAILY_TAKINGS AS SELECT SUBSTR(PAID_AT, 1, 10) AS PAYMENT_DATE, METHOD, COUNT(*) AS PAYMENTS, SUM(AMOUNT_CENTS) AS AMOUNT_CENTS
  FROM PAYMENT GROUP BY SUBSTR(PAID_AT, 1, 10), METHOD;
`;

const SEX_LETTER: Readonly<Record<Sex, string>> = { male: 'M', female: 'F', indeterminate: 'X' };
const STATUS_TEXT: Readonly<Record<AppointmentStatus, string>> = {
  booked: 'Booked', arrived: 'Arrived', inConsultation: 'In consult', completed: 'Completed', didNotAttend: 'DNA', cancelled: 'Cancelled',
};
const CONCESSION_TEXT: Readonly<Record<ConcessionKind, string | null>> = { none: null, pension: 'Pensioner', healthCareCard: 'Health Care Card', seniorsCard: 'CSHC' };
const BILLING_TYPE: Readonly<Record<Payer, string>> = { bulkBilled: 'Bulk bill', private: 'Private', dva: 'DVA', healthFund: 'Private' };

/** Builds a Zedmed site (invented schema, see the header): ZedmedClinical in `main`, ZedmedBilling ATTACHed. No procedures. */
export function buildZedmedDatabase(SQL: SqlJsStatic, practice: GeneratedPractice): PracticeDatabaseSpec {
  const db = openBulkDatabase(SQL);
  db.exec("ATTACH DATABASE ':memory:' AS ZedmedBilling;");
  db.exec(ZEDMED_CLINICAL_TABLES + ZEDMED_CLINICAL_VIEWS);
  db.exec(inSchema(ZEDMED_BILLING_TABLES + ZEDMED_BILLING_VIEWS, 'ZedmedBilling'));
  inTransaction(db, () => {
    insertAll(db, 'CLINIC', ['CLINIC_ID', 'CLINIC_NAME', 'ADDRESS', 'SUBURB', 'STATE', 'POSTCODE', 'PHONE', 'ABN'], practice.locations,
      (l) => [l.id, l.name, l.address.line1, l.address.suburb, l.address.state, l.address.postcode, l.phone, practice.abn]);
    insertAll(db, 'DOCTOR', ['DOCTOR_ID', 'TITLE', 'GIVEN_NAME', 'FAMILY_NAME', 'ROLE', 'PROVIDER_NO', 'PRESCRIBER_NO', 'HPII', 'CLINIC_ID', 'IS_ACTIVE'],
      practice.practitioners, (d) => [d.id, d.title, d.firstName, d.surname, d.role === 'gp' ? 'GP' : 'Practice nurse', d.providerNumber, d.prescriberNumber,
        d.hpii, d.locationId, d.active]);
    insertAll(db, 'PATIENT', ['PATIENT_ID', 'CHART_NO', 'TITLE', 'GIVEN_NAME', 'MIDDLE_NAME', 'FAMILY_NAME', 'PREFERRED_NAME', 'DATE_OF_BIRTH', 'SEX',
      'ADDRESS_LINE_1', 'ADDRESS_LINE_2', 'SUBURB', 'STATE', 'POSTCODE', 'HOME_PHONE', 'MOBILE_PHONE', 'EMAIL', 'MEDICARE_NO', 'MEDICARE_IRN',
      'MEDICARE_EXPIRY', 'IHI', 'CONCESSION_TYPE', 'CONCESSION_NO', 'DVA_NO', 'FAMILY_HEAD_ID', 'USUAL_DOCTOR_ID', 'IS_ACTIVE', 'IS_DECEASED',
      'IS_DELETED', 'CREATED_AT', 'MODIFIED_AT'], practice.patients,
    (p) => [p.id, `Z${String(p.id).padStart(6, '0')}`, p.title, p.firstName, p.middleName, p.surname, p.preferredName, p.dob, SEX_LETTER[p.sex],
      p.address.line1, p.address.line2, p.address.suburb, p.address.state, p.address.postcode, p.homePhone, p.mobile, p.email, p.medicare?.number,
      p.medicare?.irn, p.medicare?.expiry, p.ihi, CONCESSION_TEXT[p.concession], p.pensionNumber, p.dvaNumber, p.headOfFamilyId,
      p.usualPractitionerId, p.status === 'active', p.status === 'deceased', p.status === 'deleted', p.createdAt, p.updatedAt]);
    insertAll(db, 'APPOINTMENT', ['APPOINTMENT_ID', 'PATIENT_ID', 'DOCTOR_ID', 'CLINIC_ID', 'START_TIME', 'DURATION_MINUTES', 'APPOINTMENT_TYPE', 'STATUS',
      'BOOKED_AT'], practice.appointments,
    (a) => [a.id, a.patientId, a.practitionerId, a.locationId, isoDateTime(parseIsoDay(a.date), a.start), a.length / 60, a.kind, STATUS_TEXT[a.status],
      a.createdAt]);
    insertAll(db, 'CONSULTATION', ['CONSULT_ID', 'APPOINTMENT_ID', 'PATIENT_ID', 'DOCTOR_ID', 'CONSULT_DATE', 'CONSULT_MODE', 'NOTES'], practice.encounters,
      (e) => [e.id, e.appointmentId, e.patientId, e.practitionerId, e.at, e.mode, e.notes]);
    insertAll(db, 'DIAGNOSIS', ['DIAGNOSIS_ID', 'PATIENT_ID', 'DESCRIPTION', 'SNOMED_CT', 'YEAR_ONSET', 'IS_ACTIVE'], practice.conditions,
      (c) => [c.id, c.patientId, c.name, c.snomed, c.year, c.active]);
    insertAll(db, 'PRESCRIPTION', ['SCRIPT_ID', 'PATIENT_ID', 'DRUG_NAME', 'DOSE', 'FREQUENCY', 'ROUTE', 'QUANTITY', 'REPEATS', 'INDICATION',
      'PRESCRIBED_DATE', 'DOCTOR_ID', 'IS_CURRENT'], practice.medications,
    (m) => [m.id, m.patientId, m.drugName, m.dose, m.frequency, m.route, m.quantity, m.repeats, m.indication, m.lastPrescribed, m.prescriberId, true]);
    insertAll(db, 'ALLERGY', ['ALLERGY_ID', 'PATIENT_ID', 'SUBSTANCE', 'REACTION', 'SEVERITY'], practice.allergies,
      (a) => [a.id, a.patientId, a.substance, a.reaction, a.severity]);
    insertAll(db, 'IMMUNISATION', ['IMMUNISATION_ID', 'PATIENT_ID', 'VACCINE', 'DATE_GIVEN', 'BATCH_NO', 'GIVEN_BY_ID', 'GIVEN_ELSEWHERE'],
      practice.immunisations, (i) => [i.id, i.patientId, i.vaccineName, i.date, i.batch, i.givenById, i.givenElsewhere]);
    insertAll(db, 'MEASUREMENT', ['MEASUREMENT_ID', 'PATIENT_ID', 'MEASUREMENT_TYPE', 'VALUE', 'UNIT', 'MEASURED_AT'], practice.observations,
      (o) => [o.id, o.patientId, o.name, o.value, o.unit, isoDateTime(parseIsoDay(o.date), o.time)]);

    insertAll(db, 'ZedmedBilling.MBS_FEE', ['MBS_ITEM', 'DESCRIPTION', 'SCHEDULE_FEE_CENTS'], Object.values(MBS_ITEMS), (m) => [m.item, m.description, m.fee]);
    insertAll(db, 'ZedmedBilling.INVOICE', ['INVOICE_ID', 'PATIENT_ID', 'DOCTOR_ID', 'APPOINTMENT_ID', 'INVOICE_DATE', 'BILLING_TYPE', 'TOTAL_CENTS', 'STATUS'],
      practice.invoices, (i) => [i.id, i.patientId, i.practitionerId, i.appointmentId, i.date, BILLING_TYPE[i.payer], i.total, i.paid ? 'Paid' : 'Outstanding']);
    insertAll(db, 'ZedmedBilling.INVOICE_ITEM', ['ITEM_ID', 'INVOICE_ID', 'MBS_ITEM', 'DESCRIPTION', 'FEE_CENTS', 'SERVICE_DATE'], invoiceLines(practice.invoices),
      ({ invoice, line }) => [line.id, invoice.id, line.item, line.description, line.fee, invoice.date]);
    insertAll(db, 'ZedmedBilling.PAYMENT', ['PAYMENT_ID', 'INVOICE_ID', 'PAID_AT', 'AMOUNT_CENTS', 'METHOD'], practice.invoices.filter((i) => i.paid),
      (i) => [i.id, i.id, `${i.date}T17:00:00`, i.total, i.payer === 'bulkBilled' ? 'Medicare' : i.payer === 'dva' ? 'DVA' : i.id % 3 === 0 ? 'Cash' : 'EFTPOS']);
  });
  return {
    db,
    catalogues: [
      { name: 'ZedmedClinical', isDefault: true, schema: 'main' },
      { name: 'ZedmedBilling', isDefault: false, schema: 'ZedmedBilling' },
    ],
    procedures: [],
  };
}
