import { validateResponse } from './openApiContract';

/* eslint-disable @typescript-eslint/no-explicit-any -- response bodies are asserted field by field in the tests */
export interface ApiResponse {
  status: number;
  headers: Headers;
  body: any;
  text: string;
  /** Contract problems, filled only when the request expected a violation. */
  problems: string[];
}
/* eslint-enable @typescript-eslint/no-explicit-any */

export interface RequestOptions {
  json?: unknown;
  /** Sent as application/x-www-form-urlencoded. */
  form?: Record<string, string>;
  /** Sent as is (with `contentType`). */
  raw?: string;
  contentType?: string;
  headers?: Record<string, string>;
  /** Overrides the subscription key; null sends none. */
  key?: string | null;
  /** Statuses the spec does not list that this request may get (the body must still be Halo's error envelope). */
  allowUndocumented?: readonly number[];
  /** The response is expected to break the contract (a fault that corrupts it): returns the problems instead of throwing. */
  expectViolation?: boolean;
}

const REQUEST_TIMEOUT_MS = 15_000;

/** An HTTP client for tests: every response it receives is held to Halo's OpenAPI contract. */
export class ContractClient {
  constructor(
    readonly baseUrl: string,
    readonly key: string,
  ) {}

  get(path: string, options: RequestOptions = {}): Promise<ApiResponse> {
    return this.request('GET', path, options);
  }

  post(path: string, json?: unknown, options: RequestOptions = {}): Promise<ApiResponse> {
    return this.request('POST', path, json === undefined ? options : { ...options, json });
  }

  delete(path: string, options: RequestOptions = {}): Promise<ApiResponse> {
    return this.request('DELETE', path, options);
  }

  async request(method: string, path: string, options: RequestOptions = {}): Promise<ApiResponse> {
    const response = await this.send(method, path, options);
    const problems = validateResponse({ method, path, ...response }, { allowUndocumented: options.allowUndocumented });
    if (options.expectViolation) {
      if (problems.length === 0) {
        throw new Error(`${method} ${path}: expected a contract violation, but the response conforms`);
      }
      return { ...response, problems };
    }
    if (problems.length > 0) {
      throw new Error(`Contract violation:\n${problems.join('\n')}`);
    }
    return { ...response, problems };
  }

  /** The Sandbox's own fault endpoint: not part of Halo's API, so not held to its contract. */
  async faults(method: 'POST' | 'DELETE' | 'GET', json?: unknown, key: string | null = this.key): Promise<Omit<ApiResponse, 'problems'>> {
    return this.send(method, '/_sandbox/faults', { json, key });
  }

  private async send(method: string, path: string, options: RequestOptions): Promise<Omit<ApiResponse, 'problems'>> {
    const headers: Record<string, string> = { ...options.headers };
    const key = options.key === undefined ? this.key : options.key;
    if (key !== null) {
      headers['Ocp-Apim-Subscription-Key'] = key;
    }
    let body: string | undefined;
    if (options.json !== undefined) {
      body = JSON.stringify(options.json);
      headers['Content-Type'] = 'application/json';
    } else if (options.form) {
      body = new URLSearchParams(options.form).toString();
      headers['Content-Type'] = 'application/x-www-form-urlencoded';
    } else if (options.raw !== undefined) {
      body = options.raw;
      headers['Content-Type'] = options.contentType ?? 'text/plain';
    }
    const response = await fetch(this.baseUrl + path, { method, headers, body, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text.length > 0 ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    return { status: response.status, headers: response.headers, body: parsed, text };
  }
}

/** Decodes a Halo `data` field: base64 of a UTF-8 JSON array of rows. */
export function decodeRows(data: string): Record<string, unknown>[] {
  return JSON.parse(Buffer.from(data, 'base64').toString('utf8')) as Record<string, unknown>[];
}

/** Polls `condition` every few ms until true; fails after `timeoutMs` (bounded in time and in count). */
export async function waitFor(condition: () => boolean, timeoutMs = 5000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 0; attempt < 10_000; attempt++) {
    if (condition()) {
      return;
    }
    if (Date.now() > deadline) {
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
}
