import { IDENTIFIER_SYSTEMS } from '../../fhir/bestPracticeResources';
import type { FhirResource } from '../../fhir/searchParameters';

/*
 * The shapes of the resources the Halaxy Sandbox serves. Elements follow FHIR R4 where it has them; the
 * Halaxy-specific ones (totals on Invoice, `created` on Invoice, the InvoiceLine and PaymentTransaction resources,
 * Referral and ReferralDefinition) are modelled on what public clients read from the live API, and where they say
 * nothing the Sandbox's own choice is marked so.
 */

/** Halaxy's extension namespace (seen live on Patient status, appointment participants and Coverage). */
const HALAXY_STRUCTURE = 'https://terminology.halaxy.com/StructureDefinition';
/** Halaxy's code systems; the Sandbox names its own codes under this namespace too. */
const HALAXY_CODES = 'https://terminology.halaxy.com/CodeSystem';

export const EXTENSIONS = {
  patientStatus: `${HALAXY_STRUCTURE}/patient-status`,
  participantStatus: `${HALAXY_STRUCTURE}/appointment-participant-status`,
  participantInvoice: `${HALAXY_STRUCTURE}/appointment-participant-invoice`,
  coveragePayer: `${HALAXY_STRUCTURE}/coverage-payer`,
  coverageOrganisation: `${HALAXY_STRUCTURE}/coverage-organisation`,
  // Not seen in public clients: the Sandbox's names for the appointment type settings and the appointment's clinic.
  serviceDuration: `${HALAXY_STRUCTURE}/healthcare-service-duration`,
  serviceOnlineBooking: `${HALAXY_STRUCTURE}/healthcare-service-online-booking`,
  serviceMaxPatients: `${HALAXY_STRUCTURE}/healthcare-service-max-patients`,
  appointmentClinic: `${HALAXY_STRUCTURE}/appointment-clinic`,
} as const;

export const SYSTEMS = {
  medicare: IDENTIFIER_SYSTEMS.medicare,
  ihi: IDENTIFIER_SYSTEMS.ihi,
  hpii: IDENTIFIER_SYSTEMS.hpii,
  hpio: 'http://ns.electronichealth.net.au/id/hi/hpio/1.0',
  providerNumber: IDENTIFIER_SYSTEMS.providerNumber,
  prescriberNumber: IDENTIFIER_SYSTEMS.prescriberNumber,
  dva: IDENTIFIER_SYSTEMS.dva,
  abn: IDENTIFIER_SYSTEMS.abn,
  ndis: 'http://ns.electronichealth.net.au/id/ndis-participant-identifier',
  // Item numbers: the Sandbox's choice of namespace (Halaxy publishes none).
  mbs: 'http://www.health.gov.au/mbs',
  ada: 'https://www.ada.org.au/item-number',
  organizationType: 'http://terminology.hl7.org/CodeSystem/organization-type',
  halaxyOrganizationType: `${HALAXY_CODES}/organization-type`,
  participantStatus: `${HALAXY_CODES}/appointment-participant-status`,
  coveragePayer: `${HALAXY_CODES}/coverage-payer`,
  funderType: `${HALAXY_CODES}/funder-type`,
  healthcareService: `${HALAXY_CODES}/healthcare-service`,
  paymentMethod: `${HALAXY_CODES}/payment-method`,
  healthFundMembership: `${HALAXY_CODES}/health-fund-membership`,
  invoiceNumber: `${HALAXY_CODES}/invoice-number`,
  snomed: 'http://snomed.info/sct',
  gender: 'http://hl7.org/fhir/administrative-gender',
  v2_0203: 'http://terminology.hl7.org/CodeSystem/v2-0203',
  ucum: 'http://unitsofmeasure.org',
} as const;

export interface Coding {
  system?: string;
  code?: string;
  display?: string;
}
export interface CodeableConcept {
  coding?: Coding[];
  text?: string;
}
export interface Identifier {
  use?: string;
  type?: CodeableConcept;
  system?: string;
  value?: string;
  period?: Period;
}
export interface Period {
  start?: string;
  end?: string;
}
export interface Reference {
  reference?: string;
  type?: string;
  display?: string;
}
export interface HumanName {
  use?: string;
  text?: string;
  family?: string;
  given?: string[];
  prefix?: string[];
}
export interface ContactPoint {
  system?: string;
  value?: string;
  use?: string;
}
export interface Address {
  use?: string;
  type?: string;
  line?: string[];
  city?: string;
  state?: string;
  postalCode?: string;
  country?: string;
}
export interface Money {
  value: number;
  currency: 'AUD';
}
export interface Extension {
  url: string;
  valueString?: string;
  valueBoolean?: boolean;
  valueInteger?: number;
  valueCoding?: Coding;
  valueReference?: Reference;
  valueDuration?: { value: number; unit: string; system: string; code: string };
}

export type Resource<T> = FhirResource & T & { meta: { versionId: string; lastUpdated: string } };
/** Any resource the Sandbox stores: every version has an id and a lastUpdated. */
export type HalaxyResource = Resource<Record<never, never>>;

export type Patient = Resource<{
  extension?: Extension[];
  identifier?: Identifier[];
  active?: boolean;
  name?: HumanName[];
  telecom?: ContactPoint[];
  gender?: string;
  birthDate?: string;
  deceasedBoolean?: boolean;
  address?: Address[];
  generalPractitioner?: Reference[];
  managingOrganization?: Reference;
}>;
export type Practitioner = Resource<{ identifier?: Identifier[]; active?: boolean; name?: HumanName[]; telecom?: ContactPoint[]; gender?: string }>;
export type PractitionerRole = Resource<{
  identifier?: Identifier[];
  active?: boolean;
  practitioner?: Reference;
  organization?: Reference;
  code?: CodeableConcept[];
  healthcareService?: Reference[];
}>;
export type Organization = Resource<{ identifier?: Identifier[]; active?: boolean; type?: CodeableConcept[]; name?: string; partOf?: Reference }>;
export type HealthcareService = Resource<{ extension?: Extension[]; active?: boolean; providedBy?: Reference; name?: string }>;
export interface Participant {
  modifierExtension?: Extension[];
  extension?: Extension[];
  actor?: Reference;
  status?: string;
}
export type Appointment = Resource<{
  extension?: Extension[];
  status?: string;
  serviceType?: CodeableConcept[];
  start?: string;
  end?: string;
  minutesDuration?: number;
  slot?: Reference[];
  created?: string;
  supportingInformation?: Reference[];
  participant?: Participant[];
}>;
export type Schedule = Resource<{ active?: boolean; actor?: Reference[]; serviceType?: CodeableConcept[]; planningHorizon?: Period }>;
export type Slot = Resource<{ schedule: Reference; status: 'free' | 'busy'; start: string; end: string }>;
export type ChargeItemDefinition = Resource<{ status?: string; code?: CodeableConcept; title?: string }>;
export type Invoice = Resource<{ status?: string; subject?: Reference; recipient?: Reference; date?: string; created?: string }>;
export type InvoiceLine = Resource<{ invoice?: Reference; subject?: Reference; chargeItemDefinition?: Reference; code?: CodeableConcept }>;
export type PaymentTransaction = Resource<{ invoice?: Reference; patient?: Reference; date?: string; amount?: Money }>;
export type Coverage = Resource<{ status?: string; type?: CodeableConcept; beneficiary?: Reference; payor?: Reference[] }>;
export type Referral = Resource<{ subject?: Reference; requester?: Reference; performer?: Reference; period?: Period; active?: boolean }>;
export type DocumentReference = Resource<{ subject?: Reference; content?: { attachment?: { data?: string; contentType?: string; size?: number } }[] }>;
