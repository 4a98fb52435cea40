import type { Database, SqlValue as SqlJsValue } from 'sql.js';
import type { SqlDbType } from '../../core/haloConnect/wireTypes';
import { type ProcedureArgs, type ProcedureDefinition, type ProcedureParameter, type Row, SqlExecutionError } from '../sql/types';
import { isValidMedicareNumber } from './australianIdentifiers';
import { isoDate, isoDateTime, parseIsoDay, wallClockAt, weekdayOf } from './practiceClock';

export interface BestPracticeProcedureOptions {
  /** The practice's time zone, for CREATED/UPDATED stamps of rows the procedures write. */
  timeZone: string;
  /** Defaults to the real clock; tests pin it. */
  clock?: () => Date;
}

const SLOT_SECONDS = 900;
const STATUS_BOOKED = 1;
const STATUS_CANCELLED = 6;

/** SQL Server's message for a string that is not a date, which integrators will recognise. */
const DATE_CONVERSION = 'Conversion failed when converting date and/or time from character string.';

function input(name: string, type: SqlDbType): ProcedureParameter {
  return { name, type, direction: 'input' };
}

function text(args: ProcedureArgs, name: string): string | null {
  const value = args.get(name);
  if (value === undefined || value === null) {
    return null;
  }
  const result = String(value).trim();
  return result === '' ? null : result;
}

function integer(args: ProcedureArgs, name: string, required: boolean): number | null {
  const value = args.get(name);
  if (value === undefined || value === null || value === '') {
    if (required) {
      throw new SqlExecutionError(201, `Procedure or function expects parameter '@${name}', which was not supplied.`);
    }
    return null;
  }
  const number = typeof value === 'number' ? value : typeof value === 'boolean' ? Number(value) : Number(String(value).trim());
  if (!Number.isInteger(number)) {
    throw new SqlExecutionError(245, `Conversion failed when converting the varchar value '${String(value)}' to data type int.`);
  }
  return number;
}

/** A day number from "YYYY-MM-DD[THH:MM:SS]" or the Australian "DD/MM/YYYY". */
function dateArg(args: ProcedureArgs, name: string, required: boolean): number | null {
  const value = text(args, name);
  if (value === null) {
    if (required) {
      throw new SqlExecutionError(201, `Procedure or function expects parameter '@${name}', which was not supplied.`);
    }
    return null;
  }
  const australian = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(value);
  const iso = australian ? `${australian[3]}-${australian[2].padStart(2, '0')}-${australian[1].padStart(2, '0')}` : value.replace(' ', 'T');
  const day = parseIsoDay(iso);
  if (Number.isNaN(day)) {
    throw new SqlExecutionError(241, DATE_CONVERSION);
  }
  return day;
}

/** Seconds after midnight from a number of seconds, "HH:MM[:SS]", or a date-time's time part. */
function timeArg(args: ProcedureArgs, name: string): number {
  const value = args.get(name);
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value < 86400) {
    return value;
  }
  const textValue = String(value ?? '').trim();
  if (/^\d+$/.test(textValue) && Number(textValue) < 86400) {
    return Number(textValue);
  }
  const match = /(?:^|T| )(\d{1,2}):(\d{2})(?::(\d{2}))?/.exec(textValue);
  if (match && Number(match[1]) < 24 && Number(match[2]) < 60) {
    return Number(match[1]) * 3600 + Number(match[2]) * 60 + Number(match[3] ?? 0);
  }
  throw new SqlExecutionError(241, DATE_CONVERSION);
}

function query(db: Database, sql: string, params: SqlJsValue[] = []): Row[] {
  const statement = db.prepare(sql);
  try {
    statement.bind(params);
    const rows: Row[] = [];
    while (statement.step()) {
      rows.push(statement.getAsObject() as Row);
    }
    return rows;
  } finally {
    statement.free();
  }
}

function scalar(db: Database, sql: string, params: SqlJsValue[] = []): SqlJsValue | undefined {
  const row = query(db, sql, params)[0];
  return row === undefined ? undefined : (Object.values(row)[0] as SqlJsValue);
}

function raise(message: string): never {
  // RAISERROR with severity 16 from a procedure reaches the client as error 50000.
  throw new SqlExecutionError(50000, message);
}

const PATIENT_ROW = `SELECT p.INTERNALID AS InternalID, t.TITLE AS Title, p.FIRSTNAME AS Firstname, p.MIDDLENAME AS Middlename,
  p.SURNAME AS Surname, p.PREFERREDNAME AS Preferredname, p.DOB AS DOB, x.SEX AS Sex, p.ADDRESS1 AS Address1, p.ADDRESS2 AS Address2,
  p.CITY AS City, p.POSTCODE AS Postcode, p.HOMEPHONE AS HomePhone, p.MOBILEPHONE AS MobilePhone, p.EMAIL AS Email,
  p.MEDICARENO AS MedicareNo, p.MEDICARELINENO AS MedicareLineNo, p.MEDICAREEXPIRY AS MedicareExpiry, p.RECORDNO AS RecordNo,
  s.STATUSTEXT AS StatusText
  FROM PATIENTS p LEFT JOIN TITLES t ON t.TITLECODE = p.TITLECODE LEFT JOIN SEX x ON x.SEXCODE = p.SEXCODE
  LEFT JOIN PATIENTSTATUS s ON s.PATIENTSTATUS = p.PATIENTSTATUS`;

const USER_ROW = `SELECT u.USERID AS UserID, t.TITLE AS Title, u.FIRSTNAME AS Firstname, u.SURNAME AS Surname, u.USERTYPE AS UserType,
  u.PROVIDERNO AS ProviderNo, u.LOCATIONID AS LocationID, l.LOCATIONNAME AS LocationName, u.APPOINTMENTBOOK AS AppointmentBook
  FROM USERS u LEFT JOIN TITLES t ON t.TITLECODE = u.TITLECODE LEFT JOIN LOCATIONS l ON l.LOCATIONID = u.LOCATIONID`;

/** The 28 parameters of BP_AddPatient, in Best Practice's order, with the PATIENTS column each fills. */
const ADD_PATIENT_PARAMETERS: readonly (readonly [string, SqlDbType, string])[] = [
  ['titlecode', 'Int', 'TITLECODE'], ['firstname', 'VarChar', 'FIRSTNAME'], ['middlename', 'VarChar', 'MIDDLENAME'], ['surname', 'VarChar', 'SURNAME'],
  ['preferredname', 'VarChar', 'PREFERREDNAME'], ['address1', 'VarChar', 'ADDRESS1'], ['address2', 'VarChar', 'ADDRESS2'], ['city', 'VarChar', 'CITY'],
  ['postcode', 'VarChar', 'POSTCODE'], ['postaladdress', 'VarChar', 'POSTALADDRESS'], ['postalcity', 'VarChar', 'POSTALCITY'],
  ['postalpostcode', 'VarChar', 'POSTALPOSTCODE'], ['dob', 'DateTime', 'DOB'], ['sexcode', 'Int', 'SEXCODE'], ['ethniccode', 'Int', 'ETHNICCODE'],
  ['homephone', 'VarChar', 'HOMEPHONE'], ['workphone', 'VarChar', 'WORKPHONE'], ['mobilephone', 'VarChar', 'MOBILEPHONE'],
  ['medicareno', 'VarChar', 'MEDICARENO'], ['medicarelineno', 'VarChar', 'MEDICARELINENO'], ['medicareexpiry', 'VarChar', 'MEDICAREEXPIRY'],
  ['pensioncode', 'Int', 'PENSIONCODE'], ['pensionno', 'VarChar', 'PENSIONNO'], ['dvacode', 'VarChar', 'DVACODE'], ['recordno', 'VarChar', 'RECORDNO'],
  ['email', 'VarChar', 'EMAIL'], ['headoffamilyid', 'Int', 'HEADOFFAMILYID'], ['usualdoctor', 'Int', 'USUALDOCTOR'],
];

/** Best Practice's integration procedures, run over the default catalogue (`main`) of a site's database. */
export function bestPracticeProcedures(options: BestPracticeProcedureOptions): readonly ProcedureDefinition[] {
  const clock = options.clock ?? (() => new Date());
  const stamp = (): string => {
    const wall = wallClockAt(clock(), options.timeZone);
    return isoDateTime(wall.day, wall.seconds);
  };

  const getPatientByNameDob: ProcedureDefinition = {
    name: 'BP_GetPatientByNameDOB',
    parameters: [input('@firstname', 'VarChar'), input('@surname', 'VarChar'), input('@dob', 'DateTime')],
    writes: false,
    run(db, args) {
      const firstname = text(args, 'firstname') ?? '';
      const surname = text(args, 'surname') ?? '';
      const dob = dateArg(args, 'dob', true) as number;
      // Best Practice matches names case-insensitively and a first name may be the preferred name.
      return {
        rows: query(db, `${PATIENT_ROW} WHERE p.RECORDSTATUS = 1 AND UPPER(p.SURNAME) = UPPER(?)
          AND (UPPER(p.FIRSTNAME) = UPPER(?) OR UPPER(p.PREFERREDNAME) = UPPER(?)) AND SUBSTR(p.DOB, 1, 10) = ? ORDER BY p.INTERNALID`,
        [surname, firstname, firstname, isoDate(dob)]),
      };
    },
  };

  const getAppointmentBookUsers: ProcedureDefinition = {
    name: 'BP_GetAppointmentBookUsers',
    parameters: [],
    writes: false,
    run(db) {
      return { rows: query(db, `${USER_ROW} WHERE u.USERSTATUS = 1 AND u.APPOINTMENTBOOK = 1 ORDER BY u.SURNAME, u.FIRSTNAME, u.USERID`) };
    },
  };

  const getAllUsers: ProcedureDefinition = {
    name: 'BP_GetAllUsers',
    parameters: [],
    writes: false,
    run(db) {
      return { rows: query(db, `${USER_ROW} WHERE u.USERSTATUS = 1 ORDER BY u.SURNAME, u.FIRSTNAME, u.USERID`) };
    },
  };

  const getFreeAppointments: ProcedureDefinition = {
    name: 'BP_GetFreeAppointments',
    parameters: [input('@userid', 'Int'), input('@aptdate', 'DateTime')],
    writes: false,
    run(db, args) {
      const userId = integer(args, 'userid', true) as number;
      const day = dateArg(args, 'aptdate', true) as number;
      return { rows: freeSlots(db, userId, day) };
    },
  };

  const addAppointment: ProcedureDefinition = {
    name: 'BP_AddAppointment',
    parameters: [
      input('@aptdate', 'DateTime'), input('@apttime', 'Int'), input('@aptlen', 'Int'), input('@practitionerid', 'Int'), input('@patientid', 'Int'),
      input('@locationid', 'Int'),
    ],
    writes: true,
    run(db, args) {
      const day = dateArg(args, 'aptdate', true) as number;
      const start = timeArg(args, 'apttime');
      const length = integer(args, 'aptlen', true) as number;
      const userId = integer(args, 'practitionerid', true) as number;
      const patientId = integer(args, 'patientid', true) as number;
      if (length <= 0 || start + length > 86400) {
        raise('Invalid appointment length.');
      }
      const user = query(db, 'SELECT LOCATIONID FROM USERS WHERE USERID = ? AND USERSTATUS = 1 AND APPOINTMENTBOOK = 1', [userId])[0];
      if (user === undefined) {
        raise(`Practitioner ${userId} does not exist or has no appointment book.`);
      }
      if (scalar(db, 'SELECT 1 FROM PATIENTS WHERE INTERNALID = ? AND RECORDSTATUS = 1', [patientId]) === undefined) {
        raise(`Patient ${patientId} does not exist.`);
      }
      const date = `${isoDate(day)}T00:00:00`;
      const clash = scalar(db, `SELECT RECORDID FROM APPOINTMENTS WHERE USERID = ? AND APPOINTMENTDATE = ? AND RECORDSTATUS = 1 AND STATUSCODE <> ?
        AND APPOINTMENTTIME < ? AND APPOINTMENTTIME + APPOINTMENTLENGTH > ?`, [userId, date, STATUS_CANCELLED, start + length, start]);
      if (clash !== undefined) {
        raise('The appointment time is not available.');
      }
      const locationId = integer(args, 'locationid', false) ?? (user.LOCATIONID as number | null);
      const now = stamp();
      db.run(`INSERT INTO APPOINTMENTS (INTERNALID, USERID, LOCATIONID, APPOINTMENTDATE, APPOINTMENTTIME, APPOINTMENTLENGTH, APPOINTMENTCODE,
        STATUSCODE, RECORDSTATUS, CREATED, UPDATED) VALUES (?, ?, ?, ?, ?, ?, 1, ?, 1, ?, ?)`,
      [patientId, userId, locationId, date, start, length, STATUS_BOOKED, now, now]);
      return { rowsAffected: 1, returnValue: Number(scalar(db, 'SELECT last_insert_rowid()')) };
    },
  };

  const getPatientAppointments: ProcedureDefinition = {
    name: 'BP_GetPatientAppointments',
    parameters: [input('@patientid', 'Int')],
    writes: false,
    run(db, args) {
      const patientId = integer(args, 'patientid', true) as number;
      return {
        rows: query(db, `SELECT a.RECORDID AS AppointmentID, a.APPOINTMENTDATE AS AppointmentDate, a.APPOINTMENTTIME AS AppointmentTime,
          a.APPOINTMENTLENGTH AS AppointmentLength, a.USERID AS UserID,
          TRIM(COALESCE(t.TITLE || ' ', '') || COALESCE(u.FIRSTNAME, '') || ' ' || COALESCE(u.SURNAME, '')) AS Provider,
          a.LOCATIONID AS LocationID, ty.DESCRIPTION AS AppointmentType, st.STATUSTEXT AS Status
          FROM APPOINTMENTS a LEFT JOIN USERS u ON u.USERID = a.USERID LEFT JOIN TITLES t ON t.TITLECODE = u.TITLECODE
          LEFT JOIN APPOINTMENTTYPES ty ON ty.APPOINTMENTCODE = a.APPOINTMENTCODE LEFT JOIN APPOINTMENTSTATUS st ON st.STATUSCODE = a.STATUSCODE
          WHERE a.INTERNALID = ? AND a.RECORDSTATUS = 1 ORDER BY a.APPOINTMENTDATE, a.APPOINTMENTTIME`, [patientId]),
      };
    },
  };

  const cancelAppointment: ProcedureDefinition = {
    name: 'BP_CancelAppointment',
    parameters: [input('@aptid', 'Int')],
    writes: true,
    run(db, args) {
      const appointmentId = integer(args, 'aptid', true) as number;
      db.run('UPDATE APPOINTMENTS SET STATUSCODE = ?, UPDATED = ? WHERE RECORDID = ? AND RECORDSTATUS = 1 AND STATUSCODE <> ?',
        [STATUS_CANCELLED, stamp(), appointmentId, STATUS_CANCELLED]);
      const changed = db.getRowsModified();
      return { rowsAffected: changed, returnValue: changed > 0 ? 0 : 1 };
    },
  };

  const addPatient: ProcedureDefinition = {
    name: 'BP_AddPatient',
    parameters: ADD_PATIENT_PARAMETERS.map(([name, type]) => input(`@${name}`, type)),
    writes: true,
    run(db, args) {
      const values = new Map<string, SqlJsValue>();
      for (const [name, type, column] of ADD_PATIENT_PARAMETERS) {
        values.set(column, type === 'Int' ? integer(args, name, false) : text(args, name));
      }
      if (values.get('FIRSTNAME') === null || values.get('SURNAME') === null) {
        raise('A patient needs a first name and a surname.');
      }
      const dob = dateArg(args, 'dob', true) as number;
      values.set('DOB', `${isoDate(dob)}T00:00:00`);
      const expiry = text(args, 'medicareexpiry');
      if (expiry !== null) {
        values.set('MEDICAREEXPIRY', medicareExpiry(expiry));
      }
      const medicare = values.get('MEDICARENO');
      if (typeof medicare === 'string' && !isValidMedicareNumber(medicare)) {
        raise(`Invalid Medicare number '${medicare}'.`);
      }
      if (typeof medicare === 'string') {
        values.set('MEDICARENO', medicare.replace(/\s+/g, ''));
      }
      const now = stamp();
      const internalId = Number(scalar(db, 'SELECT COALESCE(MAX(INTERNALID), 0) + 1 FROM PATIENTS'));
      if (values.get('RECORDNO') === null) {
        values.set('RECORDNO', String(10000 + internalId));
      }
      const columns = ['INTERNALID', ...values.keys(), 'RECORDSTATUS', 'PATIENTSTATUS', 'CREATED', 'UPDATED'];
      db.run(`INSERT INTO PATIENTS (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`,
        [internalId, ...values.values(), 1, 1, now, now]);
      return { rowsAffected: 1, returnValue: internalId };
    },
  };

  return [getPatientByNameDob, getAppointmentBookUsers, getFreeAppointments, addAppointment, getPatientAppointments, cancelAppointment, getAllUsers, addPatient];
}

/** "MM/YYYY", "MM/YY" or an ISO date, stored as the first of the month like the generated rows. */
function medicareExpiry(value: string): string {
  const monthYear = /^(\d{1,2})\/(\d{2}|\d{4})$/.exec(value);
  if (monthYear) {
    const year = monthYear[2].length === 2 ? `20${monthYear[2]}` : monthYear[2];
    const day = parseIsoDay(`${year}-${monthYear[1].padStart(2, '0')}-01`);
    if (!Number.isNaN(day)) {
      return `${isoDate(day)}T00:00:00`;
    }
  }
  const day = parseIsoDay(value.length === 7 ? `${value}-01` : value);
  if (Number.isNaN(day)) {
    throw new SqlExecutionError(241, DATE_CONVERSION);
  }
  return `${isoDate(day)}T00:00:00`;
}

function freeSlots(db: Database, userId: number, day: number): Row[] {
  // SESSIONS numbers days 1 Monday … 7 Sunday.
  const weekday = weekdayOf(day) === 0 ? 7 : weekdayOf(day);
  const sessions = query(db, `SELECT s.STARTTIME AS START, s.ENDTIME AS END, s.LOCATIONID AS LOCATIONID FROM SESSIONS s
    JOIN USERS u ON u.USERID = s.USERID AND u.USERSTATUS = 1 AND u.APPOINTMENTBOOK = 1
    WHERE s.USERID = ? AND s.DAYOFWEEK = ? AND s.RECORDSTATUS = 1 ORDER BY s.STARTTIME`, [userId, weekday]);
  const date = `${isoDate(day)}T00:00:00`;
  const booked = query(db, `SELECT APPOINTMENTTIME AS START, APPOINTMENTLENGTH AS LEN FROM APPOINTMENTS
    WHERE USERID = ? AND APPOINTMENTDATE = ? AND RECORDSTATUS = 1 AND STATUSCODE <> ?`, [userId, date, STATUS_CANCELLED]);
  const rows: Row[] = [];
  for (const session of sessions) {
    for (let start = session.START as number; start + SLOT_SECONDS <= (session.END as number); start += SLOT_SECONDS) {
      const taken = booked.some((b) => (b.START as number) < start + SLOT_SECONDS && (b.START as number) + (b.LEN as number) > start);
      if (!taken) {
        rows.push({ UserID: userId, AppointmentDate: date, AppointmentTime: start, AppointmentLength: SLOT_SECONDS, LocationID: session.LOCATIONID });
      }
    }
  }
  return rows;
}
