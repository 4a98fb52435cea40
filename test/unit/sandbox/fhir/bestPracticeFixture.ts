import initSqlJs from 'sql.js';
import type { Database } from 'sql.js';
import { BEST_PRACTICE_TABLES, BEST_PRACTICE_VIEWS } from '../../../../src/sandbox/data/bestPracticeSchema';
import type { BestPracticeFhirFacade } from '../../../../src/sandbox/fhir/bestPracticeFhir';

export const BASE_URL = 'http://127.0.0.1:8080/integrator/sites/site-1/fhir/R4';
/** Fixed clock for `ap` and Bundle timestamps. */
export const NOW = new Date('2025-01-01T00:00:00+10:00');

/**
 * A dozen patients and their records, written by hand so the tests do not depend on the data generator.
 * Patients 10–21: 19 is a deleted record, 20 inactive, 21 deceased. Rows with RECORDSTATUS 0 (appointment 105,
 * reaction 201, prescription 402) must never be served.
 */
const ROWS = `
INSERT INTO SEX VALUES (1,'Male'),(2,'Female'),(3,'Indeterminate'),(9,'Not stated');
INSERT INTO TITLES VALUES (1,'Mr'),(2,'Mrs'),(3,'Ms'),(4,'Dr');
INSERT INTO PATIENTSTATUS VALUES (1,'Active'),(2,'Inactive'),(3,'Deceased');
INSERT INTO APPOINTMENTSTATUS VALUES (1,'Booked'),(2,'Waiting'),(3,'With doctor'),(4,'Completed'),(5,'Did not attend'),(6,'Cancelled');
INSERT INTO APPOINTMENTTYPES VALUES (1,'Standard consultation',900),(2,'Long consultation',1800);
INSERT INTO PRACTICE VALUES (1,'Harbour Medical Centre','1 Harbour St','Sydney','2000','NSW','02 9000 0000','admin@harbour.example','51 824 753 556','2020-01-01T00:00:00','2023-01-01T00:00:00');
INSERT INTO LOCATIONS VALUES (1,'Main surgery','1 Harbour St','Sydney','2000','NSW','02 9000 0000',1,'2020-01-01T00:00:00','2023-01-01T00:00:00'),
  (2,'Branch clinic','5 Bay Rd','Sydney','2060','NSW','02 9000 0001',1,'2020-01-01T00:00:00','2023-01-01T00:00:00');
INSERT INTO USERS (USERID, USERSTATUS, TITLECODE, FIRSTNAME, SURNAME, PROVIDERNO, PRESCRIBERNO, HPII, LOCATIONID, USERTYPE, EMAIL, SEXCODE, CREATED, UPDATED) VALUES
  (1,1,4,'Anna','Smith','2426621B','1234567','8003614900041234',1,'Doctor','anna@harbour.example',2,'2020-01-01T00:00:00','2023-02-01T00:00:00'),
  (2,1,4,'Ben','Jones','2426622A',NULL,'8003614900045678',2,'Doctor','ben@harbour.example',1,'2020-01-01T00:00:00','2023-03-01T00:00:00'),
  (3,0,3,'Carol','White',NULL,NULL,NULL,1,'Receptionist',NULL,2,'2020-01-01T00:00:00','2023-04-01T00:00:00');
INSERT INTO PATIENTS (INTERNALID, TITLECODE, FIRSTNAME, MIDDLENAME, SURNAME, PREFERREDNAME, DOB, SEXCODE, ADDRESS1, CITY, POSTCODE,
  HOMEPHONE, MOBILEPHONE, EMAIL, MEDICARENO, MEDICARELINENO, MEDICAREEXPIRY, IHI, RECORDNO, USUALDOCTOR, RECORDSTATUS, PATIENTSTATUS,
  CREATED, UPDATED) VALUES
  (10,1,'John','Michael','Citizen',NULL,'1970-03-02T00:00:00',1,'1 George St','Sydney','2000','02 9000 0010','0412 000 010','john@example.com','2123456701','1','2027-05','8003608166690503','R10',1,1,1,'2020-01-01T00:00:00','2024-01-10T09:00:00'),
  (11,2,'Jane',NULL,'Citizen',NULL,'1972-11-30T00:00:00',2,'1 George St','Sydney','2000',NULL,'0412 000 011','jane@example.com','2123456701','2','2027-05','8003608166690511','R11',1,1,1,'2020-01-01T00:00:00','2024-02-10T09:00:00'),
  (12,3,'Zoë',NULL,'Ångström',NULL,'1985-06-15T00:00:00',2,'9 Queen St','Brisbane','4000',NULL,'0412 000 012','zoe@example.com',NULL,NULL,NULL,NULL,'R12',2,1,1,'2020-01-01T00:00:00','2024-03-10T09:00:00'),
  (13,1,'Johnny',NULL,'Smith','Jack','1990-01-01T00:00:00',1,'3 Hay St','Perth','6000',NULL,NULL,NULL,NULL,NULL,NULL,NULL,'R13',NULL,1,1,'2020-01-01T00:00:00','2024-04-10T09:00:00'),
  (14,4,'Mary',NULL,'Johnson',NULL,'1970-12-31T00:00:00',2,'4 Elizabeth St','Hobart','7000',NULL,NULL,NULL,NULL,NULL,NULL,NULL,'R14',NULL,1,1,'2020-01-01T00:00:00','2024-05-10T09:00:00'),
  (15,1,'Peter',NULL,'Brown',NULL,'2000-07-04T00:00:00',1,'5 Northbourne Ave','Canberra','2600',NULL,NULL,NULL,NULL,NULL,NULL,NULL,'R15',NULL,1,1,'2020-01-01T00:00:00','2024-06-10T09:00:00'),
  (16,3,'Sarah',NULL,'O''Neil',NULL,'1969-12-31T00:00:00',2,'6 Mitchell St','Darwin','0800',NULL,NULL,NULL,NULL,NULL,NULL,NULL,'R16',NULL,1,1,'2020-01-01T00:00:00','2024-07-10T09:00:00'),
  (17,1,'Tom',NULL,'Nguyen',NULL,'1970-06-15T00:00:00',1,'7 King William St','Adelaide','5000',NULL,NULL,NULL,NULL,NULL,NULL,NULL,'R17',NULL,1,1,'2020-01-01T00:00:00','2024-08-10T09:00:00'),
  (18,3,'Alex',NULL,'Taylor',NULL,'1995-02-28T00:00:00',3,'8 Collins St','Melbourne','3000',NULL,NULL,NULL,NULL,NULL,NULL,NULL,'R18',NULL,1,1,'2020-01-01T00:00:00','2024-09-10T09:00:00'),
  (19,1,'Deleted',NULL,'Record',NULL,'1980-05-05T00:00:00',1,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,'R19',NULL,0,1,'2020-01-01T00:00:00','2024-10-10T09:00:00'),
  (20,2,'Iris',NULL,'Inactive',NULL,'1978-08-08T00:00:00',2,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,'R20',NULL,1,2,'2020-01-01T00:00:00','2024-11-10T09:00:00'),
  (21,1,'Dan',NULL,'Deceased',NULL,'1940-01-01T00:00:00',1,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,'R21',NULL,1,3,'2020-01-01T00:00:00','2024-12-10T09:00:00');
INSERT INTO APPOINTMENTS (RECORDID, INTERNALID, USERID, LOCATIONID, APPOINTMENTDATE, APPOINTMENTTIME, APPOINTMENTLENGTH, APPOINTMENTCODE,
  STATUSCODE, NOTES, RECORDSTATUS, CREATED, UPDATED) VALUES
  (100,10,1,1,'2024-05-01T00:00:00',32400,900,1,1,'Review bloods',1,'2024-04-01T10:00:00','2024-04-01T10:00:00'),
  (101,10,2,2,'2024-05-02T00:00:00',36000,1800,2,4,NULL,1,'2024-04-02T10:00:00','2024-05-02T11:00:00'),
  (102,11,1,1,'2024-05-02T00:00:00',50400,900,1,6,NULL,1,'2024-04-03T10:00:00','2024-04-20T10:00:00'),
  (103,12,2,2,'2024-06-10T00:00:00',30600,900,1,5,NULL,1,'2024-04-04T10:00:00','2024-06-10T10:00:00'),
  (104,13,1,1,'2024-06-10T00:00:00',61200,900,1,2,NULL,1,'2024-04-05T10:00:00','2024-06-10T17:00:00'),
  (105,11,1,1,'2024-06-11T00:00:00',32400,900,1,1,NULL,0,'2024-04-06T10:00:00','2024-04-07T10:00:00');
INSERT INTO REACTIONS (RECORDID, INTERNALID, ITEMNAME, REACTION, SEVERITY, COMMENT, RECORDSTATUS, CREATED, UPDATED) VALUES
  (200,10,'Penicillin','Rash','Moderate','Since childhood',1,'2021-03-01T10:00:00','2021-03-01T10:00:00'),
  (201,11,'Peanuts','Anaphylaxis','Severe',NULL,0,'2021-03-02T10:00:00','2021-03-02T10:00:00'),
  (202,12,'Latex','Hives','Mild',NULL,1,'2022-03-03T10:00:00','2022-03-03T10:00:00');
INSERT INTO IMMUNISATIONS (RECORDID, INTERNALID, GIVENDATE, VACCINEID, VACCINENAME, BATCHNO, USERID, NOTGIVENHERE, RECORDSTATUS, CREATED, UPDATED) VALUES
  (300,10,'2023-04-01T00:00:00',11,'Fluad Quad','FL123',1,0,1,'2023-04-01T10:00:00','2023-04-01T10:00:00'),
  (301,10,'2019-04-01T00:00:00',12,'Boostrix',NULL,NULL,1,1,'2023-04-01T10:05:00','2023-04-01T10:05:00'),
  (302,12,'2024-03-15T00:00:00',13,'Comirnaty','CM999',2,0,1,'2024-03-15T10:00:00','2024-03-15T10:00:00');
INSERT INTO CURRENTRX (RECORDID, INTERNALID, PRODUCTID, DRUGNAME, DOSE, FREQUENCY, PRN, ROUTE, QUANTITY, REPEATS, INDICATION, LASTDATE, USERID, RECORDSTATUS, CREATED, UPDATED) VALUES
  (400,10,501,'Atorvastatin 20 mg tablet','1 tablet','once daily',0,'Oral','30',5,'Hypercholesterolaemia','2024-04-01T00:00:00',1,1,'2023-01-01T10:00:00','2024-04-01T10:00:00'),
  (401,11,502,'Salbutamol 100 microgram inhaler','2 puffs','four times a day',1,'Inhalation','1',2,'Asthma','2024-02-01T00:00:00',2,1,'2023-01-02T10:00:00','2024-02-01T10:00:00'),
  (402,10,503,'Metformin 500 mg tablet','1 tablet','twice daily',0,'Oral','60',5,NULL,NULL,1,0,'2023-01-03T10:00:00','2023-01-03T10:00:00');
`;

export async function createBestPracticeDatabase(): Promise<Database> {
  const SQL = await initSqlJs();
  const db = new SQL.Database();
  db.exec(BEST_PRACTICE_TABLES + BEST_PRACTICE_VIEWS + ROWS);
  return db;
}

export interface Bundle {
  resourceType: string;
  total?: number;
  link: { relation: string; url: string }[];
  entry?: { fullUrl?: string; resource: Record<string, unknown> & { resourceType: string; id?: string }; search: { mode: string } }[];
}

/** A thin client of the facade that speaks URLs, as the HTTP server will. */
export class FacadeClient {
  constructor(readonly facade: BestPracticeFhirFacade) {}

  get(pathAndQuery: string, handling?: 'strict' | 'lenient'): { status: number; body: Record<string, unknown> } {
    const [path, query = ''] = pathAndQuery.split('?', 2);
    return this.facade.handle({ method: 'GET', path, params: new URLSearchParams(query), baseUrl: BASE_URL, handling }) as {
      status: number;
      body: Record<string, unknown>;
    };
  }

  /** GET a search and return the Bundle, failing on anything but 200. */
  search(pathAndQuery: string): Bundle {
    const response = this.get(pathAndQuery);
    if (response.status !== 200) {
      throw new Error(`${pathAndQuery} → ${response.status} ${JSON.stringify(response.body)}`);
    }
    return response.body as unknown as Bundle;
  }

  /** Follows an absolute link from a Bundle back into the facade. */
  follow(url: string): Bundle {
    if (!url.startsWith(`${BASE_URL}/`)) {
      throw new Error(`link ${url} is not under ${BASE_URL}`);
    }
    return this.search(url.slice(BASE_URL.length + 1));
  }
}

/** Ids of the `match` entries, in Bundle order. */
export function matchIds(bundle: Bundle): string[] {
  return (bundle.entry ?? []).filter((e) => e.search.mode === 'match').map((e) => String(e.resource.id));
}

export function link(bundle: Bundle, relation: string): string | undefined {
  return bundle.link.find((l) => l.relation === relation)?.url;
}
