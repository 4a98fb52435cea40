import assert from 'node:assert/strict';
import { isApiError } from '../../../../src/core/errors';
import type { Site } from '../../../../src/core/haloConnect/wireTypes';
import type { SandboxSiteInfo } from '../../../../src/sandbox/sandbox';
import { describeError } from '../../../../src/vscode/errorMessages';
import { ConnectionStore } from '../../../../src/vscode/sites/connectionStore';
import { chooseReplacement, SitesDirectory } from '../../../../src/vscode/sites/siteDirectory';
import { fhirResourceTypes, registeredQueries } from '../../../../src/vscode/sites/siteQueries';
import type { SiteSummary } from '../../../../src/vscode/sites/siteTypes';
import { startTestSandbox } from '../../../support/sandboxFixture';
import type { TestSandbox } from '../../../support/sandboxFixture';
import { rejectionOf } from '../../core/support/loopbackServer';
import { MemoryEmitter, MemoryLog, MemorySecrets, MemoryState } from './memoryHost';

describe('vscode-free/sites/siteDirectory against two Sandboxes', function () {
  this.timeout(120_000);
  /** The extension's embedded Sandbox. */
  let embedded: TestSandbox;
  /** A second Sandbox (seed 2) reached as a Halo Connect connection with a custom URL. */
  let remote: TestSandbox;
  let state: MemoryState;
  let secrets: MemorySecrets;
  let log: MemoryLog;
  let store: ConnectionStore;
  let directory: SitesDirectory;
  let changed: MemoryEmitter<void>;
  let writable: string[];
  let starts: number;

  before(async () => {
    embedded = await startTestSandbox();
    remote = await startTestSandbox({ seed: 2 });
  });

  after(async () => {
    await embedded?.sandbox.stop();
    await remote?.sandbox.stop();
  });

  beforeEach(() => {
    state = new MemoryState();
    secrets = new MemorySecrets();
    log = new MemoryLog();
    changed = new MemoryEmitter<void>();
    writable = [];
    starts = 0;
    store = new ConnectionStore(state, secrets, new MemoryEmitter<void>());
    directory = new SitesDirectory({
      store,
      sandbox: {
        start: async () => {
          starts++;
          return embedded.sandbox;
        },
      },
      writableSites: () => writable,
      log,
      changed,
      http: { maxAttempts: 1, timeoutMs: 10_000 },
    });
  });

  afterEach(() => {
    directory.dispose();
    const everything = [...log.lines, state.dump()].join('\n');
    for (const secret of [remote.sandbox.key, embedded.sandbox.key, ...embedded.sandbox.halaxy.clients.map((client) => client.clientSecret)]) {
      assert.ok(!everything.includes(secret), 'a secret reached the log or globalState');
    }
  });

  const site = (sandbox: TestSandbox, role: SandboxSiteInfo['role']): SandboxSiteInfo => sandbox.site(role);

  async function addRemoteConnection(id = 'remote'): Promise<void> {
    await store.add({ kind: 'haloConnect', id, name: 'Second Sandbox', environment: { baseUrl: remote.sandbox.url }, sites: [] }, remote.sandbox.key);
  }

  it('lists the Sandbox paired sites and its Halaxy practice once started, and connects to both', async () => {
    assert.deepEqual(directory.list(), [], 'nothing is known before the Sandbox first runs');
    await directory.loadSandbox();
    const sites = directory.list();
    const paired = embedded.sandbox.sites.filter((candidate) => candidate.paired);
    assert.deepEqual(sites.filter((summary) => summary.pms !== 'Halaxy').map((summary) => summary.siteId), paired.map((candidate) => candidate.id));
    assert.ok(sites.every((summary) => summary.connectionKind === 'sandbox' && !summary.production && summary.allowWrites));
    assert.ok(changed.fired > 0);

    const bestPractice = directory.find(site(embedded, 'bestPractice').practiceName);
    assert.ok(bestPractice);
    assert.deepEqual(bestPractice.supports, { sql: true, fhir: true });
    assert.equal(bestPractice.key, `sandbox/${site(embedded, 'bestPractice').id}`);
    const target = await directory.connect(bestPractice);
    assert.equal(target.api, 'haloConnect');
    const query = target.api === 'haloConnect' ? await target.client.runImmediate(target.siteId, { command: { text: 'SELECT TOP 2 InternalID FROM BPS_Patients' } }) : undefined;
    assert.equal(query?.status, 'successful');
    assert.ok((await fhirResourceTypes(target)).includes('Patient'));
    assert.deepEqual(await registeredQueries(target), []);
    assert.strictEqual((await directory.connect(bestPractice)).client, target.client, 'the client is reused');

    const halaxy = sites.find((summary) => summary.pms === 'Halaxy');
    assert.ok(halaxy);
    assert.equal(halaxy.siteId, embedded.sandbox.halaxy.clients[0].clientId);
    assert.notEqual(halaxy.name, 'Halaxy practice', 'the practice group name was read');
    assert.deepEqual(halaxy.supports, { sql: false, fhir: true });
    const halaxyTarget = await directory.connect(halaxy);
    assert.equal(halaxyTarget.api, 'halaxy');
    assert.ok((await fhirResourceTypes(halaxyTarget)).includes('Appointment'));
    assert.equal(starts >= 1, true);
  });

  it('remembers what getSite says about a site: availability and Halo Link version', async () => {
    await directory.loadSandbox();
    const offline = directory.find(site(embedded, 'offline').id);
    assert.ok(offline);
    const fresh = await directory.refreshSite(offline);
    assert.equal(fresh?.availability, 'offline');
    assert.match(directory.remembered(offline)?.haloLinkVersion ?? '', /^\d+\.\d+\.\d+$/);
  });

  it('adds a Halo Connect site by lookup on a second Sandbox and runs a query there', async () => {
    await addRemoteConnection();
    const zedmed = site(remote, 'zedmed');
    const found = await directory.lookUpSites('remote', zedmed.practiceManagementName, ` ${zedmed.practiceManagementSiteId} `);
    assert.deepEqual(found.map((entry) => entry.id), [zedmed.id]);
    const [added] = await directory.addSites('remote', found);
    assert.equal(added.key, `remote/${zedmed.id}`);
    assert.equal(added.name, zedmed.practiceName);
    assert.equal(added.production, false, 'a loopback URL is not production');
    assert.equal(added.allowWrites, false, 'read-only until the setting says otherwise');
    assert.deepEqual(added.supports, { sql: true, fhir: false });
    assert.equal(added.catalogues.length, zedmed.catalogues.length);
    writable = [zedmed.practiceName.toUpperCase()];
    assert.equal(directory.find(zedmed.id)?.allowWrites, true);

    const target = await directory.connect(added);
    assert.equal(target.api, 'haloConnect');
    const query = target.api === 'haloConnect' ? await target.client.runImmediate(target.siteId, { command: { text: 'SELECT 1 AS one' } }) : undefined;
    assert.equal(query?.status, 'successful');
    assert.strictEqual((await directory.connect(added)).client, target.client);
    await store.setSecret('remote', remote.sandbox.key);
    assert.notStrictEqual((await directory.connect(added)).client, target.client, 'a new secret makes a new client');
    assert.ok(log.lines.some((line) => line.includes('POST /integrator/sites/') && line.includes('→ 200')), log.lines.join('\n'));
  });

  it('pairs a Best Practice site with its code and remembers it', async () => {
    await addRemoteConnection();
    const unpaired = site(remote, 'unpaired');
    const refused = await rejectionOf(directory.pairSite('remote', 'Best Practice', unpaired.practiceManagementSiteId, 'ZZZ000'));
    assert.ok(isApiError(refused, 'forbidden'), String(refused));
    const paired = await directory.pairSite('remote', 'Best Practice', unpaired.practiceManagementSiteId, unpaired.pairingCode);
    assert.equal(paired.siteId, unpaired.id);
    assert.deepEqual(directory.list().filter((summary) => summary.connectionId === 'remote').map((summary) => summary.siteId), [unpaired.id]);
  });

  it('resolves a site whose GUID stopped working by its PMS site id', async () => {
    await addRemoteConnection();
    const bestPractice = site(remote, 'bestPractice');
    const staleId = '11111111-2222-4333-8444-555555555555';
    await store.rememberSites('remote', [
      { id: staleId, name: bestPractice.practiceName, pmsType: 'BestPractice', pmsSiteId: bestPractice.practiceManagementSiteId, catalogues: [] },
    ]);
    const stale = directory.find(staleId);
    assert.ok(stale);
    assert.ok(isApiError(await rejectionOf(directory.refreshSite(stale)), 'notFound'));
    const resolved = await directory.resolveSiteAgain(stale.key);
    assert.equal(resolved.siteId, bestPractice.id);
    assert.equal(resolved.key, `remote/${bestPractice.id}`);
    assert.equal(directory.find(staleId), undefined);
    assert.ok(await directory.refreshSite(resolved));
    assert.ok(log.lines.some((line) => line.includes(`${staleId} → ${bestPractice.id}`)));
  });

  it('rejects with auth when the secret is missing or refused, and describes it with "Enter the key again"', async () => {
    await addRemoteConnection();
    const zedmed = site(remote, 'zedmed');
    const [added] = await directory.addSites('remote', await directory.lookUpSites('remote', 'Zedmed', zedmed.practiceManagementSiteId));
    await secrets.delete('practiceExplorer.secret.remote');
    const missing = await rejectionOf(directory.connect(added));
    assert.ok(isApiError(missing, 'auth'));
    assert.deepEqual(describeError(missing, { site: added }).actions.map((action) => action.title), ['Enter the key again']);

    const refused = await rejectionOf(directory.checkHaloKey({ baseUrl: remote.sandbox.url }, 'wrong-key-0123456789'));
    assert.ok(isApiError(refused, 'auth'), String(refused));
    await directory.checkHaloKey({ baseUrl: remote.sandbox.url }, remote.sandbox.key);
  });

  it("checks a Halaxy API key and reads its practice's name", async () => {
    const key = embedded.sandbox.halaxy.clients[0];
    const checked = await directory.checkHalaxyKey({ baseUrl: embedded.sandbox.halaxy.url }, key.clientId, key.clientSecret);
    assert.ok(checked.practiceName && checked.practiceName.length > 0);
    const refused = await rejectionOf(directory.checkHalaxyKey({ baseUrl: embedded.sandbox.halaxy.url }, key.clientId, 'not-the-secret-123456'));
    assert.ok(isApiError(refused, 'auth'), String(refused));

    await store.add({ kind: 'halaxy', id: 'hx', name: 'Halaxy here', region: { baseUrl: embedded.sandbox.halaxy.url }, clientId: key.clientId, practiceName: checked.practiceName }, key.clientSecret);
    const practice = directory.list().find((summary) => summary.connectionId === 'hx') as SiteSummary;
    assert.equal(practice.name, checked.practiceName);
    assert.equal(practice.production, false);
    const target = await directory.connect(practice);
    assert.ok((await fhirResourceTypes(target)).includes('Patient'));
  });

  it('stops waiting for the Sandbox when the signal aborts', async () => {
    const controller = new AbortController();
    controller.abort();
    await directory.loadSandbox();
    const bestPractice = directory.find(site(embedded, 'bestPractice').id) as SiteSummary;
    assert.ok(isApiError(await rejectionOf(directory.connect(bestPractice, controller.signal)), 'cancelled'));
  });

  it('prefers an active, online, newer site when a lookup finds several', () => {
    const base: Site = { id: 'a', pmsType: 'BestPractice', availability: 'offline', status: 'active', createdAt: '2024-01-01T00:00:00Z' };
    const found: Site[] = [
      base,
      { ...base, id: 'removed', status: 'removed', availability: 'online' },
      { ...base, id: 'online-old', availability: 'online', createdAt: '2023-01-01T00:00:00Z' },
      { ...base, id: 'online-new', availability: 'online', createdAt: '2025-01-01T00:00:00Z' },
    ];
    assert.equal(chooseReplacement(found)?.id, 'online-new');
    assert.equal(chooseReplacement([found[1]]), undefined);
  });
});
