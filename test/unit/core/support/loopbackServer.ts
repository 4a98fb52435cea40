import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  /** Path and query string as received. */
  url: string;
  headers: IncomingMessage['headers'];
  body: Buffer;
  /** The client's port: equal ports mean the same socket. */
  remotePort: number;
  at: number;
}

export type Handler = (request: RecordedRequest, response: ServerResponse, raw: IncomingMessage) => void | Promise<void>;

export interface LoopbackServer {
  url: string;
  requests: RecordedRequest[];
  /** TCP connections accepted so far. */
  connections: number;
  /** Requests being handled right now, and the most there ever were at once. */
  inFlight: number;
  maxInFlight: number;
  close(): Promise<void>;
}

/** An HTTP server on 127.0.0.1 with an ephemeral port that records what it was sent. */
export async function startLoopback(handler: Handler): Promise<LoopbackServer> {
  const state: Omit<LoopbackServer, 'url' | 'close'> = { requests: [], connections: 0, inFlight: 0, maxInFlight: 0 };
  const server = createServer((raw, response) => {
    const chunks: Buffer[] = [];
    raw.on('data', (chunk: Buffer) => chunks.push(chunk));
    raw.on('end', () => {
      const request: RecordedRequest = {
        method: raw.method ?? '',
        url: raw.url ?? '',
        headers: raw.headers,
        body: Buffer.concat(chunks),
        remotePort: raw.socket.remotePort ?? -1,
        at: Date.now(),
      };
      state.requests.push(request);
      state.inFlight++;
      state.maxInFlight = Math.max(state.maxInFlight, state.inFlight);
      let counted = true;
      const done = (): void => {
        if (counted) {
          counted = false;
          state.inFlight--;
        }
      };
      response.once('finish', done);
      response.once('close', done);
      Promise.resolve(handler(request, response, raw)).catch((error: unknown) => {
        if (!response.headersSent) {
          response.writeHead(599);
        }
        response.end(String(error));
      });
    });
  });
  server.on('connection', () => state.connections++);
  // No idle-socket timers on the server side: tests count the process's timers to prove the client leaves none.
  server.keepAliveTimeout = 0;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(state, {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}

export function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  response.end(text);
}

/** A port nothing listens on: taken from a server that is closed again at once. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Awaits `promise` expecting a rejection, and returns what it rejected with. */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('Expected a rejection, but the promise resolved.');
}
