import type { ViewColumnDefinition, ViewConstant, ViewDefinition } from './viewDefinition';

/** Australian identifier namespaces (AU Base), used by Best Practice and Halaxy alike. */
const SYSTEMS = {
  medicare: 'http://ns.electronichealth.net.au/id/medicare-number',
  ihi: 'http://ns.electronichealth.net.au/id/hi/ihi/1.0',
  hpii: 'http://ns.electronichealth.net.au/id/hi/hpii/1.0',
  dva: 'http://ns.electronichealth.net.au/id/dva',
  providerNumber: 'http://ns.electronichealth.net.au/id/medicare-provider-number',
  prescriberNumber: 'http://ns.electronichealth.net.au/id/medicare-prescriber-number',
  abn: 'http://hl7.org.au/id/abn',
} as const;

const HALAXY_EXTENSION = 'https://terminology.halaxy.com/StructureDefinition';

function column(name: string, path: string, type: string): ViewColumnDefinition {
  return { name, path, type };
}

function constants(...names: (keyof typeof SYSTEMS)[]): ViewConstant[] {
  return names.map((name) => ({ name, valueUri: SYSTEMS[name] }));
}

function view(resource: string, columns: ViewColumnDefinition[], constant: ViewConstant[] = []): ViewDefinition {
  return {
    resourceType: 'ViewDefinition',
    name: `${resource.replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase()}_default`,
    title: `${resource} (default view)`,
    status: 'active',
    resource,
    ...(constant.length > 0 ? { constant } : {}),
    // The row key first and the last update last, whatever the resource.
    select: [{ column: [column('id', 'getResourceKey()', 'id'), ...columns, column('last_updated', 'meta.lastUpdated', 'instant')] }],
  };
}

/** The official name if there is one, else the first (Best Practice also lists a `usual` preferred name). */
const NAME = "(name.where(use = 'official') | name).first()";

const personName = (): ViewColumnDefinition[] => [
  column('name', `${NAME}.text`, 'string'),
  column('family', `${NAME}.family`, 'string'),
  column('given', `${NAME}.given.join(' ')`, 'string'),
];

const contact = (): ViewColumnDefinition[] => [
  column('phone', "telecom.where(system = 'phone').value.first()", 'string'),
  column('email', "telecom.where(system = 'email').value.first()", 'string'),
];

const address = (element: string): ViewColumnDefinition[] => [
  column('address', `${element}.line.join(', ')`, 'string'),
  column('suburb', `${element}.city`, 'string'),
  column('state', `${element}.state`, 'string'),
  column('postcode', `${element}.postalCode`, 'string'),
];

const identifier = (name: string, system: keyof typeof SYSTEMS): ViewColumnDefinition =>
  column(name, `identifier.where(system = %${system}).value.first()`, 'string');

const amount = (name: string, element: string): ViewColumnDefinition[] => [
  column(name, `${element}.value`, 'decimal'),
  column(`${name}_currency`, `${element}.currency`, 'code'),
];

const extensionValue = (name: string, url: string, type: string): ViewColumnDefinition =>
  column(name, `extension('${HALAXY_EXTENSION}/${url}').value.ofType(${type})${type === 'Duration' ? '.value' : ''}`, type === 'Duration' ? 'decimal' : type);

const VIEWS: readonly ViewDefinition[] = [
  view(
    'Patient',
    [
      ...personName(),
      column('preferred_given', "name.where(use = 'usual').given.first()", 'string'),
      column('gender', 'gender', 'code'),
      column('birth_date', 'birthDate', 'date'),
      column('active', 'active', 'boolean'),
      column('deceased', 'deceased.ofType(boolean)', 'boolean'),
      column('deceased_date', 'deceased.ofType(dateTime)', 'dateTime'),
      identifier('medicare_number', 'medicare'),
      column('medicare_expiry', 'identifier.where(system = %medicare).period.end.first()', 'dateTime'),
      identifier('ihi', 'ihi'),
      identifier('dva_number', 'dva'),
      column('record_number', "identifier.where(type.coding.code = 'MR').value.first()", 'string'),
      column('home_phone', "telecom.where(system = 'phone' and use = 'home').value.first()", 'string'),
      column('mobile_phone', "telecom.where(system = 'phone' and use = 'mobile').value.first()", 'string'),
      column('email', "telecom.where(system = 'email').value.first()", 'string'),
      ...address('address.first()'),
      column('general_practitioner_id', 'generalPractitioner.getReferenceKey().first()', 'id'),
      column('organization_id', 'managingOrganization.getReferenceKey(Organization)', 'id'),
    ],
    constants('medicare', 'ihi', 'dva'),
  ),
  view(
    'Practitioner',
    [
      column('prefix', `${NAME}.prefix.first()`, 'string'),
      ...personName(),
      column('gender', 'gender', 'code'),
      column('active', 'active', 'boolean'),
      identifier('hpii', 'hpii'),
      identifier('provider_number', 'providerNumber'),
      identifier('prescriber_number', 'prescriberNumber'),
      ...contact(),
    ],
    constants('hpii', 'providerNumber', 'prescriberNumber'),
  ),
  view(
    'PractitionerRole',
    [
      column('practitioner_id', 'practitioner.getReferenceKey(Practitioner)', 'id'),
      column('practitioner', 'practitioner.display', 'string'),
      column('organization_id', 'organization.getReferenceKey(Organization)', 'id'),
      column('location_id', 'location.getReferenceKey(Location).first()', 'id'),
      column('role', '(code.text | code.coding.display).first()', 'string'),
      column('specialty', '(specialty.text | specialty.coding.display).first()', 'string'),
      column('active', 'active', 'boolean'),
      identifier('provider_number', 'providerNumber'),
    ],
    constants('providerNumber'),
  ),
  view(
    'Organization',
    [
      column('name', 'name', 'string'),
      column('type', '(type.text | type.coding.display).first()', 'string'),
      column('active', 'active', 'boolean'),
      identifier('abn', 'abn'),
      ...contact(),
      ...address('address.first()'),
      column('part_of_id', 'partOf.getReferenceKey(Organization)', 'id'),
    ],
    constants('abn'),
  ),
  view('Location', [
    column('name', 'name', 'string'),
    column('status', 'status', 'code'),
    ...contact(),
    ...address('address'),
    column('organization_id', 'managingOrganization.getReferenceKey(Organization)', 'id'),
  ]),
  view('Appointment', [
    column('status', 'status', 'code'),
    column('start', 'start', 'instant'),
    column('end', 'end', 'instant'),
    column('minutes', 'minutesDuration', 'positiveInt'),
    column('type', '(appointmentType.text | serviceType.text | description).first()', 'string'),
    column('patient_id', 'participant.actor.getReferenceKey(Patient).first()', 'id'),
    column('patient', "participant.actor.where(getReferenceKey(Patient).exists()).display.first()", 'string'),
    column('practitioner_id', 'participant.actor.getReferenceKey(Practitioner).first()', 'id'),
    column('practitioner_role_id', 'participant.actor.getReferenceKey(PractitionerRole).first()', 'id'),
    column('location_id', 'participant.actor.getReferenceKey(Location).first()', 'id'),
    column('created', 'created', 'dateTime'),
  ]),
  view('AllergyIntolerance', [
    column('patient_id', 'patient.getReferenceKey(Patient)', 'id'),
    column('substance', '(code.text | code.coding.display).first()', 'string'),
    column('clinical_status', 'clinicalStatus.coding.code.first()', 'code'),
    column('verification_status', 'verificationStatus.coding.code.first()', 'code'),
    column('criticality', 'criticality', 'code'),
    column('reaction', "reaction.manifestation.text.join('; ')", 'string'),
    column('severity', 'reaction.severity.first()', 'code'),
    column('recorded', 'recordedDate', 'dateTime'),
    column('note', "note.text.join('; ')", 'string'),
  ]),
  view('Immunization', [
    column('patient_id', 'patient.getReferenceKey(Patient)', 'id'),
    column('status', 'status', 'code'),
    column('vaccine', '(vaccineCode.text | vaccineCode.coding.display).first()', 'string'),
    column('vaccine_code', 'vaccineCode.coding.code.first()', 'code'),
    column('occurred', 'occurrence.ofType(dateTime)', 'dateTime'),
    column('recorded', 'recorded', 'dateTime'),
    column('primary_source', 'primarySource', 'boolean'),
    column('lot_number', 'lotNumber', 'string'),
    column('performer_id', 'performer.actor.getReferenceKey().first()', 'id'),
  ]),
  view('MedicationStatement', [
    column('patient_id', 'subject.getReferenceKey(Patient)', 'id'),
    column('status', 'status', 'code'),
    column('medication', '(medication.ofType(CodeableConcept).text | medication.ofType(CodeableConcept).coding.display).first()', 'string'),
    column('dosage', 'dosage.text.first()', 'string'),
    column('reason', '(reasonCode.text | reasonCode.coding.display).first()', 'string'),
    column('effective', 'effective.ofType(dateTime)', 'dateTime'),
    column('asserted', 'dateAsserted', 'dateTime'),
    column('information_source_id', 'informationSource.getReferenceKey().first()', 'id'),
  ]),
  // Halaxy's own: appointment types, availability, fees, billing, claims and referrals.
  view('HealthcareService', [
    column('name', 'name', 'string'),
    column('type', '(type.text | type.coding.display).first()', 'string'),
    column('active', 'active', 'boolean'),
    extensionValue('duration_minutes', 'healthcare-service-duration', 'Duration'),
    extensionValue('online_booking', 'healthcare-service-online-booking', 'boolean'),
    extensionValue('max_patients', 'healthcare-service-max-patients', 'integer'),
    column('provided_by_id', 'providedBy.getReferenceKey(Organization)', 'id'),
  ]),
  view('Schedule', [
    column('active', 'active', 'boolean'),
    column('practitioner_role_id', 'actor.getReferenceKey(PractitionerRole).first()', 'id'),
    column('practitioner_id', 'actor.getReferenceKey(Practitioner).first()', 'id'),
    column('practitioner', 'actor.display.first()', 'string'),
    column('services', "serviceType.text.join(', ')", 'string'),
    column('horizon_start', 'planningHorizon.start', 'dateTime'),
    column('horizon_end', 'planningHorizon.end', 'dateTime'),
    column('comment', 'comment', 'string'),
  ]),
  view('Slot', [
    column('schedule_id', 'schedule.getReferenceKey(Schedule)', 'id'),
    column('status', 'status', 'code'),
    column('start', 'start', 'instant'),
    column('end', 'end', 'instant'),
  ]),
  view('ChargeItemDefinition', [
    column('title', 'title', 'string'),
    column('status', 'status', 'code'),
    column('item_number', 'code.coding.code.first()', 'code'),
    column('item_system', 'code.coding.system.first()', 'uri'),
    ...amount('fee', "propertyGroup.priceComponent.where(type = 'base').amount.first()"),
    column('url', 'url', 'uri'),
  ]),
  view('Invoice', [
    column('number', 'identifier.value.first()', 'string'),
    column('status', 'status', 'code'),
    column('title', 'title', 'string'),
    column('date', 'date', 'dateTime'),
    column('patient_id', 'subject.getReferenceKey(Patient)', 'id'),
    column('patient', 'subject.display', 'string'),
    column('recipient_id', 'recipient.getReferenceKey()', 'id'),
    column('issuer_id', 'issuer.getReferenceKey(Organization)', 'id'),
    ...amount('total_gross', 'totalGross'),
    column('total_net', 'totalNet.value', 'decimal'),
    // Halaxy adds what has been paid and what is owed.
    column('total_paid', 'totalPaid.value', 'decimal'),
    column('total_balance', 'totalBalance.value', 'decimal'),
  ]),
  view('InvoiceLine', [
    column('invoice_id', 'invoice.getReferenceKey(Invoice)', 'id'),
    column('patient_id', 'subject.getReferenceKey(Patient)', 'id'),
    column('sequence', 'sequence', 'positiveInt'),
    column('service_date', 'serviceDate', 'date'),
    column('item_number', 'code.coding.code.first()', 'code'),
    column('item', '(code.text | code.coding.display).first()', 'string'),
    column('charge_item_definition_id', 'chargeItemDefinition.getReferenceKey(ChargeItemDefinition)', 'id'),
    column('quantity', 'quantity.value', 'decimal'),
    ...amount('amount', 'amount'),
  ]),
  view('PaymentTransaction', [
    column('status', 'status', 'code'),
    column('date', 'date', 'dateTime'),
    column('invoice_id', 'invoice.getReferenceKey(Invoice)', 'id'),
    column('patient_id', 'patient.getReferenceKey(Patient)', 'id'),
    column('payer_id', 'payer.getReferenceKey()', 'id'),
    column('method', '(method.text | method.coding.display).first()', 'string'),
    ...amount('amount', 'amount'),
  ]),
  view(
    'Coverage',
    [
      column('status', 'status', 'code'),
      column('type', '(type.text | type.coding.display).first()', 'string'),
      column('beneficiary_id', 'beneficiary.getReferenceKey(Patient)', 'id'),
      column('beneficiary', 'beneficiary.display', 'string'),
      column('payor_id', 'payor.getReferenceKey().first()', 'id'),
      column('subscriber_id', 'subscriberId', 'string'),
      identifier('medicare_number', 'medicare'),
      column('period_start', 'period.start', 'dateTime'),
      column('period_end', 'period.end', 'dateTime'),
    ],
    constants('medicare'),
  ),
  view('Referral', [
    column('active', 'active', 'boolean'),
    column('patient_id', 'subject.getReferenceKey(Patient)', 'id'),
    column('patient', 'subject.display', 'string'),
    column('requester_id', 'requester.getReferenceKey()', 'id'),
    column('performer_id', 'performer.getReferenceKey()', 'id'),
    column('referral_definition_id', 'referralDefinition.getReferenceKey(ReferralDefinition)', 'id'),
    column('coverage_id', 'coverage.getReferenceKey(Coverage)', 'id'),
    column('created', 'created', 'dateTime'),
    column('valid_from', 'period.start', 'date'),
    column('valid_to', 'period.end', 'date'),
    column('sessions', 'limitQuantity.quantity.value', 'decimal'),
    column('sessions_used', 'limitQuantity.quantityUsed', 'decimal'),
  ]),
  view('ReferralDefinition', [
    column('name', 'name', 'string'),
    column('status', 'status', 'code'),
    column('validity', 'validity.value', 'decimal'),
    column('validity_unit', 'validity.unit', 'string'),
    column('funder_id', 'funder.getReferenceKey(Organization)', 'id'),
  ]),
];

/**
 * The grid's default view of each resource type the Sandbox serves (Best Practice's facade and Halaxy): row key,
 * names, dates, status codes, Australian identifiers (Medicare, IHI, HPI-I, provider numbers, ABN) and references
 * as keys of the resources they point at.
 */
export const DEFAULT_VIEWS: ReadonlyMap<string, ViewDefinition> = new Map(VIEWS.map((v) => [v.resource, v]));

/** The default view of a resource type; for a type without one, its id and last update. */
export function defaultViewFor(resourceType: string): ViewDefinition {
  return DEFAULT_VIEWS.get(resourceType) ?? view(resourceType, []);
}
