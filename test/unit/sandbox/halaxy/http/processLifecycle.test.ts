import { strict as assert } from 'node:assert';
import { createInterface } from 'node:readline';
import { finished, spawnRepoScript } from '../../../../support/childProcess';
import { halaxyRequest } from './halaxyFixture';

const EXIT_LIMIT_MS = 20_000;

describe('Halaxy Sandbox: the CLI and stopping', function () {
  this.timeout(45_000);

  it('prints HALAXY_URL, the full key as HALAXY_CLIENT_ID/SECRET and one line per other key, and they work', async () => {
    const child = spawnRepoScript('src/sandbox/cli.ts', ['--port', '0', '--patients', '100', '--seed', '4']);
    const done = finished(child, EXIT_LIMIT_MS);
    const lines: string[] = [];
    const reader = createInterface({ input: child.stdout });
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no ready line; got ${lines.join(' | ')}`)), EXIT_LIMIT_MS);
        reader.on('line', (line) => {
          lines.push(line);
          if (line.startsWith('Sandbox ready')) {
            clearTimeout(timer);
            resolve();
          }
        });
      });
      const value = (name: string) => lines.find((line) => line.startsWith(`${name}=`))?.slice(name.length + 1) ?? '';
      const haloUrl = value('HALO_CONNECT_URL');
      assert.equal(value('HALAXY_URL'), `${haloUrl}/main`, 'one server, one port');
      assert.match(value('HALAXY_CLIENT_ID'), /^[0-9a-f]{32}$/);
      assert.match(value('HALAXY_CLIENT_SECRET'), /^[A-Za-z0-9_-]{43}$/);
      const keys = lines.filter((line) => line.startsWith('HALAXY_KEY '));
      assert.equal(keys.length, 2);
      assert.match(keys[0], /^HALAXY_KEY readOnly {2}clientId=[0-9a-f]{32} {2}clientSecret=\S+ {2}retrieve only$/);
      assert.match(keys[1], /^HALAXY_KEY noPatients {2}clientId=[0-9a-f]{32} {2}clientSecret=\S+ {2}no access to Patient$/);

      const readOnly = /clientId=(\S+) {2}clientSecret=(\S+)/.exec(keys[0])!;
      for (const [clientId, clientSecret] of [[value('HALAXY_CLIENT_ID'), value('HALAXY_CLIENT_SECRET')], [readOnly[1], readOnly[2]]]) {
        const token = await halaxyRequest(`${value('HALAXY_URL')}/oauth/token`, 'POST', {
          json: { grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret },
          contentType: 'application/json',
        });
        assert.equal(token.status, 200);
        const metadata = await halaxyRequest(`${value('HALAXY_URL')}/metadata`, 'GET', { token: token.body.access_token });
        assert.equal(metadata.status, 200);
      }
    } finally {
      child.kill('SIGINT');
    }
    const result = await done;
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /Sandbox stopped\./);
  });

  it('stop() ends webhook deliveries in flight and cancels scheduled retries, so the process exits by itself', async () => {
    const result = await finished(spawnRepoScript('test/unit/sandbox/halaxy/http/stopWithWebhooksScript.ts'), EXIT_LIMIT_MS);
    assert.equal(result.code, 0, result.stderr);
    const report = JSON.parse(result.stdout.trim().split('\n').pop() ?? '{}');
    assert.equal(report.created, 201);
    assert.deepEqual(report.before, ['retrying', 'sending']);
    assert.deepEqual(report.after, ['failed', 'failed'], 'the cancelled retry and the aborted delivery both give up');
  });
});
