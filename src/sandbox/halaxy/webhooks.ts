import { randomUUID } from 'node:crypto';
import { isApiError } from '../../core/errors';
import { HttpClient } from '../../core/http/httpClient';
import type { Clock, ClockTimer } from '../clock';
import { seededGuid } from '../sandboxSites';
import type { HalaxyChange } from './halaxyFhirService';

export type HalaxyWebhookResource = HalaxyChange['resourceType'];

/** A webhook trigger as Halaxy's settings offer it: a resource and what happened to it. */
export type HalaxyWebhookEvent = `${HalaxyWebhookResource}.${HalaxyChange['action']}`;

export const HALAXY_WEBHOOK_EVENTS: readonly HalaxyWebhookEvent[] = [
  'Patient.create',
  'Patient.update',
  'Appointment.create',
  'Appointment.update',
  'Invoice.create',
  'Invoice.update',
];

/** A webhook as the practice sets it up (Settings > Integrations > Webhooks): where to POST and what to send along. */
export interface HalaxyWebhookConfig {
  /** An http: or https: URL that accepts POST. */
  url: string;
  /** Halaxy's optional static authentication header, sent as is with every notification (Halaxy signs nothing). */
  header?: { name: string; value: string };
  /** The triggers this webhook fires on; all of {@link HALAXY_WEBHOOK_EVENTS} when absent. */
  events?: readonly HalaxyWebhookEvent[];
}

/** A registered webhook as the Sandbox reports it: the header's value stays out of every report. */
export interface HalaxyWebhookInfo {
  id: string;
  url: string;
  headerName?: string;
  events: HalaxyWebhookEvent[];
  eventsSinceSubscriptionStart: number;
}

export type HalaxyDeliveryState = 'sending' | 'retrying' | 'delivered' | 'failed';

/** One notification's journey to its receiver. */
export interface HalaxyWebhookDelivery {
  webhookId: string;
  eventNumber: number;
  /** `Patient/123`: what the notification points at. */
  focus: string;
  state: HalaxyDeliveryState;
  attempts: number;
  /** The receiver's last status, when it answered. */
  lastStatus?: number;
  /** Why the last attempt failed. */
  lastError?: string;
}

/** A webhook configuration the Sandbox refuses, with the reason. */
export class WebhookConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WebhookConfigError';
  }
}

export interface HalaxyWebhooksOptions {
  clock: Clock;
  seed: number;
  /** Absolute Halaxy base URL (…/main): the notification's references are built on it. */
  baseUrl(): string;
  /** Clock milliseconds before each retry; one attempt more than there are entries. Default 1 s, 5 s, 30 s. */
  retryDelaysMs?: readonly number[];
  /** Real milliseconds a receiver may take to answer one attempt. Default 10 000. */
  attemptTimeoutMs?: number;
}

interface Webhook {
  id: string;
  url: URL;
  header?: { name: string; value: string };
  events: HalaxyWebhookEvent[];
  eventCount: number;
}

const DEFAULT_RETRY_DELAYS_MS = [1000, 5000, 30_000];
const MAX_WEBHOOKS = 20;
const MAX_DELIVERY_LOG = 200;
const USER_AGENT = 'Halaxy-Webhooks (Practice Data Explorer Sandbox)';
// Halaxy's documentation names these three answers as an acknowledgement; anything else counts as a failed attempt.
const ACKNOWLEDGED = new Set([200, 201, 202]);
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const RESERVED_HEADERS = new Set(['content-type', 'content-length', 'host', 'connection', 'transfer-encoding', 'user-agent']);

/**
 * Halaxy's webhooks: for every Patient, Appointment and Invoice created or updated through the API, each matching
 * webhook receives a subscriptions-backport notification (ids only, never patient data). Delivery runs after the API
 * has answered, retries with backoff on the Sandbox clock, gives up after the last retry, and stops with the Sandbox.
 */
export class HalaxyWebhooks {
  private readonly webhooks: Webhook[] = [];
  private readonly log: HalaxyWebhookDelivery[] = [];
  private readonly http: HttpClient;
  private readonly retryDelaysMs: readonly number[];
  private readonly closing = new AbortController();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly retries = new Map<ClockTimer, HalaxyWebhookDelivery>();
  private registered = 0;

  constructor(private readonly options: HalaxyWebhooksOptions) {
    this.retryDelaysMs = options.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS;
    // One attempt per call: retries are this class's, timed by the Sandbox clock rather than by real time.
    this.http = new HttpClient({ maxAttempts: 1, timeoutMs: options.attemptTimeoutMs ?? 10_000 });
  }

  /** Validates and adds a webhook; throws {@link WebhookConfigError} for a configuration Halaxy would not save. */
  register(config: unknown): HalaxyWebhookInfo {
    const webhook = this.validate(config);
    this.webhooks.push(webhook);
    return info(webhook);
  }

  list(): HalaxyWebhookInfo[] {
    return this.webhooks.map(info);
  }

  /** Removes every webhook, calls off their retries and forgets past deliveries (an attempt in flight just ends). */
  clear(): void {
    this.webhooks.length = 0;
    this.log.length = 0;
    this.cancelRetries('The webhook was removed before this retry.');
  }

  /** The most recent deliveries, oldest first. */
  deliveries(): HalaxyWebhookDelivery[] {
    return this.log.map((delivery) => ({ ...delivery }));
  }

  /** Queues one notification per change and matching webhook; returns at once. */
  notify(changes: readonly HalaxyChange[]): void {
    if (this.closing.signal.aborted) {
      return;
    }
    for (const change of changes) {
      const event: HalaxyWebhookEvent = `${change.resourceType}.${change.action}`;
      for (const webhook of this.webhooks.filter((candidate) => candidate.events.includes(event))) {
        webhook.eventCount++;
        const delivery: HalaxyWebhookDelivery = {
          webhookId: webhook.id,
          eventNumber: webhook.eventCount,
          focus: `${change.resourceType}/${change.id}`,
          state: 'sending',
          attempts: 0,
        };
        this.log.push(delivery);
        if (this.log.length > MAX_DELIVERY_LOG) {
          this.log.splice(0, this.log.length - MAX_DELIVERY_LOG);
        }
        const body = JSON.stringify(this.notification(webhook, event, delivery));
        this.attempt(webhook, delivery, body);
      }
    }
  }

  /** Aborts deliveries in flight and calls off scheduled retries (both end `failed`), then closes pooled connections. */
  async close(): Promise<void> {
    this.closing.abort();
    this.cancelRetries('The Sandbox stopped before this retry.');
    await Promise.allSettled([...this.inFlight]);
    this.http.dispose();
  }

  private attempt(webhook: Webhook, delivery: HalaxyWebhookDelivery, body: string): void {
    if (this.closing.signal.aborted) {
      return;
    }
    delivery.state = 'sending';
    delivery.attempts++;
    const headers: Record<string, string> = { 'Content-Type': 'application/fhir+json', 'User-Agent': USER_AGENT };
    if (webhook.header) {
      headers[webhook.header.name] = webhook.header.value;
    }
    const sending = this.http
      .send({
        method: 'POST',
        url: webhook.url,
        headers,
        body,
        responseBody: 'none',
        signal: this.closing.signal,
        secrets: webhook.header ? [webhook.header.value] : [],
      })
      .then(
        (response) => {
          delivery.lastStatus = response.status;
          if (ACKNOWLEDGED.has(response.status)) {
            delivery.state = 'delivered';
            delivery.lastError = undefined;
            return;
          }
          this.failed(webhook, delivery, body, `The receiver answered ${response.status}, not 200, 201 or 202.`);
        },
        (error: unknown) => {
          if (isApiError(error)) {
            delivery.lastStatus = error.status;
          }
          this.failed(webhook, delivery, body, error instanceof Error ? error.message : String(error));
        },
      )
      .finally(() => this.inFlight.delete(sending));
    this.inFlight.add(sending);
  }

  private failed(webhook: Webhook, delivery: HalaxyWebhookDelivery, body: string, reason: string): void {
    delivery.lastError = reason;
    const delay = this.retryDelaysMs[delivery.attempts - 1];
    if (delay === undefined || this.closing.signal.aborted || !this.webhooks.includes(webhook)) {
      delivery.state = 'failed';
      return;
    }
    delivery.state = 'retrying';
    const timer = this.options.clock.schedule(() => {
      this.retries.delete(timer);
      this.attempt(webhook, delivery, body);
    }, delay);
    this.retries.set(timer, delivery);
  }

  private cancelRetries(reason: string): void {
    for (const [timer, delivery] of this.retries) {
      timer.cancel();
      delivery.state = 'failed';
      delivery.lastError = reason;
    }
    this.retries.clear();
  }

  private notification(webhook: Webhook, event: HalaxyWebhookEvent, delivery: HalaxyWebhookDelivery): unknown {
    const base = this.options.baseUrl();
    const timestamp = halaxyTimestamp(this.options.clock.now());
    const statusId = randomUUID();
    const eventNumber = String(delivery.eventNumber);
    const resourceType = delivery.focus.split('/')[0];
    // The shape of Halaxy's documented example: references are absolute and typed, counters are strings (R4B's
    // integer64 stand-ins), and there is no resource content, only the id to fetch.
    return {
      resourceType: 'Bundle',
      id: randomUUID(),
      timestamp,
      type: 'history',
      link: [],
      entry: [
        {
          fullUrl: `urn:uuid:${statusId}`,
          resource: {
            resourceType: 'SubscriptionStatus',
            id: statusId,
            subscription: { reference: `${base}/Subscription/${webhook.id}`, type: 'Subscription' },
            topic: { reference: `${base}/SubscriptionTopic/${seededGuid(this.options.seed, `halaxy/topic/${event}`)}`, type: 'SubscriptionTopic' },
            status: 'active',
            type: 'event-notification',
            eventsSinceSubscriptionStart: eventNumber,
            notificationEvent: [{ eventNumber, timestamp, focus: { reference: `${base}/${delivery.focus}`, type: resourceType } }],
          },
        },
      ],
    };
  }

  private validate(config: unknown): Webhook {
    if (typeof config !== 'object' || config === null || Array.isArray(config)) {
      throw new WebhookConfigError('A webhook is a JSON object: {"url": "…", "header": {"name": "…", "value": "…"}, "events": ["Patient.create", …]}.');
    }
    if (this.webhooks.length >= MAX_WEBHOOKS) {
      throw new WebhookConfigError(`The Sandbox keeps at most ${MAX_WEBHOOKS} webhooks; clear them first.`);
    }
    const { url, header, events } = config as Record<string, unknown>;
    let parsed: URL;
    try {
      parsed = new URL(typeof url === 'string' ? url : '');
    } catch {
      throw new WebhookConfigError('url must be an absolute http: or https: URL.');
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      throw new WebhookConfigError('url must be an absolute http: or https: URL.');
    }
    const webhook: Webhook = {
      id: seededGuid(this.options.seed, `halaxy/webhook/${++this.registered}`),
      url: parsed,
      events: [...HALAXY_WEBHOOK_EVENTS],
      eventCount: 0,
    };
    if (header !== undefined) {
      const { name, value } = (typeof header === 'object' && header !== null ? header : {}) as Record<string, unknown>;
      if (typeof name !== 'string' || !HEADER_NAME.test(name) || RESERVED_HEADERS.has(name.toLowerCase())) {
        throw new WebhookConfigError(`header.name must be an HTTP header name other than ${[...RESERVED_HEADERS].join(', ')}.`);
      }
      if (typeof value !== 'string' || value === '' || /[\r\n\0]/.test(value)) {
        throw new WebhookConfigError('header.value must be a non-empty string on one line.');
      }
      webhook.header = { name, value };
    }
    if (events !== undefined) {
      const known = HALAXY_WEBHOOK_EVENTS as readonly unknown[];
      if (!Array.isArray(events) || events.length === 0 || events.some((event) => !known.includes(event))) {
        throw new WebhookConfigError(`events must be a non-empty list of: ${HALAXY_WEBHOOK_EVENTS.join(', ')}.`);
      }
      webhook.events = [...new Set(events as HalaxyWebhookEvent[])];
    }
    return webhook;
  }
}

function info(webhook: Webhook): HalaxyWebhookInfo {
  return {
    id: webhook.id,
    url: webhook.url.href,
    ...(webhook.header ? { headerName: webhook.header.name } : {}),
    events: [...webhook.events],
    eventsSinceSubscriptionStart: webhook.eventCount,
  };
}

/** `2025-12-03T01:48:04+00:00`: UTC to the second, written the way Halaxy's notifications write it. */
function halaxyTimestamp(epochMs: number): string {
  return new Date(epochMs).toISOString().replace(/\.\d{3}Z$/, '+00:00');
}
