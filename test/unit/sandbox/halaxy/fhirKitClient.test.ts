import { strict as assert } from 'node:assert';
import type { Client } from 'fhir-kit-client';
import { startHalaxySandbox, USER_AGENT } from './http/halaxyFixture';
import type { HalaxyTestSandbox } from './http/halaxyFixture';

/* eslint-disable @typescript-eslint/no-explicit-any -- the client returns untyped FHIR JSON, asserted field by field */

const MAX_PAGES = 100;

describe('Halaxy Sandbox: the independent fhir-kit-client speaks to it', () => {
  let t: HalaxyTestSandbox;
  let client: Client;

  before(async () => {
    t = await startHalaxySandbox();
    // fhir-kit-client is ESM-only: load it the way an ESM consumer would.
    const { Client: FhirClient } = await import('fhir-kit-client');
    client = new FhirClient({ baseUrl: t.base, customHeaders: { 'User-Agent': USER_AGENT, Accept: 'application/fhir+json' } });
    client.bearerToken = await t.token('readOnly');
  });

  after(async () => {
    await t?.sandbox.stop();
  });

  it('reads the CapabilityStatement', async () => {
    const capability = (await client.capabilityStatement()) as any;
    assert.equal(capability.resourceType, 'CapabilityStatement');
    assert.match(capability.fhirVersion, /^4\./);
    const types = capability.rest[0].resource.map((resource: { type: string }) => resource.type);
    assert.ok(types.includes('Patient') && types.includes('Appointment'));
  });

  it('searches with parameters, reads a Patient from the result, and follows next pages with its paging helper', async () => {
    const first = (await client.search({ resourceType: 'Patient', searchParams: { _count: 15, _sort: 'name' } })) as any;
    assert.equal(first.resourceType, 'Bundle');
    assert.equal(first.type, 'searchset');
    assert.equal(first.entry.length, 15);

    const id = first.entry[0].resource.id as string;
    const patient = (await client.read({ resourceType: 'Patient', id })) as any;
    assert.equal(patient.resourceType, 'Patient');
    assert.equal(patient.id, id);
    assert.deepEqual(patient.name, first.entry[0].resource.name);

    const family = patient.name[0].family as string;
    const byName = (await client.search({ resourceType: 'Patient', searchParams: { family } })) as any;
    assert.ok(byName.entry.some((entry: any) => entry.resource.id === id));
    assert.ok(byName.entry.every((entry: any) => entry.resource.name.some((name: any) => name.family.toLowerCase().startsWith(family.toLowerCase()))));

    const ids = new Set<string>(first.entry.map((entry: any) => entry.resource.id));
    let bundle = first;
    let pages = 1;
    for (; pages < 4 && pages < MAX_PAGES; pages++) {
      const next = client.nextPage({ bundle });
      assert.ok(next, `page ${pages} has a next link`);
      bundle = await next;
      for (const entry of bundle.entry) {
        assert.ok(!ids.has(entry.resource.id), 'no resource twice across pages');
        ids.add(entry.resource.id);
      }
    }
    assert.equal(pages, 4);
    assert.equal(ids.size, 60);
  });

  it('gets the server’s OperationOutcome back as an error when the key may not write', async () => {
    await assert.rejects(client.create({ resourceType: 'Patient', body: { resourceType: 'Patient', name: [{ family: 'Kit' }] } }), (error: any) => {
      assert.equal(error.response?.status, 403);
      assert.equal(error.response?.data?.resourceType, 'OperationOutcome');
      return true;
    });
  });
});
