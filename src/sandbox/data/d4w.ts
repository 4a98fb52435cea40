/*
 * Dental4Windows (D4w) keeps its schema private. This one is INVENTED for the Sandbox: a plausible dental practice
 * database in one catalogue, D4w — patients, providers (dentists and hygienists), appointments, treatments with ADA item
 * codes and FDI tooth numbers, the odontogram's chart entries, recalls and invoices. It is not D4w's real schema.
 */
import type { SqlJsStatic } from 'sql.js';
import type { PracticeDatabaseSpec } from '../sql/types';
import { invoiceLines } from './clinicalGenerator';
import { ADA_ITEMS } from './clinicalReference';
import { timeOfDay } from './practiceClock';
import type { AppointmentStatus, GeneratedPractice, Sex } from './practiceModel';
import { Random } from './random';
import { inTransaction, insertAll, openBulkDatabase } from './sqlBulk';

export const D4W_TABLES = `
CREATE TABLE PROVIDERS (PROV_ID INTEGER PRIMARY KEY, PROV_CODE TEXT NOT NULL, PROV_TITLE TEXT, PROV_FIRSTNAME TEXT NOT NULL, PROV_SURNAME TEXT NOT NULL,
  PROV_TYPE TEXT NOT NULL, PROV_NUMBER TEXT, PROV_AHPRA TEXT, PROV_ACTIVE INTEGER NOT NULL);
CREATE TABLE PATIENTS (PAT_ID INTEGER PRIMARY KEY, PAT_FILENO TEXT NOT NULL, PAT_TITLE TEXT, PAT_FIRSTNAME TEXT NOT NULL, PAT_SURNAME TEXT NOT NULL,
  PAT_PREFNAME TEXT, PAT_DOB TEXT NOT NULL, PAT_GENDER TEXT NOT NULL, PAT_ADDR1 TEXT, PAT_ADDR2 TEXT, PAT_SUBURB TEXT, PAT_STATE TEXT,
  PAT_POSTCODE TEXT, PAT_HOMEPH TEXT, PAT_MOBILE TEXT, PAT_EMAIL TEXT, PAT_MEDICARE TEXT, PAT_MEDICARE_IRN INTEGER, PAT_HEALTHFUND TEXT,
  PAT_FUNDNO TEXT, PAT_PROV_ID INTEGER, PAT_FAMILY_ID INTEGER, PAT_ACTIVE INTEGER NOT NULL, PAT_CREATED TEXT NOT NULL, PAT_MODIFIED TEXT NOT NULL);
CREATE TABLE MEDICAL_ALERTS (ALERT_ID INTEGER PRIMARY KEY, PAT_ID INTEGER NOT NULL, ALERT_TYPE TEXT NOT NULL, ALERT_TEXT TEXT NOT NULL);
CREATE TABLE APPOINTMENTS (APPT_ID INTEGER PRIMARY KEY, PAT_ID INTEGER NOT NULL, PROV_ID INTEGER NOT NULL, APPT_DATE TEXT NOT NULL,
  APPT_START TEXT NOT NULL, APPT_MINUTES INTEGER NOT NULL, APPT_REASON TEXT, APPT_STATUS TEXT NOT NULL, APPT_CREATED TEXT NOT NULL);
CREATE TABLE ITEM_CODES (ADA_CODE TEXT PRIMARY KEY, DESCRIPTION TEXT NOT NULL, DEFAULT_FEE_CENTS INTEGER NOT NULL);
CREATE TABLE TREATMENTS (TREAT_ID INTEGER PRIMARY KEY, PAT_ID INTEGER NOT NULL, PROV_ID INTEGER NOT NULL, APPT_ID INTEGER, INV_ID INTEGER,
  TREAT_DATE TEXT NOT NULL, ADA_CODE TEXT NOT NULL, TOOTH INTEGER, SURFACES TEXT, FEE_CENTS INTEGER NOT NULL, TREAT_STATUS TEXT NOT NULL);
CREATE TABLE CHART (CHART_ID INTEGER PRIMARY KEY, PAT_ID INTEGER NOT NULL, TOOTH INTEGER NOT NULL, SURFACES TEXT, CHART_CONDITION TEXT NOT NULL,
  CHARTED_DATE TEXT NOT NULL, PROV_ID INTEGER, TREAT_ID INTEGER);
CREATE TABLE RECALLS (RECALL_ID INTEGER PRIMARY KEY, PAT_ID INTEGER NOT NULL, PROV_ID INTEGER, RECALL_TYPE TEXT NOT NULL, DUE_DATE TEXT NOT NULL,
  RECALL_STATUS TEXT NOT NULL);
CREATE TABLE INVOICES (INV_ID INTEGER PRIMARY KEY, PAT_ID INTEGER NOT NULL, PROV_ID INTEGER NOT NULL, INV_DATE TEXT NOT NULL, TOTAL_CENTS INTEGER NOT NULL,
  PAYER TEXT NOT NULL, PAID INTEGER NOT NULL);
`;

export const D4W_VIEWS = `
CREATE VIEW V_APPOINTMENT_BOOK AS SELECT a.APPT_ID, a.APPT_DATE, a.APPT_START, a.APPT_MINUTES, a.APPT_REASON, a.APPT_STATUS,
  p.PAT_ID, p.PAT_FIRSTNAME || ' ' || p.PAT_SURNAME AS PATIENT_NAME, p.PAT_MOBILE, v.PROV_CODE, v.PROV_FIRSTNAME || ' ' || v.PROV_SURNAME AS PROVIDER_NAME
  FROM APPOINTMENTS a JOIN PATIENTS p ON p.PAT_ID = a.PAT_ID JOIN PROVIDERS v ON v.PROV_ID = a.PROV_ID;
CREATE VIEW V_TREATMENT_HISTORY AS SELECT t.TREAT_ID, t.PAT_ID, p.PAT_FIRSTNAME || ' ' || p.PAT_SURNAME AS PATIENT_NAME, t.TREAT_DATE, t.ADA_CODE,
  i.DESCRIPTION, t.TOOTH, t.SURFACES, t.FEE_CENTS, v.PROV_CODE
  FROM TREATMENTS t JOIN PATIENTS p ON p.PAT_ID = t.PAT_ID LEFT JOIN ITEM_CODES i ON i.ADA_CODE = t.ADA_CODE LEFT JOIN PROVIDERS v ON v.PROV_ID = t.PROV_ID;
CREATE VIEW V_OVERDUE_RECALLS AS SELECT r.RECALL_ID, r.PAT_ID, p.PAT_FIRSTNAME || ' ' || p.PAT_SURNAME AS PATIENT_NAME, p.PAT_MOBILE, p.PAT_EMAIL,
  r.RECALL_TYPE, r.DUE_DATE FROM RECALLS r JOIN PATIENTS p ON p.PAT_ID = r.PAT_ID WHERE r.RECALL_STATUS = 'Overdue';
`;

const GENDER: Readonly<Record<Sex, string>> = { male: 'M', female: 'F', indeterminate: 'U' };
const STATUS_TEXT: Readonly<Record<AppointmentStatus, string>> = {
  booked: 'Booked', arrived: 'Arrived', inConsultation: 'In chair', completed: 'Completed', didNotAttend: 'FTA', cancelled: 'Cancelled',
};
const HEALTH_FUNDS = ['Bupa', 'Medibank', 'HCF', 'nib', 'HBF', 'Australian Unity', 'Teachers Health', 'GMHBA'];

/** Apixaban, aspirin (bleeding on extraction), denosumab and alendronate (osteonecrosis of the jaw): dentists must be warned. */
const DENTAL_ALERT_PRODUCTS = new Set([22, 24, 26, 27]);

/** What a completed item leaves on the odontogram; items absent here (exams, cleans, radiographs) chart nothing. */
const CHART_CONDITIONS: Readonly<Record<string, string>> = {
  '161': 'Fissure sealant', '311': 'Missing', '322': 'Missing', '415': 'Root filled', '521': 'Restoration', '522': 'Restoration',
  '531': 'Restoration', '532': 'Restoration', '533': 'Restoration', '615': 'Crown',
};

/** Builds a D4w site (invented schema, see the header) from a dental practice. One catalogue, no procedures. */
export function buildD4wDatabase(SQL: SqlJsStatic, practice: GeneratedPractice): PracticeDatabaseSpec {
  const db = openBulkDatabase(SQL);
  db.exec(D4W_TABLES + D4W_VIEWS);
  const random = new Random(practice.seed ^ 0x0d4d4d4);
  inTransaction(db, () => {
    insertAll(db, 'PROVIDERS', ['PROV_ID', 'PROV_CODE', 'PROV_TITLE', 'PROV_FIRSTNAME', 'PROV_SURNAME', 'PROV_TYPE', 'PROV_NUMBER', 'PROV_AHPRA', 'PROV_ACTIVE'],
      practice.practitioners, (p) => [p.id, `${p.firstName[0]}${p.surname.slice(0, 2)}`.toUpperCase(), p.title, p.firstName, p.surname,
        p.role === 'dentist' ? 'Dentist' : p.role === 'hygienist' ? 'Hygienist' : 'Dental nurse', p.providerNumber,
        `DEN000${String(100000 + p.id * 7919).slice(-7)}`, p.active]);
    insertAll(db, 'PATIENTS', ['PAT_ID', 'PAT_FILENO', 'PAT_TITLE', 'PAT_FIRSTNAME', 'PAT_SURNAME', 'PAT_PREFNAME', 'PAT_DOB', 'PAT_GENDER', 'PAT_ADDR1',
      'PAT_ADDR2', 'PAT_SUBURB', 'PAT_STATE', 'PAT_POSTCODE', 'PAT_HOMEPH', 'PAT_MOBILE', 'PAT_EMAIL', 'PAT_MEDICARE', 'PAT_MEDICARE_IRN', 'PAT_HEALTHFUND',
      'PAT_FUNDNO', 'PAT_PROV_ID', 'PAT_FAMILY_ID', 'PAT_ACTIVE', 'PAT_CREATED', 'PAT_MODIFIED'], practice.patients,
    (p) => {
      const insured = random.chance(0.55);
      return [p.id, String(p.id), p.title, p.firstName, p.surname, p.preferredName, p.dob, GENDER[p.sex], p.address.line1, p.address.line2,
        p.address.suburb, p.address.state, p.address.postcode, p.homePhone, p.mobile, p.email, p.medicare?.number, p.medicare?.irn,
        insured ? random.pick(HEALTH_FUNDS) : null, insured ? random.digits(8) : null, p.usualPractitionerId, p.headOfFamilyId ?? p.id,
        p.status === 'active', p.createdAt, p.updatedAt];
    });
    const alerts = [
      ...practice.allergies.map((a) => ({ patientId: a.patientId, type: 'Allergy', text: `${a.substance}: ${a.reaction}` })),
      ...practice.medications.filter((m) => DENTAL_ALERT_PRODUCTS.has(m.productId))
        .map((m) => ({ patientId: m.patientId, type: 'Medication', text: `Takes ${m.drugName}` })),
    ];
    insertAll(db, 'MEDICAL_ALERTS', ['ALERT_ID', 'PAT_ID', 'ALERT_TYPE', 'ALERT_TEXT'], alerts.map((a, i) => ({ ...a, id: i + 1 })),
      (a) => [a.id, a.patientId, a.type, a.text]);
    insertAll(db, 'APPOINTMENTS', ['APPT_ID', 'PAT_ID', 'PROV_ID', 'APPT_DATE', 'APPT_START', 'APPT_MINUTES', 'APPT_REASON', 'APPT_STATUS', 'APPT_CREATED'],
      practice.appointments, (a) => [a.id, a.patientId, a.practitionerId, a.date, timeOfDay(a.start).slice(0, 5), a.length / 60,
        a.kind === 'dentalCheckup' ? 'Check-up and clean' : a.kind === 'hygiene' ? 'Hygienist clean' : a.kind === 'dentalEmergency' ? 'Emergency' : 'Treatment',
        STATUS_TEXT[a.status], a.createdAt]);
    insertAll(db, 'ITEM_CODES', ['ADA_CODE', 'DESCRIPTION', 'DEFAULT_FEE_CENTS'], Object.values(ADA_ITEMS), (i) => [i.item, i.description, i.fee]);
    insertAll(db, 'TREATMENTS', ['TREAT_ID', 'PAT_ID', 'PROV_ID', 'APPT_ID', 'INV_ID', 'TREAT_DATE', 'ADA_CODE', 'TOOTH', 'SURFACES', 'FEE_CENTS', 'TREAT_STATUS'],
      invoiceLines(practice.invoices), ({ invoice, line }) => [line.id, invoice.patientId, invoice.practitionerId, invoice.appointmentId, invoice.id,
        invoice.date, line.item, line.tooth, line.surfaces, line.fee, 'Completed']);
    const chart = [...invoiceLines(practice.invoices)].filter(({ line }) => line.tooth !== undefined && CHART_CONDITIONS[line.item] !== undefined);
    insertAll(db, 'CHART', ['CHART_ID', 'PAT_ID', 'TOOTH', 'SURFACES', 'CHART_CONDITION', 'CHARTED_DATE', 'PROV_ID', 'TREAT_ID'], chart.map((c, i) => ({ ...c, id: i + 1 })),
      ({ id, invoice, line }) => [id, invoice.patientId, line.tooth, line.surfaces, CHART_CONDITIONS[line.item], invoice.date, invoice.practitionerId, line.id]);
    insertAll(db, 'RECALLS', ['RECALL_ID', 'PAT_ID', 'PROV_ID', 'RECALL_TYPE', 'DUE_DATE', 'RECALL_STATUS'], practice.recalls,
      (r) => [r.id, r.patientId, r.practitionerId, r.reason, r.due, r.status[0].toUpperCase() + r.status.slice(1)]);
    insertAll(db, 'INVOICES', ['INV_ID', 'PAT_ID', 'PROV_ID', 'INV_DATE', 'TOTAL_CENTS', 'PAYER', 'PAID'], practice.invoices,
      (i) => [i.id, i.patientId, i.practitionerId, i.date, i.total, i.payer === 'healthFund' ? 'Health fund' : 'Patient', i.paid]);
  });
  return { db, catalogues: [{ name: 'D4w', isDefault: true, schema: 'main' }], procedures: [] };
}
