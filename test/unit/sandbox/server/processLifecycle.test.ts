import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import { ContractClient } from '../../../support/contractClient';

const ROOT = path.resolve(__dirname, '../../../..');
const EXIT_LIMIT_MS = 15_000;

interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Node with tsx (and whatever preloads this test process runs with), on a script of the repository. */
function spawnTs(script: string, args: string[] = []) {
  const preloads = Object.keys(require.cache).filter((file) => file.endsWith('standInPmsBuilders.ts'));
  return spawn(process.execPath, ['--require', 'tsx/cjs', ...preloads.flatMap((file) => ['--require', file]), script, ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

function finished(child: ReturnType<typeof spawnTs>, limitMs = EXIT_LIMIT_MS): Promise<Finished> {
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the process did not exit within ${limitMs} ms; stdout: ${stdout}; stderr: ${stderr}`));
    }, limitMs);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

describe('Sandbox server: stopping and the CLI', function () {
  this.timeout(40_000);

  it('stop() closes keep-alive connections, pending waits and every timer, so the process exits by itself', async () => {
    const result = await finished(spawnTs('test/support/stopAndExitScript.ts'));
    assert.equal(result.code, 0, result.stderr);
    const report = JSON.parse(result.stdout.trim().split('\n').pop() ?? '{}');
    assert.deepEqual(report.statuses, [200, 201, 202]);
    assert.match(report.hanging, /^failed|^answered/);
    assert.equal(report.afterStop, 'ECONNREFUSED');
  });

  it('serves on the printed URL with the printed key, lists the sites, and exits 0 on SIGINT', async () => {
    const child = spawnTs('src/sandbox/cli.ts', ['--port', '0', '--patients', '100', '--seed', '3']);
    const done = finished(child);
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
    const badPort = await finished(spawnTs('src/sandbox/cli.ts', ['--port', 'eighty']));
    assert.equal(badPort.code, 2);
    assert.match(badPort.stderr, /--port must be an integer from 0 to 65535 \(got "eighty"\)/);
    const unknown = await finished(spawnTs('src/sandbox/cli.ts', ['--verbose']));
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /Unknown argument "--verbose"/);
    const missing = await finished(spawnTs('src/sandbox/cli.ts', ['--seed']));
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /--seed needs a value/);
    const help = await finished(spawnTs('src/sandbox/cli.ts', ['--help']));
    assert.equal(help.code, 0);
    assert.match(help.stdout, /Usage: npm run sandbox/);
  });
});
