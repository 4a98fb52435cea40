import { strict as assert } from 'node:assert';
import { HalaxyFhirService } from '../../../../../src/sandbox/halaxy/halaxyFhirService';
import { halaxyResources } from '../../../../../src/sandbox/halaxy/resources/halaxyResources';
import { BASE_URL, NOW, ServiceClient, link, matchIds, practice } from './halaxyServiceFixture';
import type { Bundle, Resource } from './halaxyServiceFixture';

const MEDICARE = 'http://ns.electronichealth.net.au/id/medicare-number';
const ALL = '_count=1000';

type Ref = { reference: string };
type Named = Resource & { name: { family?: string; given?: string[]; text?: string }[] };

const norm = (text: string) => text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
const idsOf = (list: readonly Resource[]) => list.map((r) => r.id);
const sortIds = (ids: string[]) => [...ids].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));

describe('Halaxy Sandbox: reads and searches', () => {
  let client: ServiceClient;
  let all: (type: string) => Resource[];

  before(() => {
    const set = halaxyResources(practice());
    all = (type) => (set.resources.get(type as never) ?? []) as Resource[];
    client = new ServiceClient(new HalaxyFhirService({ practice: practice(), now: () => NOW }));
  });

  /** Every match of a search, following `next` links (bounded). */
  const everything = (query: string): string[] => {
    let bundle = client.search(query);
    const ids: string[] = [];
    for (let page = 0; page < 200; page++) {
      ids.push(...matchIds(bundle));
      const next = link(bundle, 'next');
      if (next === undefined) {
        return ids;
      }
      bundle = client.follow(next);
    }
    assert.fail(`${query} did not end within 200 pages`);
  };

  it('reads every type by id and searches every type', () => {
    for (const type of ['Patient', 'Practitioner', 'PractitionerRole', 'Organization', 'HealthcareService', 'Appointment', 'Schedule', 'Slot', 'ChargeItemDefinition', 'Invoice', 'InvoiceLine', 'PaymentTransaction', 'Coverage', 'Referral', 'ReferralDefinition']) {
      const list = all(type);
      assert.ok(list.length > 0, type);
      const sample = list[Math.floor(list.length / 2)];
      assert.deepEqual(client.get(`${type}/${sample.id}`), sample);
      const bundle = client.search(`${type}?_count=5`);
      assert.equal(bundle.total, list.length, `${type} total`);
      assert.deepEqual(matchIds(bundle), idsOf(list.slice(0, 5)), `${type} first page in id order`);
      assert.equal(bundle.entry?.[0].fullUrl, `${BASE_URL}/${type}/${list[0].id}`);
    }
    assert.equal(client.refusal('GET', 'Patient/1').status, 404);
    assert.equal(client.refusal('GET', 'Location').status, 404);
  });

  it('pages with _count and a 1-based page, following next until it is absent', () => {
    const patients = idsOf(all('Patient'));
    let bundle = client.search('Patient?_count=400');
    const seen: string[] = [];
    let pages = 0;
    for (; pages < 20; pages++) {
      assert.equal(bundle.total, patients.length);
      seen.push(...matchIds(bundle));
      const next = link(bundle, 'next');
      if (next === undefined) {
        break;
      }
      assert.match(next, new RegExp(`page=${pages + 2}`));
      bundle = client.follow(next);
    }
    assert.equal(pages + 1, Math.ceil(patients.length / 400));
    assert.ok(pages + 1 > 3);
    assert.deepEqual(seen, patients);
    assert.equal(link(bundle, 'last'), `${BASE_URL}/Patient?_count=400&page=${pages + 1}`);
    assert.deepEqual(client.ids('Patient?_count=400&page=99'), []);
  });

  it('searches _id with a comma list, _lastUpdated with prefixes and _sort', () => {
    const patients = all('Patient');
    const wanted = [patients[7].id, patients[3].id, patients[1500].id];
    assert.deepEqual(client.ids(`Patient?_id=${wanted.join(',')}`), sortIds(wanted));
    const cut = '2024-01-01';
    const after = patients.filter((p) => Date.parse(p.meta?.lastUpdated ?? '') >= Date.parse('2024-01-01T00:00:00+11:00'));
    assert.deepEqual(everything(`Patient?_lastUpdated=ge${cut}&_count=500`), idsOf(after));
    const sorted = [...(patients as Named[])].sort((a, b) => norm(String(a.name[0].family)).localeCompare(norm(String(b.name[0].family))));
    const firstFamily = client.search('Patient?_sort=family&_count=3').entry?.map((e) => (e.resource as Named).name[0].family);
    assert.deepEqual(firstFamily, sorted.slice(0, 3).map((p) => p.name[0].family));
    const last = client.search('Patient?_sort=-family&_count=1').entry?.[0].resource as Named;
    assert.equal(last.name[0].family, sorted[sorted.length - 1].name[0].family);
  });

  it('searches patients by name, family, given, email, phone, birthdate, gender, identifier, general-practitioner and active', () => {
    const patients = all('Patient') as (Named & {
      telecom?: { system: string; value: string }[];
      birthDate: string;
      gender: string;
      identifier?: { system: string; value: string }[];
      generalPractitioner?: Ref[];
      active: boolean;
    })[];
    const sample = patients[42];
    const family = String(sample.name[0].family);
    const prefix = family.slice(0, 3);
    assert.deepEqual(client.ids(`Patient?family=${encodeURIComponent(prefix)}&${ALL}`), idsOf(patients.filter((p) => p.name.some((n) => n.family !== undefined && norm(n.family).startsWith(norm(prefix))))));
    assert.deepEqual(client.ids(`Patient?family:exact=${encodeURIComponent(family)}&${ALL}`), idsOf(patients.filter((p) => p.name.some((n) => n.family === family))));
    const given = String(sample.name[0].given?.[0]);
    assert.deepEqual(client.ids(`Patient?given=${encodeURIComponent(given)}&family=${encodeURIComponent(family)}`), idsOf(patients.filter((p) => p.name.some((n) => n.given?.some((g) => norm(g).startsWith(norm(given)))) && p.name.some((n) => norm(n.family ?? '').startsWith(norm(family))))));
    const middle = family.slice(1, 4);
    const contains = client.ids(`Patient?name:contains=${encodeURIComponent(middle)}&${ALL}`);
    assert.ok(contains.includes(sample.id));
    const email = patients.find((p) => p.telecom?.some((t) => t.system === 'email'))?.telecom?.find((t) => t.system === 'email')?.value ?? '';
    assert.deepEqual(client.ids(`Patient?email=${encodeURIComponent(email)}`), idsOf(patients.filter((p) => p.telecom?.some((t) => t.value === email))));
    const phone = patients.find((p) => p.telecom?.some((t) => t.system === 'phone'))?.telecom?.find((t) => t.system === 'phone')?.value ?? '';
    assert.deepEqual(client.ids(`Patient?phone=${encodeURIComponent(phone)}`), idsOf(patients.filter((p) => p.telecom?.some((t) => t.system === 'phone' && t.value === phone))));
    assert.deepEqual(client.ids(`Patient?birthdate=${sample.birthDate}`), idsOf(patients.filter((p) => p.birthDate === sample.birthDate)));
    assert.deepEqual(everything('Patient?birthdate=lt1950&_count=500'), idsOf(patients.filter((p) => p.birthDate < '1950')));
    assert.deepEqual(everything('Patient?gender=other&_count=500'), idsOf(patients.filter((p) => p.gender === 'other')));
    const medicare = sample.identifier?.find((i) => i.system === MEDICARE)?.value ?? '';
    assert.deepEqual(client.ids(`Patient?identifier=${MEDICARE}|${medicare}`), [sample.id]);
    assert.ok(client.ids(`Patient?identifier=${MEDICARE}|${medicare.slice(0, 10)}`).includes(sample.id), 'the card number without the IRN finds the family');
    const gp = sample.generalPractitioner?.[0].reference ?? '';
    assert.deepEqual(everything(`Patient?general-practitioner=${gp}&_count=500`), idsOf(patients.filter((p) => p.generalPractitioner?.[0].reference === gp)));
    assert.deepEqual(everything('Patient?active=false&_count=500'), idsOf(patients.filter((p) => !p.active)));
    assert.ok(idsOf(patients.filter((p) => !p.active)).length > 0);
  });

  it('searches practitioners, roles, organisations and appointment types', () => {
    const practitioners = all('Practitioner') as (Named & { active: boolean; identifier: { system: string; value: string }[] })[];
    const doctor = practitioners.find((p) => p.id.startsWith('PR-')) ?? practitioners[0];
    assert.deepEqual(client.ids(`Practitioner?family=${encodeURIComponent(String(doctor.name[0].family))}&given=${encodeURIComponent(String(doctor.name[0].given?.[0]))}`), [doctor.id]);
    assert.ok(client.ids(`Practitioner?name=${encodeURIComponent(String(doctor.name[0].family))}`).includes(doctor.id));
    assert.deepEqual(client.ids(`Practitioner?identifier=${doctor.identifier[0].system}|${doctor.identifier[0].value}`), [doctor.id]);
    assert.deepEqual(client.ids('Practitioner?active=false'), idsOf(practitioners.filter((p) => !p.active)));
    const roles = all('PractitionerRole') as (Resource & { practitioner: Ref; organization: Ref })[];
    assert.deepEqual(client.ids(`PractitionerRole?practitioner=Practitioner/${doctor.id}`), idsOf(roles.filter((r) => r.practitioner.reference === `Practitioner/${doctor.id}`)));

    const organizations = all('Organization') as (Resource & { name: string; type: { coding: { code: string }[] }[] })[];
    assert.deepEqual(client.ids('Organization?type=funder'), idsOf(organizations.filter((o) => o.id.startsWith('FD-'))));
    assert.deepEqual(client.ids('Organization?type=clinic'), idsOf(organizations.filter((o) => o.id.startsWith('CL-'))));
    assert.deepEqual(client.ids('Organization?name=medicare'), idsOf(organizations.filter((o) => norm(o.name).startsWith('medicare'))));
    assert.deepEqual(client.ids('Organization?identifier=http://hl7.org.au/id/abn|' + practice().abn.replace(/\s/g, '')), idsOf(organizations.filter((o) => o.id.startsWith('PG-'))));
    const clinic = organizations.find((o) => o.id.startsWith('CL-'));
    assert.deepEqual(client.ids(`PractitionerRole?organization=Organization/${clinic?.id}`), idsOf(roles.filter((r) => r.organization.reference === `Organization/${clinic?.id}`)));

    const services = all('HealthcareService') as (Resource & { name: string; providedBy: Ref })[];
    assert.deepEqual(client.ids('HealthcareService?name=long'), idsOf(services.filter((s) => norm(s.name).startsWith('long'))));
    assert.deepEqual(client.ids(`HealthcareService?organization=${services[0].providedBy.reference}&active=true`), idsOf(services));
  });

  it('searches appointments by date, patient, actor, practitioner, location, status and service-type', () => {
    type Appt = Resource & { start: string; status: string; serviceType: { coding: { code: string }[] }[]; extension: { valueReference: Ref }[]; participant: { actor: Ref & { type: string } }[] };
    const appointments = all('Appointment') as Appt[];
    const actor = (a: Appt, type: string) => a.participant.find((p) => p.actor.type === type)?.actor.reference;
    const sample = appointments[appointments.length - 400];
    const day = sample.start.slice(0, 10);
    assert.deepEqual(everything(`Appointment?date=${day}&_count=100`), idsOf(appointments.filter((a) => a.start.startsWith(day))));
    const patient = actor(sample, 'Patient') ?? '';
    const byPatient = idsOf(appointments.filter((a) => actor(a, 'Patient') === patient));
    assert.deepEqual(client.ids(`Appointment?patient=${patient}&${ALL}`), byPatient);
    assert.deepEqual(client.ids(`Appointment?actor=${patient}&${ALL}`), byPatient);
    assert.deepEqual(client.ids(`Appointment?patient=${BASE_URL}/${patient}&${ALL}`), byPatient, 'absolute references too');
    const role = actor(sample, 'PractitionerRole') ?? '';
    const practitioner = actor(sample, 'Practitioner') ?? '';
    const withRole = appointments.filter((a) => actor(a, 'PractitionerRole') === role && a.start.startsWith(day));
    assert.deepEqual(client.ids(`Appointment?practitioner=${practitioner}&date=${day}&${ALL}`), idsOf(withRole));
    assert.deepEqual(client.ids(`Appointment?actor=${role}&date=${day}&${ALL}`), idsOf(withRole));
    const clinic = sample.extension[0].valueReference.reference;
    assert.deepEqual(client.ids(`Appointment?location=${clinic}&date=${day}&${ALL}`), idsOf(appointments.filter((a) => a.extension[0].valueReference.reference === clinic && a.start.startsWith(day))));
    assert.deepEqual(everything(`Appointment?status=cancelled&date=ge${day}&_count=200`), idsOf(appointments.filter((a) => a.status === 'cancelled' && a.start >= day)));
    const service = sample.serviceType[0].coding[0].code;
    assert.deepEqual(client.ids(`Appointment?service-type=${service}&date=${day}&${ALL}`), idsOf(appointments.filter((a) => a.serviceType[0].coding[0].code === service && a.start.startsWith(day))));
  });

  it('includes the patient and practitioner of appointments with _include', () => {
    const bundle: Bundle = client.search(`Appointment?_count=20&_include=Appointment:patient&_include=Appointment:practitioner`);
    const matches = (bundle.entry ?? []).filter((e) => e.search.mode === 'match').map((e) => e.resource as Resource & { participant: { actor: Ref }[] });
    const included = new Set((bundle.entry ?? []).filter((e) => e.search.mode === 'include').map((e) => `${e.resource.resourceType}/${e.resource.id}`));
    assert.equal(matches.length, 20);
    const expected = new Set(matches.flatMap((a) => a.participant.map((p) => p.actor.reference).filter((r) => /^(Patient|Practitioner|PractitionerRole)\//.test(r))));
    assert.deepEqual([...included].sort(), [...expected].sort());
    const patients = client.search(`Appointment?_count=5&_include=Appointment:patient`).entry?.filter((e) => e.search.mode === 'include').map((e) => e.resource.resourceType);
    assert.ok(patients !== undefined && patients.length > 0 && patients.every((t) => t === 'Patient'));
  });

  it('searches by POST {type}/_search with a form body, and honours _summary=count and _total=none', () => {
    const patients = all('Patient') as Named[];
    const family = String(patients[9].name[0].family);
    const expected = client.ids(`Patient?family:exact=${encodeURIComponent(family)}&${ALL}`);
    assert.ok(expected.includes(patients[9].id));
    const posted = client.call('POST', 'Patient/_search', `family:exact=${encodeURIComponent(family)}`);
    assert.equal(posted.status, 200);
    assert.deepEqual(matchIds(posted.body as Bundle), expected);
    assert.equal(client.refusal('GET', 'Patient/_search').status, 405);
    const count = client.search('Appointment?_summary=count');
    assert.equal(count.total, all('Appointment').length);
    assert.equal(count.entry, undefined);
    assert.equal(client.search('Appointment?_total=none&_count=2').total, undefined);
  });

  it('refuses a bare id in a reference parameter with 422', () => {
    const patient = all('Patient')[0].id;
    const refusal = client.refusal('GET', `Appointment?patient=${patient}`);
    assert.equal(refusal.status, 422);
    assert.match(refusal.issue.diagnostics, new RegExp(`Patient/${patient}`));
    assert.equal(client.refusal('GET', `Coverage?beneficiary=${patient}`).status, 422);
    assert.equal(client.refusal('GET', 'Patient?_count=abc').status, 400);
  });

  it('searches availability: schedules by actor, slots by schedule, status, start, end, practitioner and practitioner-role', () => {
    type Slot = Resource & { schedule: Ref; status: string; start: string; end: string };
    const schedules = all('Schedule') as (Resource & { actor: Ref[] })[];
    const schedule = schedules[0];
    const [role, practitioner] = schedule.actor.map((a) => a.reference);
    assert.deepEqual(client.ids(`Schedule?actor=${practitioner}`), [schedule.id]);
    assert.deepEqual(client.ids(`Schedule?actor=${role}`), [schedule.id]);
    const slots = (all('Slot') as Slot[]).filter((s) => s.schedule.reference === `Schedule/${schedule.id}`);
    const day = slots[40].start.slice(0, 10);
    const expected = idsOf(slots.filter((s) => s.status === 'free' && s.start.startsWith(day)));
    assert.ok(expected.length > 0);
    assert.deepEqual(client.ids(`Slot?schedule=Schedule/${schedule.id}&status=free&start=${day}&${ALL}`), expected);
    assert.deepEqual(client.ids(`Slot?practitioner=${practitioner}&status=free&start=${day}&${ALL}`), expected);
    assert.deepEqual(client.ids(`Slot?practitioner-role=${role}&status=free&start=${day}&${ALL}`), expected);
    assert.deepEqual(client.ids(`Slot?schedule=Schedule/${schedule.id}&end=le${day}T10:00&start=${day}&${ALL}`), idsOf(slots.filter((s) => s.start.startsWith(day) && Date.parse(s.end) <= Date.parse(`${day}T10:01:00${s.end.slice(19)}`))));
  });

  it('searches fees, invoices, lines, payments, claim details and referrals', () => {
    const fees = all('ChargeItemDefinition') as (Resource & { code: { coding: { system: string; code: string }[] } })[];
    assert.deepEqual(client.ids(`ChargeItemDefinition?code=${fees[1].code.coding[0].system}|${fees[1].code.coding[0].code}`), [fees[1].id]);
    assert.deepEqual(client.ids('ChargeItemDefinition?status=active'), idsOf(fees));

    const invoices = all('Invoice') as (Resource & { subject: Ref; recipient: Ref; created: string; status: string })[];
    const invoice = invoices[invoices.length - 100];
    assert.deepEqual(client.ids(`Invoice?subject=${invoice.subject.reference}&${ALL}`), idsOf(invoices.filter((i) => i.subject.reference === invoice.subject.reference)));
    const day = invoice.created.slice(0, 10);
    assert.deepEqual(client.ids(`Invoice?created=${day}&${ALL}`), idsOf(invoices.filter((i) => i.created.startsWith(day))));
    const medicare = (all('Organization') as (Resource & { name: string })[]).find((o) => o.name === 'Medicare');
    assert.deepEqual(client.ids(`Invoice?recipient=Organization/${medicare?.id}&created=${day}&${ALL}`), idsOf(invoices.filter((i) => i.recipient.reference === `Organization/${medicare?.id}` && i.created.startsWith(day))));
    assert.deepEqual(everything(`Invoice?status=issued&_count=500`), idsOf(invoices.filter((i) => i.status === 'issued')));

    const lines = all('InvoiceLine') as (Resource & { invoice: Ref; subject: Ref })[];
    assert.deepEqual(client.ids(`InvoiceLine?invoice=Invoice/${invoice.id}`), idsOf(lines.filter((l) => l.invoice.reference === `Invoice/${invoice.id}`)));
    assert.deepEqual(client.ids(`InvoiceLine?subject=${invoice.subject.reference}&${ALL}`), idsOf(lines.filter((l) => l.subject.reference === invoice.subject.reference)));

    const payments = all('PaymentTransaction') as (Resource & { invoice: Ref; patient: Ref; date: string })[];
    const payment = payments[payments.length - 50];
    assert.deepEqual(client.ids(`PaymentTransaction?invoice=${payment.invoice.reference}`), [payment.id]);
    assert.deepEqual(client.ids(`PaymentTransaction?patient=${payment.patient.reference}&${ALL}`), idsOf(payments.filter((p) => p.patient.reference === payment.patient.reference)));
    assert.deepEqual(client.ids(`PaymentTransaction?date=${payment.date.slice(0, 10)}&${ALL}`), idsOf(payments.filter((p) => p.date.startsWith(payment.date.slice(0, 10)))));

    const coverages = all('Coverage') as (Resource & { beneficiary: Ref; payor: Ref[]; type: { coding: { code: string }[] } })[];
    const coverage = coverages[10];
    assert.deepEqual(client.ids(`Coverage?beneficiary=${coverage.beneficiary.reference}`), idsOf(coverages.filter((c) => c.beneficiary.reference === coverage.beneficiary.reference)));
    assert.deepEqual(everything(`Coverage?payor=${coverage.payor[0].reference}&_count=1000`), idsOf(coverages.filter((c) => c.payor[0].reference === coverage.payor[0].reference)));
    assert.deepEqual(client.ids(`Coverage?type=ndis`), idsOf(coverages.filter((c) => c.type.coding[0].code === 'ndis')));

    const referrals = all('Referral') as (Resource & { subject: Ref; requester: Ref; performer: Ref })[];
    const referral = referrals[3];
    assert.deepEqual(client.ids(`Referral?subject=${referral.subject.reference}`), idsOf(referrals.filter((r) => r.subject.reference === referral.subject.reference)));
    assert.deepEqual(client.ids(`Referral?requester=${referral.requester.reference}&${ALL}`), idsOf(referrals.filter((r) => r.requester.reference === referral.requester.reference)));
    assert.deepEqual(client.ids(`Referral?recipient=${referral.performer.reference}&${ALL}`), idsOf(referrals.filter((r) => r.performer.reference === referral.performer.reference)));
    assert.deepEqual(client.ids('ReferralDefinition?name=medicare'), idsOf(all('ReferralDefinition').filter((d) => String(d.name).startsWith('Medicare'))));
  });

  it('serves its search parameters as SearchParameter resources', () => {
    const appointment = client.ids('SearchParameter?base=Appointment&_count=100');
    for (const name of ['date', 'patient', 'actor', 'practitioner', 'location', 'status', 'service-type']) {
      assert.ok(appointment.includes(`Appointment-${name}`), name);
    }
    assert.ok(appointment.includes('Resource-id'));
    const parameter = client.get('SearchParameter/Patient-general-practitioner');
    assert.equal(parameter.type, 'reference');
    assert.equal(parameter.code, 'general-practitioner');
  });
});
