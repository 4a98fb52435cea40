import { strict as assert } from 'node:assert';
import { HALO_MESSAGES } from '../../../../src/sandbox/haloConnect/haloErrors';
import { startTestSandbox } from '../../../support/sandboxFixture';
import type { TestSandbox } from '../../../support/sandboxFixture';

describe('Sandbox server: sites, authentication and pairing', () => {
  let t: TestSandbox;

  before(async () => {
    t = await startTestSandbox({ seed: 7 });
  });

  after(async () => {
    await t?.sandbox.stop();
  });

  const lookup = (id: string, name: string) =>
    `/integrator/sites?practiceManagementSiteId=${encodeURIComponent(id)}&practiceManagementName=${encodeURIComponent(name)}`;

  describe('authentication', () => {
    it('answers 401 with Halo\'s "missing subscription key" message when no key is sent', async () => {
      const response = await t.client.get(t.sitePath('bestPractice'), { key: null });
      assert.equal(response.status, 401);
      assert.deepEqual(response.body, { error: { status: 401, statusText: 'Unauthorized', message: HALO_MESSAGES.missingKey } });
    });

    it('answers 401 with the "invalid subscription key" message for a wrong key, on every kind of route', async () => {
      for (const path of [t.sitePath('bestPractice'), t.sitePath('bestPractice', '/fhir/R4/metadata'), lookup('1', 'Zedmed')]) {
        const response = await t.client.get(path, { key: 'not-the-key' });
        assert.equal(response.status, 401, path);
        assert.match(response.body.error.message, /invalid subscription key/);
      }
    });

    it('answers 404 in the envelope for a path that is not an operation', async () => {
      const response = await t.client.get('/integrator/nothing-here', { expectViolation: true });
      assert.match(response.problems[0], /not an operation of Halo's API/);
      assert.equal(response.status, 404);
      assert.equal(response.body.error.status, 404);
    });
  });

  describe('GET /integrator/sites (lookup)', () => {
    it('finds the Best Practice clinic by PMS id and name, with a complete SiteForIntegrator body', async () => {
      const bp = t.site('bestPractice');
      const response = await t.client.get(lookup(bp.practiceManagementSiteId, 'Best Practice'));
      assert.equal(response.status, 200);
      assert.equal(response.body.sites.length, 1);
      const site = response.body.sites[0];
      assert.equal(site.id, bp.id);
      assert.equal(site.pmsType, 'BestPractice');
      assert.equal(site.availability, 'online');
      assert.equal(site.status, 'active');
      assert.match(site.haloLinkVersion, /^\d{2}\.\d{3,4}\.\d+$/);
      assert.ok(!Number.isNaN(Date.parse(site.enrichedAt)));
      assert.deepEqual(site.catalogue, [
        { name: 'BPSPatients', isDefault: true },
        { name: 'BPSSamples', isDefault: false },
        { name: 'BPSDrugs', isDefault: false },
      ]);
      assert.deepEqual(site.practiceMetadata, {
        pmsType: 'BestPractice',
        practiceName: bp.practiceName,
        practiceManagementSiteId: bp.practiceManagementSiteId,
        practiceManagementVersion: site.practiceManagementVersion,
      });
      assert.equal(site.name, bp.practiceName);
      assert.equal(site.practiceManagementName, 'Best Practice');
      assert.equal(site.practiceManagementSiteId, bp.practiceManagementSiteId);
      for (const field of ['createdAt', 'clientTimestampUTC', 'heartbeatTimestampUTC']) {
        assert.ok(!Number.isNaN(Date.parse(site[field])), field);
      }
    });

    it('finds the Zedmed clinic with its two catalogues and the D4w clinic', async () => {
      const zedmed = await t.client.get(lookup(t.site('zedmed').practiceManagementSiteId, 'Zedmed'));
      assert.equal(zedmed.body.sites[0].pmsType, 'Zedmed');
      assert.equal(zedmed.body.sites[0].catalogue.length, 2);
      assert.equal(zedmed.body.sites[0].catalogue.filter((c: { isDefault: boolean }) => c.isDefault).length, 1);
      const d4w = await t.client.get(lookup(t.site('d4w').practiceManagementSiteId, 'D4w'));
      assert.equal(d4w.body.sites[0].pmsType, 'D4w');
      assert.equal(d4w.body.sites[0].practiceManagementName, 'D4w');
    });

    it('answers {"sites":[]} for an unknown PMS id or a PMS id under another PMS name', async () => {
      assert.deepEqual((await t.client.get(lookup('00000', 'Best Practice'))).body, { sites: [] });
      assert.deepEqual((await t.client.get(lookup(t.site('bestPractice').practiceManagementSiteId, 'Zedmed'))).body, { sites: [] });
    });

    it('answers 400 naming the parameter when either is missing or the PMS name is not Halo\'s spelling', async () => {
      const noName = await t.client.get(`/integrator/sites?practiceManagementSiteId=1`);
      assert.equal(noName.status, 400);
      assert.match(noName.body.error.message, /practiceManagementName/);
      const noId = await t.client.get(`/integrator/sites?practiceManagementName=Zedmed`);
      assert.equal(noId.status, 400);
      assert.match(noId.body.error.message, /practiceManagementSiteId/);
      const badName = await t.client.get(lookup('1', 'BestPractice'));
      assert.equal(badName.status, 400);
      assert.match(badName.body.error.message, /Best Practice, Zedmed, D4w/);
    });

    it('does not reveal a site the integrator is not paired with', async () => {
      const unpaired = t.site('unpaired');
      assert.deepEqual((await t.client.get(lookup(unpaired.practiceManagementSiteId, 'Best Practice'))).body, { sites: [] });
    });
  });

  describe('GET /integrator/sites/{siteId}', () => {
    it('reports each site\'s availability', async () => {
      for (const [role, availability] of [['bestPractice', 'online'], ['offline', 'offline'], ['unreachable', 'unreachable'], ['d4w', 'online']] as const) {
        const response = await t.client.get(t.sitePath(role));
        assert.equal(response.status, 200);
        assert.equal(response.body.availability, availability, role);
      }
    });

    it('answers 404 for an unknown GUID and 400 for a malformed one', async () => {
      const unknown = await t.client.get('/integrator/sites/00000000-0000-4000-8000-000000000000');
      assert.equal(unknown.status, 404);
      const malformed = await t.client.get('/integrator/sites/not-a-guid');
      assert.equal(malformed.status, 400);
      assert.match(malformed.body.error.message, /GUID/);
    });
  });

  describe('pairing', () => {
    const pairPath = (route: string, id: string, name: string, code?: string) =>
      `/integrator/${route}?practiceManagementSiteId=${encodeURIComponent(id)}&practiceManagementName=${encodeURIComponent(name)}` +
      (code === undefined ? '' : `&pairingCode=${encodeURIComponent(code)}`);

    it('keeps an unpaired Best Practice site at 403 until it is paired with its pairing code', async () => {
      const unpaired = t.site('unpaired');
      assert.equal(unpaired.paired, false);
      assert.match(unpaired.pairingCode ?? '', /^[A-Z]{3}\d{3}$/);
      const before = await t.client.post(t.sitePath('unpaired', '/queries/immediate'), { command: { text: 'SELECT 1 AS one' } });
      assert.equal(before.status, 403);
      assert.match(before.body.error.message, /not paired/);
      assert.equal((await t.client.get(t.sitePath('unpaired'))).status, 403);

      const noCode = await t.client.post(pairPath('pair-site', unpaired.practiceManagementSiteId, 'Best Practice'));
      assert.equal(noCode.status, 400);
      assert.match(noCode.body.error.message, /pairingCode is required/);
      const wrongCode = await t.client.post(pairPath('pair-site', unpaired.practiceManagementSiteId, 'Best Practice', 'ZZZ999'));
      assert.equal(wrongCode.status, 403);
      assert.match(wrongCode.body.error.message, /pairing code is not valid/);

      const paired = await t.client.post(pairPath('pair-site', unpaired.practiceManagementSiteId, 'Best Practice', unpaired.pairingCode));
      assert.equal(paired.status, 200);
      assert.equal(paired.body.id, unpaired.id);
      const after = await t.client.post(t.sitePath('unpaired', '/queries/immediate'), { command: { text: 'SELECT 1 AS one', executionMode: 'scalar' } });
      assert.equal(after.status, 200);
      assert.deepEqual(JSON.parse(Buffer.from(after.body.result.data, 'base64').toString()), [{ one: 1 }]);
      assert.equal((await t.client.get(lookup(unpaired.practiceManagementSiteId, 'Best Practice'))).body.sites.length, 1);
    });

    it('pairs Zedmed and D4w sites without a code, through both the current and the deprecated route', async () => {
      const zedmed = await t.client.post(pairPath('pair-site', t.site('zedmed').practiceManagementSiteId, 'Zedmed'));
      assert.equal(zedmed.status, 200);
      assert.equal(zedmed.body.pmsType, 'Zedmed');
      const d4w = await t.client.post(pairPath('pairSite', t.site('d4w').practiceManagementSiteId, 'D4w'));
      assert.equal(d4w.status, 200);
      assert.equal(d4w.body.id, t.site('d4w').id);
    });

    it('checks the pairing code on the deprecated route too, and answers 404 / 400 for unknown sites and missing parameters', async () => {
      const bp = t.site('bestPractice');
      const wrong = await t.client.post(pairPath('pairSite', bp.practiceManagementSiteId, 'Best Practice', 'AAA000'));
      assert.equal(wrong.status, 403);
      const right = await t.client.post(pairPath('pairSite', bp.practiceManagementSiteId, 'Best Practice', bp.pairingCode));
      assert.equal(right.status, 200);
      const unknown = await t.client.post(pairPath('pair-site', '99999', 'Best Practice', 'ABC123'));
      assert.equal(unknown.status, 404);
      const missing = await t.client.post('/integrator/pair-site?practiceManagementName=Zedmed');
      assert.equal(missing.status, 400);
    });
  });

  it('derives GUIDs, key and integrator id from the seed', async () => {
    const again = await startTestSandbox({ seed: 7 });
    const other = await startTestSandbox({ seed: 8 });
    try {
      assert.deepEqual(
        again.sandbox.sites.map((site) => [site.id, site.practiceManagementSiteId, site.pairingCode]),
        t.sandbox.sites.map((site) => [site.id, site.practiceManagementSiteId, site.pairingCode]),
      );
      assert.equal(again.sandbox.key, t.sandbox.key);
      assert.equal(again.sandbox.integratorId, t.sandbox.integratorId);
      assert.notEqual(other.sandbox.sites[0].id, t.sandbox.sites[0].id);
      assert.notEqual(other.sandbox.key, t.sandbox.key);
      assert.equal(new Set(t.sandbox.sites.map((site) => site.id)).size, 6);
    } finally {
      await again.sandbox.stop();
      await other.sandbox.stop();
    }
  });
});
