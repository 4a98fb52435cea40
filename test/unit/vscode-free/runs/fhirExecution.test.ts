import assert from 'node:assert/strict';
import { parseFhirDocument } from '../../../../src/core/documents/fhirDocument';
import { isApiError } from '../../../../src/core/errors';
import { isBundle } from '../../../../src/core/fhir/bundle';
import type { Bundle } from '../../../../src/core/fhir/bundle';
import { HalaxyClient } from '../../../../src/core/halaxy/halaxyClient';
import { HaloConnectClient } from '../../../../src/core/haloConnect/haloConnectClient';
import { startSandbox } from '../../../../src/sandbox/sandbox';
import type { RunningSandbox } from '../../../../src/sandbox/sandbox';
import { capabilityResources } from '../../../../src/core/fhir/capabilities';
import { executeFhir, requestText, unsupportedFhirCall } from '../../../../src/vscode/runs/fhirExecution';
import type { FhirTarget } from '../../../../src/vscode/runs/fhirExecution';
import { rejectionOf } from '../../core/support/loopbackServer';

/** The one request of a `.fhir` text, as the documents parser reads it. */
function request(text: string) {
  const [parsed] = parseFhirDocument(text).requests;
  assert.ok(parsed, `no request in ${text}`);
  assert.deepEqual(parsed.diagnostics.filter((diagnostic) => diagnostic.severity === 'error'), []);
  return parsed;
}

describe('vscode/runs/fhirExecution against the Sandbox', function () {
  this.timeout(60_000);
  let sandbox: RunningSandbox;
  let halo: HaloConnectClient;
  let halaxy: HalaxyClient;
  let bestPractice: FhirTarget;
  let halaxyTarget: FhirTarget;

  before(async () => {
    sandbox = await startSandbox({ patients: 200 });
    halo = new HaloConnectClient({ environment: { baseUrl: sandbox.url }, subscriptionKey: sandbox.key });
    const key = sandbox.halaxy.clients[0];
    halaxy = new HalaxyClient({ region: { baseUrl: sandbox.halaxy.url }, clientId: key.clientId, clientSecret: key.clientSecret });
    const site = sandbox.sites.find((candidate) => candidate.role === 'bestPractice') ?? sandbox.sites[0];
    bestPractice = { site: { name: site.practiceName, pms: 'BestPractice' }, api: 'haloConnect', client: halo, siteId: site.id };
    halaxyTarget = { site: { name: 'Halaxy practice', pms: 'Halaxy' }, api: 'halaxy', client: halaxy };
  });

  after(async () => {
    halo?.dispose();
    halaxy?.dispose();
    await sandbox?.stop();
  });

  it("searches Halo's Best Practice facade by GET and by POST _search with a form body", async () => {
    const byGet = await executeFhir(bestPractice, request('GET Patient?_count=3'));
    assert.ok(isBundle(byGet));
    assert.equal(byGet.entry?.length, 3);
    const family = (byGet.entry?.[0].resource?.name as { family?: string }[] | undefined)?.[0]?.family;
    assert.ok(family);
    const byPost = (await executeFhir(bestPractice, request(`POST Patient/_search\n\nfamily=${family}&_count=50`))) as Bundle;
    assert.ok(byPost.entry && byPost.entry.length > 0);
    assert.ok(byPost.entry.every((entry) => (entry.resource?.name as { family?: string }[])[0].family === family));
  });

  it('reads and searches Halaxy, with + in a date sent as a plus', async () => {
    const search = (await executeFhir(halaxyTarget, request('GET Patient?_count=2'))) as Bundle;
    assert.equal(search.entry?.length, 2);
    const id = search.entry?.[0].resource?.id as string;
    const read = await executeFhir(halaxyTarget, request(`GET Patient/${id}`));
    assert.equal(read.id, id);
    const updated = (await executeFhir(halaxyTarget, request('GET Patient?_lastUpdated=ge2000-01-01T00:00:00+10:00&_count=1'))) as Bundle;
    assert.equal(updated.entry?.length, 1);
    const metadata = await executeFhir(halaxyTarget, request('GET metadata'));
    assert.equal(metadata.resourceType, 'CapabilityStatement');
  });

  it('creates, patches and updates a Halaxy patient from JSON bodies', async () => {
    const created = await executeFhir(
      halaxyTarget,
      request('POST Patient\nContent-Type: application/json\n\n{"resourceType":"Patient","name":[{"family":"Testcase","given":["Ada"]}],"gender":"female","birthDate":"1980-02-03"}'),
    );
    assert.equal(created.resourceType, 'Patient');
    assert.ok(created.id);
    const patched = await executeFhir(halaxyTarget, request(`PATCH Patient/${created.id}\n\n{"gender":"other"}`));
    assert.equal(patched.gender, 'other');
    const whole = { ...patched, birthDate: '1980-02-04' };
    const updated = await executeFhir(halaxyTarget, request(`PUT Patient/${created.id}\n\n${JSON.stringify(whole)}`));
    assert.equal(updated.birthDate, '1980-02-04');
    const mismatch = await rejectionOf(executeFhir(halaxyTarget, request(`PUT Patient/${created.id}\n\n{"resourceType":"Patient","id":"other"}`)));
    assert.ok(isApiError(mismatch, 'badRequest'));
  });

  it("runs Halaxy's operations: $find and $export-ids", async () => {
    const ids = await executeFhir(halaxyTarget, request('GET Patient/$export-ids'));
    assert.ok(ids.resourceType);
    const found = await executeFhir(halaxyTarget, request('GET Appointment/$find?start=2030-01-07&end=2030-01-08&duration=30'));
    assert.equal(found.resourceType, 'Bundle');
  });

  it('reads both servers\' CapabilityStatements into what completion offers', async () => {
    for (const target of [bestPractice, halaxyTarget]) {
      const index = capabilityResources(await executeFhir(target, request('GET metadata')));
      const patient = index.find((resource) => resource.type === 'Patient');
      assert.ok(patient?.searchParams.some((param) => param.name === 'family' && param.type === 'string'), `${target.site.name}: ${JSON.stringify(patient)}`);
    }
  });

  it('refuses what a target cannot do before sending anything', async () => {
    const zedmed = { name: 'Joondalup Medical Clinic', pms: 'Zedmed' as const };
    assert.match(unsupportedFhirCall(zedmed, request('GET Patient'))?.message ?? '', /Best Practice sites only/);
    assert.match(unsupportedFhirCall(bestPractice.site, request('POST Patient\n\n{"resourceType":"Patient"}'))?.message ?? '', /only reads/);
    assert.equal(unsupportedFhirCall(bestPractice.site, request('POST Patient/_search\n\nfamily=Smith')), undefined);
    assert.match(unsupportedFhirCall(halaxyTarget.site, request('DELETE Patient/1'))?.message ?? '', /deleted/);
    const refused = await rejectionOf(executeFhir(bestPractice, request('PUT Patient/1\n\n{"resourceType":"Patient"}')));
    assert.ok(isApiError(refused, 'notAllowed'));
  });

  it('writes a request back as text that parses to the same request', () => {
    const original = request('POST Patient/_search?_count=5\n\nbirthdate=ge1970-01-01T00:00:00+10:00&name=Mary Ann');
    const again = request(requestText(original));
    assert.equal(again.method, 'POST');
    assert.equal(again.path, 'Patient/_search');
    assert.deepEqual([...again.query], [['_count', '5']]);
    assert.equal(again.body?.kind, 'form');
    assert.deepEqual(again.body?.kind === 'form' ? [...again.body.params] : [], [['birthdate', 'ge1970-01-01T00:00:00+10:00'], ['name', 'Mary Ann']]);
  });
});
