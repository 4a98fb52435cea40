import { strict as assert } from 'node:assert';
import { startTestSandbox } from '../../../support/sandboxFixture';
import type { TestSandbox } from '../../../support/sandboxFixture';

describe('Sandbox server: FHIR routes', () => {
  let t: TestSandbox;
  const fhir = (role: Parameters<TestSandbox['sitePath']>[0], rest: string) => t.sitePath(role, `/fhir/R4/${rest}`);

  before(async () => {
    t = await startTestSandbox();
  });

  after(async () => {
    await t?.sandbox.stop();
  });

  it('serves the CapabilityStatement of the Best Practice site as application/json', async () => {
    const response = await t.client.get(fhir('bestPractice', 'metadata'));
    assert.equal(response.status, 200);
    assert.equal(response.body.resourceType, 'CapabilityStatement');
    assert.match(response.headers.get('content-type') ?? '', /^application\/json/);
  });

  it('searches with GET and reads a resource, with links under the site\'s fhir/R4 base', async () => {
    const bundle = await t.client.get(fhir('bestPractice', 'Patient?_count=3'));
    assert.equal(bundle.status, 200);
    assert.equal(bundle.body.resourceType, 'Bundle');
    assert.equal(bundle.body.entry.length, 3);
    const base = `${t.sandbox.url}${t.sitePath('bestPractice', '/fhir/R4')}`;
    assert.ok(bundle.body.entry[0].fullUrl.startsWith(`${base}/Patient/`), bundle.body.entry[0].fullUrl);
    const id = bundle.body.entry[0].resource.id;
    const patient = await t.client.get(fhir('bestPractice', `Patient/${id}`));
    assert.equal(patient.status, 200);
    assert.equal(patient.body.id, id);
    const missing = await t.client.get(fhir('bestPractice', 'Patient/999999999'));
    assert.equal(missing.status, 404);
    assert.equal(missing.body.resourceType, 'OperationOutcome');
  });

  it('searches with POST _search and a form body, giving what the GET search gives', async () => {
    const first = (await t.client.get(fhir('bestPractice', 'Patient?_count=1'))).body.entry[0].resource;
    const family = first.name[0].family as string;
    const posted = await t.client.post(fhir('bestPractice', 'Patient/_search'), undefined, { form: { family } });
    assert.equal(posted.status, 200);
    assert.equal(posted.body.resourceType, 'Bundle');
    assert.ok(posted.body.entry.some((entry: { resource: { id: string } }) => entry.resource.id === first.id));
    const viaGet = await t.client.get(fhir('bestPractice', `Patient?family=${encodeURIComponent(family)}`));
    assert.equal(posted.body.total, viaGet.body.total);
    const notForm = await t.client.post(fhir('bestPractice', 'Patient/_search'), { family });
    assert.equal(notForm.status, 400);
    assert.equal(notForm.body.resourceType, 'OperationOutcome');
  });

  it('answers 400 OperationOutcome (not-supported) for Zedmed and D4w sites, which have no FHIR facade', async () => {
    for (const role of ['zedmed', 'd4w'] as const) {
      const response = await t.client.get(fhir(role, 'Patient'));
      assert.equal(response.status, 400);
      assert.equal(response.body.issue[0].code, 'not-supported');
    }
  });

  it('answers 503 for the offline site, 403 OperationOutcome for an unpaired one, 404 for an unknown one', async () => {
    const offline = await t.client.get(fhir('offline', 'metadata'));
    assert.equal(offline.status, 503);
    assert.match(offline.body.error.message, /Site could not be contacted/);
    const unpaired = await t.client.get(fhir('unpaired', 'Patient'));
    assert.equal(unpaired.status, 403);
    assert.equal(unpaired.body.resourceType, 'OperationOutcome');
    const unknown = await t.client.get('/integrator/sites/00000000-0000-4000-8000-000000000000/fhir/R4/Patient');
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.issue[0].code, 'not-found');
  });
});
