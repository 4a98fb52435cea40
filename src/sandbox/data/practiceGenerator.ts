import { Faker, base, en, en_AU } from '@faker-js/faker';
import {
  type AustralianState,
  generateAbn,
  generateDvaNumber,
  generateHpii,
  generateHpio,
  generateIhi,
  generateLandline,
  generateMedicareNumber,
  generateMobile,
  generatePensionNumber,
  generateProviderStem,
  providerNumberFor,
} from './australianIdentifiers';
import { STATE_WEIGHTS, STREET_SUFFIXES, SUBURBS_BY_STATE, type Suburb } from './australianPlaces';
import { generateClinicalRecords } from './clinicalGenerator';
import { APPOINTMENT_MIX } from './clinicalReference';
import {
  TIME_ZONES,
  addMonths,
  dayOf,
  isFixedPublicHoliday,
  isoDate,
  isoDateTime,
  wallClockAt,
  weekdayOf,
  yearOf,
} from './practiceClock';
import type {
  Address,
  Appointment,
  AppointmentKind,
  AppointmentStatus,
  GeneratedPractice,
  Indigenous,
  MedicareCard,
  Patient,
  PracticeKind,
  PracticeLocation,
  PracticeSoftware,
  Practitioner,
  PractitionerRole,
  Session,
  Sex,
  Title,
} from './practiceModel';
import { Random, WeightedPicker } from './random';

export { isValidIhi, isValidMedicareNumber } from './australianIdentifiers';

export interface PracticeGeneratorOptions {
  seed: number;
  /** Registered patients; defaults to 2,000. */
  patients?: number;
  /** The instant the data is relative to: 18 months of history before it, 3 months of bookings after it. */
  now: Date;
  kind?: PracticeKind;
  software?: PracticeSoftware;
}

export const DEFAULT_PATIENT_COUNT = 2000;

const SLOT_SECONDS = 900;
const HISTORY_MONTHS = 18;
const FUTURE_MONTHS = 3;

/** Australian population by 5-year band (ABS 2021, per cent); older bands are raised because they visit and enrol more. */
const AGE_BANDS: readonly number[] = [6.0, 6.3, 6.2, 5.9, 6.4, 7.0, 7.3, 7.1, 6.4, 6.6, 6.1, 6.2, 5.6, 5.0 * 1.3, 4.4 * 1.4, 3.2 * 1.5, 2.1 * 1.5, 1.2 * 1.5, 0.6 * 1.5, 0.2];

/** GP visits per year by age (AIHW figures, rounded); dental visits are flatter. */
function visitRate(kind: PracticeKind, age: number, sex: Sex): number {
  if (kind === 'dental') {
    return age < 4 ? 0.3 : age < 18 ? 1.6 : age > 80 ? 0.7 : 1.2;
  }
  const base = age < 5 ? 7 : age < 15 ? 3 : age < 25 ? 4 : age < 45 ? 5 : age < 65 ? 7 : age < 75 ? 10 : 13;
  return sex === 'female' && age >= 15 && age < 65 ? base * 1.3 : base;
}

/** How many of the registered patients come in per year, on average, relative to visitRate (many registrations lapse). */
const ATTENDANCE = 0.55;

const PMS_VERSIONS: Readonly<Record<PracticeSoftware, (random: Random) => string>> = {
  'Best Practice': (random) => `Best Practice ${random.pick(['Saffron', 'Saffron SP1', 'Saffron SP2', 'Orchid SP1'])} 1.${random.int(11, 13)}.${random.int(0, 3)}.${random.int(1000, 1999)}`,
  Zedmed: (random) => `${random.int(35, 36)}.${random.int(1, 4)}.${random.int(0, 9)}`,
  D4w: (random) => `11.${random.int(4, 7)}`,
  Halaxy: () => 'Halaxy',
};

interface NamePools {
  female: readonly string[];
  male: readonly string[];
  surnames: readonly string[];
  streets: readonly string[];
}

/** Surnames common in Australia that the en_AU locale lacks, so the register looks like a real suburb's. */
const EXTRA_SURNAMES = ['Nguyen', 'Tran', 'Le', 'Singh', 'Kaur', 'Patel', 'Sharma', 'Chen', 'Wang', 'Li', 'Zhang', 'Liu', 'Wong', 'Lee', 'Kim',
  'Papadopoulos', 'Rossi', 'Russo', 'Nguyen', 'Ali', 'Khan', 'Murphy', 'Kelly', "O'Brien", 'Ryan', 'Walsh', 'Santos', 'Reyes'];

function buildNamePools(seed: number): NamePools {
  const faker = new Faker({ locale: [en_AU, en, base] });
  faker.seed(seed);
  const draw = (count: number, next: () => string): string[] => {
    const names = new Set<string>();
    for (let i = 0; i < count; i++) {
      names.add(next());
    }
    return [...names];
  };
  return {
    female: draw(400, () => faker.person.firstName('female')),
    male: draw(400, () => faker.person.firstName('male')),
    surnames: [...draw(600, () => faker.person.lastName()), ...EXTRA_SURNAMES],
    streets: draw(300, () => `${faker.person.lastName()} ${faker.helpers.arrayElement(STREET_SUFFIXES)}`),
  };
}

/** The whole generation state, so helpers share one PRNG stream per concern and one id counter per table. */
class Generation {
  readonly random: Random;
  readonly names: NamePools;
  readonly today: number;
  readonly nowSeconds: number;
  readonly firstDay: number;
  readonly lastDay: number;

  constructor(readonly options: Required<PracticeGeneratorOptions>, readonly state: AustralianState) {
    this.random = new Random(options.seed);
    this.names = buildNamePools(options.seed);
    const clock = wallClockAt(options.now, TIME_ZONES[state]);
    this.today = clock.day;
    this.nowSeconds = clock.seconds;
    this.firstDay = addMonths(clock.day, -HISTORY_MONTHS);
    this.lastDay = addMonths(clock.day, FUTURE_MONTHS);
  }

  street(random: Random): string {
    return `${random.int(1, 250)}${random.chance(0.05) ? random.pick(['A', 'B']) : ''} ${random.pick(this.names.streets)}`;
  }

  address(random: Random, suburb: Suburb): Address {
    const unit = random.chance(0.2) ? `Unit ${random.int(1, 40)}` : undefined;
    return unit === undefined
      ? { line1: this.street(random), suburb: suburb.name, state: suburb.state, postcode: suburb.postcode }
      : { line1: unit, line2: this.street(random), suburb: suburb.name, state: suburb.state, postcode: suburb.postcode };
  }
}

/** Generates one practice: people, bookings, clinical records and billing, all deterministic from `seed` and `now`. */
export function generatePractice(options: PracticeGeneratorOptions): GeneratedPractice {
  const resolved: Required<PracticeGeneratorOptions> = {
    seed: options.seed,
    patients: Math.max(1, Math.floor(options.patients ?? DEFAULT_PATIENT_COUNT)),
    now: options.now,
    kind: options.kind ?? (options.software === 'D4w' ? 'dental' : 'medical'),
    software: options.software ?? (options.kind === 'dental' ? 'D4w' : 'Best Practice'),
  };
  const stateRandom = new Random(resolved.seed ^ 0x5bd1e995);
  const states = Object.keys(STATE_WEIGHTS) as AustralianState[];
  const state = new WeightedPicker(states, states.map((s) => STATE_WEIGHTS[s])).pick(stateRandom);
  const gen = new Generation(resolved, state);

  const identity = practiceIdentity(gen);
  const locations = practiceLocations(gen, identity.suburb);
  const practitioners = practiceStaff(gen, locations);
  const patients = practicePatients(gen, locations, practitioners);
  const appointments = practiceAppointments(gen, practitioners, patients);
  const clinical = generateClinicalRecords({
    random: gen.random.fork('clinical'),
    kind: resolved.kind,
    today: gen.today,
    nowSeconds: gen.nowSeconds,
    practitioners,
    patients,
    appointments,
  });

  return {
    seed: resolved.seed,
    instant: resolved.now.toISOString(),
    now: isoDateTime(gen.today, gen.nowSeconds),
    kind: resolved.kind,
    software: resolved.software,
    pmsVersion: PMS_VERSIONS[resolved.software](gen.random.fork('version')),
    name: identity.name,
    abn: identity.abn,
    hpio: identity.hpio,
    address: locations[0].address,
    phone: locations[0].phone,
    email: identity.email,
    timeZone: TIME_ZONES[state],
    locations,
    practitioners,
    patients,
    appointments,
    ...clinical,
  };
}

function practiceIdentity(gen: Generation): { name: string; abn: string; hpio: string; email: string; suburb: Suburb } {
  const random = gen.random.fork('identity');
  const suburb = random.pick(SUBURBS_BY_STATE[gen.state]);
  const suffix = gen.options.kind === 'dental'
    ? random.pick(['Dental', 'Dental Care', 'Family Dental', 'Smiles Dental', 'Dental Studio'])
    : random.pick(['Medical Centre', 'Family Practice', 'General Practice', 'Medical Clinic', 'Health Hub', 'Family Medical']);
  const name = `${suburb.name} ${suffix}`;
  const domain = `${name.toLowerCase().replace(/[^a-z]+/g, '')}.com.au`;
  return { name, abn: generateAbn(random), hpio: generateHpio(random), email: `reception@${domain}`, suburb };
}

function practiceLocations(gen: Generation, suburb: Suburb): PracticeLocation[] {
  const random = gen.random.fork('locations');
  // A Halaxy practice is a group of clinics; other practices grow branches with their size.
  const count =
    gen.options.software === 'Halaxy' ? random.int(2, 3)
    : gen.options.patients < 1000 ? 1
    : gen.options.patients >= 20000 ? 3
    : random.int(1, 3);
  const others = SUBURBS_BY_STATE[gen.state].filter((s) => s.name !== suburb.name);
  const label = gen.options.kind === 'dental' ? 'Dental' : 'Medical Centre';
  const locations: PracticeLocation[] = [];
  for (let i = 0; i < count; i++) {
    const place = i === 0 ? suburb : others[(random.int(0, others.length - 1) + i) % others.length];
    locations.push({
      id: i + 1,
      name: i === 0 ? `${place.name} ${label}` : `${place.name} ${label} (branch)`,
      address: { line1: `${random.int(1, 400)} ${random.pick(gen.names.streets)}`, suburb: place.name, state: place.state, postcode: place.postcode },
      phone: generateLandline(random, place.state),
    });
  }
  return locations;
}

function sessionsFor(random: Random, role: PractitionerRole): Session[] {
  const days = [1, 2, 3, 4, 5];
  const workDays = role === 'nurse' || random.chance(0.5) ? days : days.filter((d) => d !== random.int(1, 5));
  const sessions: Session[] = [];
  for (const weekday of workDays) {
    const morningStart = random.pick([8 * 3600, 8.5 * 3600, 9 * 3600]);
    const partTime = role !== 'nurse' && random.chance(0.15);
    sessions.push({ weekday, start: morningStart, end: 12.5 * 3600 });
    if (!partTime || random.chance(0.5)) {
      sessions.push({ weekday, start: 13.5 * 3600, end: random.pick([17 * 3600, 17.5 * 3600, 18 * 3600]) });
    }
  }
  return sessions;
}

function practiceStaff(gen: Generation, locations: PracticeLocation[]): Practitioner[] {
  const random = gen.random.fork('staff');
  const patients = gen.options.patients;
  const roles: PractitionerRole[] = [];
  if (gen.options.kind === 'dental') {
    const dentists = Math.max(1, Math.round(patients / 1200));
    roles.push(...Array<PractitionerRole>(dentists).fill('dentist'), ...Array<PractitionerRole>(Math.max(1, Math.round(dentists / 2))).fill('hygienist'));
  } else {
    const gps = Math.max(1, Math.round(patients / 1000));
    roles.push(...Array<PractitionerRole>(gps).fill('gp'), ...Array<PractitionerRole>(Math.max(1, Math.round(gps / 3))).fill('nurse'));
  }
  // A practice of some size has a former doctor whose records remain: integrators must filter on USERSTATUS.
  if (patients >= 500) {
    roles.push(gen.options.kind === 'dental' ? 'dentist' : 'gp');
  }
  const staffCreated = gen.firstDay - random.int(400, 3000);
  return roles.map((role, index) => {
    const sex: Sex = random.chance(role === 'nurse' || role === 'hygienist' ? 0.85 : 0.5) ? 'female' : 'male';
    const firstName = random.pick(sex === 'female' ? gen.names.female : gen.names.male);
    const surname = random.pick(gen.names.surnames);
    const doctor = role === 'gp' || role === 'dentist';
    const location = locations[index % locations.length];
    const active = index < roles.length - (patients >= 500 ? 1 : 0);
    const billing = role !== 'nurse';
    return {
      id: index + 1,
      role,
      title: doctor ? 'Dr' : sex === 'female' ? 'Ms' : 'Mr',
      firstName,
      surname,
      sex,
      providerNumber: billing ? providerNumberFor(generateProviderStem(random), location.id - 1) : undefined,
      prescriberNumber: doctor ? random.digits(7).replace(/^0/, '2') : undefined,
      hpii: generateHpii(random),
      locationId: location.id,
      email: `${firstName}.${surname}`.toLowerCase().replace(/[^a-z.]/g, '') + '@' + gen.options.software.toLowerCase().replace(/\s/g, '') + 'practice.com.au',
      sessions: sessionsFor(random, role),
      active,
      createdAt: isoDateTime(staffCreated + index * 37, 9 * 3600),
    };
  });
}

interface HouseholdMember {
  age: number;
  sex: Sex;
  role: 'head' | 'partner' | 'child';
}

function drawSex(random: Random): Sex {
  const value = random.next();
  return value < 0.002 ? 'indeterminate' : value < 0.494 ? 'male' : 'female';
}

function household(random: Random, ageBand: WeightedPicker<number>): HouseholdMember[] {
  const anchorAge = Math.min(100, ageBand.pick(random) * 5 + random.int(0, 4));
  if (anchorAge < 18) {
    const parentAge = Math.min(100, anchorAge + random.int(22, 40));
    const members: HouseholdMember[] = [{ age: parentAge, sex: random.chance(0.7) ? 'female' : 'male', role: 'head' }];
    if (random.chance(0.72)) {
      members.push({ age: Math.max(18, parentAge + random.int(-4, 5)), sex: members[0].sex === 'female' ? 'male' : 'female', role: 'partner' });
    }
    members.push({ age: anchorAge, sex: drawSex(random), role: 'child' });
    const siblings = random.pick([0, 0, 1, 1, 1, 2]);
    for (let i = 0; i < siblings; i++) {
      const age = anchorAge + random.int(-6, 6);
      if (age >= 0 && age < 18 && age <= parentAge - 18) {
        members.push({ age, sex: drawSex(random), role: 'child' });
      }
    }
    return members;
  }
  const members: HouseholdMember[] = [{ age: anchorAge, sex: drawSex(random), role: 'head' }];
  if (anchorAge >= 20 && random.chance(0.45)) {
    members.push({ age: Math.min(100, Math.max(18, anchorAge + random.int(-5, 5))), sex: members[0].sex === 'female' ? 'male' : 'female', role: 'partner' });
  }
  return members;
}

function titleFor(random: Random, member: HouseholdMember): Title {
  if (member.age < 16) {
    return member.sex === 'male' ? 'Master' : 'Miss';
  }
  if (random.chance(0.012)) {
    return random.chance(0.9) ? 'Dr' : 'Prof';
  }
  if (member.sex === 'male') {
    return 'Mr';
  }
  if (member.sex === 'indeterminate') {
    return 'Ms';
  }
  if (member.age < 25) {
    return random.chance(0.6) ? 'Miss' : 'Ms';
  }
  return member.role === 'partner' || (member.role === 'head' && random.chance(0.4)) ? 'Mrs' : 'Ms';
}

const EMAIL_DOMAINS = ['gmail.com', 'outlook.com', 'hotmail.com', 'bigpond.com', 'icloud.com', 'yahoo.com.au', 'optusnet.com.au', 'live.com.au'];
const RELIGIONS = ['Catholic', 'Anglican', 'Uniting Church', 'Buddhism', 'Islam', 'Hinduism', 'Greek Orthodox', 'Presbyterian', 'No religion'];

function indigenousStatus(random: Random): Indigenous {
  const value = random.next();
  return value < 0.03 ? 'aboriginal' : value < 0.035 ? 'torresStraitIslander' : value < 0.038 ? 'both' : value < 0.85 ? 'neither' : 'notStated';
}

function practicePatients(gen: Generation, locations: PracticeLocation[], practitioners: Practitioner[]): Patient[] {
  const random = gen.random.fork('patients');
  const ageBand = new WeightedPicker(AGE_BANDS.map((_, i) => i), AGE_BANDS);
  const home = locations.map((l) => SUBURBS_BY_STATE[l.address.state].find((s) => s.name === l.address.suburb) ?? SUBURBS_BY_STATE[l.address.state][0]);
  const nearby = SUBURBS_BY_STATE[gen.state];
  const usualDoctors = practitioners.filter((p) => p.active && (p.role === 'gp' || p.role === 'dentist'));
  const patients: Patient[] = [];
  const total = gen.options.patients;

  while (patients.length < total) {
    const members = household(random, ageBand);
    const suburb = random.chance(0.55) ? random.pick(home) : random.chance(0.97) ? random.pick(nearby) : random.pick(SUBURBS_BY_STATE[random.pick(['NSW', 'VIC', 'QLD'] as const)]);
    const address = gen.address(random, suburb);
    const postal = random.chance(0.04) ? { line1: `PO Box ${random.int(10, 9999)}`, suburb: suburb.name, state: suburb.state, postcode: suburb.postcode } : undefined;
    const familySurname = random.pick(gen.names.surnames);
    const homePhone = random.chance(0.35) ? generateLandline(random, suburb.state) : undefined;
    const card = random.chance(0.97) ? generateMedicareNumber(random) : undefined;
    const cardExpiry = isoDate(addMonths(gen.today, random.int(-2, 60))).slice(0, 7);
    const registered = gen.firstDay - random.int(0, 365 * 12);
    const headId = patients.length + 1;
    let irn = 0;

    for (const member of members) {
      if (patients.length >= total) {
        break;
      }
      const id = patients.length + 1;
      const dob = addMonths(gen.today, -12 * member.age) - random.int(1, 364);
      // Babies born during the window register a few days after birth; everybody else before it began.
      const created = Math.min(gen.today, Math.max(registered, dob + random.int(3, 20)));
      const sex = member.sex;
      const firstName = random.pick(sex === 'male' ? gen.names.male : sex === 'female' ? gen.names.female : random.chance(0.5) ? gen.names.male : gen.names.female);
      const surname = member.role === 'partner' && random.chance(0.15) ? random.pick(gen.names.surnames) : familySurname;
      const adult = member.age >= 18;
      const age = member.age;
      const concessionDraw = random.next();
      const concession = age >= 67 ? (concessionDraw < 0.62 ? 'pension' : concessionDraw < 0.8 ? 'seniorsCard' : 'none')
        : adult ? (concessionDraw < 0.12 ? 'healthCareCard' : concessionDraw < 0.16 ? 'pension' : 'none') : 'none';
      const dva = age >= 45 && random.chance(age >= 70 ? 0.04 : 0.012);
      const onCard = card !== undefined && (surname === familySurname || random.chance(0.7));
      const medicare: MedicareCard | undefined = onCard ? { number: card, irn: ++irn, expiry: cardExpiry }
        : random.chance(0.95) ? { number: generateMedicareNumber(random), irn: 1, expiry: isoDate(addMonths(gen.today, random.int(-2, 60))).slice(0, 7) } : undefined;
      const statusDraw = random.next();
      const status = statusDraw < 0.01 ? 'deleted' : age >= 70 && statusDraw < 0.05 ? 'deceased' : statusDraw < 0.08 ? 'inactive' : 'active';
      const updated = Math.min(gen.today, created + random.int(0, Math.max(0, gen.today - created)));
      patients.push({
        id,
        recordNo: String(10000 + id),
        title: titleFor(random, member),
        firstName,
        middleName: random.chance(0.6) ? random.pick(sex === 'male' ? gen.names.male : gen.names.female) : undefined,
        surname,
        preferredName: random.chance(0.06) ? firstName.slice(0, Math.max(3, Math.ceil(firstName.length / 2))) : undefined,
        dob: isoDate(dob),
        sex,
        indigenous: indigenousStatus(random),
        religion: random.chance(0.5) ? random.pick(RELIGIONS) : undefined,
        address,
        postalAddress: postal,
        homePhone,
        workPhone: adult && age < 67 && random.chance(0.15) ? generateLandline(random, suburb.state) : undefined,
        mobile: age >= 12 || random.chance(0.05) ? generateMobile(random) : undefined,
        email: adult && random.chance(0.75)
          ? `${firstName}.${surname}${random.chance(0.5) ? random.int(1, 99) : ''}`.toLowerCase().replace(/[^a-z0-9.]/g, '') + '@' + random.pick(EMAIL_DOMAINS)
          : undefined,
        medicare,
        ihi: random.chance(0.92) ? generateIhi(random) : undefined,
        concession,
        pensionNumber: concession === 'none' || concession === 'seniorsCard' && random.chance(0.5) ? undefined : generatePensionNumber(random),
        dvaNumber: dva ? generateDvaNumber(random, suburb.state) : undefined,
        headOfFamilyId: id === headId || members.length === 1 ? undefined : headId,
        usualPractitionerId: random.pick(usualDoctors).id,
        status,
        createdAt: isoDateTime(created, random.int(8 * 4, 17 * 4) * SLOT_SECONDS),
        updatedAt: isoDateTime(updated, random.int(8 * 4, 17 * 4) * SLOT_SECONDS),
      });
    }
  }
  return patients;
}

const OPEN_STATUSES_TODAY: readonly AppointmentStatus[] = ['arrived', 'inConsultation'];

function practiceAppointments(gen: Generation, practitioners: Practitioner[], patients: Patient[]): Appointment[] {
  const random = gen.random.fork('appointments');
  const kind = gen.options.kind;
  const bornOrCreated = new Int32Array(patients.length + 1);
  const weights = patients.map((p) => {
    const created = Math.floor(Date.parse(p.createdAt.slice(0, 10)) / 86_400_000);
    bornOrCreated[p.id] = created;
    const age = yearOf(gen.today) - Number(p.dob.slice(0, 4));
    return visitRate(kind, age, p.sex);
  });
  const pastWeights = patients.map((p, i) => (p.status === 'active' ? weights[i] : p.status === 'inactive' ? weights[i] * 0.3 : 0));
  const futureWeights = patients.map((p, i) => (p.status === 'active' ? weights[i] : 0));
  const ids = patients.map((p) => p.id);
  const pastPicker = new WeightedPicker(ids, pastWeights.some((w) => w > 0) ? pastWeights : weights);
  const futurePicker = new WeightedPicker(ids, futureWeights.some((w) => w > 0) ? futureWeights : weights);
  // Continuity of care: most bookings with a doctor go to that doctor's own patients.
  const ownPickers = new Map<number, WeightedPicker<number>>();
  for (const practitioner of practitioners) {
    const own = patients.filter((p) => p.usualPractitionerId === practitioner.id && p.status === 'active');
    if (own.length > 0) {
      ownPickers.set(practitioner.id, new WeightedPicker(own.map((p) => p.id), own.map((p) => weights[p.id - 1])));
    }
  }

  // Demand in bookings per weekday, shared over the roles' capacity, gives each slot its chance of being booked.
  const demandPerDay = (pastWeights.reduce((a, b) => a + b, 0) * ATTENDANCE) / 250;
  const workers = practitioners.filter((p) => p.active);
  const shareOf = (role: PractitionerRole): number => (role === 'nurse' ? 0.15 : role === 'hygienist' ? 0.35 : role === 'dentist' ? 0.65 : 0.85);
  const occupancy = new Map<PractitionerRole, number>();
  for (const role of new Set(workers.map((p) => p.role))) {
    const slotsPerWeek = workers.filter((p) => p.role === role).reduce((sum, p) => sum + p.sessions.reduce((s, x) => s + (x.end - x.start) / SLOT_SECONDS, 0), 0);
    const mix = APPOINTMENT_MIX[role];
    const slotsPerBooking = mix.reduce((s, m) => s + m.weight * m.slots, 0) / mix.reduce((s, m) => s + m.weight, 0);
    occupancy.set(role, Math.min(0.92, (demandPerDay * shareOf(role) * slotsPerBooking) / (slotsPerWeek / 5)));
  }
  const mixPickers = new Map(Object.entries(APPOINTMENT_MIX).map(([role, mix]) => [role, new WeightedPicker(mix, mix.map((m) => m.weight))]));
  const departed = gen.today - random.int(120, 300);

  const appointments: Appointment[] = [];
  const dayText = new Map<number, string>();
  const text = (day: number): string => {
    let value = dayText.get(day);
    if (value === undefined) {
      value = isoDate(day);
      dayText.set(day, value);
    }
    return value;
  };

  for (let day = gen.firstDay; day <= gen.lastDay; day++) {
    const weekday = weekdayOf(day);
    if (weekday === 0 || weekday === 6 || isFixedPublicHoliday(day)) {
      continue;
    }
    const ahead = day - gen.today;
    // Bookings thin out the further ahead they are: next week is nearly full, three months out nearly empty.
    const fill = ahead <= 0 ? 1 : ahead <= 7 ? 0.9 : Math.max(0.06, 0.9 * Math.exp(-(ahead - 7) / 25));
    for (const practitioner of practitioners) {
      if (!practitioner.active && day > departed) {
        continue;
      }
      const chance = (occupancy.get(practitioner.role) ?? occupancy.get(practitioner.role === 'gp' ? 'gp' : 'dentist') ?? 0.5) * fill;
      const mixPicker = mixPickers.get(practitioner.role);
      const ownPicker = ownPickers.get(practitioner.id);
      for (const session of practitioner.sessions) {
        if (session.weekday !== weekday) {
          continue;
        }
        let start = session.start;
        while (start + SLOT_SECONDS <= session.end) {
          if (!random.chance(chance) || mixPicker === undefined) {
            start += SLOT_SECONDS;
            continue;
          }
          const choice = mixPicker.pick(random);
          const slots = start + choice.slots * SLOT_SECONDS <= session.end ? choice.slots : 1;
          const picker = ownPicker !== undefined && random.chance(0.7) ? ownPicker : ahead > 0 ? futurePicker : pastPicker;
          let patientId = picker.pick(random);
          if (bornOrCreated[patientId] > day) {
            patientId = (ahead > 0 ? futurePicker : pastPicker).pick(random);
          }
          if (bornOrCreated[patientId] > day) {
            start += SLOT_SECONDS;
            continue;
          }
          const length = slots * SLOT_SECONDS;
          const appointmentKind: AppointmentKind = choice.kind;
          const leadDays = Math.min(Math.max(0, day - bornOrCreated[patientId]), random.chance(0.3) ? 0 : random.int(1, 28));
          const bookedOn = day - leadDays > gen.today ? gen.today : day - leadDays;
          appointments.push({
            id: appointments.length + 1,
            patientId,
            practitionerId: practitioner.id,
            locationId: practitioner.locationId,
            date: text(day),
            start,
            length,
            kind: appointmentKind,
            status: appointmentStatus(random, ahead, start, length, gen.nowSeconds),
            createdAt: `${text(bookedOn)}T${leadDays === 0 ? '08:0' + random.int(0, 9) + ':00' : '1' + random.int(0, 7) + ':' + random.int(10, 59) + ':00'}`,
          });
          start += length;
        }
      }
    }
  }
  return appointments;
}

function appointmentStatus(random: Random, ahead: number, start: number, length: number, nowSeconds: number): AppointmentStatus {
  const draw = random.next();
  if (ahead < 0 || (ahead === 0 && start + length <= nowSeconds)) {
    return draw < 0.035 ? 'didNotAttend' : draw < 0.1 ? 'cancelled' : 'completed';
  }
  if (ahead === 0 && start <= nowSeconds) {
    return random.pick(OPEN_STATUSES_TODAY);
  }
  if (ahead === 0 && start - nowSeconds <= 1800 && draw < 0.5) {
    return 'arrived';
  }
  return draw < 0.04 ? 'cancelled' : 'booked';
}

/** The first and last day a practice's bookings can fall on: 18 months before its `now` to 3 months after. */
export function practiceWindow(practice: GeneratedPractice): { firstDay: string; lastDay: string } {
  const today = dayOf(Number(practice.now.slice(0, 4)), Number(practice.now.slice(5, 7)), Number(practice.now.slice(8, 10)));
  return { firstDay: isoDate(addMonths(today, -HISTORY_MONTHS)), lastDay: isoDate(addMonths(today, FUTURE_MONTHS)) };
}
