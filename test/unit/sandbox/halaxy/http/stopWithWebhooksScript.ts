/*
 * Run as a child process by the Halaxy stop() test: starts a Sandbox on the real clock with two webhooks, one whose
 * receiver fails (so a retry is scheduled) and one whose receiver never answers (so a delivery is in flight), stops
 * the Sandbox, and then must exit by itself. Prints one JSON line with what it saw; never calls process.exit.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startSandbox } from '../../../../../src/sandbox/sandbox';

async function receiver(answer: 'fail' | 'hang'): Promise<{ url: string; received: () => number; close: () => Promise<void> }> {
  let received = 0;
  const server = createServer((request, response) => {
    received++;
    request.resume();
    if (answer === 'fail') {
      response.writeHead(500).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    received: () => received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let attempt = 0; attempt < 1000; attempt++) {
    if (condition()) {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`gave up waiting for ${what}`);
}

async function main(): Promise<void> {
  const failing = await receiver('fail');
  const hanging = await receiver('hang');
  const sandbox = await startSandbox({ patients: 100, halaxyWebhooks: [{ url: failing.url }, { url: hanging.url }] });
  const full = sandbox.halaxy.clients[0];
  const headers = { 'User-Agent': 'stop-script/1.0', 'Content-Type': 'application/json', Accept: 'application/fhir+json' };
  const token = await fetch(`${sandbox.halaxy.url}/oauth/token`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ grant_type: 'client_credentials', client_id: full.clientId, client_secret: full.clientSecret }),
  }).then((response) => response.json() as Promise<{ access_token: string }>);
  const created = await fetch(`${sandbox.halaxy.url}/Patient`, {
    method: 'POST',
    headers: { ...headers, 'Content-Type': 'application/fhir+json', Authorization: `Bearer ${token.access_token}` },
    body: JSON.stringify({ resourceType: 'Patient', name: [{ family: 'Stopper', given: ['Sam'] }], gender: 'male', birthDate: '1970-05-06' }),
  });
  await created.text();
  const states = () => sandbox.halaxy.webhooks.deliveries().map((delivery) => delivery.state);
  await until(() => states().join() === 'retrying,sending' && hanging.received() === 1, 'a retry scheduled and a delivery in flight');
  const before = states();
  await sandbox.stop();
  await failing.close();
  await hanging.close();
  process.stdout.write(JSON.stringify({ created: created.status, before, after: states() }) + '\n');
}

void main();
