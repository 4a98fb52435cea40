import assert from 'node:assert/strict';
import { ApiError, isApiError } from '../../../../src/core/errors';
import { bundleResources } from '../../../../src/core/fhir/bundle';
import type { Bundle, FhirResource } from '../../../../src/core/fhir/bundle';
import { parseReference } from '../../../../src/core/fhir/reference';
import { HalaxyClient } from '../../../../src/core/halaxy/halaxyClient';
import type { HalaxyClientOptions, RateLimit } from '../../../../src/core/halaxy/halaxyClient';
import type { RequestEvent } from '../../../../src/core/http/httpClient';
import type { HalaxyClientName } from '../../../../src/sandbox/halaxy/halaxyAuth';
import { rejectionOf } from '../support/loopbackServer';
import { startTestSandbox } from '../../../support/sandboxFixture';
import type { TestSandbox } from '../../../support/sandboxFixture';

describe('core/halaxy HalaxyClient against the Sandbox', function () {
  this.timeout(60_000);
  let fixture: TestSandbox;
  const clients: HalaxyClient[] = [];

  before(async () => {
    fixture = await startTestSandbox();
  });

  afterEach(() => clients.splice(0).forEach((created) => created.dispose()));

  after(() => fixture.sandbox.stop());

  function client(name: HalaxyClientName = 'full', options: Partial<HalaxyClientOptions> = {}, sandbox = fixture): HalaxyClient {
    const key = sandbox.sandbox.halaxy.clients.find((candidate) => candidate.name === name);
    assert.ok(key, `the Sandbox has a ${name} key`);
    const created = new HalaxyClient({
      region: { baseUrl: sandbox.sandbox.halaxy.url },
      clientId: key.clientId,
      clientSecret: key.clientSecret,
      now: () => sandbox.clock.now(),
      ...options,
    });
    clients.push(created);
    return created;
  }

  it('reads the CapabilityStatement, searches and reads a patient', async () => {
    const halaxy = client();
    const statement = await halaxy.capabilities();
    assert.equal(statement.resourceType, 'CapabilityStatement');
    const bundle = await halaxy.search('Patient', { _count: 5, _sort: 'family' });
    const patients = bundleResources(bundle);
    assert.equal(patients.length, 5);
    const read = await halaxy.read('Patient', patients[2].id ?? '');
    assert.deepEqual(read, patients[2]);
    assert.ok(isApiError(await rejectionOf(halaxy.read('Patient', 'no-such-patient')), 'notFound'));
  });

  it('pages through every patient, more than three pages, and matches $export-ids', async () => {
    const halaxy = client();
    const bundles: Bundle[] = [];
    for await (const bundle of halaxy.searchPages('Patient', { _count: 20 })) {
      bundles.push(bundle);
    }
    assert.ok(bundles.length > 3, `${bundles.length} pages`);
    const ids = bundles.flatMap((bundle) => bundleResources(bundle).map((resource) => resource.id));
    assert.equal(new Set(ids).size, ids.length, 'no patient twice');
    if (bundles[0].total !== undefined) {
      assert.equal(ids.length, bundles[0].total);
    }
    const exported = await halaxy.exportPatientIds();
    const exportedIds = (exported.parameter as { name: string; valueId?: string }[]).filter((p) => p.name === 'id').map((p) => p.valueId);
    assert.deepEqual([...exportedIds].sort(), [...ids].sort());
  });

  it('brings included patients with appointments, and refuses a bare reference with the server’s words', async () => {
    const halaxy = client();
    const bundle = await halaxy.search('Appointment', { _count: 5, _include: 'Appointment:patient' });
    const appointments = bundleResources(bundle);
    assert.ok(appointments.length > 0);
    const included = new Set(bundleResources(bundle, 'include').map((resource) => `${resource.resourceType}/${resource.id}`));
    for (const appointment of appointments) {
      const patientRef = (appointment.participant as { actor?: { reference?: string } }[])
        .map((participant) => parseReference(participant.actor?.reference ?? ''))
        .find((reference) => reference?.type === 'Patient');
      assert.ok(patientRef && included.has(`Patient/${patientRef.id}`), `the patient of Appointment/${appointment.id} came along`);
    }
    const someone = [...included][0].split('/')[1];
    const bare = await rejectionOf(halaxy.search('Appointment', { patient: someone }));
    assert.ok(isApiError(bare, 'badRequest'));
    assert.equal(bare.status, 422);
    assert.ok(bare.message.length > 0 && !bare.message.startsWith('The server answered'), bare.message);
    const byReference = await halaxy.search('Appointment', { patient: `Patient/${someone}` });
    assert.ok(bundleResources(byReference).length > 0);
  });

  it('creates and patches a patient, and a read-only key is refused the write', async () => {
    const halaxy = client();
    const created = await halaxy.create({
      resourceType: 'Patient',
      name: [{ use: 'official', family: 'Testcase', given: ['Client'] }],
      gender: 'female',
      birthDate: '1980-02-29',
    });
    assert.ok(typeof created.id === 'string' && created.id !== '');
    assert.deepEqual(created.name, [{ use: 'official', family: 'Testcase', given: ['Client'] }]);
    const patched = await halaxy.patch('Patient', created.id, { telecom: [{ system: 'email', value: 'client.testcase@example.com' }] });
    assert.deepEqual(patched.telecom, [{ system: 'email', value: 'client.testcase@example.com' }]);
    assert.equal(patched.gender, 'female', 'a merge patch leaves the rest alone');
    assert.deepEqual((await halaxy.read('Patient', created.id)).telecom, patched.telecom);
    const found = await halaxy.search('Patient', { family: 'Testcase' });
    assert.deepEqual(bundleResources(found).map((resource) => resource.id), [created.id]);

    const readOnly = client('readOnly');
    const refused = await rejectionOf(readOnly.create({ resourceType: 'Patient', name: [{ family: 'Nope' }] }));
    assert.ok(isApiError(refused, 'forbidden'), String(refused));
    assert.match(refused.message, /permission/);
    assert.ok(isApiError(await rejectionOf(readOnly.patch('Patient', created.id, { gender: 'male' })), 'forbidden'));
    assert.equal((await readOnly.read('Patient', created.id)).gender, 'female', 'reading is allowed, and nothing changed');
    assert.ok(isApiError(await rejectionOf(client('noPatients').read('Patient', created.id)), 'forbidden'));
  });

  it('is told clinical notes cannot be read (notAllowed)', async () => {
    const error = await rejectionOf(client().search('DocumentReference'));
    assert.ok(isApiError(error, 'notAllowed'), String(error));
    assert.equal(error.status, 405);
  });

  it('finds a free time and books it', async () => {
    const halaxy = client();
    const start = new Date(fixture.clock.now() + 2 * 86_400_000).toISOString().slice(0, 10);
    const end = new Date(fixture.clock.now() + 9 * 86_400_000).toISOString().slice(0, 10);
    const proposals = bundleResources((await halaxy.find({ start, end, duration: 30, _count: 3 })) as Bundle);
    assert.ok(proposals.length > 0, 'some practitioner is free in the coming week');
    const [patient] = bundleResources(await halaxy.search('Patient', { _count: 1 }));
    const booked = await halaxy.book({
      resourceType: 'Parameters',
      parameter: [
        { name: 'appt-resource', resource: proposals[0] },
        { name: 'patient-id', valueString: `Patient/${patient.id}` },
      ],
    });
    assert.equal(booked.resourceType, 'Appointment');
    assert.equal(booked.status, 'booked');
    assert.equal(booked.start, proposals[0].start);
    const again = await rejectionOf(
      halaxy.book({ resourceType: 'Parameters', parameter: [{ name: 'appt-resource', resource: proposals[0] }, { name: 'patient-id', valueString: `Patient/${patient.id}` }] }),
    );
    assert.ok(isApiError(again, 'badRequest'), 'the time is taken now');
    assert.equal(again.status, 409);
  });

  it('refreshes its token before it expires by the shared clock, and once more when the server refuses it', async () => {
    const tokenRequests = (events: RequestEvent[]) => events.filter((event) => event.path.endsWith('/oauth/token')).length;
    const events: RequestEvent[] = [];
    const halaxy = client('full', { http: { onRequest: (event) => events.push(event) } });
    await halaxy.read('Patient', (await firstPatient(halaxy)).id ?? '');
    assert.equal(tokenRequests(events), 1);
    fixture.clock.advance(839_000);
    await firstPatient(halaxy);
    assert.equal(tokenRequests(events), 1, 'still within 15 minutes less the margin');
    fixture.clock.advance(2_000);
    await firstPatient(halaxy);
    assert.equal(tokenRequests(events), 2, 'renewed before Halaxy would refuse it');

    // A client whose clock disagrees with the server's: the server's 401 makes it renew once and retry.
    const skewed: RequestEvent[] = [];
    const unaware = client('full', { now: Date.now, http: { onRequest: (event) => skewed.push(event) } });
    await firstPatient(unaware);
    fixture.clock.advance(901_000);
    await firstPatient(unaware);
    assert.equal(tokenRequests(skewed), 2);
    assert.deepEqual(skewed.map((event) => event.path.split('/').pop()), ['token', 'Patient', 'Patient', 'token', 'Patient']);
  });

  it('tracks the quota and reports a refusal over a small limit until the window moves on', async () => {
    const limited = await startTestSandbox({ halaxyRateLimit: 3 });
    try {
      const seen: RateLimit[] = [];
      // A short retry budget: the Sandbox's Retry-After counts its ManualClock's seconds, which real time never moves.
      const halaxy = client('full', { onRateLimit: (rateLimit) => seen.push(rateLimit), http: { retryBudgetMs: 500 } }, limited);
      for (let index = 0; index < 3; index++) {
        await halaxy.capabilities();
      }
      assert.deepEqual(seen.map((rateLimit) => [rateLimit.limit, rateLimit.remaining]), [[3, 2], [3, 1], [3, 0]]);
      assert.equal(halaxy.rateLimit?.at, limited.clock.now());
      const refused = await rejectionOf(halaxy.capabilities());
      assert.ok(refused instanceof ApiError && refused.kind === 'rateLimited', String(refused));
      assert.ok((refused.retryAfterSeconds ?? 0) >= 1 && (refused.retryAfterSeconds ?? 0) <= 60, `retry after ${refused.retryAfterSeconds}`);
      assert.equal(halaxy.rateLimit?.remaining, 0);
      limited.clock.advance(60_000);
      await halaxy.capabilities();
      assert.equal(halaxy.rateLimit?.remaining, 2);
    } finally {
      clients.splice(0).forEach((created) => created.dispose());
      await limited.sandbox.stop();
    }
  });
});

async function firstPatient(halaxy: HalaxyClient): Promise<FhirResource> {
  const [patient] = bundleResources(await halaxy.search('Patient', { _count: 1 }));
  assert.ok(patient);
  return patient;
}
