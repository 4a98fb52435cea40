import { strict as assert } from 'node:assert';
import initSqlJs from 'sql.js';
import type { Database } from 'sql.js';
import { BestPracticeFhirFacade } from '../../../../src/sandbox/fhir/bestPracticeFhir';
import { BEST_PRACTICE_MAPPINGS } from '../../../../src/sandbox/fhir/bestPracticeResources';
import { COMMON_SEARCH_PARAMETERS } from '../../../../src/sandbox/fhir/searchEngine';
import { BASE_URL, FacadeClient, NOW, createBestPracticeDatabase, matchIds } from './bestPracticeFixture';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- FHIR JSON read in assertions

const ALL_TYPES = [
  'Patient',
  'Practitioner',
  'PractitionerRole',
  'Organization',
  'Location',
  'Appointment',
  'AllergyIntolerance',
  'Immunization',
  'MedicationStatement',
];

describe('Best Practice FHIR facade: resources, reads, errors and metadata', () => {
  let db: Database;
  let client: FacadeClient;

  before(async () => {
    db = await createBestPracticeDatabase();
    client = new FacadeClient(new BestPracticeFhirFacade(db, { now: () => NOW, softwareVersion: '9.9.9' }));
  });
  after(() => db.close());

  const read = (path: string): Json => {
    const response = client.get(path);
    assert.equal(response.status, 200, `${path}: ${JSON.stringify(response.body)}`);
    return response.body;
  };
  /** Every reference in a resource must read back as a resource of the named type. */
  const assertReferencesResolve = (resource: Json) => {
    const references = JSON.stringify(resource).match(/"reference":"[^"]+"/g) ?? [];
    for (const r of references) {
      const target = r.slice('"reference":"'.length, -1);
      assert.equal(read(target).resourceType, target.split('/')[0], target);
    }
    return references.length;
  };

  it('builds an AU Base Patient with identifiers, name, telecom, address and GP', () => {
    const patient = read('Patient/10');
    assert.equal(patient.resourceType, 'Patient');
    assert.equal(patient.id, '10');
    assert.deepEqual(patient.meta, { lastUpdated: '2024-01-10T09:00:00+10:00', profile: ['http://hl7.org.au/fhir/StructureDefinition/au-patient'] });
    const bySystem = new Map((patient.identifier as Json[]).map((i) => [i.system, i]));
    const medicare = bySystem.get('http://ns.electronichealth.net.au/id/medicare-number');
    assert.equal(medicare?.value, '21234567011');
    assert.equal(medicare?.type.coding[0].code, 'MC');
    assert.equal(medicare?.period.end, '2027-05');
    const ihi = bySystem.get('http://ns.electronichealth.net.au/id/hi/ihi/1.0');
    assert.equal(ihi?.value, '8003608166690503');
    assert.equal(ihi?.type.coding[0].code, 'NI');
    assert.equal(bySystem.get('http://bpsoftware.net/fhir/identifier/record-number')?.value, 'R10');
    assert.deepEqual(patient.name[0], { use: 'official', text: 'Mr John Michael Citizen', family: 'Citizen', given: ['John', 'Michael'], prefix: ['Mr'] });
    assert.equal(patient.gender, 'male');
    assert.equal(patient.birthDate, '1970-03-02');
    assert.equal(patient.active, true);
    assert.equal(patient.deceasedBoolean, false);
    assert.deepEqual(patient.address[0], { use: 'home', type: 'physical', line: ['1 George St'], city: 'Sydney', state: 'NSW', postalCode: '2000', country: 'AU' });
    assert.deepEqual(
      (patient.telecom as Json[]).map((t) => `${t.system}/${t.use}/${t.value}`),
      ['phone/home/02 9000 0010', 'phone/mobile/0412 000 010', 'email/home/john@example.com'],
    );
    assert.deepEqual(patient.generalPractitioner, [{ reference: 'Practitioner/1', display: 'Dr Anna Smith' }]);
    assert.equal(assertReferencesResolve(patient), 2, 'GP and managing organisation');
  });

  it('maps status, sex and deceased from the code tables', () => {
    assert.equal(read('Patient/18').gender, 'other');
    assert.equal(read('Patient/19').active, false);
    assert.equal(read('Patient/20').active, false);
    const deceased = read('Patient/21');
    assert.equal(deceased.active, false);
    assert.equal(deceased.deceasedBoolean, true);
    assert.deepEqual(read('Patient/13').name[1], { use: 'usual', given: ['Jack'], family: 'Smith' });
    assert.equal(read('Patient/16').address[0].state, 'NT');
  });

  it('builds Practitioner, PractitionerRole, Organization and Location', () => {
    const practitioner = read('Practitioner/1');
    assert.deepEqual(
      (practitioner.identifier as Json[]).map((i) => `${i.system}|${i.value}`),
      [
        'http://ns.electronichealth.net.au/id/hi/hpii/1.0|8003614900041234',
        'http://ns.electronichealth.net.au/id/medicare-provider-number|2426621B',
        'http://ns.electronichealth.net.au/id/medicare-prescriber-number|1234567',
      ],
    );
    assert.equal(practitioner.identifier[0].type.coding[0].code, 'NPI');
    assert.equal(practitioner.identifier[1].type.coding[0].code, 'UPIN');
    assert.equal(practitioner.name[0].prefix[0], 'Dr');
    assert.equal(practitioner.gender, 'female');
    assert.equal(read('Practitioner/3').active, false);

    const role = read('PractitionerRole/2');
    assert.equal(role.practitioner.reference, 'Practitioner/2');
    assert.equal(role.organization.reference, 'Organization/1');
    assert.deepEqual(role.location, [{ reference: 'Location/2' }]);
    assert.deepEqual(role.code, [{ text: 'Doctor' }]);
    assert.equal(assertReferencesResolve(role), 3);

    const organization = read('Organization/1');
    assert.equal(organization.name, 'Harbour Medical Centre');
    assert.equal(organization.identifier[0].system, 'http://hl7.org.au/id/abn');
    assert.equal(organization.identifier[0].value, '51824753556');
    assert.equal(organization.address[0].state, 'NSW');

    const location = read('Location/2');
    assert.equal(location.name, 'Branch clinic');
    assert.equal(location.status, 'active');
    assert.equal(location.managingOrganization.reference, 'Organization/1');
  });

  it('builds Appointments with mapped status, local start/end and resolvable participants', () => {
    const appointment = read('Appointment/101');
    assert.equal(appointment.status, 'fulfilled');
    assert.equal(appointment.start, '2024-05-02T10:00:00+10:00');
    assert.equal(appointment.end, '2024-05-02T10:30:00+10:00');
    assert.equal(appointment.minutesDuration, 30);
    assert.deepEqual(appointment.appointmentType, { text: 'Long consultation' });
    assert.deepEqual(
      (appointment.participant as Json[]).map((p) => p.actor.reference),
      ['Patient/10', 'Practitioner/2', 'Location/2'],
    );
    assert.equal(assertReferencesResolve(appointment), 3);
    const statuses = ['100', '101', '102', '103', '104'].map((id) => read(`Appointment/${id}`).status);
    assert.deepEqual(statuses, ['booked', 'fulfilled', 'cancelled', 'noshow', 'arrived']);
    assert.equal(client.get('Appointment/105').status, 404, 'deleted appointments are not served');
  });

  it('builds AllergyIntolerance, Immunization and MedicationStatement', () => {
    const allergy = read('AllergyIntolerance/200');
    assert.equal(allergy.code.text, 'Penicillin');
    assert.equal(allergy.patient.reference, 'Patient/10');
    assert.equal(allergy.clinicalStatus.coding[0].code, 'active');
    assert.deepEqual(allergy.reaction, [{ manifestation: [{ text: 'Rash' }], severity: 'moderate' }]);
    assert.equal(allergy.recordedDate, '2021-03-01T10:00:00+10:00');
    assert.equal(client.get('AllergyIntolerance/201').status, 404);

    const given = read('Immunization/300');
    assert.equal(given.vaccineCode.text, 'Fluad Quad');
    assert.equal(given.occurrenceDateTime, '2023-04-01');
    assert.equal(given.primarySource, true);
    assert.equal(given.lotNumber, 'FL123');
    assert.equal(given.performer[0].actor.reference, 'Practitioner/1');
    const elsewhere = read('Immunization/301');
    assert.equal(elsewhere.primarySource, false);
    assert.equal(elsewhere.performer, undefined);

    const medication = read('MedicationStatement/400');
    assert.equal(medication.status, 'active');
    assert.equal(medication.medicationCodeableConcept.text, 'Atorvastatin 20 mg tablet');
    assert.equal(medication.subject.reference, 'Patient/10');
    assert.equal(medication.dosage[0].text, '1 tablet once daily Oral');
    assert.equal(read('MedicationStatement/401').dosage[0].asNeededBoolean, true);
    assert.equal(client.get('MedicationStatement/402').status, 404);
    for (const resource of [allergy, given, medication]) {
      assertReferencesResolve(resource);
    }
  });

  it('answers 404 OperationOutcomes for unknown ids and types, 405 for writes', () => {
    for (const path of ['Patient/999', 'Patient/abc', "Patient/1' OR 1=1"]) {
      const response = client.get(path);
      assert.equal(response.status, 404, path);
      assert.equal(response.body.resourceType, 'OperationOutcome');
      assert.equal((response.body.issue as Json[])[0].code, 'not-found');
    }
    const unknownType = client.get('Observation?code=x');
    assert.equal(unknownType.status, 404);
    assert.match((unknownType.body.issue as Json[])[0].diagnostics, /Observation.*Patient, Practitioner.*MedicationStatement/);
    const write = client.facade.handle({ method: 'POST', path: 'Patient', params: new URLSearchParams(), baseUrl: BASE_URL });
    assert.equal(write.status, 405);
  });

  it('serves metadata without touching the database', async () => {
    const SQL = await initSqlJs();
    const empty = new SQL.Database();
    try {
      const response = new BestPracticeFhirFacade(empty, { now: () => NOW }).handle({
        method: 'GET',
        path: 'metadata',
        params: new URLSearchParams(),
        baseUrl: BASE_URL,
      });
      assert.equal(response.status, 200);
      assert.equal((response.body as Json).resourceType, 'CapabilityStatement');
    } finally {
      empty.close();
    }
  });

  it('publishes a CapabilityStatement that matches what the engine serves', () => {
    const statement = read('metadata');
    assert.equal(statement.fhirVersion, '4.0.1');
    assert.deepEqual(statement.format, ['json']);
    assert.equal(statement.kind, 'instance');
    assert.equal(statement.software.version, '9.9.9');
    assert.equal(statement.implementation.url, BASE_URL);
    assert.match(statement.implementationGuide[0], /hl7\.fhir\.au\.base/);
    const rest = statement.rest[0];
    assert.equal(rest.mode, 'server');
    assert.deepEqual((rest.resource as Json[]).map((r) => r.type), ALL_TYPES);
    for (const resource of rest.resource as Json[]) {
      const mapping = BEST_PRACTICE_MAPPINGS.find((m) => m.definition.type === resource.type);
      const expected = [...COMMON_SEARCH_PARAMETERS, ...(mapping?.definition.searchParameters ?? [])].map((p) => `${p.name}:${p.type}`);
      assert.deepEqual((resource.searchParam as Json[]).map((p) => `${p.name}:${p.type}`), expected, resource.type);
      assert.deepEqual((resource.interaction as Json[]).map((i) => i.code), ['read', 'search-type']);
      // Every advertised parameter is accepted under strict handling, and every advertised include works.
      for (const parameter of resource.searchParam as Json[]) {
        const response = client.get(`${resource.type}?${parameter.name}:missing=false`, 'strict');
        assert.equal(response.status, 200, `${resource.type}.${parameter.name}: ${JSON.stringify(response.body)}`);
      }
      for (const include of (resource.searchInclude ?? []) as string[]) {
        assert.equal(client.get(`${resource.type}?_include=${include}`, 'strict').status, 200, include);
      }
      const first = client.search(`${resource.type}?_count=1`);
      assert.ok(matchIds(first).length === 1, `${resource.type} has at least one resource in the fixture`);
      const sample = first.entry?.[0].resource;
      if (resource.profile !== undefined) {
        assert.deepEqual((sample?.meta as Json).profile, [resource.profile]);
      }
    }
    assert.deepEqual(rest.resource.find((r: Json) => r.type === 'Appointment').searchInclude, [
      'Appointment:patient',
      'Appointment:practitioner',
      'Appointment:location',
      'Appointment:actor',
    ]);
  });
});
