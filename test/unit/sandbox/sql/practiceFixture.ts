import initSqlJs from 'sql.js';
import type { Database } from 'sql.js';
import { BEST_PRACTICE_DRUG_TABLES, BEST_PRACTICE_TABLES, BEST_PRACTICE_VIEWS } from '../../../../src/sandbox/data/bestPracticeSchema';
import { SandboxPracticeDatabase } from '../../../../src/sandbox/sql/practiceDatabase';
import type { PracticeDatabaseSpec, ProcedureDefinition, Row, SqlCommandInput } from '../../../../src/sandbox/sql/types';

/** 2025-06-15 10:30:00 local time: every GETDATE() in the tests. */
export const FIXED_NOW = new Date(2025, 5, 15, 10, 30, 0);

const STAMP = "'2020-01-01T00:00:00', '2020-01-01T00:00:00'";

/** A small Best Practice site: six patients (one inactive, one deleted), three users, appointments relative to FIXED_NOW. */
const ROWS = `
INSERT INTO PRACTICE VALUES (1, 'Harbour Medical', '1 Quay St', 'Sydney', '2000', 'NSW', '0290000000', 'info@harbour.test', '1', ${STAMP});
INSERT INTO LOCATIONS (LOCATIONID, LOCATIONNAME, CREATED, UPDATED) VALUES (1, 'Main Clinic', ${STAMP}), (2, 'Branch', ${STAMP});
INSERT INTO TITLES VALUES (1, 'Dr'), (2, 'Mr'), (3, 'Ms');
INSERT INTO SEX VALUES (1, 'Male'), (2, 'Female');
INSERT INTO PATIENTSTATUS VALUES (1, 'Active'), (2, 'Inactive');
INSERT INTO USERS (USERID, USERSTATUS, TITLECODE, FIRSTNAME, SURNAME, PROVIDERNO, LOCATIONID, CREATED, UPDATED) VALUES
  (1, 1, 1, 'Alice', 'Nguyen', '1234567A', 1, ${STAMP}),
  (2, 1, 1, 'Bob', 'Stone', '2345678B', NULL, ${STAMP}),
  (3, 0, 1, 'Carol', 'Old', '3456789C', 1, ${STAMP});
INSERT INTO PATIENTS (INTERNALID, TITLECODE, FIRSTNAME, SURNAME, DOB, SEXCODE, HOMEPHONE, MOBILEPHONE, RECORDSTATUS, PATIENTSTATUS, USUALDOCTOR, CREATED, UPDATED) VALUES
  (1, 2, 'John', 'Smith', '1970-01-01T00:00:00', 1, '0291111111', '0411111111', 1, 1, 1, ${STAMP}),
  (2, 3, 'Jane', 'Stevens', '1985-12-31T00:00:00', 2, '0292222222', NULL, 1, 1, 1, ${STAMP}),
  (3, 2, 'Peter', 'Sanders', '2000-06-15T00:00:00', 1, NULL, '0433333333', 1, 1, 2, ${STAMP}),
  (4, 3, 'Mary', 'Brown', '1969-12-31T00:00:00', 2, '0294444444', NULL, 1, 1, 2, ${STAMP}),
  (5, 2, 'Old', 'Sawyer', '1940-03-02T00:00:00', 1, NULL, NULL, 1, 2, 1, ${STAMP}),
  (6, 2, 'Gone', 'Simpson', '1950-05-05T00:00:00', 1, NULL, NULL, 0, 1, 1, ${STAMP});
INSERT INTO APPOINTMENTSTATUS VALUES (1, 'Booked'), (2, 'Cancelled');
INSERT INTO APPOINTMENTTYPES VALUES (1, 'Standard', 15);
INSERT INTO APPOINTMENTS (RECORDID, INTERNALID, USERID, LOCATIONID, APPOINTMENTDATE, APPOINTMENTTIME, APPOINTMENTLENGTH, APPOINTMENTCODE, CREATED, UPDATED) VALUES
  (1, 1, 1, 1, '2025-06-14T00:00:00', 32400, 900, 1, ${STAMP}),
  (2, 2, 1, 1, '2025-05-16T00:00:00', 36000, 900, 1, ${STAMP}),
  (3, 3, 2, 1, '2025-05-15T00:00:00', 36000, 900, 1, ${STAMP}),
  (4, 1, 2, 1, '2025-01-10T00:00:00', 36000, 900, 1, ${STAMP}),
  (5, 4, 1, 1, '2025-06-20T00:00:00', 36000, 900, 1, ${STAMP});
INSERT INTO BPSDrugs.VACCINES VALUES (1, 'Fluvax', NULL, NULL), (2, 'Boostrix', NULL, NULL), (3, 'Comirnaty', NULL, NULL);
`;

/** BP_GetPatientByNameDOB and BP_AddAppointment, enough to exercise inputs, rows, return and output values. */
export const TEST_PROCEDURES: readonly ProcedureDefinition[] = [
  {
    name: 'BP_GetPatientByNameDOB',
    parameters: [
      { name: '@firstname', type: 'VarChar', direction: 'input' },
      { name: '@surname', type: 'VarChar', direction: 'input' },
      { name: '@dob', type: 'DateTime', direction: 'input' },
    ],
    writes: false,
    run(db, args) {
      const stmt = db.prepare('SELECT INTERNALID AS InternalID, FIRSTNAME AS Firstname, SURNAME AS Surname FROM PATIENTS WHERE FIRSTNAME = ? COLLATE NOCASE AND SURNAME = ? COLLATE NOCASE AND DOB = ?');
      stmt.bind([args.get('firstname') as string, args.get('surname') as string, args.get('dob') as string]);
      const rows: Row[] = [];
      while (stmt.step()) rows.push(stmt.getAsObject() as Row);
      stmt.free();
      return { rows };
    },
  },
  {
    name: 'BP_AddAppointment',
    parameters: [
      { name: '@aptdate', type: 'DateTime', direction: 'input' },
      { name: '@apttime', type: 'Int', direction: 'input' },
      { name: '@aptlen', type: 'Int', direction: 'input' },
      { name: '@practitionerid', type: 'Int', direction: 'input' },
      { name: '@patientid', type: 'Int', direction: 'input' },
      { name: '@locationid', type: 'Int', direction: 'input' },
      { name: '@aptid', type: 'Int', direction: 'output' },
    ],
    writes: true,
    run(db, args) {
      db.run(
        `INSERT INTO APPOINTMENTS (INTERNALID, USERID, LOCATIONID, APPOINTMENTDATE, APPOINTMENTTIME, APPOINTMENTLENGTH, CREATED, UPDATED)
         VALUES (?, ?, ?, ?, ?, ?, '2025-06-15T10:30:00', '2025-06-15T10:30:00')`,
        [args.get('patientid'), args.get('practitionerid'), args.get('locationid'), args.get('aptdate'), args.get('apttime'), args.get('aptlen')] as number[],
      );
      const id = db.exec('SELECT last_insert_rowid()')[0].values[0][0] as number;
      return { rowsAffected: 1, returnValue: id, outputs: { aptid: id } };
    },
  },
];

let sqlJs: Awaited<ReturnType<typeof initSqlJs>> | undefined;

export async function createTestDatabase(): Promise<{ db: Database; practice: SandboxPracticeDatabase; spec: PracticeDatabaseSpec }> {
  sqlJs ??= await initSqlJs();
  const db = new sqlJs.Database();
  db.exec("ATTACH DATABASE ':memory:' AS BPSDrugs");
  db.exec(BEST_PRACTICE_TABLES);
  db.exec(BEST_PRACTICE_VIEWS);
  db.exec(BEST_PRACTICE_DRUG_TABLES.replace(/CREATE TABLE (\w+)/g, 'CREATE TABLE BPSDrugs.$1'));
  db.exec(ROWS);
  const spec: PracticeDatabaseSpec = {
    db,
    catalogues: [
      { name: 'BPSPatients', isDefault: true, schema: 'main' },
      { name: 'BPSDrugs', isDefault: false, schema: 'BPSDrugs' },
    ],
    procedures: TEST_PROCEDURES,
  };
  return { db, practice: new SandboxPracticeDatabase(spec, { now: () => FIXED_NOW }), spec };
}

/** A text reader command with defaults, as Halo hands it over. */
export function command(text: string, extra: Partial<SqlCommandInput> = {}): SqlCommandInput {
  return { text, type: 'text', executionMode: 'reader', parameters: [], ...extra };
}
