import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import * as path from 'node:path';
import type { HostMessage, WebviewMessage } from '../../../../src/protocol';

const REPO = path.resolve(__dirname, '../../../..');
const XSS = '<img src=x onerror=alert(1)>';

/** Debian's Chromium, as the end-to-end suite uses it (`npm run e2e:setup` installs it). */
function chromiumPath(): string {
  return execFileSync('sh', ['-c', 'command -v chromium'], { encoding: 'utf8' }).trim();
}

/** The results webview's bundle, built as esbuild.js builds it, running in headless Chromium under the panel's CSP. */
describe('webview/main in headless Chromium', function () {
  this.timeout(60_000);
  let browser: Browser;
  let page: Page;
  const dialogs: string[] = [];

  before(async () => {
    const bundle = await build({
      entryPoints: [path.join(REPO, 'src/webview/main.ts')],
      bundle: true,
      platform: 'browser',
      format: 'iife',
      target: 'chrome120',
      write: false,
      logLevel: 'silent',
    });
    browser = await chromium.launch({ executablePath: chromiumPath(), args: ['--headless=new', '--no-sandbox', '--disable-gpu'] });
    page = await browser.newPage();
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    const script = bundle.outputFiles[0].text;
    // The stub stands in for VS Code's webview API: it records what the webview posts.
    const stub = 'window.posted = []; window.acquireVsCodeApi = () => ({ postMessage: (message) => window.posted.push(message) });';
    await page.setContent(
      `<!DOCTYPE html><html><head><meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'nonce-test'"></head>` +
        `<body><script nonce="test">${stub}</script><script nonce="test">${script.replace(/<\/script/gi, '<\\/script')}</script></body></html>`,
    );
  });

  after(async () => {
    await browser?.close();
  });

  async function send(...messages: HostMessage[]): Promise<void> {
    for (const message of messages) {
      await page.evaluate((data) => {
        const { bytesText, ...rest } = data as HostMessage & { bytesText?: string };
        const message = bytesText === undefined ? rest : { ...rest, bytes: new TextEncoder().encode(bytesText).buffer };
        window.postMessage(message, '*');
      }, message.type === 'page' ? { ...message, bytes: undefined, bytesText: new TextDecoder().decode(message.bytes) } : message);
    }
    // postMessage is asynchronous: wait for the page to have handled everything sent.
    await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 0)));
  }

  const page1 = (text: string): ArrayBuffer => new TextEncoder().encode(text).buffer as ArrayBuffer;
  const posted = (): Promise<WebviewMessage[]> => page.evaluate(() => (window as unknown as { posted: WebviewMessage[] }).posted);

  it('says it is ready, then shows rows as text only, nulls distinctly, and a status line', async () => {
    assert.deepEqual(await posted(), [{ type: 'ready' }]);
    const rows = [{ id: 1, note: XSS, script: '<script>alert(2)</script>', missing: null }, { id: 2, note: 'plain', extra: { nested: true } }];
    await send(
      { type: 'begin', runId: 1, title: 'SELECT *', site: 'Bendigo Medical Clinic', format: 'rows', startedAt: Date.now() },
      { type: 'page', runId: 1, pageNumber: 1, bytes: page1(JSON.stringify(rows)) },
      { type: 'done', runId: 1, summary: { rowCount: 2, pages: 1, elapsedMs: 1500, parameters: [{ name: '@count', direction: 'output', value: '2' }], notes: [] } },
    );
    assert.deepEqual(await page.locator('table.rows th').allTextContents(), ['id', 'note', 'script', 'missing', 'extra']);
    assert.deepEqual(await page.locator('table.rows tbody tr').first().locator('td').allTextContents(), ['1', XSS, '<script>alert(2)</script>', 'NULL', 'NULL']);
    assert.equal(await page.locator('table.rows tbody tr').nth(1).locator('td').nth(4).textContent(), '{"nested":true}');
    assert.equal(await page.locator('table.rows img').count(), 0);
    assert.equal(await page.locator('table.rows td.null').count(), 4);
    assert.equal(await page.locator('.status').textContent(), '2 rows · 1 page · 1.5 s · Bendigo Medical Clinic');
    assert.deepEqual(await page.locator('table.parameters tbody td').allTextContents(), ['@count', 'output', '2']);
    assert.deepEqual(dialogs, []);
  });

  it('drops messages of a run that has been replaced, and says how many rows a nonQuery changed', async () => {
    await send(
      { type: 'begin', runId: 2, title: 'UPDATE PATIENTS', site: 'Bendigo Medical Clinic', format: 'rows', startedAt: Date.now() },
      { type: 'page', runId: 1, pageNumber: 2, bytes: page1('[{"late":1}]') },
      { type: 'done', runId: 2, summary: { rowsAffected: 3, pages: 0, elapsedMs: 20, parameters: [], notes: ['The result was too large.'] } },
    );
    assert.equal(await page.locator('table.rows tbody tr').count(), 0);
    assert.equal(await page.locator('.status').textContent(), '3 rows affected · 20 ms · Bendigo Medical Clinic');
    assert.deepEqual(await page.locator('.notes li').allTextContents(), ['The result was too large.']);
  });

  it('flattens a FHIR Bundle, toggles raw JSON, and reports a page it cannot read', async () => {
    const bundle = { resourceType: 'Bundle', type: 'searchset', entry: [{ resource: { resourceType: 'Patient', id: 'p1', gender: XSS } }] };
    await send(
      { type: 'begin', runId: 3, title: 'GET Patient', site: 'Box Hill', format: 'fhir', startedAt: Date.now() },
      { type: 'page', runId: 3, pageNumber: 1, bytes: page1(JSON.stringify(bundle)) },
    );
    assert.deepEqual(await page.locator('table.rows tbody td').allTextContents(), ['Patient', 'p1', XSS]);
    await page.locator('button.raw-toggle').click();
    assert.equal(await page.locator('pre.raw').isVisible(), true);
    assert.match((await page.locator('pre.raw').textContent()) ?? '', /"gender": "<img src=x onerror=alert\(1\)>"/);
    assert.equal(await page.locator('img').count(), 0);
    await send({ type: 'page', runId: 3, pageNumber: 2, bytes: page1('{"broken":') });
    assert.match((await page.locator('.error').textContent()) ?? '', /^Page 2 could not be read/);
    const last = (await posted()).at(-1);
    assert.equal(last?.type, 'pageError');
    assert.deepEqual(dialogs, []);
  });
});
