import * as assert from 'node:assert/strict';
import { readManifest } from './codeServer';
import { workbench } from './suiteWorkbench';

const START = 'Practice Data Explorer: Start Sandbox';
const STOP = 'Practice Data Explorer: Stop Sandbox';

/** What a request to the Sandbox's address gets: an HTTP status, or the network error code when nothing listens. */
async function probe(url: string): Promise<number | string> {
  try {
    const response = await fetch(`${url}/integrator/sites/00000000-0000-0000-0000-000000000000`, { signal: AbortSignal.timeout(10_000) });
    await response.arrayBuffer();
    return response.status;
  } catch (error) {
    return ((error as Error & { cause?: NodeJS.ErrnoException }).cause?.code ?? (error as Error).message);
  }
}

describe('Practice Data Explorer in a real VS Code', () => {
  let sandboxUrl = '';

  it('loads the workbench with the extension installed and its commands in the palette', async () => {
    const vscode = workbench();
    await vscode.openFile('patients.sql');
    await vscode.screenshot('workbench with patients.sql open');
    // Monaco renders spaces as no-break spaces.
    const shown = (await vscode.page.locator('.editor-instance .view-lines').first().innerText()).replace(/\u00a0/g, ' ');
    assert.match(shown, /FROM BPS_Patients\nWHERE DATEDIFF/);

    // Filtered by each full title: the palette renders only the rows in view, and the extension has many commands.
    for (const title of [START, STOP]) {
      const entries = await vscode.paletteEntries(title);
      assert.ok(entries.some((entry) => entry.startsWith(title)), `palette entries for "${title}": ${entries.join(' | ')}`);
    }
    await vscode.screenshot('palette lists our commands');
    await vscode.closeQuickInput();
  });

  it('starts the Sandbox from the palette and says where it runs', async () => {
    const vscode = workbench();
    await vscode.runCommand(START);
    const message = await vscode.waitForNotification(/^Sandbox running at /, 60_000);
    await vscode.screenshot('sandbox running notification');
    const match = /^Sandbox running at (http:\/\/127\.0\.0\.1:\d+) with 6 sites\.$/.exec(message);
    assert.ok(match, `notification: ${message}`);
    sandboxUrl = match[1];

    // The notification names a real Sandbox: it listens there and, asked without a subscription key, refuses as Halo does.
    assert.equal(await probe(sandboxUrl), 401);
    const manifest = readManifest();
    // Activated by the command or earlier (a view, a language): either way the extension host says so.
    await vscode.waitForExtensionHostLog(new RegExp(`_doActivateExtension ${manifest.publisher}\\.${manifest.name},`));
    assert.doesNotMatch(vscode.server.extensionHostLog(), /\[error\].*practice-data-explorer/i);
  });

  it('stops the Sandbox from the palette', async () => {
    assert.ok(sandboxUrl, 'the previous test started no Sandbox');
    const vscode = workbench();
    await vscode.clearNotifications();
    await vscode.runCommand(STOP);
    const message = await vscode.waitForNotification(/Sandbox/);
    await vscode.screenshot('sandbox stopped notification');
    assert.equal(message, 'Sandbox stopped.');
    assert.equal(await probe(sandboxUrl), 'ECONNREFUSED');
  });
});
