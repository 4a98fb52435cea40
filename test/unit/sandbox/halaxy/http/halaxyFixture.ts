import { request as httpRequest } from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import { ManualClock } from '../../../../../src/sandbox/clock';
import type { HalaxyApiKey, HalaxyClientName } from '../../../../../src/sandbox/halaxy/halaxyAuth';
import { startSandbox } from '../../../../../src/sandbox/sandbox';
import type { RunningSandbox, SandboxOptions } from '../../../../../src/sandbox/sandbox';

export const USER_AGENT = 'practice-data-explorer-tests/1.0';
const REQUEST_TIMEOUT_MS = 15_000;

export interface HalaxyRequestOptions {
  /** Sent as `Authorization: Bearer <token>`. */
  token?: string;
  /** Serialised as JSON; Content-Type defaults to application/fhir+json. */
  json?: unknown;
  /** Sent as is. */
  raw?: string;
  contentType?: string;
  /** `null` sends no User-Agent at all (node:http adds none by itself). */
  userAgent?: string | null;
  /** `null` sends no Accept. */
  accept?: string | null;
  headers?: Record<string, string>;
}

export interface HalaxyResponse {
  status: number;
  headers: IncomingHttpHeaders;
  /* eslint-disable-next-line @typescript-eslint/no-explicit-any -- bodies are asserted field by field */
  body: any;
  text: string;
}

/** One request with exactly the headers asked for (global fetch would add a User-Agent of its own). */
export function halaxyRequest(url: string, method: string, options: HalaxyRequestOptions = {}): Promise<HalaxyResponse> {
  const headers: Record<string, string> = {};
  if (options.userAgent !== null) {
    headers['User-Agent'] = options.userAgent ?? USER_AGENT;
  }
  if (options.accept !== null) {
    headers.Accept = options.accept ?? 'application/fhir+json';
  }
  if (options.token !== undefined) {
    headers.Authorization = `Bearer ${options.token}`;
  }
  let body: string | undefined;
  if (options.json !== undefined) {
    body = JSON.stringify(options.json);
    headers['Content-Type'] = options.contentType ?? 'application/fhir+json';
  } else if (options.raw !== undefined) {
    body = options.raw;
    headers['Content-Type'] = options.contentType ?? 'text/plain';
  }
  Object.assign(headers, options.headers);
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: target.hostname, port: target.port, path: target.pathname + target.search, method, headers, timeout: REQUEST_TIMEOUT_MS },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown;
          try {
            parsed = text === '' ? undefined : JSON.parse(text);
          } catch {
            parsed = undefined;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: parsed, text });
        });
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${method} ${url} timed out`)));
    req.on('error', reject);
    req.end(body);
  });
}

export interface HalaxyTestSandbox {
  sandbox: RunningSandbox;
  clock: ManualClock;
  /** `http://127.0.0.1:<port>/main`. */
  base: string;
  client(name: HalaxyClientName): HalaxyApiKey;
  /** A fresh access token for the named key. */
  token(name?: HalaxyClientName): Promise<string>;
  /** `base` + path, with a token of the full key unless `options.token` says otherwise. */
  fhir(method: string, path: string, options?: HalaxyRequestOptions): Promise<HalaxyResponse>;
}

/** A small Sandbox driven by a ManualClock, with helpers for Halaxy's side. */
export async function startHalaxySandbox(options: SandboxOptions = {}): Promise<HalaxyTestSandbox> {
  const clock = new ManualClock();
  const sandbox = await startSandbox({ patients: 150, clock, ...options });
  const base = sandbox.halaxy.url;
  const client = (name: HalaxyClientName): HalaxyApiKey => {
    const found = sandbox.halaxy.clients.find((candidate) => candidate.name === name);
    if (!found) {
      throw new Error(`No Halaxy key named ${name}`);
    }
    return found;
  };
  const token = async (name: HalaxyClientName = 'full'): Promise<string> => {
    const { clientId, clientSecret } = client(name);
    const response = await halaxyRequest(`${base}/oauth/token`, 'POST', {
      json: { grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret },
      contentType: 'application/json',
    });
    if (response.status !== 200) {
      throw new Error(`token request answered ${response.status}: ${response.text}`);
    }
    return response.body.access_token as string;
  };
  // Reused for ten minutes of Sandbox time, well inside the token's fifteen.
  let full: { token: string; at: number } | undefined;
  return {
    sandbox,
    clock,
    base,
    client,
    token,
    fhir: async (method, path, requestOptions = {}) => {
      if (requestOptions.token === undefined && (!full || clock.now() - full.at >= 600_000)) {
        full = { token: await token('full'), at: clock.now() };
      }
      const given = requestOptions.token ?? full?.token;
      return halaxyRequest(`${base}/${path.replace(/^\//, '')}`, method, { ...requestOptions, token: given });
    },
  };
}
