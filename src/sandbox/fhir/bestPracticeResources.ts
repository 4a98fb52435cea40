import type { ResourceDefinition } from './searchEngine';
import type { FhirResource, SearchParameterDefinition, TokenValue } from './searchParameters';

/** One row of a Best Practice table as sql.js returns it. */
export type BpRow = Record<string, number | string | Uint8Array | null>;

/** The small code tables every mapping consults, read once per request. */
export interface BpLookups {
  titles: ReadonlyMap<number, string>;
  sexes: ReadonlyMap<number, string>;
  patientStatuses: ReadonlyMap<number, string>;
  appointmentStatuses: ReadonlyMap<number, string>;
  appointmentTypes: ReadonlyMap<number, string>;
  /** USERID → "Dr Jane Citizen", for Reference.display. */
  userNames: ReadonlyMap<number, string>;
  /** The practice every PractitionerRole, Location and Patient belongs to (the first PRACTICE row). */
  practiceId?: number;
}

/** How one FHIR resource type is read from one Best Practice base table. */
export interface BpTableMapping {
  definition: ResourceDefinition;
  table: string;
  key: string;
  /** Rows that exist for FHIR; deleted rows (RECORDSTATUS ≠ 1) of clinical tables are not served. */
  filter?: string;
  /** Reference parameters backed by an integer column, which the store turns into `column IN (…)` before building. */
  indexed?: Readonly<Record<string, { column: string; target: string }>>;
  build(row: BpRow, lookups: BpLookups): FhirResource;
}

const AU_BASE = 'http://hl7.org.au/fhir/StructureDefinition';
const AU_CORE = 'http://hl7.org.au/fhir/core/StructureDefinition';
const V2_0203 = 'http://terminology.hl7.org/CodeSystem/v2-0203';

export const IDENTIFIER_SYSTEMS = {
  medicare: 'http://ns.electronichealth.net.au/id/medicare-number',
  ihi: 'http://ns.electronichealth.net.au/id/hi/ihi/1.0',
  hpii: 'http://ns.electronichealth.net.au/id/hi/hpii/1.0',
  providerNumber: 'http://ns.electronichealth.net.au/id/medicare-provider-number',
  prescriberNumber: 'http://ns.electronichealth.net.au/id/medicare-prescriber-number',
  dva: 'http://ns.electronichealth.net.au/id/dva',
  abn: 'http://hl7.org.au/id/abn',
  // Best Practice publishes no namespace for its chart numbers: this one is the Sandbox's own.
  recordNumber: 'http://bpsoftware.net/fhir/identifier/record-number',
} as const;

// Best Practice stores local wall-clock time without an offset. The Sandbox pins it to AEST (+10:00) rather than
// Australia/Sydney so that instants do not jump at daylight-saving changes and tests stay deterministic.
const PRACTICE_OFFSET = '+10:00';

// ---------------------------------------------------------------------------------------------- FHIR datatypes

interface Coding {
  system?: string;
  code?: string;
  display?: string;
}
interface CodeableConcept {
  coding?: Coding[];
  text?: string;
}
interface Identifier {
  use?: string;
  type?: CodeableConcept;
  system: string;
  value: string;
  period?: { end: string };
}
interface HumanName {
  use: string;
  text?: string;
  family?: string;
  given?: string[];
  prefix?: string[];
}
interface ContactPoint {
  system: 'phone' | 'email';
  value: string;
  use?: string;
}
interface Address {
  use?: string;
  type?: string;
  line?: string[];
  city?: string;
  state?: string;
  postalCode?: string;
  country?: string;
}
interface Reference {
  reference: string;
  display?: string;
}

type Resource<T> = FhirResource & T;
type Patient = Resource<{
  identifier?: Identifier[];
  active: boolean;
  name?: HumanName[];
  telecom?: ContactPoint[];
  gender?: string;
  birthDate?: string;
  deceasedBoolean?: boolean;
  address?: Address[];
  generalPractitioner?: Reference[];
}>;
type Practitioner = Resource<{
  identifier?: Identifier[];
  active: boolean;
  name?: HumanName[];
  telecom?: ContactPoint[];
  gender?: string;
}>;
type PractitionerRole = Resource<{
  identifier?: Identifier[];
  active: boolean;
  practitioner: Reference;
  organization?: Reference;
  location?: Reference[];
  code?: CodeableConcept[];
}>;
type Organization = Resource<{ identifier?: Identifier[]; name: string; address?: Address[] }>;
type Location = Resource<{ status: string; name: string; address?: Address; managingOrganization?: Reference }>;
type Appointment = Resource<{
  status: string;
  appointmentType?: CodeableConcept;
  start: string;
  end: string;
  participant: { actor: Reference }[];
}>;
type AllergyIntolerance = Resource<{
  clinicalStatus: CodeableConcept;
  code: CodeableConcept;
  patient: Reference;
  recordedDate: string;
  reaction?: { severity?: string }[];
}>;
type Immunization = Resource<{
  status: string;
  vaccineCode: CodeableConcept;
  patient: Reference;
  occurrenceDateTime: string;
  lotNumber?: string;
  performer?: { actor: Reference }[];
}>;
type MedicationStatement = Resource<{
  status: string;
  medicationCodeableConcept: CodeableConcept;
  subject: Reference;
  effectiveDateTime?: string;
  informationSource?: Reference;
}>;

// ------------------------------------------------------------------------------------------------ row helpers

function text(row: BpRow, column: string): string | undefined {
  const value = row[column];
  if (value === null || value === undefined || value instanceof Uint8Array) {
    return undefined;
  }
  const trimmed = String(value).trim();
  return trimmed === '' ? undefined : trimmed;
}

function int(row: BpRow, column: string): number | undefined {
  const value = row[column];
  if (typeof value === 'number') {
    return value;
  }
  return typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : undefined;
}

function id(row: BpRow, column: string): string {
  return String(int(row, column));
}

/** A Best Practice datetime ("2024-03-02T09:30:00", or SQLite's "2024-03-02 09:30:00") as a FHIR instant. */
export function bpInstant(value: string): string {
  const normalized = value.replace(' ', 'T');
  const withTime = /^\d{4}-\d{2}-\d{2}$/.test(normalized) ? `${normalized}T00:00:00` : normalized;
  return /(Z|[+-]\d{2}:\d{2})$/.test(withTime) ? withTime : `${withTime}${PRACTICE_OFFSET}`;
}

function dateOnly(value: string | undefined): string | undefined {
  const m = value === undefined ? null : /^(\d{4}-\d{2}-\d{2})/.exec(value);
  return m ? m[1] : undefined;
}

/** A date column that may hold a time: a plain date when the time is midnight (BP's "date only"), else an instant. */
function dateOrInstant(value: string): string {
  const day = dateOnly(value);
  return day !== undefined && /^\d{4}-\d{2}-\d{2}([T ]00:00(:00(\.0+)?)?)?$/.test(value) ? day : bpInstant(value);
}

function meta(row: BpRow, profile: string | undefined): FhirResource['meta'] {
  const updated = text(row, 'UPDATED') ?? text(row, 'CREATED');
  return {
    ...(updated === undefined ? {} : { lastUpdated: bpInstant(updated) }),
    ...(profile === undefined ? {} : { profile: [profile] }),
  };
}

function compact<T>(values: (T | undefined)[]): T[] {
  return values.filter((v): v is T => v !== undefined);
}

/** Omits empty arrays so resources carry no `[]` elements (FHIR forbids empty elements). */
function nonEmpty<T>(values: T[]): T[] | undefined {
  return values.length === 0 ? undefined : values;
}

function identifierType(code: string, display: string): CodeableConcept {
  return { coding: [{ system: V2_0203, code, display }], text: display };
}

function reference(type: string, key: number | undefined, display?: string): Reference | undefined {
  if (key === undefined) {
    return undefined;
  }
  return display === undefined ? { reference: `${type}/${key}` } : { reference: `${type}/${key}`, display };
}

function genderOf(sexCode: number | undefined, lookups: BpLookups): string | undefined {
  if (sexCode === undefined) {
    return undefined;
  }
  const sex = (lookups.sexes.get(sexCode) ?? '').toLowerCase();
  if (sex.startsWith('m')) {
    return 'male';
  }
  if (sex.startsWith('f')) {
    return 'female';
  }
  if (sex.startsWith('i') || sex.startsWith('o')) {
    return 'other';
  }
  return 'unknown';
}

/** Australia Post ranges: the state is not stored with a patient's address, but the postcode implies it. */
export function stateOfPostcode(postcode: string | undefined): string | undefined {
  if (postcode === undefined || !/^\d{4}$/.test(postcode)) {
    return undefined;
  }
  const n = Number(postcode);
  const ranges: [string, number, number][] = [
    ['ACT', 200, 299],
    ['ACT', 2600, 2618],
    ['ACT', 2900, 2920],
    ['NT', 800, 999],
    ['NSW', 1000, 2999],
    ['VIC', 3000, 3999],
    ['VIC', 8000, 8999],
    ['QLD', 4000, 4999],
    ['QLD', 9000, 9999],
    ['SA', 5000, 5999],
    ['WA', 6000, 6999],
    ['TAS', 7000, 7999],
  ];
  return ranges.find(([, low, high]) => n >= low && n <= high)?.[0];
}

function address(use: string, type: string, lines: (string | undefined)[], city?: string, postcode?: string, state?: string) {
  const line = compact(lines);
  if (line.length === 0 && city === undefined && postcode === undefined) {
    return undefined;
  }
  const result: Address = { use, type };
  if (line.length > 0) {
    result.line = line;
  }
  if (city !== undefined) {
    result.city = city;
  }
  const resolvedState = state ?? stateOfPostcode(postcode);
  if (resolvedState !== undefined) {
    result.state = resolvedState;
  }
  if (postcode !== undefined) {
    result.postalCode = postcode;
  }
  result.country = 'AU';
  return result;
}

function contact(system: ContactPoint['system'], value: string | undefined, use?: string): ContactPoint | undefined {
  if (value === undefined) {
    return undefined;
  }
  return use === undefined ? { system, value } : { system, value, use };
}

function officialName(row: BpRow, lookups: BpLookups, withMiddle: boolean): HumanName | undefined {
  const family = text(row, 'SURNAME');
  const given = compact([text(row, 'FIRSTNAME'), withMiddle ? text(row, 'MIDDLENAME') : undefined]);
  const titleCode = int(row, 'TITLECODE');
  const title = titleCode === undefined ? undefined : lookups.titles.get(titleCode);
  if (family === undefined && given.length === 0) {
    return undefined;
  }
  const name: HumanName = { use: 'official', text: compact([title, ...given, family]).join(' ') };
  if (family !== undefined) {
    name.family = family;
  }
  if (given.length > 0) {
    name.given = given;
  }
  if (title !== undefined) {
    name.prefix = [title];
  }
  return name;
}

/** Medicare expiry as Best Practice keeps it ("2027-05", "05/2027" or a datetime) → a FHIR date for period.end. */
function medicareExpiry(value: string | undefined): string | undefined {
  if (value === undefined) {
    return undefined;
  }
  const slash = /^(\d{1,2})\/(\d{4})$/.exec(value);
  if (slash) {
    return `${slash[2]}-${slash[1].padStart(2, '0')}`;
  }
  return /^\d{4}-\d{2}$/.test(value) ? value : dateOnly(value);
}

// -------------------------------------------------------------------------------------------- resource builders

function buildPatient(row: BpRow, lookups: BpLookups): Patient {
  const identifiers: Identifier[] = [];
  const medicare = text(row, 'MEDICARENO')?.replace(/\s+/g, '');
  if (medicare !== undefined) {
    // AU Base accepts 10 digits, or 11 with the individual reference number (IRN) that BP keeps in MEDICARELINENO.
    const identifier: Identifier = {
      type: identifierType('MC', "Patient's Medicare Number"),
      system: IDENTIFIER_SYSTEMS.medicare,
      value: medicare + (text(row, 'MEDICARELINENO') ?? ''),
    };
    const expiry = medicareExpiry(text(row, 'MEDICAREEXPIRY'));
    if (expiry !== undefined) {
      identifier.period = { end: expiry };
    }
    identifiers.push(identifier);
  }
  const ihi = text(row, 'IHI')?.replace(/\s+/g, '');
  if (ihi !== undefined) {
    identifiers.push({ type: identifierType('NI', 'National unique individual identifier'), system: IDENTIFIER_SYSTEMS.ihi, value: ihi });
  }
  const dva = text(row, 'DVACODE');
  if (dva !== undefined) {
    identifiers.push({ type: { text: 'DVA Number' }, system: IDENTIFIER_SYSTEMS.dva, value: dva });
  }
  const recordNo = text(row, 'RECORDNO');
  if (recordNo !== undefined) {
    identifiers.push({
      use: 'usual',
      type: identifierType('MR', 'Medical record number'),
      system: IDENTIFIER_SYSTEMS.recordNumber,
      value: recordNo,
    });
  }

  const names = compact([officialName(row, lookups, true)]);
  const preferred = text(row, 'PREFERREDNAME');
  if (preferred !== undefined && preferred !== text(row, 'FIRSTNAME')) {
    const family = text(row, 'SURNAME');
    names.push({ use: 'usual', given: [preferred], ...(family === undefined ? {} : { family }) });
  }

  const statusCode = int(row, 'PATIENTSTATUS');
  const statusText = statusCode === undefined ? '' : (lookups.patientStatuses.get(statusCode) ?? '');
  const hasDeceasedStatus = [...lookups.patientStatuses.values()].some((s) => /deceased/i.test(s));
  const usualDoctor = int(row, 'USUALDOCTOR');

  const patient: Patient = {
    resourceType: 'Patient',
    id: id(row, 'INTERNALID'),
    meta: meta(row, `${AU_BASE}/au-patient`),
    identifier: nonEmpty(identifiers),
    active: int(row, 'RECORDSTATUS') === 1 && statusCode === 1,
    name: nonEmpty(names),
    telecom: nonEmpty(
      compact([
        contact('phone', text(row, 'HOMEPHONE'), 'home'),
        contact('phone', text(row, 'WORKPHONE'), 'work'),
        contact('phone', text(row, 'MOBILEPHONE'), 'mobile'),
        contact('email', text(row, 'EMAIL'), 'home'),
      ]),
    ),
    gender: genderOf(int(row, 'SEXCODE'), lookups),
    birthDate: dateOnly(text(row, 'DOB')),
    address: nonEmpty(
      compact([
        address('home', 'physical', [text(row, 'ADDRESS1'), text(row, 'ADDRESS2')], text(row, 'CITY'), text(row, 'POSTCODE')),
        address('home', 'postal', [text(row, 'POSTALADDRESS')], text(row, 'POSTALCITY'), text(row, 'POSTALPOSTCODE')),
      ]),
    ),
    generalPractitioner: nonEmpty(
      compact([reference('Practitioner', usualDoctor, usualDoctor === undefined ? undefined : lookups.userNames.get(usualDoctor))]),
    ),
  };
  if (hasDeceasedStatus) {
    patient.deceasedBoolean = /deceased/i.test(statusText);
  }
  const managingOrganization = reference('Organization', lookups.practiceId);
  if (managingOrganization !== undefined) {
    patient.managingOrganization = managingOrganization;
  }
  return withoutUndefined(patient);
}

function practitionerIdentifiers(row: BpRow, withHpii: boolean): Identifier[] {
  const identifiers: Identifier[] = [];
  const hpii = text(row, 'HPII')?.replace(/\s+/g, '');
  if (withHpii && hpii !== undefined) {
    identifiers.push({ type: identifierType('NPI', 'National provider identifier'), system: IDENTIFIER_SYSTEMS.hpii, value: hpii });
  }
  const provider = text(row, 'PROVIDERNO');
  if (provider !== undefined) {
    identifiers.push({
      type: identifierType('UPIN', 'Medicare Provider Number'),
      system: IDENTIFIER_SYSTEMS.providerNumber,
      value: provider,
    });
  }
  const prescriber = text(row, 'PRESCRIBERNO');
  if (withHpii && prescriber !== undefined) {
    identifiers.push({ type: { text: 'PBS Prescriber Number' }, system: IDENTIFIER_SYSTEMS.prescriberNumber, value: prescriber });
  }
  return identifiers;
}

function buildPractitioner(row: BpRow, lookups: BpLookups): Practitioner {
  return withoutUndefined({
    resourceType: 'Practitioner',
    id: id(row, 'USERID'),
    meta: meta(row, `${AU_BASE}/au-practitioner`),
    identifier: nonEmpty(practitionerIdentifiers(row, true)),
    active: int(row, 'USERSTATUS') === 1,
    name: nonEmpty(compact([officialName(row, lookups, false)])),
    telecom: nonEmpty(compact([contact('email', text(row, 'EMAIL'), 'work')])),
    gender: genderOf(int(row, 'SEXCODE'), lookups),
  });
}

function buildPractitionerRole(row: BpRow, lookups: BpLookups): PractitionerRole {
  const userId = int(row, 'USERID');
  const userType = text(row, 'USERTYPE');
  return withoutUndefined({
    resourceType: 'PractitionerRole',
    id: id(row, 'USERID'),
    meta: meta(row, `${AU_BASE}/au-practitionerrole`),
    // A Medicare provider number belongs to a practitioner at a location, which is what a role is.
    identifier: nonEmpty(practitionerIdentifiers(row, false)),
    active: int(row, 'USERSTATUS') === 1,
    practitioner: reference('Practitioner', userId, userId === undefined ? undefined : lookups.userNames.get(userId)) as Reference,
    organization: reference('Organization', lookups.practiceId),
    location: nonEmpty(compact([reference('Location', int(row, 'LOCATIONID'))])),
    code: userType === undefined ? undefined : [{ text: userType }],
  });
}

function buildOrganization(row: BpRow): Organization {
  const abn = text(row, 'ABN')?.replace(/\s+/g, '');
  return withoutUndefined({
    resourceType: 'Organization',
    id: id(row, 'PRACTICEID'),
    meta: meta(row, `${AU_BASE}/au-organization`),
    identifier: abn === undefined ? undefined : [{ type: { text: 'Australian Business Number' }, system: IDENTIFIER_SYSTEMS.abn, value: abn }],
    active: true,
    name: text(row, 'PRACTICENAME') ?? '',
    telecom: nonEmpty(compact([contact('phone', text(row, 'PHONE'), 'work'), contact('email', text(row, 'EMAIL'), 'work')])),
    address: nonEmpty(
      compact([address('work', 'both', [text(row, 'ADDRESS1')], text(row, 'CITY'), text(row, 'POSTCODE'), text(row, 'STATE'))]),
    ),
  });
}

function buildLocation(row: BpRow, lookups: BpLookups): Location {
  return withoutUndefined({
    resourceType: 'Location',
    id: id(row, 'LOCATIONID'),
    meta: meta(row, `${AU_BASE}/au-location`),
    status: int(row, 'RECORDSTATUS') === 1 ? 'active' : 'inactive',
    name: text(row, 'LOCATIONNAME') ?? '',
    mode: 'instance',
    telecom: nonEmpty(compact([contact('phone', text(row, 'PHONE'), 'work')])),
    address: address('work', 'both', [text(row, 'ADDRESS1')], text(row, 'CITY'), text(row, 'POSTCODE'), text(row, 'STATE')),
    managingOrganization: reference('Organization', lookups.practiceId),
  });
}

/** Best Practice's appointment statuses by their text; unknown texts stay `booked`, the state every booking starts in. */
export function appointmentStatusOf(statusText: string | undefined): string {
  const s = (statusText ?? '').toLowerCase();
  if (/cancel/.test(s)) {
    return 'cancelled';
  }
  if (/did not attend|dna|no.?show/.test(s)) {
    return 'noshow';
  }
  if (/complete|finished|departed|invoiced|billed|paid/.test(s)) {
    return 'fulfilled';
  }
  if (/with doctor|in consult|consultation|at billing|in progress/.test(s)) {
    return 'checked-in';
  }
  if (/arrived|waiting/.test(s)) {
    return 'arrived';
  }
  if (/pending|tentative/.test(s)) {
    return 'pending';
  }
  return 'booked';
}

/** `day` plus seconds after midnight as local ISO text; formatted by hand as Date objects cost 20,000 rows dearly. */
function localDateTime(day: string, seconds: number): string {
  if (seconds < 0 || seconds >= 86_400) {
    return new Date(Date.parse(`${day}T00:00:00Z`) + seconds * 1000).toISOString().slice(0, 19);
  }
  const two = (n: number) => String(Math.floor(n)).padStart(2, '0');
  return `${day}T${two(seconds / 3600)}:${two((seconds % 3600) / 60)}:${two(seconds % 60)}`;
}

function buildAppointment(row: BpRow, lookups: BpLookups): Appointment {
  const day = dateOnly(text(row, 'APPOINTMENTDATE')) ?? '1900-01-01';
  // APPOINTMENTTIME counts seconds after local midnight and APPOINTMENTLENGTH seconds, as in Best Practice.
  const startSeconds = int(row, 'APPOINTMENTTIME') ?? 0;
  const lengthSeconds = int(row, 'APPOINTMENTLENGTH') ?? 0;
  const local = (seconds: number) => bpInstant(localDateTime(day, seconds));
  const statusCode = int(row, 'STATUSCODE');
  const typeCode = int(row, 'APPOINTMENTCODE');
  const typeText = typeCode === undefined ? undefined : lookups.appointmentTypes.get(typeCode);
  const patientId = int(row, 'INTERNALID');
  const userId = int(row, 'USERID');
  const participant = compact([
    reference('Patient', patientId),
    reference('Practitioner', userId, userId === undefined ? undefined : lookups.userNames.get(userId)),
    reference('Location', int(row, 'LOCATIONID')),
  ]).map((actor) => ({ actor, required: 'required', status: 'accepted' }));
  const notes = text(row, 'NOTES');
  const created = text(row, 'CREATED');
  return withoutUndefined({
    resourceType: 'Appointment',
    id: id(row, 'RECORDID'),
    meta: meta(row, undefined),
    status: appointmentStatusOf(statusCode === undefined ? undefined : lookups.appointmentStatuses.get(statusCode)),
    appointmentType: typeText === undefined ? undefined : { text: typeText },
    description: typeText,
    start: local(startSeconds),
    end: local(startSeconds + lengthSeconds),
    minutesDuration: Math.round(lengthSeconds / 60),
    created: created === undefined ? undefined : bpInstant(created),
    comment: notes,
    participant,
  });
}

function buildAllergyIntolerance(row: BpRow): AllergyIntolerance {
  const severity = text(row, 'SEVERITY')?.toLowerCase();
  const reactionText = text(row, 'REACTION');
  const comment = text(row, 'COMMENT');
  const reaction: Record<string, unknown> = {};
  if (reactionText !== undefined) {
    reaction.manifestation = [{ text: reactionText }];
  }
  if (severity === 'mild' || severity === 'moderate' || severity === 'severe') {
    reaction.severity = severity;
  }
  return withoutUndefined({
    resourceType: 'AllergyIntolerance',
    id: id(row, 'RECORDID'),
    meta: meta(row, `${AU_CORE}/au-core-allergyintolerance`),
    clinicalStatus: {
      coding: [{ system: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical', code: 'active', display: 'Active' }],
    },
    code: { text: text(row, 'ITEMNAME') ?? '' },
    patient: reference('Patient', int(row, 'INTERNALID')) as Reference,
    recordedDate: bpInstant(text(row, 'CREATED') ?? '1900-01-01'),
    reaction: reaction.manifestation === undefined ? undefined : [reaction],
    note: comment === undefined ? undefined : [{ text: comment }],
  });
}

function buildImmunization(row: BpRow): Immunization {
  const givenHere = int(row, 'NOTGIVENHERE') !== 1;
  const userId = int(row, 'USERID');
  const created = text(row, 'CREATED');
  return withoutUndefined({
    resourceType: 'Immunization',
    id: id(row, 'RECORDID'),
    meta: meta(row, `${AU_CORE}/au-core-immunization`),
    status: 'completed',
    vaccineCode: { text: text(row, 'VACCINENAME') ?? '' },
    patient: reference('Patient', int(row, 'INTERNALID')) as Reference,
    occurrenceDateTime: dateOrInstant(text(row, 'GIVENDATE') ?? '1900-01-01'),
    recorded: created === undefined ? undefined : bpInstant(created),
    primarySource: givenHere,
    // The practice recorded a vaccine given elsewhere on the patient's word or another provider's record.
    reportOrigin: givenHere ? undefined : { text: 'Given elsewhere' },
    lotNumber: text(row, 'BATCHNO'),
    performer: givenHere && userId !== undefined ? [{ actor: reference('Practitioner', userId) as Reference }] : undefined,
  });
}

function buildMedicationStatement(row: BpRow): MedicationStatement {
  const prn = int(row, 'PRN') === 1;
  const dosageText = compact([text(row, 'DOSE'), text(row, 'FREQUENCY'), text(row, 'ROUTE'), prn ? 'when required' : undefined]).join(' ');
  const route = text(row, 'ROUTE');
  const dosage: Record<string, unknown> = { asNeededBoolean: prn };
  if (dosageText !== '') {
    dosage.text = dosageText;
  }
  if (route !== undefined) {
    dosage.route = { text: route };
  }
  const lastDate = text(row, 'LASTDATE');
  const indication = text(row, 'INDICATION');
  return withoutUndefined({
    resourceType: 'MedicationStatement',
    id: id(row, 'RECORDID'),
    meta: meta(row, `${AU_CORE}/au-core-medicationstatement`),
    status: 'active',
    medicationCodeableConcept: { text: text(row, 'DRUGNAME') ?? '' },
    subject: reference('Patient', int(row, 'INTERNALID')) as Reference,
    // LASTDATE is when the medicine was last prescribed: the patient was taking it then.
    effectiveDateTime: lastDate === undefined ? undefined : dateOrInstant(lastDate),
    dateAsserted: bpInstant(text(row, 'CREATED') ?? '1900-01-01'),
    informationSource: reference('Practitioner', int(row, 'USERID')),
    reasonCode: indication === undefined ? undefined : [{ text: indication }],
    dosage: [dosage],
  });
}

/** Drops undefined members so the JSON carries no empty elements and object shapes stay predictable. */
function withoutUndefined<T extends FhirResource>(resource: T): T {
  for (const key of Object.keys(resource)) {
    if (resource[key] === undefined) {
      delete resource[key];
    }
  }
  return resource;
}

// ---------------------------------------------------------------------------------------- search parameters

function nameStrings(names: HumanName[] | undefined, part: 'all' | 'family' | 'given'): string[] {
  return (names ?? []).flatMap((n) => {
    if (part === 'family') {
      return compact([n.family]);
    }
    if (part === 'given') {
      return n.given ?? [];
    }
    return compact([n.family, ...(n.given ?? []), ...(n.prefix ?? []), n.text]);
  });
}

/** Identifier tokens; a Medicare number with IRN also answers to its 10-digit card number, as integrators search both. */
function identifierTokens(identifiers: Identifier[] | undefined): TokenValue[] {
  return (identifiers ?? []).flatMap((i) => {
    const token = { system: i.system, code: i.value, text: i.type?.text };
    return i.system === IDENTIFIER_SYSTEMS.medicare && i.value.length === 11 ? [token, { ...token, code: i.value.slice(0, 10) }] : [token];
  });
}

function telecomTokens(telecom: ContactPoint[] | undefined, system?: ContactPoint['system']): TokenValue[] {
  return (telecom ?? []).filter((t) => system === undefined || t.system === system).map((t) => ({ code: t.value }));
}

function addressStrings(addresses: Address[] | undefined): string[] {
  return (addresses ?? []).flatMap((a) => compact([...(a.line ?? []), a.city, a.state, a.postalCode, a.country]));
}

const bool = (value: boolean | undefined): TokenValue[] => (value === undefined ? [] : [{ code: String(value) }]);
const ref = (value: Reference | undefined): string[] => (value === undefined ? [] : [value.reference]);
const code = (system: string, value: string | undefined): TokenValue[] => (value === undefined ? [] : [{ system, code: value }]);
const conceptText = (concept: CodeableConcept | undefined): TokenValue[] =>
  concept === undefined ? [] : [...(concept.coding ?? []).map((c) => ({ system: c.system, code: c.code, text: concept.text ?? c.display })), ...(concept.text === undefined ? [] : [{ text: concept.text }])];

function identifierParameter(documentation: string): SearchParameterDefinition {
  return {
    name: 'identifier',
    type: 'token',
    documentation,
    values: (r: Resource<{ identifier?: Identifier[] }>) => identifierTokens(r.identifier),
  };
}

function nameParameters(type: string): SearchParameterDefinition[] {
  return [
    { name: 'name', type: 'string', documentation: `Any part of the ${type}'s name`, values: (r: Patient) => nameStrings(r.name, 'all') },
    { name: 'family', type: 'string', documentation: 'Family name', values: (r: Patient) => nameStrings(r.name, 'family') },
    { name: 'given', type: 'string', documentation: 'Given names', values: (r: Patient) => nameStrings(r.name, 'given') },
  ];
}

function contactParameters(): SearchParameterDefinition[] {
  return [
    { name: 'telecom', type: 'token', documentation: 'Any phone number or email', values: (r: Patient) => telecomTokens(r.telecom) },
    { name: 'email', type: 'token', documentation: 'Email address', values: (r: Patient) => telecomTokens(r.telecom, 'email') },
    { name: 'phone', type: 'token', documentation: 'Phone number', values: (r: Patient) => telecomTokens(r.telecom, 'phone') },
  ];
}

function addressParameters(many: (r: FhirResource) => Address[] | undefined): SearchParameterDefinition[] {
  return [
    { name: 'address', type: 'string', documentation: 'Any part of the address', values: (r) => addressStrings(many(r)) },
    { name: 'address-city', type: 'string', documentation: 'City or suburb', values: (r) => compact((many(r) ?? []).map((a) => a.city)) },
    { name: 'address-state', type: 'string', documentation: 'State', values: (r) => compact((many(r) ?? []).map((a) => a.state)) },
    {
      name: 'address-postalcode',
      type: 'string',
      documentation: 'Postcode',
      values: (r) => compact((many(r) ?? []).map((a) => a.postalCode)),
    },
  ];
}

const activeParameter: SearchParameterDefinition = {
  name: 'active',
  type: 'token',
  documentation: 'Whether the record is active (true or false)',
  values: (r: Patient) => bool(r.active),
};

// ------------------------------------------------------------------------------------------------- mappings

/** The tables behind each resource type, in the order the CapabilityStatement lists them. */
export const BEST_PRACTICE_MAPPINGS: readonly BpTableMapping[] = [
  {
    table: 'PATIENTS',
    key: 'INTERNALID',
    build: buildPatient,
    definition: {
      type: 'Patient',
      profile: `${AU_BASE}/au-patient`,
      interactions: ['read', 'search-type'],
      searchParameters: [
        identifierParameter('Medicare number, IHI, DVA number or Best Practice record number (system|value)'),
        ...nameParameters('patient'),
        { name: 'birthdate', type: 'date', documentation: 'Date of birth', values: (r: Patient) => [r.birthDate] },
        {
          name: 'gender',
          type: 'token',
          documentation: 'male | female | other | unknown',
          values: (r: Patient) => code('http://hl7.org/fhir/administrative-gender', r.gender),
        },
        activeParameter,
        ...contactParameters(),
        ...addressParameters((r) => (r as Patient).address),
        {
          name: 'deceased',
          type: 'token',
          documentation: 'Whether the patient is deceased',
          values: (r: Patient) => bool(r.deceasedBoolean),
        },
        {
          name: 'general-practitioner',
          type: 'reference',
          targets: ['Practitioner'],
          documentation: "The patient's usual doctor",
          values: (r: Patient) => (r.generalPractitioner ?? []).map((g) => g.reference),
        },
      ],
    },
  },
  {
    table: 'USERS',
    key: 'USERID',
    build: buildPractitioner,
    definition: {
      type: 'Practitioner',
      profile: `${AU_BASE}/au-practitioner`,
      interactions: ['read', 'search-type'],
      searchParameters: [
        identifierParameter('HPI-I, Medicare provider number or prescriber number (system|value)'),
        ...nameParameters('practitioner'),
        activeParameter,
        {
          name: 'gender',
          type: 'token',
          documentation: 'male | female | other | unknown',
          values: (r: Practitioner) => code('http://hl7.org/fhir/administrative-gender', r.gender),
        },
        { name: 'email', type: 'token', documentation: 'Email address', values: (r: Practitioner) => telecomTokens(r.telecom, 'email') },
      ],
    },
  },
  {
    table: 'USERS',
    key: 'USERID',
    build: buildPractitionerRole,
    definition: {
      type: 'PractitionerRole',
      profile: `${AU_BASE}/au-practitionerrole`,
      interactions: ['read', 'search-type'],
      searchParameters: [
        identifierParameter('Medicare provider number (system|value)'),
        activeParameter,
        {
          name: 'practitioner',
          type: 'reference',
          targets: ['Practitioner'],
          documentation: 'The practitioner in the role',
          values: (r: PractitionerRole) => ref(r.practitioner),
        },
        {
          name: 'organization',
          type: 'reference',
          targets: ['Organization'],
          documentation: 'The practice',
          values: (r: PractitionerRole) => ref(r.organization),
        },
        {
          name: 'location',
          type: 'reference',
          targets: ['Location'],
          documentation: 'Where the role is performed',
          values: (r: PractitionerRole) => (r.location ?? []).map((l) => l.reference),
        },
        { name: 'role', type: 'token', documentation: 'The user type (:text)', values: (r: PractitionerRole) => (r.code ?? []).flatMap(conceptText) },
      ],
    },
  },
  {
    table: 'PRACTICE',
    key: 'PRACTICEID',
    build: buildOrganization,
    definition: {
      type: 'Organization',
      profile: `${AU_BASE}/au-organization`,
      interactions: ['read', 'search-type'],
      searchParameters: [
        identifierParameter('ABN (system|value)'),
        { name: 'name', type: 'string', documentation: 'Practice name', values: (r: Organization) => [r.name] },
        ...addressParameters((r) => (r as Organization).address),
      ],
    },
  },
  {
    table: 'LOCATIONS',
    key: 'LOCATIONID',
    build: buildLocation,
    definition: {
      type: 'Location',
      profile: `${AU_BASE}/au-location`,
      interactions: ['read', 'search-type'],
      searchParameters: [
        { name: 'name', type: 'string', documentation: 'Location name', values: (r: Location) => [r.name] },
        { name: 'status', type: 'token', documentation: 'active | inactive', values: (r: Location) => code('http://hl7.org/fhir/location-status', r.status) },
        ...addressParameters((r) => compact([(r as Location).address])),
        {
          name: 'organization',
          type: 'reference',
          targets: ['Organization'],
          documentation: 'The practice',
          values: (r: Location) => ref(r.managingOrganization),
        },
      ],
    },
  },
  {
    table: 'APPOINTMENTS',
    key: 'RECORDID',
    filter: 'RECORDSTATUS = 1',
    indexed: { patient: { column: 'INTERNALID', target: 'Patient' }, practitioner: { column: 'USERID', target: 'Practitioner' } },
    build: buildAppointment,
    definition: {
      type: 'Appointment',
      interactions: ['read', 'search-type'],
      searchParameters: [
        { name: 'date', type: 'date', documentation: 'Appointment start', values: (r: Appointment) => [r.start] },
        {
          name: 'status',
          type: 'token',
          documentation: 'booked | arrived | checked-in | fulfilled | cancelled | noshow | pending',
          values: (r: Appointment) => code('http://hl7.org/fhir/appointmentstatus', r.status),
        },
        ...(['patient', 'practitioner', 'location'] as const).map(
          (name): SearchParameterDefinition => {
            const target = name[0].toUpperCase() + name.slice(1);
            return {
              name,
              type: 'reference',
              targets: [target],
              documentation: `The ${name} taking part`,
              values: (r: Appointment) => r.participant.map((p) => p.actor.reference).filter((s) => s.startsWith(`${target}/`)),
            };
          },
        ),
        {
          name: 'actor',
          type: 'reference',
          targets: ['Patient', 'Practitioner', 'Location'],
          documentation: 'Any participant',
          values: (r: Appointment) => r.participant.map((p) => p.actor.reference),
        },
        {
          name: 'appointment-type',
          type: 'token',
          documentation: 'Best Practice appointment type (:text)',
          values: (r: Appointment) => conceptText(r.appointmentType),
        },
      ],
    },
  },
  {
    table: 'REACTIONS',
    key: 'RECORDID',
    filter: 'RECORDSTATUS = 1',
    indexed: { patient: { column: 'INTERNALID', target: 'Patient' } },
    build: buildAllergyIntolerance,
    definition: {
      type: 'AllergyIntolerance',
      profile: `${AU_CORE}/au-core-allergyintolerance`,
      interactions: ['read', 'search-type'],
      searchParameters: [
        {
          name: 'patient',
          type: 'reference',
          targets: ['Patient'],
          documentation: 'The patient',
          values: (r: AllergyIntolerance) => ref(r.patient),
        },
        { name: 'date', type: 'date', documentation: 'When recorded', values: (r: AllergyIntolerance) => [r.recordedDate] },
        {
          name: 'clinical-status',
          type: 'token',
          documentation: 'active',
          values: (r: AllergyIntolerance) => conceptText(r.clinicalStatus),
        },
        { name: 'code', type: 'token', documentation: 'Substance (:text)', values: (r: AllergyIntolerance) => conceptText(r.code) },
        {
          name: 'severity',
          type: 'token',
          documentation: 'mild | moderate | severe',
          values: (r: AllergyIntolerance) =>
            (r.reaction ?? []).flatMap((x) => code('http://hl7.org/fhir/reaction-event-severity', x.severity)),
        },
      ],
    },
  },
  {
    table: 'IMMUNISATIONS',
    key: 'RECORDID',
    filter: 'RECORDSTATUS = 1',
    indexed: { patient: { column: 'INTERNALID', target: 'Patient' } },
    build: buildImmunization,
    definition: {
      type: 'Immunization',
      profile: `${AU_CORE}/au-core-immunization`,
      interactions: ['read', 'search-type'],
      searchParameters: [
        { name: 'patient', type: 'reference', targets: ['Patient'], documentation: 'The patient', values: (r: Immunization) => ref(r.patient) },
        { name: 'date', type: 'date', documentation: 'When given', values: (r: Immunization) => [r.occurrenceDateTime] },
        {
          name: 'status',
          type: 'token',
          documentation: 'completed',
          values: (r: Immunization) => code('http://hl7.org/fhir/event-status', r.status),
        },
        { name: 'vaccine-code', type: 'token', documentation: 'Vaccine (:text)', values: (r: Immunization) => conceptText(r.vaccineCode) },
        { name: 'lot-number', type: 'string', documentation: 'Batch number', values: (r: Immunization) => [r.lotNumber] },
        {
          name: 'performer',
          type: 'reference',
          targets: ['Practitioner'],
          documentation: 'Who gave it (vaccines given at the practice)',
          values: (r: Immunization) => (r.performer ?? []).map((p) => p.actor.reference),
        },
      ],
    },
  },
  {
    table: 'CURRENTRX',
    key: 'RECORDID',
    filter: 'RECORDSTATUS = 1',
    indexed: { patient: { column: 'INTERNALID', target: 'Patient' }, subject: { column: 'INTERNALID', target: 'Patient' } },
    build: buildMedicationStatement,
    definition: {
      type: 'MedicationStatement',
      profile: `${AU_CORE}/au-core-medicationstatement`,
      interactions: ['read', 'search-type'],
      searchParameters: [
        {
          name: 'patient',
          type: 'reference',
          targets: ['Patient'],
          documentation: 'The patient',
          values: (r: MedicationStatement) => ref(r.subject),
        },
        {
          name: 'subject',
          type: 'reference',
          targets: ['Patient'],
          documentation: 'The patient',
          values: (r: MedicationStatement) => ref(r.subject),
        },
        {
          name: 'status',
          type: 'token',
          documentation: 'active',
          values: (r: MedicationStatement) => code('http://hl7.org/fhir/CodeSystem/medication-statement-status', r.status),
        },
        {
          name: 'effective',
          type: 'date',
          documentation: 'When last prescribed',
          values: (r: MedicationStatement) => [r.effectiveDateTime],
        },
        {
          name: 'code',
          type: 'token',
          documentation: 'Medicine (:text)',
          values: (r: MedicationStatement) => conceptText(r.medicationCodeableConcept),
        },
        {
          name: 'source',
          type: 'reference',
          targets: ['Practitioner'],
          documentation: 'Prescriber',
          values: (r: MedicationStatement) => ref(r.informationSource),
        },
      ],
    },
  },
];
