import { strict as assert } from 'node:assert';
import { SlidingWindowRateLimiter } from '../../../../../src/sandbox/halaxy/rateLimiter';
import { startHalaxySandbox } from './halaxyFixture';
import type { HalaxyTestSandbox } from './halaxyFixture';

describe('Halaxy Sandbox: rate limit', () => {
  const LIMIT = 5;
  let t: HalaxyTestSandbox;

  before(async () => {
    t = await startHalaxySandbox({ halaxyRateLimit: LIMIT });
  });

  afterEach(() => {
    t.sandbox.faults.clear();
  });

  after(async () => {
    await t?.sandbox.stop();
  });

  it(`allows ${LIMIT} requests a minute per key, says what is left on every response, then answers 429 with Retry-After`, async () => {
    const token = await t.token('readOnly');
    for (let used = 1; used <= LIMIT; used++) {
      const response = await t.fhir('GET', 'metadata', { token });
      assert.equal(response.status, 200);
      assert.equal(response.headers['x-ratelimit-limit'], String(LIMIT));
      assert.equal(response.headers['x-ratelimit-remaining'], String(LIMIT - used));
    }
    const refused = await t.fhir('GET', 'metadata', { token });
    assert.equal(refused.status, 429);
    assert.equal(refused.headers['retry-after'], '60', 'the oldest request leaves the window a full minute after it came');
    assert.equal(refused.headers['x-ratelimit-limit'], String(LIMIT));
    assert.equal(refused.headers['x-ratelimit-remaining'], '0');
    assert.equal(refused.body.resourceType, 'OperationOutcome');
    assert.equal(refused.body.issue[0].code, 'throttled');

    // Another key has a window of its own.
    const other = await t.fhir('GET', 'metadata', { token: await t.token('noPatients') });
    assert.equal(other.status, 200);
    assert.equal(other.headers['x-ratelimit-remaining'], String(LIMIT - 1));
  });

  it('slides: each place comes back when the request that took it is a minute old, not at the top of a minute', async () => {
    const token = await t.token('full');
    t.clock.advance(60_000);
    // Requests at 0 s, 10 s, 20 s, 30 s and 40 s fill the window.
    for (let i = 0; i < LIMIT; i++) {
      assert.equal((await t.fhir('GET', 'metadata', { token })).status, 200);
      t.clock.advance(10_000);
    }
    // Now 50 s: the first request leaves the window at 60 s.
    const refused = await t.fhir('GET', 'metadata', { token });
    assert.equal(refused.status, 429);
    assert.equal(refused.headers['retry-after'], '10');
    t.clock.advance(9_999);
    assert.equal((await t.fhir('GET', 'metadata', { token })).status, 429, 'still inside the window a millisecond early');
    t.clock.advance(1);
    const recovered = await t.fhir('GET', 'metadata', { token });
    assert.equal(recovered.status, 200);
    assert.equal(recovered.headers['x-ratelimit-remaining'], '0', 'one place freed, and taken');
    const next = await t.fhir('GET', 'metadata', { token });
    assert.equal(next.status, 429);
    assert.equal(next.headers['retry-after'], '10', 'the next oldest (10 s) leaves at 70 s');
  });

  it('counts refused requests against nobody: hammering while limited does not delay recovery', () => {
    const limiter = new SlidingWindowRateLimiter(2, 60_000);
    assert.equal(limiter.take('a', 0).allowed, true);
    assert.equal(limiter.take('a', 1000).allowed, true);
    for (let at = 2000; at < 60_000; at += 1000) {
      assert.equal(limiter.take('a', at).allowed, false);
    }
    const back = limiter.take('a', 60_000);
    assert.deepEqual(back, { allowed: true, limit: 2, remaining: 0 });
    assert.throws(() => new SlidingWindowRateLimiter(0), RangeError);
  });

  it('applies the Sandbox faults to /main: latency, 503 and an injected 429 answered as OperationOutcomes', async () => {
    const token = await t.token('noPatients');
    t.clock.advance(60_000);
    t.sandbox.faults.unavailable(1, 2);
    const unavailable = await t.fhir('GET', 'metadata', { token });
    assert.equal(unavailable.status, 503);
    assert.equal(unavailable.headers['retry-after'], '2');
    assert.equal(unavailable.body.issue[0].code, 'transient');
    t.sandbox.faults.rateLimit(1, 7);
    const limited = await t.fhir('GET', 'metadata', { token });
    assert.equal(limited.status, 429);
    assert.equal(limited.headers['retry-after'], '7');
    assert.equal(limited.headers['x-ratelimit-remaining'], '0');
    t.sandbox.faults.latency(250, { pathPrefix: '/main/metadata', count: 1 });
    const started = Date.now();
    const delayed = await t.fhir('GET', 'metadata', { token });
    assert.equal(delayed.status, 200);
    assert.ok(Date.now() - started >= 240, 'the latency fault holds the response');
    assert.deepEqual(t.sandbox.faults.snapshot().latency, [], 'the fault is used up');
  });
});
