import { strict as assert } from 'node:assert';
import type { ServerResponse } from 'node:http';
import { closedPort, sendJson, startLoopback } from '../../../core/support/loopbackServer';
import type { LoopbackServer } from '../../../core/support/loopbackServer';
import { waitFor } from '../../../../support/contractClient';
import type { HalaxyWebhookDelivery } from '../../../../../src/sandbox/halaxy/webhooks';
import { halaxyRequest, startHalaxySandbox } from './halaxyFixture';
import type { HalaxyTestSandbox } from './halaxyFixture';

const HOOK_HEADER = { name: 'X-Receiver-Auth', value: 'receiver-secret-123' };

describe('Halaxy Sandbox: webhooks', () => {
  let t: HalaxyTestSandbox;
  let receiver: LoopbackServer;
  /** What the receiver answers next; 200 when the list is empty. */
  let answers: number[] = [];
  /** Responses the receiver holds back until the test lets them go. */
  const held: ServerResponse[] = [];
  let holdNext = false;

  before(async () => {
    receiver = await startLoopback((_request, response) => {
      if (holdNext) {
        holdNext = false;
        held.push(response);
        return;
      }
      sendJson(response, answers.shift() ?? 200, {});
    });
    t = await startHalaxySandbox();
  });

  beforeEach(() => {
    t.sandbox.halaxy.webhooks.clear();
    receiver.requests.length = 0;
    answers = [];
  });

  after(async () => {
    for (const response of held) {
      response.end();
    }
    await t?.sandbox.stop();
    await receiver?.close();
  });

  const settingsUrl = () => `${t.sandbox.url}/_sandbox/halaxy/webhooks`;
  const register = async (body: unknown) => {
    const response = await halaxyRequest(settingsUrl(), 'POST', { token: await t.token('full'), json: body, contentType: 'application/json' });
    assert.equal(response.status, 201, response.text);
  };
  const createPatient = (family: string) => t.fhir('POST', 'Patient', { json: { resourceType: 'Patient', name: [{ family, given: ['Webhook'] }], gender: 'female', birthDate: '1980-01-02' } });
  const delivery = (index = 0): HalaxyWebhookDelivery => t.sandbox.halaxy.webhooks.deliveries()[index];

  it('is configured over HTTP with the full key only: 201 for a good webhook, 400 for a bad one, 401/403 for others', async () => {
    const created = await halaxyRequest(settingsUrl(), 'POST', {
      token: await t.token('full'),
      json: { url: `${receiver.url}/hook`, header: HOOK_HEADER, events: ['Patient.create'] },
      contentType: 'application/json',
    });
    assert.equal(created.status, 201);
    assert.match(created.body.id, /^[0-9a-f-]{36}$/);
    assert.deepEqual(created.body.events, ['Patient.create']);
    assert.equal(created.body.headerName, HOOK_HEADER.name);
    assert.ok(!created.text.includes(HOOK_HEADER.value), 'the header value is never reported back');

    const listed = await halaxyRequest(settingsUrl(), 'GET', { token: await t.token('full') });
    assert.equal(listed.status, 200);
    assert.deepEqual(listed.body.webhooks.map((hook: { id: string }) => hook.id), [created.body.id]);

    const readOnly = await halaxyRequest(settingsUrl(), 'POST', { token: await t.token('readOnly'), json: { url: receiver.url }, contentType: 'application/json' });
    assert.equal(readOnly.status, 403);
    const anonymous = await halaxyRequest(settingsUrl(), 'POST', { json: { url: receiver.url }, contentType: 'application/json' });
    assert.equal(anonymous.status, 401);
    for (const bad of [{ url: 'ftp://example.test/' }, { url: receiver.url, events: ['Patient.delete'] }, { url: receiver.url, header: { name: 'Content-Type', value: 'x' } }, { url: receiver.url, header: { name: 'X-A', value: 'a\r\nb' } }]) {
      const refused = await halaxyRequest(settingsUrl(), 'POST', { token: await t.token('full'), json: bad, contentType: 'application/json' });
      assert.equal(refused.status, 400, JSON.stringify(bad));
      assert.equal(refused.body.resourceType, 'OperationOutcome');
    }
    const cleared = await halaxyRequest(settingsUrl(), 'DELETE', { token: await t.token('full') });
    assert.equal(cleared.status, 204);
    assert.deepEqual(t.sandbox.halaxy.webhooks.list(), []);
  });

  it('POSTs a history Bundle with one SubscriptionStatus per change: ids only, the static auth header, numbered events', async () => {
    await register({ url: `${receiver.url}/hook`, header: HOOK_HEADER });
    const first = await createPatient('Notifiedfirst');
    assert.equal(first.status, 201);
    const second = await createPatient('Notifiedsecond');
    await waitFor(() => receiver.requests.length === 2, 5000, 'two notifications');

    const [request] = receiver.requests;
    assert.equal(request.method, 'POST');
    assert.equal(request.url, '/hook');
    assert.equal(request.headers['x-receiver-auth'], HOOK_HEADER.value);
    assert.match(String(request.headers['content-type']), /^application\/fhir\+json/);
    assert.ok(request.headers['user-agent']);
    const text = request.body.toString('utf8');
    assert.ok(!text.includes('Notifiedfirst') && !text.includes('Webhook') && !text.includes('1980-01-02'), 'no patient data in the notification');

    const bundle = JSON.parse(text);
    assert.equal(bundle.resourceType, 'Bundle');
    assert.equal(bundle.type, 'history');
    assert.match(bundle.timestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$/);
    assert.equal(bundle.entry.length, 1);
    const status = bundle.entry[0].resource;
    assert.equal(status.resourceType, 'SubscriptionStatus');
    assert.equal(status.type, 'event-notification');
    assert.equal(status.status, 'active');
    assert.equal(status.subscription.reference, `${t.base}/Subscription/${t.sandbox.halaxy.webhooks.list()[0].id}`);
    assert.equal(status.eventsSinceSubscriptionStart, '1');
    assert.equal(status.notificationEvent.length, 1);
    const event = status.notificationEvent[0];
    assert.equal(event.eventNumber, '1');
    assert.equal(event.timestamp, bundle.timestamp);
    assert.equal(event.focus.reference, `${t.base}/Patient/${first.body.id}`);
    assert.equal(event.focus.type, 'Patient');

    const next = JSON.parse(receiver.requests[1].body.toString('utf8')).entry[0].resource;
    assert.equal(next.notificationEvent[0].eventNumber, '2');
    assert.equal(next.eventsSinceSubscriptionStart, '2');
    assert.equal(next.notificationEvent[0].focus.reference, `${t.base}/Patient/${second.body.id}`);

    // The receiver can fetch what the notification points at.
    const fetched = await halaxyRequest(event.focus.reference, 'GET', { token: await t.token('full') });
    assert.equal(fetched.status, 200);
    assert.equal(fetched.body.name[0].family, 'Notifiedfirst');
  });

  it('fires only for the events a webhook chose', async () => {
    await register({ url: `${receiver.url}/updates-only`, events: ['Patient.update', 'Appointment.create'] });
    await register({ url: `${receiver.url}/creates`, events: ['Patient.create'] });
    await createPatient('Filtered');
    await waitFor(() => delivery()?.state === 'delivered', 5000, 'the notification to be delivered');
    assert.equal(t.sandbox.halaxy.webhooks.deliveries().length, 1);
    assert.equal(receiver.requests.length, 1);
    assert.equal(receiver.requests[0].url, '/creates');
  });

  it('retries a failing receiver with backoff on the Sandbox clock, then gives up after the last retry', async () => {
    await register({ url: `${receiver.url}/failing` });
    answers = [500, 503, 404, 500];
    await createPatient('Retried');
    const expectedDelays = [1000, 5000, 30_000];
    for (let attempt = 1; attempt <= 3; attempt++) {
      await waitFor(() => delivery().state === 'retrying' && delivery().attempts === attempt, 5000, `attempt ${attempt} to fail`);
      assert.equal(receiver.requests.length, attempt);
      t.clock.advance(expectedDelays[attempt - 1] - 1);
      assert.equal(delivery().attempts, attempt, 'no retry before its delay');
      t.clock.advance(1);
      assert.equal(delivery().attempts, attempt + 1, 'the retry starts when its delay is up');
    }
    await waitFor(() => delivery().state === 'failed', 5000, 'the delivery to be given up');
    assert.equal(receiver.requests.length, 4);
    assert.equal(delivery().lastStatus, 500);
    t.clock.advance(3_600_000);
    assert.equal(delivery().attempts, 4, 'nothing more after giving up');
    assert.equal(t.clock.pending, 0, 'no timer left behind');
    const bodies = new Set(receiver.requests.map((request) => request.body.toString('utf8')));
    assert.equal(bodies.size, 1, 'every attempt carries the same notification');
  });

  it('counts an unreachable receiver as a failure too, and stops retrying once one attempt succeeds', async () => {
    await register({ url: `${receiver.url}/flaky` });
    answers = [502];
    await createPatient('Flaky');
    await waitFor(() => delivery().state === 'retrying', 5000, 'the first attempt to fail');
    t.clock.advance(1000);
    await waitFor(() => delivery().state === 'delivered', 5000, 'the retry to succeed');
    assert.equal(delivery().attempts, 2);
    assert.equal(receiver.requests.length, 2);

    t.sandbox.halaxy.webhooks.clear();
    await register({ url: `http://127.0.0.1:${await closedPort()}/closed` });
    await createPatient('Nowhere');
    await waitFor(() => delivery().state === 'retrying', 5000, 'the connection to be refused');
    assert.match(delivery().lastError ?? '', /reach/);
    assert.equal(delivery().lastStatus, undefined);
  });

  it('never holds the API response for the receiver', async () => {
    await register({ url: `${receiver.url}/slow` });
    holdNext = true;
    const created = await createPatient('Unhurried');
    assert.equal(created.status, 201);
    await waitFor(() => held.length === 1, 5000, 'the notification to arrive');
    assert.equal(delivery().state, 'sending', 'the receiver has still not answered');
    held.shift()?.end();
    await waitFor(() => delivery().state === 'delivered', 5000, 'the late answer to be taken');
  });

  it('takes webhooks from SandboxOptions.halaxyWebhooks, and stop() ends pending retries', async () => {
    const own = await startHalaxySandbox({ patients: 100, halaxyWebhooks: [{ url: `${receiver.url}/configured`, header: HOOK_HEADER, events: ['Patient.create'] }] });
    try {
      answers = [500];
      const created = await own.fhir('POST', 'Patient', { json: { resourceType: 'Patient', name: [{ family: 'Configured' }], gender: 'male', birthDate: '1990-03-04' } });
      assert.equal(created.status, 201);
      await waitFor(() => own.sandbox.halaxy.webhooks.deliveries()[0]?.state === 'retrying', 5000, 'a retry to be scheduled');
      assert.equal(receiver.requests[0].url, '/configured');
      assert.equal(receiver.requests[0].headers['x-receiver-auth'], HOOK_HEADER.value);
      assert.ok(own.clock.pending > 0);
    } finally {
      await own.sandbox.stop();
    }
    assert.equal(own.clock.pending, 0, 'stop() cancels the retry');
    own.clock.advance(60_000);
    assert.equal(receiver.requests.length, 1);
    await assert.rejects(startHalaxySandbox({ halaxyWebhooks: [{ url: 'not a url' }] }), /url must be an absolute http/);
  });
});
