import type { ResourceDefinition } from '../../fhir/searchEngine';
import { normalizeReference } from '../../fhir/searchParameters';
import type { FhirResource, SearchParameterDefinition, TokenValue } from '../../fhir/searchParameters';
import type { HalaxyResourceType } from '../halaxyPermissions';
import { EXTENSIONS, SYSTEMS } from './halaxyTypes';
import type {
  Appointment,
  ChargeItemDefinition,
  CodeableConcept,
  ContactPoint,
  Coverage,
  HealthcareService,
  HumanName,
  Identifier,
  Invoice,
  InvoiceLine,
  Organization,
  Patient,
  PaymentTransaction,
  PractitionerRole,
  Reference,
  Referral,
  Schedule,
  Slot,
} from './halaxyTypes';

/** What Halaxy lets an integrator do with one resource type (the operations table of NOTES.md). */
export interface HalaxyInteractions {
  read: boolean;
  search: boolean;
  create: boolean;
  /** PUT: replace the writable elements. */
  update: boolean;
  /** PATCH with application/merge-patch+json. */
  patch: boolean;
  /** Type-level operations, e.g. `$book`. */
  operations: readonly { name: string; method: 'GET' | 'POST'; permission: 'read' | 'create'; documentation: string }[];
}

const READ_SEARCH: HalaxyInteractions = { read: true, search: true, create: false, update: false, patch: false, operations: [] };

/** Every type Halaxy exposes with what may be done to it; DELETE is never allowed. */
export const HALAXY_INTERACTIONS: Readonly<Record<HalaxyResourceType, HalaxyInteractions>> = {
  Patient: {
    ...READ_SEARCH,
    create: true,
    update: true,
    patch: true,
    operations: [{ name: 'export-ids', method: 'GET', permission: 'read', documentation: 'Every patient id, as a Parameters resource' }],
  },
  // POST creates professional contacts (EP- practitioners, SP- practices).
  Practitioner: { ...READ_SEARCH, create: true },
  PractitionerRole: READ_SEARCH,
  Organization: { ...READ_SEARCH, create: true },
  HealthcareService: READ_SEARCH,
  Appointment: {
    ...READ_SEARCH,
    patch: true,
    operations: [
      { name: 'book', method: 'POST', permission: 'create', documentation: 'Books a Parameters-wrapped Appointment into free slots' },
      { name: 'find', method: 'GET', permission: 'read', documentation: 'Proposed appointments in free slots (start, end, duration, practitioner, practitioner-role, organization)' },
    ],
  },
  Schedule: READ_SEARCH,
  Slot: READ_SEARCH,
  ChargeItemDefinition: READ_SEARCH,
  Invoice: READ_SEARCH,
  InvoiceLine: READ_SEARCH,
  PaymentTransaction: READ_SEARCH,
  Coverage: { ...READ_SEARCH, create: true, patch: true },
  Referral: { ...READ_SEARCH, create: true, patch: true },
  ReferralDefinition: READ_SEARCH,
  // Clinical notes can be written and never read back.
  DocumentReference: { read: false, search: false, create: true, update: false, patch: false, operations: [] },
};

const compact = <T>(values: readonly (T | undefined)[]): T[] => values.filter((v): v is T => v !== undefined);
const refs = (values: readonly (Reference | undefined)[] | undefined): string[] => compact((values ?? []).map((v) => v?.reference));
const concept = (value: CodeableConcept | undefined): TokenValue[] =>
  value === undefined ? [] : [...(value.coding ?? []).map((c) => ({ system: c.system, code: c.code, text: value.text ?? c.display })), ...(value.text === undefined ? [] : [{ text: value.text }])];
const code = (system: string, value: string | undefined): TokenValue[] => (value === undefined ? [] : [{ system, code: value }]);
const bool = (value: boolean | undefined): TokenValue[] => (value === undefined ? [] : [{ code: String(value) }]);

function names(values: HumanName[] | undefined, part: 'family' | 'given' | 'all'): string[] {
  return (values ?? []).flatMap((n) =>
    part === 'family' ? compact([n.family]) : part === 'given' ? (n.given ?? []) : compact([n.text, n.family, ...(n.given ?? []), ...(n.prefix ?? [])]),
  );
}

/** Identifier tokens; a Medicare number with its IRN also answers to the 10-digit card number, as integrators search both. */
function identifiers(values: Identifier[] | undefined): TokenValue[] {
  return (values ?? []).flatMap((i) => {
    const token = { system: i.system, code: i.value, text: i.type?.text };
    return i.system === SYSTEMS.medicare && i.value?.length === 11 ? [token, { ...token, code: i.value.slice(0, 10) }] : [token];
  });
}

function telecom(values: ContactPoint[] | undefined, system: 'phone' | 'email'): TokenValue[] {
  return (values ?? []).filter((t) => t.system === system).flatMap((t) => (t.value === undefined ? [] : [{ code: t.value }]));
}

function reference(name: string, targets: readonly string[], documentation: string, values: (r: FhirResource) => string[]): SearchParameterDefinition {
  return { name, type: 'reference', targets, documentation, values };
}

/** Participant references of the given types (all when none are given); the type comes from `actor.type` or the reference. */
function participants(r: FhirResource, ...types: string[]): string[] {
  const references: string[] = [];
  for (const participant of (r as Appointment).participant ?? []) {
    const reference = participant.actor?.reference;
    if (reference === undefined) {
      continue;
    }
    const type = participant.actor?.type ?? normalizeReference(reference).split('/')[0];
    if (types.length === 0 || types.includes(type)) {
      references.push(reference);
    }
  }
  return references;
}

const identifierParameter = (documentation: string): SearchParameterDefinition => ({
  name: 'identifier',
  type: 'token',
  documentation,
  values: (r) => identifiers((r as Patient).identifier),
});
const activeParameter: SearchParameterDefinition = { name: 'active', type: 'token', documentation: 'true or false', values: (r) => bool((r as Patient).active) };
const nameParameters = (who: string): SearchParameterDefinition[] => [
  { name: 'name', type: 'string', documentation: `Any part of the ${who}'s name`, values: (r) => names((r as Patient).name, 'all') },
  { name: 'family', type: 'string', documentation: 'Family name', values: (r) => names((r as Patient).name, 'family') },
  { name: 'given', type: 'string', documentation: 'Given names', values: (r) => names((r as Patient).name, 'given') },
];

/**
 * The search parameters of each type the engine serves. `resolve` reads a referenced resource, which Slot's
 * `practitioner` and `practitioner-role` need: Halaxy searches them through the slot's schedule.
 */
export function halaxyDefinitions(resolve: (reference: string) => FhirResource | undefined): ResourceDefinition[] {
  const scheduleActors = (r: FhirResource, type: string): string[] => {
    const schedule = resolve((r as Slot).schedule.reference ?? '') as Schedule | undefined;
    return refs(schedule?.actor).filter((reference) => reference.startsWith(`${type}/`));
  };
  const definitions: Record<Exclude<HalaxyResourceType, 'DocumentReference'>, SearchParameterDefinition[]> = {
    Patient: [
      ...nameParameters('patient'),
      identifierParameter('Medicare number (with or without IRN), IHI or DVA number (system|value)'),
      { name: 'email', type: 'token', documentation: 'Email address', values: (r) => telecom((r as Patient).telecom, 'email') },
      { name: 'phone', type: 'token', documentation: 'Phone number', values: (r) => telecom((r as Patient).telecom, 'phone') },
      { name: 'birthdate', type: 'date', documentation: 'Date of birth', values: (r) => [(r as Patient).birthDate] },
      { name: 'gender', type: 'token', documentation: 'male | female | other | unknown', values: (r) => code(SYSTEMS.gender, (r as Patient).gender) },
      reference('general-practitioner', ['Practitioner', 'PractitionerRole', 'Organization'], "The patient's usual practitioner", (r) => refs((r as Patient).generalPractitioner)),
      activeParameter,
    ],
    Practitioner: [...nameParameters('practitioner'), identifierParameter('HPI-I, provider or prescriber number (system|value)'), activeParameter],
    PractitionerRole: [
      reference('practitioner', ['Practitioner'], 'The practitioner in the role', (r) => refs([(r as PractitionerRole).practitioner])),
      reference('organization', ['Organization'], 'The clinic (CL-) or contact practice (SP-)', (r) => refs([(r as PractitionerRole).organization])),
      { name: 'role', type: 'token', documentation: 'SNOMED CT-AU occupation (:text)', values: (r) => ((r as PractitionerRole).code ?? []).flatMap(concept) },
      identifierParameter('Medicare provider number (system|value)'),
      activeParameter,
    ],
    Organization: [
      { name: 'name', type: 'string', documentation: 'Organisation name', values: (r) => [(r as Organization).name] },
      identifierParameter('ABN or HPI-O (system|value)'),
      { name: 'type', type: 'token', documentation: 'prov | pay | other, or Halaxy kind (practice-group, clinic, organisation, funder, contact-practice)', values: (r) => ((r as Organization).type ?? []).flatMap(concept) },
      reference('partof', ['Organization'], 'The practice group of a clinic', (r) => refs([(r as Organization).partOf])),
      activeParameter,
    ],
    HealthcareService: [
      { name: 'name', type: 'string', documentation: 'Appointment type name', values: (r) => [(r as HealthcareService).name] },
      reference('organization', ['Organization'], 'The practice group offering it', (r) => refs([(r as HealthcareService).providedBy])),
      activeParameter,
    ],
    Appointment: [
      { name: 'date', type: 'date', documentation: 'Appointment start', values: (r) => [(r as Appointment).start] },
      reference('patient', ['Patient'], 'The patient', (r) => participants(r, 'Patient')),
      reference('practitioner', ['Practitioner', 'PractitionerRole'], 'The practitioner or practitioner role', (r) => participants(r, 'Practitioner', 'PractitionerRole')),
      reference('actor', ['Patient', 'Practitioner', 'PractitionerRole', 'HealthcareService'], 'Any participant', (r) => participants(r)),
      reference('location', ['Organization'], 'The clinic (CL-) the appointment is at', (r) =>
        refs(((r as Appointment).extension ?? []).filter((e) => e.url === EXTENSIONS.appointmentClinic).map((e) => e.valueReference))),
      { name: 'status', type: 'token', documentation: "booked | arrived | checked-in | fulfilled | noshow | cancelled (the patient participant's status)", values: (r) => code('http://hl7.org/fhir/appointmentstatus', (r as Appointment).status) },
      { name: 'service-type', type: 'token', documentation: 'Appointment type: HealthcareService id, or its name with :text', values: (r) => ((r as Appointment).serviceType ?? []).flatMap(concept) },
    ],
    Schedule: [
      reference('actor', ['Practitioner', 'PractitionerRole'], 'Whose availability', (r) => refs((r as Schedule).actor)),
      activeParameter,
    ],
    Slot: [
      reference('schedule', ['Schedule'], 'The schedule', (r) => refs([(r as Slot).schedule])),
      { name: 'status', type: 'token', documentation: 'free | busy', values: (r) => code('http://hl7.org/fhir/slotstatus', (r as Slot).status) },
      { name: 'start', type: 'date', documentation: 'Slot start', values: (r) => [(r as Slot).start] },
      { name: 'end', type: 'date', documentation: 'Slot end', values: (r) => [(r as Slot).end] },
      reference('practitioner', ['Practitioner'], "The schedule's practitioner", (r) => scheduleActors(r, 'Practitioner')),
      reference('practitioner-role', ['PractitionerRole'], "The schedule's practitioner role", (r) => scheduleActors(r, 'PractitionerRole')),
    ],
    ChargeItemDefinition: [
      { name: 'code', type: 'token', documentation: 'MBS or ADA item number (system|code)', values: (r) => concept((r as ChargeItemDefinition).code) },
      { name: 'status', type: 'token', documentation: 'active | retired', values: (r) => code('http://hl7.org/fhir/publication-status', (r as ChargeItemDefinition).status) },
      { name: 'title', type: 'string', documentation: 'Fee description', values: (r) => [(r as ChargeItemDefinition).title] },
    ],
    Invoice: [
      reference('recipient', ['Patient', 'Organization'], 'Who is billed: the patient or a funder (FD-)', (r) => refs([(r as Invoice).recipient])),
      reference('subject', ['Patient'], 'The patient treated', (r) => refs([(r as Invoice).subject])),
      { name: 'created', type: 'date', documentation: 'When the invoice was raised (Halaxy has no `date` parameter)', values: (r) => [(r as Invoice).created] },
      { name: 'status', type: 'token', documentation: 'issued | balanced | cancelled', values: (r) => code('http://hl7.org/fhir/invoice-status', (r as Invoice).status) },
    ],
    InvoiceLine: [
      reference('invoice', ['Invoice'], 'The invoice', (r) => refs([(r as InvoiceLine).invoice])),
      reference('subject', ['Patient'], 'The patient treated', (r) => refs([(r as InvoiceLine).subject])),
      { name: 'code', type: 'token', documentation: 'Item number (system|code)', values: (r) => concept((r as InvoiceLine).code) },
    ],
    PaymentTransaction: [
      reference('invoice', ['Invoice'], 'The invoice paid', (r) => refs([(r as PaymentTransaction).invoice])),
      reference('patient', ['Patient'], 'The patient', (r) => refs([(r as PaymentTransaction).patient])),
      { name: 'date', type: 'date', documentation: 'When it was paid', values: (r) => [(r as PaymentTransaction).date] },
    ],
    Coverage: [
      reference('beneficiary', ['Patient'], 'The patient covered', (r) => refs([(r as Coverage).beneficiary])),
      reference('payor', ['Organization', 'Patient'], 'The funder (FD-)', (r) => refs((r as Coverage).payor)),
      { name: 'type', type: 'token', documentation: 'medicare | dva | ndis | health-fund', values: (r) => concept((r as Coverage).type) },
      { name: 'status', type: 'token', documentation: 'active | cancelled', values: (r) => code('http://hl7.org/fhir/fm-status', (r as Coverage).status) },
    ],
    Referral: [
      reference('subject', ['Patient'], 'The patient referred', (r) => refs([(r as Referral).subject])),
      reference('requester', ['Practitioner', 'PractitionerRole'], 'The referring professional contact (EP-)', (r) => refs([(r as Referral).requester])),
      reference('recipient', ['Practitioner', 'PractitionerRole'], 'The practitioner referred to (PR-), Referral.performer', (r) => refs([(r as Referral).performer])),
      activeParameter,
    ],
    ReferralDefinition: [{ name: 'name', type: 'string', documentation: 'Referral type name', values: (r) => [r.name as string | undefined] }],
  };
  return Object.entries(definitions).map(([type, searchParameters]) => ({ type, interactions: ['read', 'search-type'] as const, searchParameters }));
}
