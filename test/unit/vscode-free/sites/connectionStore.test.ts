import assert from 'node:assert/strict';
import { ConnectionStore } from '../../../../src/vscode/sites/connectionStore';
import type { RememberedSite } from '../../../../src/vscode/sites/connectionModel';
import { MemoryEmitter, MemorySecrets, MemoryState } from './memoryHost';

const site = (id: string, name = `Clinic ${id}`): RememberedSite => ({ id, name, pmsType: 'BestPractice', pmsSiteId: `pms-${id}`, catalogues: [] });

describe('vscode-free/sites/connectionStore', () => {
  let state: MemoryState;
  let secrets: MemorySecrets;
  let changed: MemoryEmitter<void>;
  let store: ConnectionStore;

  beforeEach(() => {
    state = new MemoryState();
    secrets = new MemorySecrets();
    changed = new MemoryEmitter<void>();
    store = new ConnectionStore(state, secrets, changed);
  });

  it('lists the Sandbox on first run, with nothing persisted yet', () => {
    assert.deepEqual(store.list(), [{ kind: 'sandbox', id: 'sandbox', name: 'Sandbox' }]);
    assert.equal(state.values.size, 0);
  });

  it('keeps secrets in secret storage only, one per connection, and deletes them with the connection', async () => {
    await store.add({ kind: 'haloConnect', id: 'h1', name: 'Halo', environment: 'stage', sites: [] }, 'halo-secret-key-123');
    await store.add({ kind: 'halaxy', id: 'x1', name: 'Halaxy', region: 'au', clientId: 'client-1' }, 'halaxy-secret-456');
    assert.deepEqual(store.list().map((connection) => connection.id), ['sandbox', 'h1', 'x1']);
    assert.equal(await store.getSecret('h1'), 'halo-secret-key-123');
    assert.equal(await store.getSecret('x1'), 'halaxy-secret-456');
    assert.ok(!state.dump().includes('halo-secret-key-123'));
    assert.ok(!state.dump().includes('halaxy-secret-456'));
    await store.remove('h1');
    assert.equal(await store.getSecret('h1'), undefined);
    assert.deepEqual(store.list().map((connection) => connection.id), ['sandbox', 'x1']);
    await assert.rejects(store.add({ kind: 'halaxy', id: 'x1', name: 'Again', region: 'eu', clientId: 'c' }, 's'), /exists already/);
  });

  it('bumps a connection revision when it or its secret changes, not when its sites do', async () => {
    await store.add({ kind: 'haloConnect', id: 'h1', name: 'Halo', environment: 'stage', sites: [] }, 'key-one-123');
    const added = store.revision('h1');
    await store.rememberSites('h1', [site('a')]);
    assert.equal(store.revision('h1'), added);
    await store.setSecret('h1', 'key-two-456');
    assert.equal(store.revision('h1'), added + 1);
    await store.update('h1', { environment: { baseUrl: 'http://127.0.0.1:1' } });
    assert.equal(store.revision('h1'), added + 2);
    store.secretChanged('practiceExplorer.secret.h1');
    assert.equal(store.revision('h1'), added + 3);
    store.secretChanged('someone.else');
    assert.equal(store.revision('h1'), added + 3);
    assert.ok(changed.fired >= 5);
  });

  it('renames, and edits only what applies to the kind', async () => {
    await store.add({ kind: 'halaxy', id: 'x1', name: 'Halaxy', region: 'au', clientId: 'client-1' }, 'secret-123456');
    await store.update('x1', { name: '  My practice ' });
    await store.update('x1', { region: 'eu', clientId: 'client-2' });
    await store.update('sandbox', { name: 'Play' });
    assert.deepEqual(store.get('x1'), { kind: 'halaxy', id: 'x1', name: 'My practice', region: 'eu', clientId: 'client-2' });
    assert.equal(store.get('sandbox')?.name, 'Play');
    await assert.rejects(store.update('x1', { environment: 'stage' }), /does not apply/);
  });

  it('hides the Sandbox when removed and shows it again', async () => {
    await store.remove('sandbox');
    assert.deepEqual(store.list(), []);
    await store.showSandbox();
    assert.equal(store.list()[0]?.id, 'sandbox');
  });

  it('remembers sites in order, refreshes them by GUID, replaces a changed GUID in place and forgets', async () => {
    await store.add({ kind: 'haloConnect', id: 'h1', name: 'Halo', environment: 'stage', sites: [] }, 'key-123456');
    await store.rememberSites('h1', [site('a'), site('b')]);
    await store.rememberSites('h1', [site('c'), site('a', 'Renamed')]);
    const sites = () => {
      const connection = store.get('h1');
      return connection?.kind === 'haloConnect' ? connection.sites.map((entry) => `${entry.id}:${entry.name}`) : [];
    };
    assert.deepEqual(sites(), ['a:Renamed', 'b:Clinic b', 'c:Clinic c']);
    await store.replaceSite('h1', 'b', site('z'));
    assert.deepEqual(sites(), ['a:Renamed', 'z:Clinic z', 'c:Clinic c']);
    // The new GUID was already listed: the duplicate goes, the replaced position stays.
    await store.replaceSite('h1', 'a', site('c', 'Moved'));
    assert.deepEqual(sites(), ['c:Moved', 'z:Clinic z']);
    await store.forgetSite('h1', 'z');
    assert.deepEqual(sites(), ['c:Moved']);
    await assert.rejects(store.rememberSites('sandbox', [site('q')]), /not a Halo Connect connection/);
  });

  it('ignores persisted entries it does not understand', async () => {
    await state.update('practiceExplorer.connections', {
      connections: [{ kind: 'haloConnect', id: 'ok', name: 'Ok', environment: 'production', sites: [] }, { kind: 'future', id: 'f', name: 'F' }, null, 'text'],
    });
    assert.deepEqual(store.list().map((connection) => connection.id), ['sandbox', 'ok']);
  });

  it('fires only when the Sandbox snapshot really changes', async () => {
    await store.setSandboxSnapshot({ sites: [site('a')] });
    const fired = changed.fired;
    await store.setSandboxSnapshot({ sites: [site('a')] });
    assert.equal(changed.fired, fired);
    assert.deepEqual(store.sandboxSnapshot().sites.map((entry) => entry.id), ['a']);
  });
});
