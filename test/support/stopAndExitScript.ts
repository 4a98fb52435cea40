/*
 * Run as a child process by the stop() test: starts a Sandbox, leaves it busy (a keep-alive connection, an async query
 * mid-lifecycle, a registered query scheduled, a latency wait in flight), stops it, and then must exit by itself.
 * Prints one JSON line with what it saw; never calls process.exit.
 */
import { Agent, request } from 'node:http';
import { startSandbox } from '../../src/sandbox/sandbox';

function call(agent: Agent, url: string, key: string, method: string, path: string, body?: unknown): Promise<number> {
  return new Promise((resolve, reject) => {
    const target = new URL(url + path);
    const req = request(
      { host: target.hostname, port: target.port, path: target.pathname + target.search, method, agent, headers: { 'Ocp-Apim-Subscription-Key': key, 'Content-Type': 'application/json' } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

async function main(): Promise<void> {
  const sandbox = await startSandbox({ patients: 100 });
  const agent = new Agent({ keepAlive: true });
  const site = sandbox.sites.find((candidate) => candidate.role === 'bestPractice')!;
  const base = `/integrator/sites/${site.id}`;
  const statuses = [
    await call(agent, sandbox.url, sandbox.key, 'GET', base),
    await call(agent, sandbox.url, sandbox.key, 'POST', `${base}/queries/async`, { command: { text: 'SELECT TOP 5 * FROM BPS_Patients' } }),
    await call(agent, sandbox.url, sandbox.key, 'POST', `${base}/queries/registered`, {
      name: 'n',
      registeredQueryType: 'query',
      frequency: 60,
      duration: 86400,
      registerCommand: { command: { text: 'SELECT 1' } },
    }),
  ];
  sandbox.faults.latency(60_000, { count: 1 });
  const hanging = call(agent, sandbox.url, sandbox.key, 'GET', base).then(
    (status) => `answered ${status}`,
    (error: Error) => `failed: ${error.message}`,
  );
  await new Promise((resolve) => setTimeout(resolve, 100));
  await sandbox.stop();
  const afterStop = await call(new Agent(), sandbox.url, sandbox.key, 'GET', base).then(
    (status) => `answered ${status}`,
    (error: NodeJS.ErrnoException) => error.code ?? error.message,
  );
  process.stdout.write(JSON.stringify({ statuses, hanging: await hanging, afterStop }) + '\n');
}

void main();
