/** Every resource type the Halaxy Sandbox serves or accepts, each governed by its own toggles on an API key. */
export const HALAXY_RESOURCE_TYPES = [
  'Patient',
  'Practitioner',
  'PractitionerRole',
  'Organization',
  'HealthcareService',
  'Appointment',
  'Schedule',
  'Slot',
  'ChargeItemDefinition',
  'Invoice',
  'InvoiceLine',
  'PaymentTransaction',
  'Coverage',
  'Referral',
  'ReferralDefinition',
  'DocumentReference',
] as const;

export type HalaxyResourceType = (typeof HALAXY_RESOURCE_TYPES)[number];

/** The Retrieve / Create / Update toggles of one resource on a Halaxy API key. */
export interface ResourcePermission {
  read: boolean;
  create: boolean;
  update: boolean;
}

/** What one API key may do, per resource type (Halaxy has per-key toggles, not OAuth scopes). */
export type HalaxyPermissions = Readonly<Record<HalaxyResourceType, Readonly<ResourcePermission>>>;

function permissions(grant: (type: HalaxyResourceType) => ResourcePermission): HalaxyPermissions {
  return Object.fromEntries(HALAXY_RESOURCE_TYPES.map((type) => [type, grant(type)])) as Record<HalaxyResourceType, ResourcePermission>;
}

const ALL: ResourcePermission = { read: true, create: true, update: true };
const NONE: ResourcePermission = { read: false, create: false, update: false };

/** Every toggle on: the key a practice makes for a full integration. */
export const FULL_ACCESS: HalaxyPermissions = permissions(() => ALL);

/** Retrieve only, for reporting: every write is refused with 403. */
export const READ_ONLY: HalaxyPermissions = permissions(() => ({ read: true, create: false, update: false }));

/** Everything but patients: Patient reads and writes are refused with 403, everything else is allowed. */
export const NO_PATIENTS: HalaxyPermissions = permissions((type) => (type === 'Patient' ? NONE : ALL));
