import {
  ADA_ITEMS,
  ALLERGENS,
  CHILDHOOD_SCHEDULE,
  CONDITIONS,
  INVESTIGATION_ACTIONS,
  INVESTIGATION_TESTS,
  MBS_ITEMS,
  PRODUCTS,
  RECALL_REASONS,
  VACCINES,
  VISIT_NOTES,
  type ServiceItem,
} from './clinicalReference';
import { addMonths, dayOf, isoDate, isoDateTime, parseIsoDay, yearOf, yearsBetween } from './practiceClock';
import type {
  Appointment,
  AppointmentKind,
  ClinicalRecords,
  EncounterMode,
  Invoice,
  Investigation,
  Patient,
  Payer,
  PracticeKind,
  Practitioner,
  ServiceLine,
} from './practiceModel';
import { type Random, WeightedPicker } from './random';

export interface ClinicalInput {
  random: Random;
  kind: PracticeKind;
  today: number;
  nowSeconds: number;
  practitioners: readonly Practitioner[];
  patients: readonly Patient[];
  appointments: readonly Appointment[];
}


const PRODUCT_BY_ID = new Map(PRODUCTS.map((p) => [p.productId, p]));
const VACCINE_BY_ID = new Map(VACCINES.map((v) => [v.vaccineId, v]));

/** Observation codes as Best Practice numbers them in its observation list. */
const OBS = {
  systolic: { code: 1, name: 'Systolic BP', unit: 'mmHg' },
  diastolic: { code: 2, name: 'Diastolic BP', unit: 'mmHg' },
  pulse: { code: 3, name: 'Pulse', unit: 'bpm' },
  weight: { code: 4, name: 'Weight', unit: 'kg' },
  height: { code: 5, name: 'Height', unit: 'cm' },
  bmi: { code: 6, name: 'BMI', unit: 'kg/m2' },
  waist: { code: 7, name: 'Waist', unit: 'cm' },
  hba1c: { code: 8, name: 'HbA1c', unit: '%' },
  temperature: { code: 9, name: 'Temperature', unit: '°C' },
} as const;

const SURFACES_POSTERIOR = ['O', 'MO', 'DO', 'MOD', 'B', 'OL'];
const SURFACES_ANTERIOR = ['M', 'D', 'MI', 'DI', 'B'];
const PERMANENT_POSTERIOR = [14, 15, 16, 17, 24, 25, 26, 27, 34, 35, 36, 37, 44, 45, 46, 47];
const PERMANENT_ANTERIOR = [11, 12, 13, 21, 22, 23, 31, 32, 33, 41, 42, 43];
const PRIMARY_MOLARS = [54, 55, 64, 65, 74, 75, 84, 85];
const FIRST_MOLARS = [16, 26, 36, 46];

/** Every service line with its invoice, in invoice order: the PMS builders store lines as rows of their own. */
export function* invoiceLines(invoices: readonly Invoice[]): Generator<{ invoice: Invoice; line: ServiceLine }> {
  for (const invoice of invoices) {
    for (const line of invoice.lines) {
      yield { invoice, line };
    }
  }
}

/** Everything recorded about the practice's patients besides who they are and when they were booked. */
export function generateClinicalRecords(input: ClinicalInput): ClinicalRecords {
  const { random, today } = input;
  const records: ClinicalRecords = {
    encounters: [], conditions: [], medications: [], immunisations: [], allergies: [], observations: [], investigations: [], invoices: [], recalls: [],
  };
  const patientDay = new Int32Array(input.patients.length + 1);
  const ages = new Int16Array(input.patients.length + 1);
  for (const patient of input.patients) {
    patientDay[patient.id] = parseIsoDay(patient.dob);
    ages[patient.id] = yearsBetween(patientDay[patient.id], today);
  }
  const nurses = input.practitioners.filter((p) => p.role === 'nurse');
  const diabetic = new Uint8Array(input.patients.length + 1);

  for (const patient of input.patients) {
    patientHistory(input, records, patient, ages[patient.id], patientDay[patient.id], nurses, diabetic);
  }

  const heights = new Float32Array(input.patients.length + 1);
  const weights = new Float32Array(input.patients.length + 1);
  for (const patient of input.patients) {
    const age = ages[patient.id];
    const adultHeight = patient.sex === 'male' ? 176 + random.int(-12, 12) : 163 + random.int(-10, 10);
    heights[patient.id] = age >= 18 ? adultHeight : Math.min(adultHeight, 52 + age * 6.2);
    const bmi = age >= 18 ? 21 + random.next() * 12 : 15 + random.next() * 5;
    weights[patient.id] = Math.round(bmi * (heights[patient.id] / 100) ** 2 * 10) / 10;
  }

  const patientById = input.patients;
  const lastCheckup = new Int32Array(input.patients.length + 1).fill(-1);
  const bookedAhead = new Uint8Array(input.patients.length + 1);
  const mbsPayer = new Map<number, Payer>();
  for (const appointment of input.appointments) {
    const patient = patientById[appointment.patientId - 1];
    const day = parseIsoDay(appointment.date);
    if (appointment.status === 'booked' && day > today) {
      bookedAhead[patient.id] = 1;
    }
    if (appointment.status !== 'completed' && appointment.status !== 'inConsultation') {
      continue;
    }
    const at = isoDateTime(day, appointment.start);
    if (appointment.kind !== 'immunisation' || random.chance(0.3)) {
      records.encounters.push({
        id: records.encounters.length + 1,
        appointmentId: appointment.id,
        patientId: patient.id,
        practitionerId: appointment.practitionerId,
        at,
        mode: encounterMode(appointment.kind),
        notes: input.kind === 'dental' ? dentalNote(appointment.kind) : random.pick(VISIT_NOTES),
      });
    }
    if (appointment.status !== 'completed') {
      continue;
    }
    const age = ages[patient.id];
    if (input.kind === 'dental') {
      records.invoices.push(dentalInvoice(random, records, appointment, age, day));
      if (appointment.kind === 'dentalCheckup' || appointment.kind === 'hygiene') {
        lastCheckup[patient.id] = day;
      }
      continue;
    }
    let payer = mbsPayer.get(patient.id);
    if (payer === undefined) {
      payer = patient.dvaNumber !== undefined ? 'dva' : patient.concession !== 'none' || age < 16 || random.chance(0.62) ? 'bulkBilled' : 'private';
      mbsPayer.set(patient.id, payer);
    }
    const invoice = medicalInvoice(random, records, appointment, patient, age, day, payer);
    if (invoice !== undefined) {
      records.invoices.push(invoice);
    }
    if (age >= 18 && isConsultation(appointment.kind) && random.chance(0.28)) {
      observationSet(random, records, patient.id, day, appointment.start, age, heights[patient.id], weights[patient.id], diabetic[patient.id] === 1);
    }
    if (appointment.kind !== 'immunisation' && appointment.kind !== 'nurse' && random.chance(0.12)) {
      records.investigations.push(investigation(random, records.investigations.length + 1, patient.id, appointment.practitionerId, day, today));
    }
  }

  if (input.kind === 'dental') {
    for (const patient of input.patients) {
      const last = lastCheckup[patient.id];
      if (last < 0 || patient.status !== 'active') {
        continue;
      }
      const due = addMonths(last, 6);
      records.recalls.push({
        id: records.recalls.length + 1,
        patientId: patient.id,
        practitionerId: patient.usualPractitionerId,
        reason: random.pick(RECALL_REASONS),
        due: isoDate(due),
        status: bookedAhead[patient.id] === 1 ? 'booked' : due < today ? 'overdue' : due - today < 30 ? 'sent' : 'pending',
      });
    }
  }
  return records;
}

function patientHistory(
  input: ClinicalInput, records: ClinicalRecords, patient: Patient, age: number, dobDay: number, nurses: readonly Practitioner[], diabetic: Uint8Array,
): void {
  const { random, today } = input;
  const birthYear = yearOf(dobDay);
  const thisYear = yearOf(today);
  const recordedAt = patient.createdAt;
  const prescribed = new Set<number>();
  for (const condition of CONDITIONS) {
    if (age < condition.minAge || (condition.sex !== undefined && condition.sex !== patient.sex)) {
      continue;
    }
    const ramp = condition.peakAge <= condition.minAge ? 1 : Math.min(1, (age - condition.minAge + 1) / (condition.peakAge - condition.minAge + 1));
    if (!random.chance(condition.prevalence * ramp)) {
      continue;
    }
    const year = random.int(Math.min(thisYear, birthYear + condition.minAge), thisYear);
    const active = !condition.resolved && !(condition.conditionId === 5 && random.chance(0.3));
    records.conditions.push({
      id: records.conditions.length + 1,
      patientId: patient.id,
      conditionId: condition.conditionId,
      name: condition.name,
      snomed: condition.snomed,
      year,
      active,
      recordedAt,
    });
    if (condition.conditionId === 2) {
      diabetic[patient.id] = 1;
    }
    if (!active || condition.productIds.length === 0 || !random.chance(0.85)) {
      continue;
    }
    const chosen = new Set([random.pick(condition.productIds)]);
    if (condition.productIds.length > 1 && random.chance(0.3)) {
      chosen.add(random.pick(condition.productIds));
    }
    for (const productId of chosen) {
      const product = PRODUCT_BY_ID.get(productId);
      if (product === undefined || prescribed.has(productId)) {
        continue;
      }
      prescribed.add(productId);
      records.medications.push({
        id: records.medications.length + 1,
        patientId: patient.id,
        productId,
        drugName: product.name,
        dose: product.dose,
        frequency: product.frequency,
        prn: product.prn,
        route: product.route,
        quantity: product.quantity,
        unit: product.unit,
        repeats: product.repeats,
        indication: condition.name,
        lastPrescribed: isoDateTime(today - random.int(1, 180)),
        prescriberId: patient.usualPractitionerId,
      });
    }
  }

  const allergyCount = random.chance(0.18) ? (random.chance(0.2) ? 2 : 1) : 0;
  const allergenPicker = allergyPicker();
  const seen = new Set<string>();
  for (let i = 0; i < allergyCount; i++) {
    const allergen = allergenPicker.pick(random);
    if (seen.has(allergen.substance)) {
      continue;
    }
    seen.add(allergen.substance);
    const reaction = random.pick(allergen.reactions);
    records.allergies.push({
      id: records.allergies.length + 1,
      patientId: patient.id,
      substance: allergen.substance,
      reaction,
      severity: reaction === 'Anaphylaxis' || reaction === 'Angioedema' ? 'severe' : random.chance(0.7) ? 'mild' : 'moderate',
      comment: random.chance(0.2) ? random.pick(['As a child', 'Reported by patient', 'Confirmed by immunologist', 'Hospital admission']) : undefined,
      recordedAt,
    });
  }

  if (input.kind === 'dental') {
    return;
  }
  immunisationHistory(random, records, patient, age, dobDay, today, nurses);
}

let cachedAllergyPicker: WeightedPicker<(typeof ALLERGENS)[number]> | undefined;
function allergyPicker(): WeightedPicker<(typeof ALLERGENS)[number]> {
  cachedAllergyPicker ??= new WeightedPicker(ALLERGENS, ALLERGENS.map((a) => a.weight));
  return cachedAllergyPicker;
}

function immunisationHistory(
  random: Random, records: ClinicalRecords, patient: Patient, age: number, dobDay: number, today: number, nurses: readonly Practitioner[],
): void {
  const createdDay = parseIsoDay(patient.createdAt);
  const give = (vaccineId: number, day: number): void => {
    if (day > today || day < dobDay) {
      return;
    }
    const vaccine = VACCINE_BY_ID.get(vaccineId);
    if (vaccine === undefined) {
      return;
    }
    const elsewhere = day < createdDay || nurses.length === 0 || random.chance(0.08);
    records.immunisations.push({
      id: records.immunisations.length + 1,
      patientId: patient.id,
      vaccineId,
      vaccineName: vaccine.name,
      date: isoDateTime(day),
      batch: `${String.fromCharCode(65 + random.int(0, 25))}${String.fromCharCode(65 + random.int(0, 25))}${random.digits(4)}`,
      givenById: elsewhere ? undefined : random.pick(nurses).id,
      givenElsewhere: elsewhere,
    });
  };
  if (age < 20) {
    const coverage = random.chance(0.93);
    for (const dose of CHILDHOOD_SCHEDULE) {
      if (!coverage && dose.ageMonths > 6) {
        break;
      }
      const due = addMonths(dobDay, dose.ageMonths) + random.int(0, 20);
      for (const vaccineId of dose.vaccineIds) {
        give(vaccineId, due);
      }
    }
  }
  const year = yearOf(today);
  for (const season of [year - 1, year]) {
    const seasonDay = dayOf(season, 4, 1) + random.int(0, 75);
    if (age >= 65 ? random.chance(0.72) : age >= 1 && random.chance(0.28)) {
      give(age >= 65 ? 14 : 13, seasonDay);
    }
  }
  if (age >= 65 && random.chance(0.35)) {
    const first = today - random.int(60, 500);
    give(15, first);
    give(15, first + random.int(60, 180));
  }
  if (age >= 70 && random.chance(0.45)) {
    give(3, today - random.int(30, 900));
  }
  if (age >= 18 && random.chance(age >= 65 ? 0.6 : 0.3)) {
    give(16, today - random.int(30, 700));
  }
}

function isConsultation(kind: AppointmentKind): boolean {
  return kind === 'standard' || kind === 'long' || kind === 'newPatient' || kind === 'carePlan' || kind === 'healthAssessment' || kind === 'nurse';
}

function encounterMode(kind: AppointmentKind): EncounterMode {
  return kind === 'telehealth' ? 'telehealth' : 'surgery';
}

function dentalNote(kind: AppointmentKind): string {
  switch (kind) {
    case 'dentalCheckup':
      return 'Periodic examination. Oral hygiene instruction given.';
    case 'hygiene':
      return 'Scale and clean, fluoride applied.';
    case 'dentalEmergency':
      return 'Emergency: pain on biting. Examined and radiograph taken.';
    default:
      return 'Treatment completed as planned. Local anaesthetic given.';
  }
}

function line(id: number, item: ServiceItem, fee: number, tooth?: number, surfaces?: string): ServiceLine {
  return { id, item: item.item, description: item.description, fee, tooth, surfaces };
}

function medicalInvoice(
  random: Random, records: ClinicalRecords, appointment: Appointment, patient: Patient, age: number, day: number, payer: Payer,
): Invoice | undefined {
  const items = mbsItemsFor(random, appointment.kind, age);
  if (items.length === 0) {
    return undefined;
  }
  // Private fees run above the schedule fee; bulk-billed and DVA services are paid at it.
  const markup = payer === 'private' ? 1.85 : 1;
  if (payer === 'bulkBilled' && (age < 16 || patient.concession !== 'none')) {
    items.push(MBS_ITEMS['10990']);
  }
  let nextLine = records.invoices.length === 0 ? 1 : lastLineId(records) + 1;
  const lines = items.map((item) => line(nextLine++, item, Math.round((item.fee * markup) / 5) * 5));
  return {
    id: records.invoices.length + 1,
    patientId: patient.id,
    practitionerId: appointment.practitionerId,
    appointmentId: appointment.id,
    date: isoDate(day),
    payer,
    total: lines.reduce((sum, l) => sum + l.fee, 0),
    paid: random.chance(0.97),
    lines,
  };
}

function lastLineId(records: ClinicalRecords): number {
  const lines = records.invoices[records.invoices.length - 1].lines;
  return lines[lines.length - 1].id;
}

function mbsItemsFor(random: Random, kind: AppointmentKind, age: number): ServiceItem[] {
  switch (kind) {
    case 'standard':
      return [MBS_ITEMS[random.chance(0.08) ? '3' : random.chance(0.1) ? '36' : '23']];
    case 'long':
      return [MBS_ITEMS[random.chance(0.2) ? '44' : '36']];
    case 'newPatient':
      return [MBS_ITEMS['36']];
    case 'telehealth':
      return [MBS_ITEMS[random.chance(0.6) ? '91800' : '91891']];
    case 'carePlan':
      return random.chance(0.6) ? [MBS_ITEMS['721'], MBS_ITEMS['723']] : [MBS_ITEMS['732']];
    case 'mentalHealth':
      return [MBS_ITEMS[random.chance(0.7) ? '2700' : '2712']];
    case 'healthAssessment':
      return [MBS_ITEMS[age >= 75 ? '705' : random.chance(0.5) ? '703' : '701']];
    case 'procedure':
      return [MBS_ITEMS['23'], MBS_ITEMS['30071']];
    case 'nurse':
      return [MBS_ITEMS['10997']];
    default:
      // National Immunisation Program vaccines are free and nurse-only visits for them are not billed.
      return [];
  }
}

function dentalInvoice(random: Random, records: ClinicalRecords, appointment: Appointment, age: number, day: number): Invoice {
  let nextLine = records.invoices.length === 0 ? 1 : lastLineId(records) + 1;
  const lines: ServiceLine[] = [];
  const add = (code: string, tooth?: number, surfaces?: string): void => {
    lines.push(line(nextLine++, ADA_ITEMS[code], ADA_ITEMS[code].fee, tooth, surfaces));
  };
  const child = age < 12;
  switch (appointment.kind) {
    case 'dentalCheckup':
      add(random.chance(0.15) ? '011' : '012');
      if (random.chance(0.4)) {
        add('022');
        add('022');
      }
      add('114');
      add('121');
      if (child && age >= 6 && random.chance(0.3)) {
        add('161', random.pick(FIRST_MOLARS));
      }
      break;
    case 'hygiene':
      add('114');
      add('121');
      break;
    case 'dentalEmergency':
      add('013');
      add('022');
      if (random.chance(0.3)) {
        add(random.chance(0.8) ? '311' : '322', random.pick(child ? PRIMARY_MOLARS : PERMANENT_POSTERIOR));
      }
      break;
    default: {
      const draw = random.next();
      if (child) {
        add('531', random.pick(PRIMARY_MOLARS), random.pick(SURFACES_POSTERIOR));
      } else if (draw < 0.55) {
        const posterior = random.chance(0.75);
        const tooth = random.pick(posterior ? PERMANENT_POSTERIOR : PERMANENT_ANTERIOR);
        const surfaces = random.pick(posterior ? SURFACES_POSTERIOR : SURFACES_ANTERIOR);
        add(posterior ? (surfaces.length >= 3 ? '533' : surfaces.length === 2 ? '532' : '531') : surfaces.length >= 2 ? '522' : '521', tooth, surfaces);
      } else if (draw < 0.75) {
        add('311', random.pick(PERMANENT_POSTERIOR));
      } else if (draw < 0.9) {
        add('415', random.pick(PERMANENT_POSTERIOR));
      } else {
        add('615', random.pick(PERMANENT_POSTERIOR));
      }
    }
  }
  const total = lines.reduce((sum, l) => sum + l.fee, 0);
  return {
    id: records.invoices.length + 1,
    patientId: appointment.patientId,
    practitionerId: appointment.practitionerId,
    appointmentId: appointment.id,
    date: isoDate(day),
    payer: random.chance(0.45) ? 'healthFund' : 'private',
    total,
    paid: random.chance(0.95),
    lines,
  };
}

function observationSet(
  random: Random, records: ClinicalRecords, patientId: number, day: number, time: number, age: number, height: number, weight: number, diabetic: boolean,
): void {
  const date = isoDateTime(day);
  const push = (kind: (typeof OBS)[keyof typeof OBS], value: string): void => {
    records.observations.push({ id: records.observations.length + 1, patientId, code: kind.code, name: kind.name, date, time, value, unit: kind.unit });
  };
  const systolic = Math.round(108 + age * 0.45 + (random.next() - 0.5) * 30);
  push(OBS.systolic, String(systolic));
  push(OBS.diastolic, String(Math.round(systolic * 0.6 + (random.next() - 0.5) * 12)));
  push(OBS.pulse, String(random.int(56, 96)));
  if (random.chance(0.5)) {
    const measured = Math.round((weight + (random.next() - 0.5) * 4) * 10) / 10;
    push(OBS.weight, measured.toFixed(1));
    push(OBS.height, height.toFixed(0));
    push(OBS.bmi, (measured / (height / 100) ** 2).toFixed(1));
    if (random.chance(0.3)) {
      push(OBS.waist, String(Math.round(measured * 0.9 + random.int(5, 20))));
    }
  }
  if (diabetic && random.chance(0.5)) {
    push(OBS.hba1c, (6 + random.next() * 3).toFixed(1));
  }
  if (random.chance(0.1)) {
    push(OBS.temperature, (36.3 + random.next() * 2).toFixed(1));
  }
}

function investigation(random: Random, id: number, patientId: number, requestedById: number, day: number, today: number): Investigation {
  const reportedDay = day + random.int(1, 3);
  const checkedDay = reportedDay + random.int(0, 3);
  const reported = reportedDay <= today;
  const checked = reported && checkedDay <= today && random.chance(0.95);
  const notation = random.next() < 0.7 ? 'Normal' : random.chance(0.7) ? 'Abnormal – not clinically significant' : 'Abnormal – clinically significant';
  return {
    id,
    patientId,
    test: random.pick(INVESTIGATION_TESTS),
    requestedById,
    collected: isoDateTime(day, random.int(32, 64) * 900),
    reported: reported ? isoDateTime(reportedDay, random.int(40, 80) * 900) : undefined,
    checked: checked ? isoDateTime(checkedDay, random.int(32, 70) * 900) : undefined,
    actioned: checked && notation !== 'Normal' ? isoDateTime(checkedDay, random.int(70, 72) * 900) : undefined,
    notation,
    action: notation === 'Normal' ? 'No action' : random.pick(INVESTIGATION_ACTIONS.slice(1)),
  };
}
