import { strict as assert } from 'node:assert';
import { HalaxyFhirService } from '../../../../../src/sandbox/halaxy/halaxyFhirService';
import type { HalaxyResponse } from '../../../../../src/sandbox/halaxy/halaxyFhirService';
import { FULL_ACCESS, HALAXY_RESOURCE_TYPES, NO_PATIENTS, READ_ONLY } from '../../../../../src/sandbox/halaxy/halaxyPermissions';
import { BASE_URL, NOW, ServiceClient, matchIds, practice } from './halaxyServiceFixture';
import type { Bundle, Resource } from './halaxyServiceFixture';

const STATUS_URL = 'https://terminology.halaxy.com/StructureDefinition/appointment-participant-status';

type Ref = { reference: string };
type Appointment = Resource & {
  status: string;
  start: string;
  end: string;
  minutesDuration: number;
  slot?: Ref[];
  participant: { actor: Ref & { type?: string }; status?: string; modifierExtension?: { url: string; valueCoding: { code: string } }[] }[];
};
type Slot = Resource & { schedule: Ref; status: string; start: string; end: string };

const newPatient = (family: string) => ({
  resourceType: 'Patient',
  name: [{ use: 'official', family, given: ['Alex'] }],
  birthDate: '1990-04-05',
  gender: 'female',
  telecom: [{ system: 'email', value: `${family.toLowerCase()}@example.com` }],
});

describe('Halaxy Sandbox: writes, permissions and operations', () => {
  let service: HalaxyFhirService;
  let client: ServiceClient;
  let clock: Date;

  before(() => {
    clock = new Date(NOW);
    service = new HalaxyFhirService({ practice: practice(), now: () => clock });
    client = new ServiceClient(service);
  });

  const ok = (response: HalaxyResponse, status: number): Resource => {
    assert.equal(response.status, status, JSON.stringify(response.body).slice(0, 400));
    return response.body as Resource;
  };

  describe('permissions', () => {
    it('lets a read-only key read everything and refuses every write with 403 naming the resource and permission', () => {
      const readOnly = new ServiceClient(service, READ_ONLY);
      const patient = client.search('Patient?_count=1').entry?.[0].resource as Resource;
      assert.equal(readOnly.call('GET', `Patient/${patient.id}`).status, 200);
      const create = readOnly.refusal('POST', 'Patient', newPatient('Readonly'));
      assert.equal(create.status, 403);
      assert.equal(create.issue.code, 'forbidden');
      assert.match(create.issue.diagnostics, /Create.*Patient/);
      const patch = readOnly.refusal('PATCH', `Patient/${patient.id}`, { gender: 'male' });
      assert.equal(patch.status, 403);
      assert.match(patch.issue.diagnostics, /Update.*Patient/);
      assert.equal(readOnly.refusal('PUT', `Patient/${patient.id}`, { ...patient }).status, 403);
      assert.equal(readOnly.refusal('POST', 'Appointment/$book', { resourceType: 'Parameters', parameter: [] }).status, 403);
      assert.equal(readOnly.refusal('POST', 'Coverage', { resourceType: 'Coverage' }).status, 403);
      assert.equal(client.get(`Patient/${patient.id}`).meta?.versionId, patient.meta?.versionId, 'nothing was written');
    });

    it('refuses Patient reads to a key without patients but serves practitioners and includes no patients', () => {
      const noPatients = new ServiceClient(service, NO_PATIENTS);
      const patient = client.search('Patient?_count=1').entry?.[0].resource as Resource;
      const read = noPatients.refusal('GET', `Patient/${patient.id}`);
      assert.equal(read.status, 403);
      assert.match(read.issue.diagnostics, /Retrieve.*Patient/);
      assert.equal(noPatients.refusal('GET', 'Patient?family=a').status, 403);
      assert.equal(noPatients.refusal('GET', 'Patient/$export-ids').status, 403);
      assert.ok((noPatients.search('Practitioner').total ?? 0) > 0);
      const appointments = noPatients.search('Appointment?_count=5&_include=Appointment:patient&_include=Appointment:practitioner');
      const included = (appointments.entry ?? []).filter((e) => e.search.mode === 'include').map((e) => e.resource.resourceType);
      assert.ok(included.length > 0 && !included.includes('Patient'));
    });
  });

  describe('Patient create, update and patch', () => {
    it('creates a patient with a new id, version 1, and reports the change', () => {
      const response = client.call('POST', 'Patient', { ...newPatient('Zyxwv'), id: 'mine', identifier: [{ system: 'x', value: 'y' }], active: false });
      const created = ok(response, 201);
      assert.match(created.id, /^\d+$/);
      assert.notEqual(created.id, 'mine');
      assert.equal(created.meta?.versionId, '1');
      assert.equal(created.identifier, undefined, 'identifier is read-only');
      assert.equal(created.active, true, 'active is read-only');
      assert.equal(response.headers?.Location, `${BASE_URL}/Patient/${created.id}/_history/1`);
      assert.deepEqual(response.changes, [{ resourceType: 'Patient', id: created.id, action: 'create' }]);
      assert.deepEqual(client.get(`Patient/${created.id}`), created);
      assert.deepEqual(client.ids('Patient?family=zyxwv'), [created.id]);
      const total = client.search('Patient?_count=0').total;
      assert.equal(total, practice().patients.length + 1);
    });

    it('refuses invalid patients with 422 issues that name the element', () => {
      const noName = client.refusal('POST', 'Patient', { resourceType: 'Patient', birthDate: '1990-01-01' });
      assert.equal(noName.status, 422);
      assert.equal(noName.issue.severity, 'error');
      assert.deepEqual(noName.issue.expression, ['Patient.name']);
      const badDate = client.refusal('POST', 'Patient', { ...newPatient('Baddate'), birthDate: '1990-02-30' });
      assert.equal(badDate.status, 422);
      assert.deepEqual(badDate.issue.expression, ['Patient.birthDate']);
      const missing = client.refusal('POST', 'Patient', { ...newPatient('Nogp'), generalPractitioner: [{ reference: 'Practitioner/PR-1' }] });
      assert.equal(missing.status, 422);
      assert.equal(missing.issue.code, 'not-found');
      assert.deepEqual(missing.issue.expression, ['Patient.generalPractitioner[0].reference']);
      const bare = client.refusal('POST', 'Patient', { ...newPatient('Bare'), generalPractitioner: [{ reference: 'PR-1' }] });
      assert.equal(bare.status, 422);
      assert.match(bare.issue.diagnostics, /Type\/id/);
      assert.equal(client.refusal('POST', 'Patient', { resourceType: 'Practitioner', name: [{ family: 'X' }] }).status, 400);
      assert.equal(client.refusal('POST', 'Patient', '{not json').status, 400);
      assert.equal(client.refusal('POST', 'Patient', [1, 2]).status, 400);
      assert.deepEqual(client.ids('Patient?family=baddate'), [], 'nothing stored');
    });

    it('replaces writable elements on PUT, dropping omitted ones and keeping read-only ones', () => {
      const original = client.search(`Patient?identifier=http://ns.electronichealth.net.au/id/medicare-number|&_count=1&active=true`).entry?.[0].resource as Resource & { telecom?: unknown[] };
      assert.ok(original.identifier !== undefined && original.telecom !== undefined);
      clock = new Date(clock.getTime() + 60_000);
      const response = client.call('PUT', `Patient/${original.id}`, {
        resourceType: 'Patient',
        id: original.id,
        identifier: [{ system: 'http://example.org', value: 'ignored' }],
        active: false,
        meta: { versionId: '99' },
        name: [{ family: 'Replaced', given: ['Pat'] }],
        birthDate: '1980-01-01',
      });
      const updated = ok(response, 200);
      assert.deepEqual(updated.identifier, original.identifier);
      assert.equal(updated.active, original.active);
      assert.equal(updated.telecom, undefined, 'omitted writable elements are dropped');
      assert.deepEqual(updated.name, [{ family: 'Replaced', given: ['Pat'] }]);
      assert.equal(updated.meta?.versionId, String(Number(original.meta?.versionId) + 1));
      assert.ok(Date.parse(updated.meta?.lastUpdated ?? '') > Date.parse(original.meta?.lastUpdated ?? ''));
      assert.deepEqual(response.changes, [{ resourceType: 'Patient', id: original.id, action: 'update' }]);
      assert.deepEqual(client.ids('Patient?family:exact=Replaced'), [original.id]);
      assert.equal(client.refusal('PUT', `Patient/${original.id}`, { resourceType: 'Patient', id: 'other', name: [{ family: 'X' }] }).status, 400);
      assert.equal(client.refusal('PUT', 'Patient/1', { resourceType: 'Patient', name: [{ family: 'X' }] }).status, 404);
    });

    it('merges a PATCH (RFC 7386), ignoring read-only elements and advancing the version', () => {
      const original = client.search('Patient?_count=1&page=3').entry?.[0].resource as Resource & { gender: string; telecom?: unknown[] };
      const response = client.call('PATCH', `Patient/${original.id}`, { gender: 'other', telecom: null, active: false, identifier: [] });
      const patched = ok(response, 200);
      assert.equal(patched.gender, 'other');
      assert.equal(patched.telecom, undefined, 'null removes');
      assert.deepEqual(patched.name, original.name, 'untouched elements stay');
      assert.equal(patched.active, original.active);
      assert.deepEqual(patched.identifier, original.identifier);
      assert.equal(patched.meta?.versionId, '2');
      const again = ok(client.call('PATCH', `Patient/${original.id}`, { birthDate: '2001-01-01' }), 200);
      assert.equal(again.meta?.versionId, '3');
      assert.ok(Date.parse(again.meta?.lastUpdated ?? '') > Date.parse(patched.meta?.lastUpdated ?? ''), 'lastUpdated advances even within the same second');
      const invalid = client.refusal('PATCH', `Patient/${original.id}`, { birthDate: 'yesterday' });
      assert.equal(invalid.status, 422);
      assert.equal(client.get(`Patient/${original.id}`).birthDate, '2001-01-01');
    });
  });

  describe('what Halaxy does not allow', () => {
    it('answers DELETE, and interactions a type does not have, with 405', () => {
      const patient = client.search('Patient?_count=1').entry?.[0].resource as Resource;
      assert.equal(client.refusal('DELETE', `Patient/${patient.id}`).status, 405);
      assert.equal(client.refusal('DELETE', 'Appointment').status, 405);
      assert.equal(client.get(`Patient/${patient.id}`).id, patient.id);
      const invoice = client.search('Invoice?_count=1').entry?.[0].resource as Resource;
      assert.equal(client.refusal('PATCH', `Invoice/${invoice.id}`, { status: 'cancelled' }).status, 405);
      assert.equal(client.refusal('POST', 'Invoice', { resourceType: 'Invoice' }).status, 405);
      assert.equal(client.refusal('PUT', `Invoice/${invoice.id}`, invoice).status, 405);
      const appointment = client.refusal('POST', 'Appointment', { resourceType: 'Appointment' });
      assert.equal(appointment.status, 405);
      assert.match(appointment.issue.diagnostics, /\$book/);
      assert.equal(client.refusal('POST', 'Slot', { resourceType: 'Slot' }).status, 405);
      assert.equal(client.refusal('GET', 'Patient/$book').status, 404);
    });

    it('creates clinical notes but never reads them back', () => {
      const patient = client.search('Patient?_count=1').entry?.[0].resource as Resource;
      const note = {
        resourceType: 'DocumentReference',
        subject: { reference: `Patient/${patient.id}` },
        content: [{ attachment: { contentType: 'text/html', data: Buffer.from('<p>Reviewed.</p>').toString('base64') } }],
      };
      const created = ok(client.call('POST', 'DocumentReference', note), 201);
      assert.equal(created.status, 'current');
      assert.equal(client.refusal('GET', `DocumentReference/${created.id}`).status, 405);
      assert.equal(client.refusal('GET', 'DocumentReference').status, 405);
      assert.equal(client.refusal('POST', 'DocumentReference', { ...note, subject: undefined }).status, 422);
      assert.equal(client.refusal('POST', 'DocumentReference', { ...note, subject: { reference: patient.id } }).status, 422);
    });

    it('creates professional contacts (EP-), their practices (SP-), claim details and referrals', () => {
      const practiceResponse = client.call('POST', 'Organization', { resourceType: 'Organization', name: 'Harbour Psychology' });
      const organization = ok(practiceResponse, 201);
      assert.match(organization.id, /^SP-\d+$/);
      const contact = ok(client.call('POST', 'Practitioner', { resourceType: 'Practitioner', name: [{ family: 'Okafor', given: ['Ngozi'], prefix: ['Dr'] }] }), 201);
      assert.match(contact.id, /^EP-\d+$/);
      assert.equal(client.refusal('POST', 'Practitioner', { resourceType: 'Practitioner' }).status, 422);
      const patient = client.search('Patient?_count=1&active=true').entry?.[0].resource as Resource;
      const medicare = client.search('Organization?name:exact=Medicare').entry?.[0].resource as Resource;
      const coverage = ok(client.call('POST', 'Coverage', { resourceType: 'Coverage', beneficiary: { reference: `Patient/${patient.id}` }, payor: [{ reference: `Organization/${medicare.id}` }] }), 201);
      assert.equal(coverage.status, 'active');
      assert.ok(client.ids(`Coverage?beneficiary=Patient/${patient.id}`).includes(coverage.id));
      assert.equal(client.refusal('POST', 'Coverage', { resourceType: 'Coverage', beneficiary: { reference: `Patient/${patient.id}` } }).status, 422);
      const patchedCoverage = ok(client.call('PATCH', `Coverage/${coverage.id}`, { status: 'cancelled' }), 200);
      assert.equal(patchedCoverage.status, 'cancelled');
      const referral = ok(client.call('POST', 'Referral', {
        resourceType: 'Referral',
        subject: { reference: `Patient/${patient.id}` },
        requester: { reference: `Practitioner/${contact.id}` },
        performer: (client.search('Schedule?active=true&_count=1').entry?.[0].resource.actor as Ref[])[1],
        period: { start: '2025-06-01', end: '2026-06-01' },
      }), 201);
      assert.deepEqual(client.ids(`Referral?requester=Practitioner/${contact.id}`), [referral.id]);
      assert.equal(client.refusal('POST', 'Referral', { resourceType: 'Referral', subject: { reference: `Patient/${patient.id}` }, period: { start: '2025-06-01', end: '2024-06-01' } }).status, 422);
    });
  });

  describe('appointments: $find, $book and cancelling', () => {
    const futureFree = (): { role: string; slots: Slot[] } => {
      const schedule = client.search('Schedule?active=true&_count=1').entry?.[0].resource as Resource & { actor: Ref[] };
      const day = '2025-06-20';
      const slots = client.search(`Slot?schedule=Schedule/${schedule.id}&start=${day}&_count=100`).entry?.map((e) => e.resource as Slot) ?? [];
      return { role: schedule.actor[0].reference, slots };
    };

    it('finds free times as proposed appointments that $book accepts, and refuses a double booking with 409', () => {
      const { role, slots } = futureFree();
      const start = '2025-06-20';
      const found = client.search(`Appointment/$find?start=${start}&end=${start}&duration=30&practitioner-role=${role}&_count=500`);
      const proposals = (found.entry ?? []).map((e) => e.resource as Appointment);
      const free = slots.filter((s) => s.status === 'free');
      const runs = free.filter((s) => free.some((t) => Date.parse(t.start) === Date.parse(s.end)));
      assert.equal(found.total, runs.length);
      assert.deepEqual(proposals.map((p) => p.start), runs.map((s) => s.start));
      assert.ok(proposals.every((p) => p.status === 'proposed' && p.minutesDuration === 30 && p.slot?.length === 2));
      assert.ok(proposals.length > 0, 'there is a free half hour on that day');

      const patient = client.search('Patient?active=true&_count=1&page=5').entry?.[0].resource as Resource;
      const service = client.search('HealthcareService?name=long').entry?.[0].resource as Resource;
      const proposal = proposals[0];
      const parameters = {
        resourceType: 'Parameters',
        parameter: [
          { name: 'appt-resource', resource: { resourceType: 'Appointment', start: proposal.start, end: proposal.end, participant: [{ actor: { reference: role } }] } },
          { name: 'patient-id', valueReference: { reference: `Patient/${patient.id}` } },
          { name: 'healthcare-service-id', valueReference: { reference: `HealthcareService/${service.id}` } },
        ],
      };
      const response = client.call('POST', 'Appointment/$book', parameters);
      const booked = ok(response, 201) as Appointment;
      assert.equal(booked.status, 'booked');
      assert.equal(Date.parse(booked.start), Date.parse(proposal.start));
      assert.deepEqual(response.changes, [{ resourceType: 'Appointment', id: booked.id, action: 'create' }]);
      assert.ok(booked.participant.some((p) => p.actor.reference === `Patient/${patient.id}` && p.modifierExtension?.[0].valueCoding.code === 'booked'));
      assert.deepEqual(client.ids(`Appointment?patient=Patient/${patient.id}&date=${start}`), [booked.id]);
      for (const slot of proposal.slot ?? []) {
        assert.equal(client.get<Slot>(slot.reference).status, 'busy');
      }
      const again = client.refusal('POST', 'Appointment/$book', parameters);
      assert.equal(again.status, 409);
      assert.equal(again.issue.code, 'conflict');
      const after = client.search(`Appointment/$find?start=${start}&end=${start}&duration=30&practitioner-role=${role}&_count=500`);
      assert.ok(!(after.entry ?? []).some((e) => (e.resource as Appointment).start === proposal.start), 'the time is no longer offered');
    });

    it('refuses bookings outside availability, without a patient, or with bare references', () => {
      const { role } = futureFree();
      const patient = client.search('Patient?active=true&_count=1').entry?.[0].resource as Resource;
      const book = (start: string, end: string, patientRef: string, roleRef = role) =>
        client.refusal('POST', 'Appointment/$book', {
          resourceType: 'Parameters',
          parameter: [
            { name: 'appt-resource', resource: { resourceType: 'Appointment', start, end, participant: [{ actor: { reference: roleRef } }] } },
            { name: 'patient-id', valueReference: { reference: patientRef } },
          ],
        });
      assert.equal(book('2025-06-21T10:00:00+10:00', '2025-06-21T10:15:00+10:00', `Patient/${patient.id}`).status, 422, 'a Saturday');
      assert.equal(book('2025-06-20T03:00:00+10:00', '2025-06-20T03:15:00+10:00', `Patient/${patient.id}`).status, 422, 'at night');
      const bare = book('2025-06-20T10:00:00+10:00', '2025-06-20T10:15:00+10:00', patient.id);
      assert.equal(bare.status, 422);
      assert.match(bare.issue.diagnostics, /Type\/id/);
      assert.equal(book('2025-06-20T10:00:00+10:00', '2025-06-20T10:15:00+10:00', 'Patient/1').status, 422);
      assert.equal(book('2025-06-20', '2025-06-20T10:15:00+10:00', `Patient/${patient.id}`).status, 422);
      assert.equal(client.refusal('POST', 'Appointment/$book', { resourceType: 'Parameters', parameter: [] }).status, 422);
      assert.equal(client.refusal('POST', 'Appointment/$book', { resourceType: 'Appointment' }).status, 400);
      assert.equal(client.refusal('GET', 'Appointment/$find?end=2025-06-20').status, 400);
      assert.equal(client.refusal('GET', `Appointment/$find?start=2025-06-20&end=2025-06-20&practitioner=${role.split('/')[1]}`).status, 422);
    });

    it('cancels by patching the patient participant status, which frees the slots', () => {
      const appointments = client.search('Appointment?status=booked&date=ge2025-06-10&_count=1').entry?.map((e) => e.resource as Appointment) ?? [];
      const appointment = appointments[0];
      const role = appointment.participant.find((p) => p.actor.reference.startsWith('PractitionerRole/'))?.actor.reference ?? '';
      const schedule = client.search(`Schedule?actor=${role}`).entry?.[0].resource as Resource;
      const held = () => client.search(`Slot?schedule=Schedule/${schedule.id}&start=ge${appointment.start.replace('+', '%2B')}&start=lt${appointment.end.replace('+', '%2B')}`).entry?.map((e) => (e.resource as Slot).status) ?? [];
      assert.ok(held().length > 0 && held().every((s) => s === 'busy'));

      const direct = client.refusal('PATCH', `Appointment/${appointment.id}`, { status: 'cancelled' });
      assert.equal(direct.status, 422);
      assert.deepEqual(direct.issue.expression, ['Appointment.status']);

      const participant = appointment.participant.map((p) =>
        p.actor.reference.startsWith('Patient/') ? { ...p, modifierExtension: [{ url: STATUS_URL, valueCoding: { code: 'cancelled' } }] } : p,
      );
      const response = client.call('PATCH', `Appointment/${appointment.id}`, { participant });
      const cancelled = ok(response, 200) as Appointment;
      assert.equal(cancelled.status, 'cancelled');
      assert.equal(cancelled.meta?.versionId, '2');
      assert.deepEqual(response.changes, [{ resourceType: 'Appointment', id: appointment.id, action: 'update' }]);
      assert.ok(client.ids(`Appointment?status=cancelled&_id=${appointment.id}`).includes(appointment.id));
      assert.ok(held().every((s) => s === 'free'), 'the slots are free again');
      const missing = client.refusal('PATCH', `Appointment/${appointment.id}`, { start: null });
      assert.equal(missing.status, 422);
      assert.deepEqual(missing.issue.expression, ['Appointment.start']);
    });
  });

  describe('operations and conformance', () => {
    it('exports every patient id', () => {
      const body = client.get<{ resourceType: string; parameter: { name: string; valueId?: string; valueInteger?: number }[] }>('Patient/$export-ids');
      assert.equal(body.resourceType, 'Parameters');
      const ids = body.parameter.filter((p) => p.name === 'id').map((p) => p.valueId);
      const all: string[] = [];
      let bundle: Bundle = client.search('Patient?_count=1000');
      for (let page = 0; page < 10; page++) {
        all.push(...matchIds(bundle));
        const next = bundle.link.find((l) => l.relation === 'next')?.url;
        if (next === undefined) {
          break;
        }
        bundle = client.follow(next);
      }
      assert.deepEqual(ids, all);
      assert.equal(body.parameter.find((p) => p.name === 'total')?.valueInteger, all.length);
    });

    it('states in metadata exactly the types, interactions, search parameters and operations it serves', () => {
      const statement = client.get<{ resourceType: string; fhirVersion: string; rest: { resource: { type: string; interaction: { code: string }[]; searchParam?: { name: string }[]; operation?: { name: string }[]; searchInclude?: string[] }[] }[] }>('metadata');
      assert.equal(statement.resourceType, 'CapabilityStatement');
      const resources = statement.rest[0].resource;
      assert.deepEqual(resources.map((r) => r.type).sort(), [...HALAXY_RESOURCE_TYPES, 'SearchParameter'].sort());
      const body: Record<string, unknown> = { resourceType: 'X' };
      for (const resource of resources) {
        const codes = resource.interaction.map((i) => i.code);
        const sample = resource.type === 'DocumentReference' ? undefined : client.search(`${resource.type}?_count=1`).entry?.[0].resource;
        assert.equal(codes.includes('search-type'), resource.type !== 'DocumentReference', resource.type);
        if (sample !== undefined) {
          assert.equal(client.call('GET', `${resource.type}/${sample.id}`).status, 200);
          for (const parameter of resource.searchParam ?? []) {
            const status = client.call('GET', `${resource.type}?${parameter.name}:missing=false&_count=0`).status;
            assert.equal(status, 200, `${resource.type}?${parameter.name}`);
          }
          for (const include of resource.searchInclude ?? []) {
            assert.equal(client.call('GET', `${resource.type}?_include=${include}&_count=1`).status, 200, include);
          }
        }
        const patch = client.call('PATCH', `${resource.type}/${sample?.id ?? '1'}`, {}, { ...FULL_ACCESS });
        assert.equal(patch.status !== 405, codes.includes('patch'), `${resource.type} patch`);
        const create = client.call('POST', resource.type, body);
        assert.equal(create.status !== 405, codes.includes('create'), `${resource.type} create → ${create.status}`);
        const update = client.call('PUT', `${resource.type}/${sample?.id ?? '1'}`, body);
        assert.equal(update.status !== 405, codes.includes('update'), `${resource.type} update`);
      }
      const operations = resources.flatMap((r) => (r.operation ?? []).map((o) => `${r.type}/$${o.name}`)).sort();
      assert.deepEqual(operations, ['Appointment/$book', 'Appointment/$find', 'Patient/$export-ids']);
    });
  });

  it('builds the same service from the same seed', () => {
    const twin = new ServiceClient(new HalaxyFhirService({ practice: practice(), now: () => NOW }));
    const fresh = new ServiceClient(new HalaxyFhirService({ practice: practice(), now: () => NOW }));
    for (const query of ['Organization?_count=100', 'Practitioner?_count=100', 'Coverage?_count=50&page=3', 'Slot?_count=20&page=7', 'Referral?_count=20']) {
      assert.deepEqual(twin.search(query).entry, fresh.search(query).entry, query);
    }
  });
});
