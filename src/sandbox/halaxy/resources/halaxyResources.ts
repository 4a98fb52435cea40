import { Faker, base, en, en_AU } from '@faker-js/faker';
import { generateHpii, generateProviderStem, providerNumberFor } from '../../data/australianIdentifiers';
import { ADA_ITEMS, APPOINTMENT_KIND_NAMES, APPOINTMENT_MIX, MBS_ITEMS } from '../../data/clinicalReference';
import type { ServiceItem } from '../../data/clinicalReference';
import { isFixedPublicHoliday, isoDate, timeOfDay, weekdayOf } from '../../data/practiceClock';
import { practiceWindow } from '../../data/practiceGenerator';
import type * as Model from '../../data/practiceModel';
import { Random, deriveSeed } from '../../data/random';
import { compareKeys } from '../../fhir/searchParameters';
import type { FhirResource } from '../../fhir/searchParameters';
import type { HalaxyResourceType } from '../halaxyPermissions';
import { PracticeTime } from './practiceTime';
import { EXTENSIONS, SYSTEMS } from './halaxyTypes';
import type {
  Address,
  Appointment,
  CodeableConcept,
  ContactPoint,
  Coverage,
  Extension,
  HumanName,
  Identifier,
  Invoice,
  Money,
  Organization,
  Participant,
  Patient,
  Practitioner,
  PractitionerRole,
  Reference,
  Schedule,
  Slot,
} from './halaxyTypes';

/** The length of a bookable slot: the generator books in quarter hours, and so does the Sandbox's Halaxy. */
export const SLOT_MINUTES = 15;

/** Every resource of one Halaxy practice, by type, each list in id order. */
export interface HalaxyResourceSet {
  resources: ReadonlyMap<HalaxyResourceType, readonly FhirResource[]>;
  time: PracticeTime;
}

/** Halaxy's appointment statuses as the patient participant's status extension carries them. */
export const PARTICIPANT_STATUSES: Readonly<Record<string, string>> = {
  booked: 'Booked',
  arrived: 'Arrived',
  'checked-in': 'With practitioner',
  fulfilled: 'Completed',
  noshow: 'Did not arrive',
  cancelled: 'Cancelled',
};

const STATUS_CODES: Readonly<Record<Model.AppointmentStatus, string>> = {
  booked: 'booked',
  arrived: 'arrived',
  inConsultation: 'checked-in',
  completed: 'fulfilled',
  didNotAttend: 'noshow',
  cancelled: 'cancelled',
};

/** Appointment types patients may book online; clinical work-ups and procedures are booked by reception. */
const ONLINE_KINDS: ReadonlySet<Model.AppointmentKind> = new Set(['standard', 'long', 'newPatient', 'telehealth', 'immunisation', 'dentalCheckup', 'hygiene']);

const ROLE_CODES: Readonly<Record<Model.PractitionerRole, { code: string; display: string }>> = {
  gp: { code: '62247001', display: 'General practitioner' },
  nurse: { code: '224535009', display: 'Registered nurse' },
  dentist: { code: '106289002', display: 'Dentist' },
  hygienist: { code: '26042002', display: 'Dental hygienist' },
};

/** The specialties of the professional contacts who refer patients, with the name their practices go by. */
const CONTACT_SPECIALTIES: readonly { code: string; display: string; practice: string }[] = [
  { code: '62247001', display: 'General practitioner', practice: 'Family Practice' },
  { code: '59944000', display: 'Psychologist', practice: 'Psychology' },
  { code: '80584001', display: 'Psychiatrist', practice: 'Psychiatry' },
  { code: '82296001', display: 'Paediatrician', practice: 'Paediatrics' },
  { code: '17561000', display: 'Cardiologist', practice: 'Heart Clinic' },
  { code: '18803008', display: 'Dermatologist', practice: 'Skin Clinic' },
  { code: '36682004', display: 'Physiotherapist', practice: 'Physiotherapy' },
];

type FunderKey = 'medicare' | 'dva' | 'ndis' | 'bupa' | 'medibank' | 'hcf' | 'nib' | 'hbf' | 'australianUnity';
const FUNDERS: readonly { key: FunderKey; name: string; kind: 'medicare' | 'dva' | 'ndis' | 'health-fund' }[] = [
  { key: 'medicare', name: 'Medicare', kind: 'medicare' },
  { key: 'dva', name: "Department of Veterans' Affairs", kind: 'dva' },
  { key: 'ndis', name: 'National Disability Insurance Scheme', kind: 'ndis' },
  { key: 'bupa', name: 'Bupa', kind: 'health-fund' },
  { key: 'medibank', name: 'Medibank', kind: 'health-fund' },
  { key: 'hcf', name: 'HCF', kind: 'health-fund' },
  { key: 'nib', name: 'nib', kind: 'health-fund' },
  { key: 'hbf', name: 'HBF', kind: 'health-fund' },
  { key: 'australianUnity', name: 'Australian Unity', kind: 'health-fund' },
];
const FUNDER_TYPES: Readonly<Record<string, string>> = { medicare: 'Medicare', dva: 'DVA', ndis: 'NDIS', 'health-fund': 'Health fund' };

/** Halaxy's referral types: validity in months and, for treatment plans, the sessions they allow. */
const REFERRAL_TYPES: readonly { name: string; months: number; sessions?: number; funder: FunderKey }[] = [
  { name: 'Medicare: Specialist Referral', months: 12, funder: 'medicare' },
  { name: 'Medicare: MHTP Referral', months: 12, sessions: 10, funder: 'medicare' },
  { name: 'Medicare: CDM Referral', months: 12, sessions: 5, funder: 'medicare' },
  { name: 'DVA: D904 Referral', months: 12, funder: 'dva' },
];

const PAYMENT_METHODS = ['eftpos', 'credit-card', 'cash'] as const;

function meta(lastUpdated: string): { versionId: string; lastUpdated: string } {
  return { versionId: '1', lastUpdated };
}

/** A reference as Halaxy writes one: `Type/id` with the type spelled out, and a display when there is a name. */
export function ref(type: string, id: string, display?: string): Reference {
  return display === undefined ? { reference: `${type}/${id}`, type } : { reference: `${type}/${id}`, type, display };
}

/** The patient participant's status, which carries an appointment's status in Halaxy (a modifier extension). */
export function participantStatus(code: string): Extension {
  return { url: EXTENSIONS.participantStatus, valueCoding: { system: SYSTEMS.participantStatus, code, display: PARTICIPANT_STATUSES[code] ?? code } };
}

/** Appointment.serviceType and Schedule.serviceType: the appointment type (HealthcareService) by id and name. */
export function serviceConcept(id: string, name: string): CodeableConcept {
  return { coding: [{ system: SYSTEMS.healthcareService, code: id, display: name }], text: name };
}

type OrganizationKind = 'practiceGroup' | 'clinic' | 'organisation' | 'funder' | 'contactPractice';
const ORGANIZATION_KINDS: Readonly<Record<OrganizationKind, { hl7: string; hl7Display: string; halaxy: string; halaxyDisplay: string }>> = {
  practiceGroup: { hl7: 'prov', hl7Display: 'Healthcare Provider', halaxy: 'practice-group', halaxyDisplay: 'Practice group' },
  clinic: { hl7: 'prov', hl7Display: 'Healthcare Provider', halaxy: 'clinic', halaxyDisplay: 'Clinic' },
  organisation: { hl7: 'other', hl7Display: 'Other', halaxy: 'organisation', halaxyDisplay: 'Organisation' },
  funder: { hl7: 'pay', hl7Display: 'Payer', halaxy: 'funder', halaxyDisplay: 'Funder' },
  contactPractice: { hl7: 'prov', hl7Display: 'Healthcare Provider', halaxy: 'contact-practice', halaxyDisplay: "Professional contact's practice" },
};

/** Organization.type for each kind of organisation Halaxy keeps, by id prefix: PG-, CL-, OG-, FD-, SP-. */
export function organizationType(kind: OrganizationKind, text?: string): CodeableConcept[] {
  const k = ORGANIZATION_KINDS[kind];
  return [{ coding: [{ system: SYSTEMS.organizationType, code: k.hl7, display: k.hl7Display }, { system: SYSTEMS.halaxyOrganizationType, code: k.halaxy, display: k.halaxyDisplay }], text: text ?? k.halaxyDisplay }];
}

function coding(system: string, code: string, display: string): CodeableConcept {
  return { coding: [{ system, code, display }], text: display };
}

function money(cents: number): Money {
  return { value: Math.round(cents) / 100, currency: 'AUD' };
}

function address(value: Model.Address, type: 'physical' | 'postal' = 'physical'): Address {
  return {
    use: 'work',
    type,
    line: value.line2 === undefined ? [value.line1] : [value.line1, value.line2],
    city: value.suburb,
    state: value.state,
    postalCode: value.postcode,
    country: 'AU',
  };
}

function personName(title: string, given: (string | undefined)[], family: string): HumanName {
  const names = given.filter((g): g is string => g !== undefined);
  return { use: 'official', text: [title, ...names, family].join(' '), family, given: names, prefix: [title] };
}

function gender(sex: Model.Sex): string {
  return sex === 'indeterminate' ? 'other' : sex;
}

function withoutUndefined<T extends object>(value: T): T {
  for (const key of Object.keys(value) as (keyof T)[]) {
    if (value[key] === undefined) {
      delete value[key];
    }
  }
  return value;
}

/** Identifier number bases drawn once from the seed, so that ids look like Halaxy's and differ between practices. */
class IdBases {
  private readonly random: Random;
  constructor(seed: number) {
    this.random = new Random(deriveSeed(seed, 'halaxy-ids'));
  }
  /** A base that leaves room for `capacity` ids, with the given number of digits. */
  next(digits: number): number {
    const scale = 10 ** (digits - 3);
    return this.random.int(100, 899) * scale;
  }
}

/**
 * Builds the FHIR resources Halaxy would serve for one practice group: organisations with Halaxy's id prefixes,
 * practitioners and their roles, appointment types, appointments, availability, fees, invoices, payments, claim
 * details and referrals. Every id and value is a function of the practice (and so of its seed).
 */
export function halaxyResources(practice: Model.GeneratedPractice): HalaxyResourceSet {
  return new Builder(practice).build();
}

class Builder {
  private readonly time: PracticeTime;
  private readonly bases: IdBases;
  private readonly out = new Map<HalaxyResourceType, FhirResource[]>();
  private readonly practitionerIds = new Map<number, string>();
  private readonly roleIds = new Map<number, string>();
  private readonly clinicIds = new Map<number, string>();
  private readonly funderIds = new Map<FunderKey, { id: string; name: string }>();
  private readonly serviceIds = new Map<Model.AppointmentKind, { id: string; name: string }>();
  private readonly feeIds = new Map<string, string>();
  private readonly patientIds = new Map<number, string>();
  private readonly healthFunds = new Map<number, FunderKey>();
  private readonly medicareCoverage = new Map<number, string>();
  private groupId = '';
  private readonly established: string;

  constructor(private readonly practice: Model.GeneratedPractice) {
    this.time = new PracticeTime(practice.timeZone);
    this.bases = new IdBases(practice.seed);
    const firstStaff = [...practice.practitioners].sort((a, b) => a.createdAt.localeCompare(b.createdAt))[0];
    this.established = this.time.instant(firstStaff?.createdAt ?? practice.now);
  }

  build(): HalaxyResourceSet {
    this.organizations();
    this.healthcareServices();
    this.practitioners();
    this.feesAndPatients();
    this.contactsAndReferrals();
    this.appointmentsAndBilling();
    this.availability();
    for (const list of this.out.values()) {
      // Most lists are built in id order already; mixed prefixes (PR-/EP-, CL-/FD-/…) are not.
      if (list.some((r, i) => i > 0 && compareKeys(list[i - 1].id, r.id) > 0)) {
        list.sort((a, b) => compareKeys(a.id, b.id));
      }
    }
    return { resources: this.out, time: this.time };
  }

  private add(type: HalaxyResourceType, resource: FhirResource): void {
    let list = this.out.get(type);
    if (list === undefined) {
      list = [];
      this.out.set(type, list);
    }
    list.push(withoutUndefined(resource));
  }

  private organization(id: string, name: string, type: CodeableConcept[], extra: Partial<Organization> = {}): void {
    const organization: Organization = { resourceType: 'Organization', id, meta: meta(this.established), active: true, type, name, ...extra };
    this.add('Organization', organization);
  }

  private organizations(): void {
    const p = this.practice;
    this.groupId = `PG-${this.bases.next(6) + 1}`;
    this.organization(this.groupId, p.name, organizationType('practiceGroup'), {
      identifier: [
        { system: SYSTEMS.abn, value: p.abn.replace(/\s+/g, '') },
        { type: coding(SYSTEMS.v2_0203, 'NOI', 'National Organisation Identifier'), system: SYSTEMS.hpio, value: p.hpio },
      ],
      telecom: [{ system: 'phone', value: p.phone, use: 'work' }, { system: 'email', value: p.email, use: 'work' }],
      address: [address(p.address)],
    });
    const clinicBase = this.bases.next(6);
    for (const location of p.locations) {
      const id = `CL-${clinicBase + location.id}`;
      this.clinicIds.set(location.id, id);
      this.organization(id, location.name, organizationType('clinic'), {
        telecom: [{ system: 'phone', value: location.phone, use: 'work' }],
        address: [address(location.address)],
        partOf: ref('Organization', this.groupId, p.name),
      });
    }
    const otherBase = this.bases.next(6);
    const suburbs = [...new Set(p.locations.map((l) => l.address.suburb))];
    const others = suburbs.flatMap((suburb) => [`${suburb} Pathology`, `${suburb} Radiology`]).concat(`${suburbs[0]} Private Hospital`);
    others.forEach((name, index) => {
      this.organization(`OG-${otherBase + index + 1}`, name, organizationType('organisation'));
    });
    const funderBase = this.bases.next(6);
    FUNDERS.forEach((funder, index) => {
      const id = `FD-${funderBase + index + 1}`;
      this.funderIds.set(funder.key, { id, name: funder.name });
      this.organization(id, funder.name, organizationType('funder', `Funder: ${FUNDER_TYPES[funder.kind]}`));
    });
  }

  private healthcareServices(): void {
    const roles = new Set(this.practice.practitioners.map((p) => p.role));
    const base = this.bases.next(7);
    let index = 0;
    for (const role of ['gp', 'nurse', 'dentist', 'hygienist'] as const) {
      if (!roles.has(role)) {
        continue;
      }
      for (const { kind, slots } of APPOINTMENT_MIX[role]) {
        if (this.serviceIds.has(kind)) {
          continue;
        }
        const id = String(base + ++index);
        const name = APPOINTMENT_KIND_NAMES[kind];
        this.serviceIds.set(kind, { id, name });
        const extension: Extension[] = [
          { url: EXTENSIONS.serviceDuration, valueDuration: { value: slots * SLOT_MINUTES, unit: 'min', system: SYSTEMS.ucum, code: 'min' } },
          { url: EXTENSIONS.serviceOnlineBooking, valueBoolean: ONLINE_KINDS.has(kind) },
          { url: EXTENSIONS.serviceMaxPatients, valueInteger: 1 },
        ];
        this.add('HealthcareService', {
          resourceType: 'HealthcareService',
          id,
          meta: meta(this.established),
          extension,
          active: true,
          providedBy: ref('Organization', this.groupId, this.practice.name),
          type: [{ text: name }],
          name,
          appointmentRequired: true,
        });
      }
    }
  }

  private practitioners(): void {
    const prBase = this.bases.next(7);
    const roleBase = this.bases.next(7);
    for (const p of this.practice.practitioners) {
      const id = `PR-${prBase + p.id}`;
      this.practitionerIds.set(p.id, id);
      const display = `${p.title} ${p.firstName} ${p.surname}`;
      const identifier: Identifier[] = [{ type: coding(SYSTEMS.v2_0203, 'NPI', 'National provider identifier'), system: SYSTEMS.hpii, value: p.hpii }];
      if (p.prescriberNumber !== undefined) {
        identifier.push({ system: SYSTEMS.prescriberNumber, value: p.prescriberNumber });
      }
      const practitioner: Practitioner = {
        resourceType: 'Practitioner',
        id,
        meta: meta(this.time.instant(p.createdAt)),
        identifier,
        active: p.active,
        name: [personName(p.title, [p.firstName], p.surname)],
        telecom: [{ system: 'email', value: p.email, use: 'work' }],
        gender: gender(p.sex),
      };
      this.add('Practitioner', practitioner);

      const roleId = String(roleBase + p.id);
      this.roleIds.set(p.id, roleId);
      const clinic = this.clinicIds.get(p.locationId) ?? this.groupId;
      const role: PractitionerRole = {
        resourceType: 'PractitionerRole',
        id: roleId,
        meta: meta(this.time.instant(p.createdAt)),
        identifier: p.providerNumber === undefined ? undefined : [{ type: coding(SYSTEMS.v2_0203, 'UPIN', 'Medicare Provider Number'), system: SYSTEMS.providerNumber, value: p.providerNumber }],
        active: p.active,
        practitioner: ref('Practitioner', id, display),
        organization: ref('Organization', clinic, this.practice.locations.find((l) => l.id === p.locationId)?.name),
        code: [coding(SYSTEMS.snomed, ROLE_CODES[p.role].code, ROLE_CODES[p.role].display)],
        healthcareService: APPOINTMENT_MIX[p.role].map(({ kind }) => this.serviceIds.get(kind)).filter((s) => s !== undefined).map((s) => ref('HealthcareService', s.id, s.name)),
        availableTime: p.active ? p.sessions.map((s) => ({
          daysOfWeek: [['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'][s.weekday]],
          availableStartTime: timeOfDay(s.start),
          availableEndTime: timeOfDay(s.end),
        })) : undefined,
      };
      this.add('PractitionerRole', role);
    }
  }

  private feesAndPatients(): void {
    const items: readonly ServiceItem[] = Object.values(this.practice.kind === 'dental' ? ADA_ITEMS : MBS_ITEMS);
    const system = this.practice.kind === 'dental' ? SYSTEMS.ada : SYSTEMS.mbs;
    const feeBase = this.bases.next(7);
    items.forEach((item, index) => {
      const id = String(feeBase + index + 1);
      this.feeIds.set(item.item, id);
      this.add('ChargeItemDefinition', {
        resourceType: 'ChargeItemDefinition',
        id,
        meta: meta(this.established),
        url: `https://terminology.halaxy.com/fee/${id}`,
        title: item.description,
        status: 'active',
        code: coding(system, item.item, item.description),
        propertyGroup: [
          {
            priceComponent: [
              { type: 'base', code: { text: 'Schedule fee' }, amount: money(item.fee) },
              // Private patients are charged above the schedule fee, as the generated invoices are.
              { type: 'informational', code: { text: 'Private fee' }, amount: money(Math.round((item.fee * 1.85) / 5) * 5) },
            ],
          },
        ],
      });
    });

    const patientBase = this.bases.next(9);
    for (const p of this.practice.patients) {
      this.patientIds.set(p.id, String(patientBase + p.id));
    }
    const coverageBase = this.bases.next(9);
    const random = new Random(deriveSeed(this.practice.seed, 'halaxy-coverage'));
    const funds: FunderKey[] = ['bupa', 'medibank', 'hcf', 'nib', 'hbf', 'australianUnity'];
    let coverageIndex = 0;
    for (const p of this.practice.patients) {
      this.add('Patient', this.patient(p));
      const age = Number(this.practice.now.slice(0, 4)) - Number(p.dob.slice(0, 4));
      const fund = age >= 18 && random.chance(0.45) ? random.pick(funds) : undefined;
      const ndis = age < 65 && random.chance(0.015);
      const membership = random.digits(8);
      const ndisNumber = `43${random.digits(7)}`;
      const patientRef = ref('Patient', this.patientIds.get(p.id) ?? '', `${p.firstName} ${p.surname}`);
      const lastUpdated = this.time.instant(p.createdAt);
      const coverage = (kind: FunderKey, type: string, identifier: Identifier, billedTo: 'patient' | 'organisation', end?: string): string => {
        const id = String(coverageBase + ++coverageIndex);
        const funder = this.funderIds.get(kind);
        const extension: Extension[] = [
          { url: EXTENSIONS.coveragePayer, valueCoding: billedTo === 'patient' ? { system: SYSTEMS.coveragePayer, code: '29', display: 'Patient' } : { system: SYSTEMS.coveragePayer, code: '30', display: 'Organisation (new invoice)' } },
        ];
        if (billedTo === 'organisation' && funder !== undefined) {
          extension.push({ url: EXTENSIONS.coverageOrganisation, valueReference: ref('Organization', funder.id, funder.name) });
        }
        const resource: Coverage = {
          resourceType: 'Coverage',
          id,
          meta: meta(lastUpdated),
          extension,
          identifier: [identifier],
          status: 'active',
          type: coding(SYSTEMS.funderType, type, FUNDER_TYPES[type]),
          subscriberId: identifier.value,
          beneficiary: patientRef,
          period: end === undefined ? undefined : { end },
          payor: funder === undefined ? [] : [ref('Organization', funder.id, funder.name)],
        };
        this.add('Coverage', resource);
        return id;
      };
      if (p.medicare !== undefined) {
        this.medicareCoverage.set(p.id, coverage('medicare', 'medicare', { system: SYSTEMS.medicare, value: `${p.medicare.number}${p.medicare.irn}` }, 'patient', p.medicare.expiry));
      }
      if (p.dvaNumber !== undefined) {
        coverage('dva', 'dva', { system: SYSTEMS.dva, value: p.dvaNumber }, 'organisation');
      }
      if (ndis) {
        coverage('ndis', 'ndis', { system: SYSTEMS.ndis, value: ndisNumber }, 'organisation');
      }
      if (fund !== undefined) {
        this.healthFunds.set(p.id, fund);
        coverage(fund, 'health-fund', { system: SYSTEMS.healthFundMembership, value: membership }, 'patient');
      }
    }
  }

  private patient(p: Model.Patient): Patient {
    const identifier: Identifier[] = [];
    if (p.medicare !== undefined) {
      identifier.push({ type: coding(SYSTEMS.v2_0203, 'MC', "Patient's Medicare Number"), system: SYSTEMS.medicare, value: `${p.medicare.number}${p.medicare.irn}`, period: { end: p.medicare.expiry } });
    }
    if (p.ihi !== undefined) {
      identifier.push({ type: coding(SYSTEMS.v2_0203, 'NI', 'National unique individual identifier'), system: SYSTEMS.ihi, value: p.ihi });
    }
    if (p.dvaNumber !== undefined) {
      identifier.push({ type: { text: 'DVA Number' }, system: SYSTEMS.dva, value: p.dvaNumber });
    }
    const names = [personName(p.title, [p.firstName, p.middleName], p.surname)];
    if (p.preferredName !== undefined) {
      names.push({ use: 'usual', given: [p.preferredName], family: p.surname });
    }
    const telecom: ContactPoint[] = [];
    const phone = (value: string | undefined, use: string) => value !== undefined && telecom.push({ system: 'phone', value, use });
    phone(p.homePhone, 'home');
    phone(p.workPhone, 'work');
    phone(p.mobile, 'mobile');
    if (p.email !== undefined) {
      telecom.push({ system: 'email', value: p.email, use: 'home' });
    }
    const status = p.status === 'active' ? 'current' : p.status === 'inactive' ? 'archived' : p.status === 'deceased' ? 'deceased' : 'blocked';
    const usual = this.practice.practitioners.find((x) => x.id === p.usualPractitionerId);
    return {
      resourceType: 'Patient',
      id: this.patientIds.get(p.id) ?? '',
      meta: meta(this.time.instant(p.updatedAt)),
      extension: [{ url: EXTENSIONS.patientStatus, valueString: status }],
      identifier: identifier.length === 0 ? undefined : identifier,
      // Halaxy's `active` is true for every patient who may still be booked (current and archived).
      active: status === 'current' || status === 'archived',
      name: names,
      telecom: telecom.length === 0 ? undefined : telecom,
      gender: gender(p.sex),
      birthDate: p.dob,
      deceasedBoolean: p.status === 'deceased' ? true : undefined,
      address: [
        { ...address(p.address), use: 'home' },
        ...(p.postalAddress === undefined ? [] : [{ ...address(p.postalAddress, 'postal'), use: 'home' }]),
      ],
      generalPractitioner: usual === undefined ? undefined : [ref('Practitioner', this.practitionerIds.get(usual.id) ?? '', `${usual.title} ${usual.firstName} ${usual.surname}`)],
      managingOrganization: ref('Organization', this.groupId, this.practice.name),
    };
  }

  /** Professional contacts (EP-) at their practices (SP-), referral types and the referrals they wrote. */
  private contactsAndReferrals(): void {
    const seed = deriveSeed(this.practice.seed, 'halaxy-contacts');
    const random = new Random(seed);
    const faker = new Faker({ locale: [en_AU, en, base] });
    faker.seed(seed);
    const spBase = this.bases.next(6);
    const epBase = this.bases.next(7);
    const roleBase = this.bases.next(7);
    const practices = Math.min(12, 3 + Math.floor(this.practice.patients.length / 400));
    const contacts: { id: string; display: string }[] = [];
    for (let i = 1; i <= practices; i++) {
      const specialty = i === 1 ? CONTACT_SPECIALTIES[0] : random.pick(CONTACT_SPECIALTIES);
      const suburb = random.pick(this.practice.locations).address;
      const spId = `SP-${spBase + i}`;
      const practiceName = `${faker.person.lastName()} ${specialty.practice}`;
      this.organization(spId, practiceName, organizationType('contactPractice'), {
        address: [{ use: 'work', type: 'physical', line: [`${random.int(1, 300)} ${faker.location.street()}`], city: suburb.suburb, state: suburb.state, postalCode: suburb.postcode, country: 'AU' }],
      });
      for (let j = 0; j < random.int(1, 2); j++) {
        const n = contacts.length + 1;
        const id = `EP-${epBase + n}`;
        const sex = random.chance(0.5) ? 'female' : 'male';
        const given = faker.person.firstName(sex);
        const family = faker.person.lastName();
        const display = `Dr ${given} ${family}`;
        contacts.push({ id, display });
        const practitioner: Practitioner = {
          resourceType: 'Practitioner',
          id,
          meta: meta(this.established),
          identifier: [
            { type: coding(SYSTEMS.v2_0203, 'NPI', 'National provider identifier'), system: SYSTEMS.hpii, value: generateHpii(random) },
            { type: coding(SYSTEMS.v2_0203, 'UPIN', 'Medicare Provider Number'), system: SYSTEMS.providerNumber, value: providerNumberFor(generateProviderStem(random), 0) },
          ],
          active: true,
          name: [personName('Dr', [given], family)],
          telecom: [{ system: 'phone', value: `(0${random.int(2, 8)}) ${random.int(4, 9)}${random.digits(3)} ${random.digits(4)}`, use: 'work' }],
          gender: sex,
        };
        this.add('Practitioner', practitioner);
        this.add('PractitionerRole', {
          resourceType: 'PractitionerRole',
          id: String(roleBase + n),
          meta: meta(this.established),
          active: true,
          practitioner: ref('Practitioner', id, display),
          organization: ref('Organization', spId, practiceName),
          code: [coding(SYSTEMS.snomed, specialty.code, specialty.display)],
        });
      }
    }

    const definitionBase = this.bases.next(6);
    const definitions = REFERRAL_TYPES.map((type, index) => {
      const id = String(definitionBase + index + 1);
      const funder = this.funderIds.get(type.funder);
      this.add('ReferralDefinition', {
        resourceType: 'ReferralDefinition',
        id,
        meta: meta(this.established),
        name: type.name,
        status: 'active',
        validity: { value: type.months, unit: 'months', system: SYSTEMS.ucum, code: 'mo' },
        limitQuantity: type.sessions === undefined ? undefined : { quantity: { value: type.sessions } },
        funder: funder === undefined ? undefined : ref('Organization', funder.id, funder.name),
      });
      return { ...type, id };
    });

    const referralBase = this.bases.next(8);
    const today = this.practice.now.slice(0, 10);
    const todayDay = PracticeTime.day(today);
    let count = 0;
    for (const p of this.practice.patients) {
      if (p.status === 'deleted' || !random.chance(0.06)) {
        continue;
      }
      const definition = p.dvaNumber !== undefined ? definitions[3] : random.pick(definitions.slice(0, 3));
      const startDay = todayDay - random.int(0, 540);
      const start = isoDate(startDay);
      const endDate = new Date(Date.UTC(Number(start.slice(0, 4)), Number(start.slice(5, 7)) - 1 + definition.months, Number(start.slice(8, 10))));
      const end = endDate.toISOString().slice(0, 10);
      const requester = random.pick(contacts);
      const performer = this.practice.practitioners.find((x) => x.id === p.usualPractitionerId);
      const created = this.time.instant(`${start}T${timeOfDay(random.int(32, 68) * 900)}`);
      const used = definition.sessions === undefined ? undefined : Math.min(definition.sessions, Math.floor((todayDay - startDay) / 45));
      const coverage = this.medicareCoverage.get(p.id);
      this.add('Referral', {
        resourceType: 'Referral',
        id: String(referralBase + ++count),
        meta: meta(created),
        active: end >= today,
        subject: ref('Patient', this.patientIds.get(p.id) ?? '', `${p.firstName} ${p.surname}`),
        requester: ref('Practitioner', requester.id, requester.display),
        performer: performer === undefined ? undefined : ref('Practitioner', this.practitionerIds.get(performer.id) ?? '', `${performer.title} ${performer.firstName} ${performer.surname}`),
        referralDefinition: ref('ReferralDefinition', definition.id, definition.name),
        coverage: coverage === undefined || definition.funder !== 'medicare' ? undefined : ref('Coverage', coverage),
        created,
        period: { start, end },
        limitQuantity: used === undefined ? undefined : { quantity: { value: definition.sessions }, quantityUsed: used },
      });
    }
  }

  private appointmentsAndBilling(): void {
    const p = this.practice;
    const appointmentBase = this.bases.next(9);
    const invoiceBase = this.bases.next(8);
    const lineBase = this.bases.next(9);
    const paymentBase = this.bases.next(8);
    const invoiceOf = new Map<number, Model.Invoice>();
    for (const invoice of p.invoices) {
      invoiceOf.set(invoice.appointmentId, invoice);
    }
    const patients = new Map(p.patients.map((x) => [x.id, x]));
    const practitioners = new Map(p.practitioners.map((x) => [x.id, x]));
    const locations = new Map(p.locations.map((x) => [x.id, x]));
    const appointments = new Map<number, Model.Appointment>();
    const patientRef = (id: number): Reference => {
      const patient = patients.get(id);
      return ref('Patient', this.patientIds.get(id) ?? '', patient === undefined ? undefined : `${patient.firstName} ${patient.surname}`);
    };
    const practitionerDisplay = (id: number): string | undefined => {
      const x = practitioners.get(id);
      return x === undefined ? undefined : `${x.title} ${x.firstName} ${x.surname}`;
    };

    for (const a of p.appointments) {
      appointments.set(a.id, a);
      const service = this.serviceIds.get(a.kind);
      const status = STATUS_CODES[a.status];
      const invoice = invoiceOf.get(a.id);
      const patientParticipant: Participant = {
        modifierExtension: [participantStatus(status)],
        extension: invoice === undefined ? undefined : [{ url: EXTENSIONS.participantInvoice, valueReference: ref('Invoice', String(invoiceBase + invoice.id)) }],
        actor: patientRef(a.patientId),
        status: status === 'cancelled' || status === 'noshow' ? 'declined' : 'accepted',
      };
      const display = practitionerDisplay(a.practitionerId);
      const participants: Participant[] = [
        withoutUndefined(patientParticipant),
        { actor: ref('PractitionerRole', this.roleIds.get(a.practitionerId) ?? '', display), status: 'accepted' },
        { actor: ref('Practitioner', this.practitionerIds.get(a.practitionerId) ?? '', display), status: 'accepted' },
      ];
      if (service !== undefined) {
        participants.push({ actor: ref('HealthcareService', service.id, service.name), status: 'accepted' });
      }
      const clinic = this.clinicIds.get(a.locationId);
      const appointment: Appointment = {
        resourceType: 'Appointment',
        id: String(appointmentBase + a.id),
        meta: meta(this.time.instant(a.createdAt)),
        extension: clinic === undefined ? undefined : [{ url: EXTENSIONS.appointmentClinic, valueReference: ref('Organization', clinic, locations.get(a.locationId)?.name) }],
        status,
        serviceType: service === undefined ? undefined : [serviceConcept(service.id, service.name)],
        description: service?.name,
        start: this.time.instant(`${a.date}T${timeOfDay(a.start)}`),
        end: this.time.instant(`${a.date}T${timeOfDay(a.start + a.length)}`),
        minutesDuration: a.length / 60,
        created: this.time.instant(a.createdAt),
        supportingInformation: service === undefined ? undefined : [ref('HealthcareService', service.id, service.name)],
        participant: participants,
      };
      this.add('Appointment', appointment);
    }

    const random = new Random(deriveSeed(p.seed, 'halaxy-payments'));
    for (const invoice of p.invoices) {
      const a = appointments.get(invoice.appointmentId);
      const id = String(invoiceBase + invoice.id);
      const created = this.time.instant(`${invoice.date}T${timeOfDay(a === undefined ? 17 * 3600 : a.start + a.length)}`);
      const subject = patientRef(invoice.patientId);
      const fund = this.healthFunds.get(invoice.patientId);
      const funderKey: FunderKey | undefined = invoice.payer === 'bulkBilled' ? 'medicare' : invoice.payer === 'dva' ? 'dva' : invoice.payer === 'healthFund' ? fund : undefined;
      const funder = funderKey === undefined ? undefined : this.funderIds.get(funderKey);
      const recipient = funder === undefined ? subject : ref('Organization', funder.id, funder.name);
      // Medicare and DVA pay a week or so after the claim; patients pay at the desk.
      const paidDay = PracticeTime.day(invoice.date) + (funder === undefined ? 0 : random.int(3, 10));
      const paidAt = this.time.instant(`${isoDate(paidDay)}T${timeOfDay(funder === undefined ? (a?.start ?? 0) + (a?.length ?? 0) + 300 : 10 * 3600)}`);
      const paid = invoice.paid && Date.parse(paidAt) <= Date.parse(p.instant) ? invoice.total : 0;
      const resource: Invoice = {
        resourceType: 'Invoice',
        id,
        meta: meta(paid > 0 ? paidAt : created),
        identifier: [{ system: SYSTEMS.invoiceNumber, value: `INV-${String(invoice.id).padStart(6, '0')}` }],
        status: paid > 0 ? 'balanced' : 'issued',
        title: funder?.name ?? subject.display,
        subject,
        recipient,
        date: invoice.date,
        created,
        issuer: ref('Organization', this.clinicIds.get(a?.locationId ?? 0) ?? this.groupId),
        participant: [{ actor: ref('PractitionerRole', this.roleIds.get(invoice.practitionerId) ?? '', practitionerDisplay(invoice.practitionerId)) }],
        totalNet: money(invoice.total),
        totalGross: money(invoice.total),
        totalPaid: money(paid),
        totalBalance: money(invoice.total - paid),
      };
      this.add('Invoice', resource);
      invoice.lines.forEach((line, index) => {
        this.add('InvoiceLine', {
          resourceType: 'InvoiceLine',
          id: String(lineBase + line.id),
          meta: meta(created),
          invoice: ref('Invoice', id),
          subject,
          sequence: index + 1,
          serviceDate: invoice.date,
          code: coding(p.kind === 'dental' ? SYSTEMS.ada : SYSTEMS.mbs, line.item, line.description),
          chargeItemDefinition: this.feeIds.has(line.item) ? ref('ChargeItemDefinition', this.feeIds.get(line.item) ?? '') : undefined,
          quantity: { value: 1 },
          amount: money(line.fee),
        });
      });
      if (paid > 0) {
        this.add('PaymentTransaction', {
          resourceType: 'PaymentTransaction',
          id: String(paymentBase + invoice.id),
          meta: meta(paidAt),
          status: 'completed',
          invoice: ref('Invoice', id),
          patient: subject,
          payer: recipient,
          date: paidAt,
          method: funder === undefined ? coding(SYSTEMS.paymentMethod, random.pick(PAYMENT_METHODS), 'Payment at the desk') : coding(SYSTEMS.paymentMethod, 'claim', `${funder.name} claim`),
          amount: money(paid),
        });
      }
    }
  }

  /** One Schedule per practitioner role, and its quarter-hour Slots from today to the end of the booking horizon. */
  private availability(): void {
    const p = this.practice;
    const scheduleBase = this.bases.next(8);
    const slotBase = this.bases.next(9);
    const { lastDay } = practiceWindow(p);
    const first = PracticeTime.day(p.now.slice(0, 10));
    const last = PracticeTime.day(lastDay);
    const busy = new Set<string>();
    for (const a of p.appointments) {
      if (a.status === 'cancelled' || a.date < p.now.slice(0, 10)) {
        continue;
      }
      for (let t = a.start; t < a.start + a.length; t += SLOT_MINUTES * 60) {
        busy.add(`${a.practitionerId}|${a.date}|${t}`);
      }
    }
    let slotIndex = 0;
    const planning = { start: this.time.instant(`${isoDate(first)}T00:00:00`), end: this.time.instant(`${isoDate(last)}T23:59:59`) };
    for (const x of p.practitioners) {
      const scheduleId = String(scheduleBase + x.id);
      const display = `${x.title} ${x.firstName} ${x.surname}`;
      const schedule: Schedule = {
        resourceType: 'Schedule',
        id: scheduleId,
        meta: meta(this.time.instant(x.createdAt)),
        active: x.active,
        serviceType: APPOINTMENT_MIX[x.role].map(({ kind }) => this.serviceIds.get(kind)).filter((s) => s !== undefined).map((s) => serviceConcept(s.id, s.name)),
        actor: [ref('PractitionerRole', this.roleIds.get(x.id) ?? '', display), ref('Practitioner', this.practitionerIds.get(x.id) ?? '', display)],
        planningHorizon: planning,
        comment: `${display} at ${p.locations.find((l) => l.id === x.locationId)?.name ?? p.name}`,
      };
      this.add('Schedule', schedule);
      if (!x.active) {
        continue;
      }
      const scheduleRef = ref('Schedule', scheduleId);
      const lastUpdated = this.time.instant(p.now);
      for (let day = first; day <= last; day++) {
        const weekday = weekdayOf(day);
        if (weekday === 0 || weekday === 6 || isFixedPublicHoliday(day)) {
          continue;
        }
        const date = isoDate(day);
        for (const session of x.sessions) {
          if (session.weekday !== weekday) {
            continue;
          }
          for (let t = session.start; t + SLOT_MINUTES * 60 <= session.end; t += SLOT_MINUTES * 60) {
            const slot: Slot = {
              resourceType: 'Slot',
              id: String(slotBase + ++slotIndex),
              meta: meta(lastUpdated),
              schedule: scheduleRef,
              status: busy.has(`${x.id}|${date}|${t}`) ? 'busy' : 'free',
              start: this.time.instant(`${date}T${timeOfDay(t)}`),
              end: this.time.instant(`${date}T${timeOfDay(t + SLOT_MINUTES * 60)}`),
            };
            this.add('Slot', slot);
          }
        }
      }
    }
  }
}
