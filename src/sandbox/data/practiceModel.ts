import type { AustralianState } from './australianIdentifiers';

/*
 * The practice as it is, independent of how any practice-management system stores it: the Best Practice, Zedmed and
 * D4w builders (and a Halaxy FHIR sandbox) each map this one model onto their own tables or resources.
 * Dates are "YYYY-MM-DD", times of day seconds after midnight, timestamps "YYYY-MM-DDTHH:MM:SS" in the practice's wall clock.
 */

export type PracticeSoftware = 'Best Practice' | 'Zedmed' | 'D4w' | 'Halaxy';
export type PracticeKind = 'medical' | 'dental';
export type Sex = 'male' | 'female' | 'indeterminate';
export type Title = 'Mr' | 'Mrs' | 'Ms' | 'Miss' | 'Master' | 'Dr' | 'Prof';

export interface Address {
  line1: string;
  line2?: string;
  suburb: string;
  state: AustralianState;
  postcode: string;
}

export interface PracticeLocation {
  id: number;
  name: string;
  address: Address;
  phone: string;
}

export type PractitionerRole = 'gp' | 'nurse' | 'dentist' | 'hygienist';

/** A working session on one weekday (1 Monday … 5 Friday), in seconds after midnight. */
export interface Session {
  weekday: number;
  start: number;
  end: number;
}

export interface Practitioner {
  id: number;
  role: PractitionerRole;
  title: Title;
  firstName: string;
  surname: string;
  sex: Sex;
  /** Medicare provider number at the practitioner's location; absent for roles that do not bill Medicare. */
  providerNumber?: string;
  prescriberNumber?: string;
  hpii: string;
  locationId: number;
  email: string;
  sessions: readonly Session[];
  /** Former staff keep their records but no longer work or take bookings. */
  active: boolean;
  createdAt: string;
}

export type ConcessionKind = 'none' | 'pension' | 'healthCareCard' | 'seniorsCard';
export type PatientStatus = 'active' | 'inactive' | 'deceased' | 'deleted';
export type Indigenous = 'aboriginal' | 'torresStraitIslander' | 'both' | 'neither' | 'notStated';

export interface MedicareCard {
  /** 10 digits: 8-digit identifier, check digit, issue number. */
  number: string;
  /** Individual reference number, the patient's line on the card (1–9). */
  irn: number;
  /** "YYYY-MM". */
  expiry: string;
}

export interface Patient {
  id: number;
  recordNo: string;
  title: Title;
  firstName: string;
  middleName?: string;
  surname: string;
  preferredName?: string;
  dob: string;
  sex: Sex;
  indigenous: Indigenous;
  religion?: string;
  address: Address;
  postalAddress?: Address;
  homePhone?: string;
  workPhone?: string;
  mobile?: string;
  email?: string;
  medicare?: MedicareCard;
  ihi?: string;
  concession: ConcessionKind;
  pensionNumber?: string;
  dvaNumber?: string;
  /** The family member whose Medicare card and address the family shares; absent for heads of family and singles. */
  headOfFamilyId?: number;
  usualPractitionerId: number;
  status: PatientStatus;
  createdAt: string;
  updatedAt: string;
}

export type AppointmentKind =
  | 'standard' | 'long' | 'newPatient' | 'healthAssessment' | 'carePlan' | 'mentalHealth' | 'immunisation'
  | 'telehealth' | 'procedure' | 'nurse' | 'dentalCheckup' | 'dentalTreatment' | 'dentalEmergency' | 'hygiene';

export type AppointmentStatus = 'booked' | 'arrived' | 'inConsultation' | 'completed' | 'didNotAttend' | 'cancelled';

export interface Appointment {
  id: number;
  patientId: number;
  practitionerId: number;
  locationId: number;
  date: string;
  start: number;
  length: number;
  kind: AppointmentKind;
  status: AppointmentStatus;
  createdAt: string;
}

export type EncounterMode = 'surgery' | 'telehealth' | 'telephone' | 'homeVisit';

/** A consultation that took place (what Best Practice calls a visit). */
export interface Encounter {
  id: number;
  appointmentId: number;
  patientId: number;
  practitionerId: number;
  at: string;
  mode: EncounterMode;
  notes: string;
}

export interface Condition {
  id: number;
  patientId: number;
  conditionId: number;
  name: string;
  snomed: string;
  year: number;
  active: boolean;
  recordedAt: string;
}

export interface Medication {
  id: number;
  patientId: number;
  productId: number;
  drugName: string;
  dose: string;
  frequency: string;
  prn: boolean;
  route: string;
  quantity: string;
  unit: string;
  repeats: number;
  indication: string;
  lastPrescribed: string;
  prescriberId: number;
}

export interface Immunisation {
  id: number;
  patientId: number;
  vaccineId: number;
  vaccineName: string;
  date: string;
  batch: string;
  givenById?: number;
  givenElsewhere: boolean;
}

export interface Allergy {
  id: number;
  patientId: number;
  substance: string;
  reaction: string;
  severity: 'mild' | 'moderate' | 'severe';
  comment?: string;
  recordedAt: string;
}

export interface Observation {
  id: number;
  patientId: number;
  code: number;
  name: string;
  date: string;
  time: number;
  value: string;
  unit: string;
}

export interface Investigation {
  id: number;
  patientId: number;
  test: string;
  requestedById: number;
  collected: string;
  reported?: string;
  checked?: string;
  actioned?: string;
  notation: string;
  action: string;
}

export type Payer = 'bulkBilled' | 'private' | 'dva' | 'healthFund';

export interface ServiceLine {
  id: number;
  /** MBS item number for medical practices, ADA item code for dental ones. */
  item: string;
  description: string;
  fee: number;
  tooth?: number;
  surfaces?: string;
}

export interface Invoice {
  id: number;
  patientId: number;
  practitionerId: number;
  appointmentId: number;
  date: string;
  payer: Payer;
  /** Cents. */
  total: number;
  paid: boolean;
  lines: ServiceLine[];
}

export interface Recall {
  id: number;
  patientId: number;
  practitionerId: number;
  reason: string;
  due: string;
  status: 'pending' | 'sent' | 'booked' | 'overdue';
}

/** One practice, every value a function of the generator's seed and `now`. */
/** A practice's clinical and billing records. */
export interface ClinicalRecords {
  encounters: Encounter[];
  conditions: Condition[];
  medications: Medication[];
  immunisations: Immunisation[];
  allergies: Allergy[];
  observations: Observation[];
  investigations: Investigation[];
  invoices: Invoice[];
  recalls: Recall[];
}

export interface GeneratedPractice extends ClinicalRecords {
  seed: number;
  /** The instant the data is relative to (the generator's `now`), as `Date#toISOString` gives it. */
  instant: string;
  /** The same instant on the practice's wall clock, "YYYY-MM-DDTHH:MM:SS". */
  now: string;
  kind: PracticeKind;
  software: PracticeSoftware;
  /** As the practice-management system reports its own version, e.g. "Best Practice Saffron SP2 1.13.0.1234". */
  pmsVersion: string;
  name: string;
  abn: string;
  hpio: string;
  address: Address;
  phone: string;
  email: string;
  timeZone: string;
  locations: PracticeLocation[];
  practitioners: Practitioner[];
  patients: Patient[];
  appointments: Appointment[];
}
