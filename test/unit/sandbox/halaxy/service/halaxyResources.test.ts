import { strict as assert } from 'node:assert';
import { isValidIhi, isValidMedicareNumber } from '../../../../../src/sandbox/data/practiceGenerator';
import { isValidHpii, isValidProviderNumber } from '../../../../../src/sandbox/data/australianIdentifiers';
import { HalaxyFhirService } from '../../../../../src/sandbox/halaxy/halaxyFhirService';
import { HALAXY_RESOURCE_TYPES } from '../../../../../src/sandbox/halaxy/halaxyPermissions';
import { halaxyResources } from '../../../../../src/sandbox/halaxy/resources/halaxyResources';
import type { HalaxyResourceSet } from '../../../../../src/sandbox/halaxy/resources/halaxyResources';
import { NOW, ServiceClient, idOf, practice, referencesIn } from './halaxyServiceFixture';
import type { Resource } from './halaxyServiceFixture';

const MEDICARE = 'http://ns.electronichealth.net.au/id/medicare-number';
const IHI = 'http://ns.electronichealth.net.au/id/hi/ihi/1.0';
const HPII = 'http://ns.electronichealth.net.au/id/hi/hpii/1.0';
const PROVIDER = 'http://ns.electronichealth.net.au/id/medicare-provider-number';

describe('Halaxy Sandbox: resources built from a practice', () => {
  let set: HalaxyResourceSet;
  let client: ServiceClient;
  const all = (type: string) => (set.resources.get(type as never) ?? []) as Resource[];

  before(() => {
    set = halaxyResources(practice());
    client = new ServiceClient(new HalaxyFhirService({ practice: practice(), now: () => NOW }));
  });

  it('is a group of two or more clinics with Halaxy id prefixes on organisations and practitioners', () => {
    const organizations = all('Organization');
    const prefixes = new Set(organizations.map((o) => o.id.slice(0, 3)));
    assert.deepEqual([...prefixes].sort(), ['CL-', 'FD-', 'OG-', 'PG-', 'SP-']);
    assert.equal(organizations.filter((o) => o.id.startsWith('PG-')).length, 1);
    assert.equal(organizations.filter((o) => o.id.startsWith('CL-')).length, practice().locations.length);
    assert.ok(practice().locations.length >= 2, 'the test practice is a group');
    for (const clinic of organizations.filter((o) => o.id.startsWith('CL-'))) {
      assert.match(String((clinic.partOf as { reference: string }).reference), /^Organization\/PG-\d+$/);
    }
    const funders = organizations.filter((o) => o.id.startsWith('FD-')).map((o) => o.name);
    for (const name of ['Medicare', "Department of Veterans' Affairs", 'National Disability Insurance Scheme', 'Bupa']) {
      assert.ok(funders.includes(name), `funder ${name}`);
    }
    const practitioners = all('Practitioner');
    assert.equal(practitioners.filter((p) => p.id.startsWith('PR-')).length, practice().practitioners.length);
    assert.ok(practitioners.some((p) => p.id.startsWith('EP-')), 'professional contacts');
    assert.ok(practitioners.every((p) => /^(PR|EP)-\d+$/.test(p.id)));
    for (const type of ['Patient', 'Appointment', 'Invoice', 'Slot', 'Coverage', 'Referral']) {
      assert.ok(all(type).length > 0 && all(type).every((r) => /^\d+$/.test(r.id)), `${type} ids are numeric`);
    }
  });

  it('gives every resource meta.versionId 1 and a lastUpdated instant with an offset', () => {
    for (const [type, list] of set.resources) {
      for (const resource of list) {
        const meta = resource.meta as { versionId: string; lastUpdated: string };
        assert.equal(meta.versionId, '1', `${type}/${resource.id}`);
        assert.match(meta.lastUpdated, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$/, `${type}/${resource.id}`);
      }
    }
  });

  it('maps every patient, appointment, invoice and service line of the practice', () => {
    const p = practice();
    assert.equal(all('Patient').length, p.patients.length);
    assert.equal(all('Appointment').length, p.appointments.length);
    assert.equal(all('Invoice').length, p.invoices.length);
    assert.equal(all('InvoiceLine').length, p.invoices.reduce((n, i) => n + i.lines.length, 0));
    assert.equal(all('Schedule').length, p.practitioners.length);
    const first = p.patients[0];
    const patient = all('Patient')[0] as Resource & { name: { family: string; given: string[] }[]; birthDate: string };
    assert.equal(patient.name[0].family, first.surname);
    assert.equal(patient.name[0].given[0], first.firstName);
    assert.equal(patient.birthDate, first.dob);
  });

  it('uses the AU identifier systems with valid identifiers', () => {
    const identifiers = (type: string, system: string) =>
      all(type).flatMap((r) => ((r.identifier as { system: string; value: string }[] | undefined) ?? []).filter((i) => i.system === system).map((i) => i.value));
    const medicare = identifiers('Patient', MEDICARE);
    assert.ok(medicare.length > 1000);
    assert.ok(medicare.every((v) => /^\d{11}$/.test(v) && isValidMedicareNumber(v.slice(0, 10))), 'Medicare number with IRN');
    assert.ok(identifiers('Patient', IHI).every(isValidIhi));
    assert.ok(identifiers('Practitioner', HPII).length === all('Practitioner').length && identifiers('Practitioner', HPII).every(isValidHpii));
    const providers = [...identifiers('PractitionerRole', PROVIDER), ...identifiers('Practitioner', PROVIDER)];
    assert.ok(providers.length > 0 && providers.every(isValidProviderNumber));
  });

  it('carries appointment status on the patient participant and links the clinic, role, practitioner and type', () => {
    for (const appointment of all('Appointment').slice(0, 500) as (Resource & { status: string; participant: { actor: { reference: string; type: string }; modifierExtension?: { url: string; valueCoding: { code: string } }[] }[] })[]) {
      const patient = appointment.participant.find((x) => x.actor.type === 'Patient');
      assert.ok(patient !== undefined);
      assert.equal(patient.modifierExtension?.[0].url, 'https://terminology.halaxy.com/StructureDefinition/appointment-participant-status');
      assert.equal(patient.modifierExtension?.[0].valueCoding.code, appointment.status);
      assert.deepEqual(appointment.participant.map((x) => x.actor.type).sort(), ['HealthcareService', 'Patient', 'Practitioner', 'PractitionerRole']);
    }
  });

  it('has slots that are busy exactly where an appointment that is not cancelled covers them', () => {
    const busy = new Set<string>();
    const scheduleOfRole = new Map(all('Schedule').map((s) => [(s.actor as { reference: string }[])[0].reference, `Schedule/${s.id}`]));
    for (const a of all('Appointment') as (Resource & { status: string; start: string; end: string; participant: { actor: { reference: string } }[] })[]) {
      if (a.status === 'cancelled') {
        continue;
      }
      const schedule = scheduleOfRole.get(a.participant.find((x) => x.actor.reference.startsWith('PractitionerRole/'))?.actor.reference ?? '');
      for (let t = Date.parse(a.start); t < Date.parse(a.end); t += 15 * 60_000) {
        busy.add(`${schedule}|${t}`);
      }
    }
    const slots = all('Slot') as (Resource & { schedule: { reference: string }; status: string; start: string; end: string })[];
    assert.ok(slots.length > 1000);
    assert.ok(slots.some((s) => s.status === 'free') && slots.some((s) => s.status === 'busy'));
    for (const slot of slots) {
      assert.equal(Date.parse(slot.end) - Date.parse(slot.start), 15 * 60_000);
      assert.equal(slot.status, busy.has(`${slot.schedule.reference}|${Date.parse(slot.start)}`) ? 'busy' : 'free', `Slot/${slot.id}`);
    }
  });

  it('has references that all resolve through the service', () => {
    const seen = new Set<string>();
    for (const type of HALAXY_RESOURCE_TYPES) {
      for (const resource of all(type)) {
        for (const reference of referencesIn(resource)) {
          seen.add(reference);
        }
      }
    }
    assert.ok(seen.size > 1000);
    const types = new Set<string>();
    for (const reference of seen) {
      const resource = client.get(reference);
      assert.equal(`${resource.resourceType}/${resource.id}`, reference);
      types.add(resource.resourceType);
    }
    for (const type of ['Patient', 'Practitioner', 'PractitionerRole', 'Organization', 'HealthcareService', 'Invoice', 'Schedule', 'Coverage', 'ReferralDefinition', 'ChargeItemDefinition']) {
      assert.ok(types.has(type), `something refers to a ${type}`);
    }
  });

  it('links referrals from professional contacts (EP-) to the practice (PR-) with a validity period', () => {
    const referrals = all('Referral') as (Resource & { requester: { reference: string }; performer: { reference: string }; period: { start: string; end: string }; active: boolean })[];
    assert.ok(referrals.length > 20);
    const today = practice().now.slice(0, 10);
    for (const referral of referrals) {
      assert.match(idOf(referral.requester.reference), /^EP-/);
      assert.match(idOf(referral.performer.reference), /^PR-/);
      assert.ok(referral.period.start < referral.period.end);
      assert.equal(referral.active, referral.period.end >= today);
    }
  });

  it('is the same for the same seed and different for another', () => {
    const again = halaxyResources(practice());
    for (const type of HALAXY_RESOURCE_TYPES) {
      assert.deepEqual(again.resources.get(type), set.resources.get(type), type);
    }
    const other = halaxyResources({ ...practice(), seed: practice().seed + 1 });
    assert.notDeepEqual(other.resources.get('Patient')?.map((p) => p.id), set.resources.get('Patient')?.map((p) => p.id));
  });
});
