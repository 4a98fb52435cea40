import { createServer } from 'node:http';
import type { IncomingHttpHeaders, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface HttpRequest {
  method: string;
  /** The path as sent (percent-encoding kept), without the query string. */
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** True when the body was longer than the server accepts; `body` is then empty. */
  bodyTooLarge: boolean;
}

export interface HttpResponse {
  status: number;
  headers?: Record<string, string>;
  /** Serialised as JSON with `application/json; charset=utf-8` unless a content-type header is given. */
  json?: unknown;
  /** Sent with Transfer-Encoding: chunked, one write per chunk, honouring back-pressure. */
  chunks?: Iterable<string | Buffer>;
}

export type HttpHandler = (request: HttpRequest) => Promise<HttpResponse>;

/**
 * A plain node:http server that owns every socket and pending wait it creates, so `close()` leaves nothing behind
 * (keep-alive connections included) and the process can exit by itself.
 */
export class HttpServer {
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private readonly waits = new Set<{ handle: NodeJS.Timeout; resolve: () => void }>();
  private closed = false;

  constructor(private readonly handler: HttpHandler, private readonly maxBodyBytes: number) {
    this.server = createServer((req, res) => void this.serve(req, res));
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  /** Listens and returns the bound port. */
  listen(host: string, port: number): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        resolve((this.server.address() as AddressInfo).port);
      });
    });
  }

  /** Waits `ms` of real time; cut short (resolved) when the server closes. */
  wait(ms: number): Promise<void> {
    if (ms <= 0 || this.closed) {
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const entry = {
        handle: setTimeout(() => {
          this.waits.delete(entry);
          resolve();
        }, ms),
        resolve,
      };
      this.waits.add(entry);
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const entry of this.waits) {
      clearTimeout(entry.handle);
      entry.resolve();
    }
    this.waits.clear();
    const closing = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    for (const socket of this.sockets) {
      socket.destroy();
    }
    await closing;
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const { body, tooLarge } = await readBody(req, this.maxBodyBytes);
      const url = new URL(req.url ?? '/', 'http://sandbox.invalid');
      const response = await this.handler({
        method: (req.method ?? 'GET').toUpperCase(),
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
        body,
        bodyTooLarge: tooLarge,
      });
      await this.send(res, response);
    } catch (error) {
      if (!res.headersSent) {
        res.writeHead(500, { 'content-type': 'application/json; charset=utf-8' });
        res.end(JSON.stringify({ error: { status: 500, statusText: 'Internal Server Error', message: error instanceof Error ? error.message : String(error) } }));
      } else {
        res.destroy();
      }
    }
  }

  private async send(res: ServerResponse, response: HttpResponse): Promise<void> {
    const headers: Record<string, string> = { ...response.headers };
    if (response.chunks) {
      headers['content-type'] ??= 'application/json; charset=utf-8';
      res.writeHead(response.status, headers);
      for (const chunk of response.chunks) {
        if (this.closed) {
          res.destroy();
          return;
        }
        if (!res.write(chunk)) {
          await new Promise<void>((resolve) => {
            res.once('drain', resolve);
            res.once('close', resolve);
          });
        }
      }
      res.end();
      return;
    }
    if (response.json === undefined) {
      res.writeHead(response.status, headers);
      res.end();
      return;
    }
    const text = JSON.stringify(response.json);
    headers['content-type'] ??= 'application/json; charset=utf-8';
    headers['content-length'] = String(Buffer.byteLength(text));
    res.writeHead(response.status, headers);
    res.end(text);
  }
}

function readBody(req: IncomingMessage, limit: number): Promise<{ body: Buffer; tooLarge: boolean }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        tooLarge = true;
        chunks.length = 0;
      } else if (!tooLarge) {
        chunks.push(chunk);
      }
    });
    req.on('end', () => resolve({ body: tooLarge ? Buffer.alloc(0) : Buffer.concat(chunks), tooLarge }));
    req.on('error', reject);
  });
}
