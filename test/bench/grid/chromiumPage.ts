import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';

export const REPO = path.resolve(__dirname, '../../..');

/** A browser bundle of `entry` (as the webview's own build makes it), with `define`d constants; returned as text. */
export async function bundle(entry: string, define: Record<string, string> = {}): Promise<string> {
  const result = await build({
    entryPoints: [path.resolve(REPO, entry)],
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: 'chrome120',
    write: false,
    logLevel: 'silent',
    define: Object.fromEntries(Object.entries(define).map(([name, value]) => [name, JSON.stringify(value)])),
  });
  return result.outputFiles[0].text;
}

export interface ServedPage {
  page: Page;
  /** Runs `expression` (a promise-returning call of the page's script) within `timeoutMs`. */
  evaluate<T>(expression: string, timeoutMs: number): Promise<T>;
  close(): Promise<void>;
}

/**
 * A page on 127.0.0.1 running `script` under the results webview's CSP (scripts by nonce only, workers from blob:
 * URLs, which is how the grid starts its worker), cross-origin isolated so that
 * `performance.measureUserAgentSpecificMemory` can count the worker's memory. `files` are served at their paths.
 */
export async function openPage(script: string, files: ReadonlyMap<string, Buffer> = new Map()): Promise<ServedPage> {
  const nonce = randomBytes(16).toString('base64');
  const csp = `default-src 'none'; script-src 'nonce-${nonce}'; worker-src blob:; connect-src 'self'`;
  const html = `<!DOCTYPE html><html><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="${csp}"></head>` +
    `<body><script nonce="${nonce}">${script.replace(/<\/script/gi, '<\\/script')}</script></body></html>`;
  const server = createServer((request, response) => {
    const isolation = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };
    const file = files.get(request.url ?? '');
    if (request.url === '/') {
      response.writeHead(200, { ...isolation, 'Content-Type': 'text/html; charset=utf-8' });
      response.end(html);
    } else if (file) {
      response.writeHead(200, { ...isolation, 'Content-Type': 'application/json' });
      response.end(file);
    } else {
      response.writeHead(404);
      response.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  let browser: Browser | undefined;
  const close = async (): Promise<void> => {
    await browser?.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  try {
    browser = await chromium.launch({
      executablePath: execFileSync('sh', ['-c', 'command -v chromium'], { encoding: 'utf8' }).trim(),
      args: [
        '--headless=new', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run',
        // measureUserAgentSpecificMemory otherwise waits for the next scheduled GC (15–20 s here) before it answers.
        '--enable-blink-features=ForceEagerMeasureMemory',
      ],
    });
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`, { timeout: 30_000 });
    const evaluate = async <T>(expression: string, timeoutMs: number): Promise<T> => {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${expression} took over ${timeoutMs} ms${errors.length ? `: ${errors.join('; ')}` : ''}`)), timeoutMs);
      });
      try {
        return await Promise.race([page.evaluate(expression) as Promise<T>, timeout]);
      } finally {
        clearTimeout(timer);
      }
    };
    return { page, evaluate, close };
  } catch (error) {
    await close();
    throw error;
  }
}
