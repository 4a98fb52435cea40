import { strict as assert } from 'node:assert';
import { createInterface } from 'node:readline';
import { finished, spawnRepoScript } from '../../../support/childProcess';
import { ContractClient } from '../../../support/contractClient';

const EXIT_LIMIT_MS = 15_000;

describe('Sandbox server: stopping and the CLI', function () {
  this.timeout(40_000);

  it('stop() closes keep-alive connections, pending waits and every timer, so the process exits by itself', async () => {
    const result = await finished(spawnRepoScript('test/support/stopAndExitScript.ts'), EXIT_LIMIT_MS);
    assert.equal(result.code, 0, result.stderr);
    const report = JSON.parse(result.stdout.trim().split('\n').pop() ?? '{}');
    assert.deepEqual(report.statuses, [200, 201, 202]);
    assert.match(report.hanging, /^failed|^answered/);
    assert.equal(report.afterStop, 'ECONNREFUSED');
  });

  it('serves on the printed URL with the printed key, lists the sites, and exits 0 on SIGINT', async () => {
    const child = spawnRepoScript('src/sandbox/cli.ts', ['--port', '0', '--patients', '100', '--seed', '3']);
    const done = finished(child, EXIT_LIMIT_MS);
    const lines: string[] = [];
    const reader = createInterface({ input: child.stdout });
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
    const url = lines.find((line) => line.startsWith('HALO_CONNECT_URL='))?.slice('HALO_CONNECT_URL='.length);
    const key = lines.find((line) => line.startsWith('HALO_CONNECT_KEY='))?.slice('HALO_CONNECT_KEY='.length);
    assert.match(url ?? '', /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.match(key ?? '', /^[0-9a-f]{32}$/);
    const sites = lines.filter((line) => line.startsWith('SITE '));
    assert.equal(sites.length, 6);
    assert.ok(sites.some((line) => / BestPractice .* offline /.test(line)));
    assert.ok(sites.some((line) => / Zedmed .* unreachable /.test(line)));
    assert.ok(sites.some((line) => /not paired: pair with pairingCode=[A-Z]{3}\d{3}$/.test(line)));
    const siteId = sites[0].split(/\s+/)[1];
    const response = await new ContractClient(url!, key!).get(`/integrator/sites/${siteId}`);
    assert.equal(response.status, 200);
    assert.equal(response.body.id, siteId);

    child.kill('SIGINT');
    const result = await done;
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /Sandbox stopped\./);
  });

  it('exits 2 with a clear message for bad flags, and 0 for --help', async () => {
    const badPort = await finished(spawnRepoScript('src/sandbox/cli.ts', ['--port', 'eighty']), EXIT_LIMIT_MS);
    assert.equal(badPort.code, 2);
    assert.match(badPort.stderr, /--port must be an integer from 0 to 65535 \(got "eighty"\)/);
    const unknown = await finished(spawnRepoScript('src/sandbox/cli.ts', ['--verbose']), EXIT_LIMIT_MS);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /Unknown argument "--verbose"/);
    const missing = await finished(spawnRepoScript('src/sandbox/cli.ts', ['--seed']), EXIT_LIMIT_MS);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /--seed needs a value/);
    const help = await finished(spawnRepoScript('src/sandbox/cli.ts', ['--help']), EXIT_LIMIT_MS);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /Usage: npm run sandbox/);
  });
});
