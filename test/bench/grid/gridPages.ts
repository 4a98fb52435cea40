import { Random } from '../../../src/sandbox/data/random';

/** The grid benchmark's result: appointment-like rows in Halo's page form (a JSON array of row objects per page). */
export interface BenchPages {
  pages: Buffer[];
  rows: number;
  bytes: number;
  /** The columns, in the order every row holds them. */
  columns: readonly string[];
}

const SURNAMES = [
  'Smith', 'Jones', 'Williams', 'Brown', 'Wilson', 'Taylor', 'Nguyễn', 'Anderson', 'Thomas', 'Walker', 'White', 'Martin',
  "O'Brien", 'Kelly', 'Ryan', 'Lee', 'Chen', 'Müller', 'Papadopoulos', 'Singh', 'Patel', 'Kowalski', 'de Souza', 'Zhang',
  'MacDonald', 'Gallagher', 'Rossi', 'Tran', 'Hall', 'Young', 'King', 'Wright', 'Scott', 'Green', 'Baker', 'Adams',
];
const GIVEN = [
  'Oliver', 'Charlotte', 'Jack', 'Olivia', 'William', 'Amelia', 'Noah', 'Isla', 'Thomas', 'Mia', 'James', 'Ava', 'Zoë',
  'Chloé', 'Lachlan', 'Grace', 'Mohammed', 'Priya', 'Wei', 'Aroha', 'Siobhán', 'Matías', 'Eleni', 'Kai', 'Ruby', 'Leo',
];
const REFERENCE_LETTERS = [...'ABCDEFGHJKLMNPQRSTUVWXYZ'];
const ITEMS = ['23', '36', '44', '721', '723', '10990', '91800', '2713', '82210', '00012'];
const NOTES = [
  'Review blood results', 'Script renewal', 'Follow-up: BP 135/85', 'Needs interpreter (Tiếng Việt)', 'Quote "urgent" per referrer',
  'Line one\nline two', 'Wound check — left knee', 'Care plan 🩺', 'Back\\slash path C:\\notes',
];

function two(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/**
 * `pageCount` pages of `rowsPerPage` rows × 10 columns: ids, names (some non-ASCII), a date of birth (sometimes
 * null), an appointment time, a fee (decimal, sometimes null), item codes with leading zeros, a nearly unique reference and notes
 * that are mostly null and otherwise hold quotes, escapes, newlines and emoji. The same seed gives the same bytes.
 */
export function benchPages(pageCount: number, rowsPerPage: number, seed = 5): BenchPages {
  const random = new Random(seed);
  const pages: Buffer[] = [];
  let bytes = 0;
  let id = 400_000;
  for (let p = 0; p < pageCount; p++) {
    const rows = [];
    for (let r = 0; r < rowsPerPage; r++) {
      const day = random.int(1, 28);
      rows.push({
        AppointmentID: id++,
        PatientID: random.int(1, 250_000),
        Surname: random.pick(SURNAMES),
        Firstname: random.pick(GIVEN),
        DOB: random.chance(0.05) ? null : `${random.int(1930, 2024)}-${two(random.int(1, 12))}-${two(day)}T00:00:00`,
        StartTime: `2026-${two(random.int(1, 12))}-${two(day)}T${two(random.int(8, 17))}:${two(random.int(0, 3) * 15)}:00`,
        Fee: random.chance(0.1) ? null : random.int(3900, 29000) / 100,
        ItemCode: random.pick(ITEMS),
        Reference: `${random.pick(REFERENCE_LETTERS)}${random.pick(REFERENCE_LETTERS)}-${random.digits(6)}-${random.pick(REFERENCE_LETTERS)}`,
        Notes: random.chance(0.8) ? null : random.pick(NOTES),
      });
    }
    const page = Buffer.from(JSON.stringify(rows));
    bytes += page.length;
    pages.push(page);
  }
  const columns = ['AppointmentID', 'PatientID', 'Surname', 'Firstname', 'DOB', 'StartTime', 'Fee', 'ItemCode', 'Reference', 'Notes'];
  return { pages, rows: pageCount * rowsPerPage, bytes, columns };
}
