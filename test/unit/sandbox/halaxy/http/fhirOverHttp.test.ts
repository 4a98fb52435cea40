import { strict as assert } from 'node:assert';
import { halaxyRequest, startHalaxySandbox } from './halaxyFixture';
import type { HalaxyTestSandbox } from './halaxyFixture';

const MAX_PAGES = 200;

describe('Halaxy Sandbox: FHIR over HTTP with each key', () => {
  let t: HalaxyTestSandbox;
  const tokens: Record<'full' | 'readOnly' | 'noPatients', string> = { full: '', readOnly: '', noPatients: '' };
  const newPatient = (family: string) => ({
    resourceType: 'Patient',
    name: [{ use: 'official', family, given: ['Hana'] }],
    gender: 'female',
    birthDate: '1985-07-14',
    telecom: [{ system: 'email', value: `${family.toLowerCase()}@example.com` }],
  });

  before(async () => {
    t = await startHalaxySandbox();
    for (const name of ['full', 'readOnly', 'noPatients'] as const) {
      tokens[name] = await t.token(name);
    }
  });

  after(async () => {
    await t?.sandbox.stop();
  });

  const firstId = async (type: string): Promise<string> => {
    const bundle = await t.fhir('GET', `${type}?_count=1`, { token: tokens.full });
    assert.equal(bundle.status, 200, bundle.text);
    return bundle.body.entry[0].resource.id as string;
  };

  it('the read-only key reads but every create is refused with 403', async () => {
    const search = await t.fhir('GET', 'Patient?_count=2', { token: tokens.readOnly });
    assert.equal(search.status, 200);
    assert.equal(search.body.resourceType, 'Bundle');
    const refused = await t.fhir('POST', 'Patient', { token: tokens.readOnly, json: newPatient('Readonly') });
    assert.equal(refused.status, 403);
    assert.equal(refused.body.resourceType, 'OperationOutcome');
    const absent = await t.fhir('GET', 'Patient?family=Readonly', { token: tokens.full });
    assert.equal((absent.body.entry ?? []).length, 0, 'nothing was created');
  });

  it('the key without Patients is refused Patient reads, searches and writes, yet reads Practitioners', async () => {
    const patientId = await firstId('Patient');
    for (const [method, path, json] of [
      ['GET', 'Patient?_count=1', undefined],
      ['GET', `Patient/${patientId}`, undefined],
      ['POST', 'Patient', newPatient('Nopatients')],
    ] as const) {
      const refused = await t.fhir(method, path, { token: tokens.noPatients, json });
      assert.equal(refused.status, 403, `${method} ${path}`);
      assert.equal(refused.body.resourceType, 'OperationOutcome');
    }
    const practitioners = await t.fhir('GET', 'Practitioner?_count=5', { token: tokens.noPatients });
    assert.equal(practitioners.status, 200);
    assert.ok(practitioners.body.entry.length > 0);
    assert.ok(practitioners.body.entry.every((entry: { resource: { resourceType: string } }) => entry.resource.resourceType === 'Practitioner'));
  });

  it('pages through more than three pages by following next links over HTTP, each resource once', async () => {
    const seen = new Set<string>();
    let url: string | undefined = `${t.base}/Patient?_count=20`;
    let pages = 0;
    let total: number | undefined;
    while (url !== undefined && pages < MAX_PAGES) {
      const page = await halaxyRequest(url, 'GET', { token: tokens.full });
      assert.equal(page.status, 200, page.text);
      pages++;
      total ??= page.body.total;
      for (const entry of page.body.entry ?? []) {
        assert.ok(!seen.has(entry.resource.id), `Patient/${entry.resource.id} came twice`);
        seen.add(entry.resource.id);
      }
      const next = (page.body.link as { relation: string; url: string }[]).find((link) => link.relation === 'next');
      if (next) {
        assert.ok(next.url.startsWith(`${t.base}/`) || !/^https?:/.test(next.url), `next link ${next.url} points at the Sandbox`);
        assert.match(next.url, /[?&]page=\d+/);
      }
      url = next ? new URL(next.url, `${t.base}/`).href : undefined;
    }
    assert.equal(url, undefined, 'the last page has no next link');
    assert.ok(pages > 3, `only ${pages} pages`);
    if (total !== undefined) {
      assert.equal(seen.size, total);
    }
  });

  it('creates, reads back, updates and merge-patches a Patient over HTTP', async () => {
    const created = await t.fhir('POST', 'Patient', { token: tokens.full, json: newPatient('Overhttp') });
    assert.equal(created.status, 201, created.text);
    assert.equal(created.body.resourceType, 'Patient');
    const id = created.body.id as string;
    assert.ok(id);

    const read = await t.fhir('GET', `Patient/${id}`, { token: tokens.readOnly });
    assert.equal(read.status, 200);
    assert.equal(read.body.name[0].family, 'Overhttp');

    const replaced = await t.fhir('PUT', `Patient/${id}`, { token: tokens.full, json: { ...read.body, name: [{ use: 'official', family: 'Overhttp', given: ['Hanna'] }] } });
    assert.equal(replaced.status, 200, replaced.text);
    assert.deepEqual(replaced.body.name[0].given, ['Hanna']);

    const patched = await t.fhir('PATCH', `Patient/${id}`, { token: tokens.full, json: { gender: 'other' }, contentType: 'application/merge-patch+json' });
    assert.equal(patched.status, 200, patched.text);
    assert.equal(patched.body.gender, 'other');
    assert.equal((await t.fhir('GET', `Patient/${id}`, { token: tokens.full })).body.gender, 'other');

    const refusedUpdate = await t.fhir('PATCH', `Patient/${id}`, { token: tokens.readOnly, json: { gender: 'male' }, contentType: 'application/merge-patch+json' });
    assert.equal(refusedUpdate.status, 403);
  });

  it('validates writes over HTTP: an invalid Patient is a 422 OperationOutcome and nothing is stored', async () => {
    const invalid = await t.fhir('POST', 'Patient', { token: tokens.full, json: { ...newPatient('Invalid'), birthDate: 'yesterday' } });
    assert.equal(invalid.status, 422, invalid.text);
    assert.equal(invalid.body.resourceType, 'OperationOutcome');
    assert.ok(invalid.body.issue.length > 0);
    const stored = await t.fhir('GET', 'Patient?family=Invalid', { token: tokens.full });
    assert.equal((stored.body.entry ?? []).length, 0);
  });

  it('answers a bare id in a reference parameter with 422 and an unknown id with 404', async () => {
    const patientId = await firstId('Patient');
    const bare = await t.fhir('GET', `Appointment?patient=${patientId}`, { token: tokens.full });
    assert.equal(bare.status, 422, bare.text);
    assert.equal(bare.body.resourceType, 'OperationOutcome');
    const typed = await t.fhir('GET', `Appointment?patient=Patient/${patientId}`, { token: tokens.full });
    assert.equal(typed.status, 200);
    const missing = await t.fhir('GET', 'Patient/does-not-exist', { token: tokens.full });
    assert.equal(missing.status, 404);
    assert.equal(missing.body.resourceType, 'OperationOutcome');
  });
});
