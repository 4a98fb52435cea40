// Runs inside VS Code's extension host (see test/vscode/runTests.ts), the same process as the extension itself.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

const EXTENSION_ID = 'practice-data-explorer.practice-data-explorer';
const SETTLE_TIMEOUT_MS = 60_000;

/** Listening TCP servers of this process: the extension host's, so the Sandbox's too once it runs. */
function tcpServers(): number {
  return process.getActiveResourcesInfo().filter((resource) => resource === 'TCPServerWrap').length;
}

/** The count once it has stayed the same for half a second (a stopped server's handle leaves a little later). */
async function waitForTcpServersToSettle(): Promise<number> {
  let count = tcpServers();
  for (let still = 0, rounds = 0; still < 10 && rounds < 100; rounds += 1) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    const now = tcpServers();
    still = now === count ? still + 1 : 0;
    count = now;
  }
  return count;
}

/** A closed server's handle leaves the event loop a turn or two after close() resolves. */
async function waitForTcpServers(expected: number): Promise<number> {
  const deadline = Date.now() + 5_000;
  while (tcpServers() !== expected && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return tcpServers();
}

/**
 * Start Sandbox resolves only once its notification is answered or dismissed, as a user would: keep dismissing
 * notifications until the command settles (bounded).
 */
async function runDismissingNotifications(command: string): Promise<void> {
  let settled = false;
  const run = Promise.resolve(vscode.commands.executeCommand(command)).finally(() => (settled = true));
  const deadline = Date.now() + SETTLE_TIMEOUT_MS;
  while (!settled && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    await vscode.commands.executeCommand('notifications.clearAll');
  }
  if (!settled) throw new Error(`${command} did not settle within ${SETTLE_TIMEOUT_MS / 1000} s`);
  await run;
}

describe('Practice Data Explorer in VS Code', () => {
  it('contributes the Sandbox commands, and registers them once active', async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is not installed`);
    const contributed = (extension.packageJSON.contributes.commands as { command: string }[]).map((entry) => entry.command);
    assert.ok(contributed.includes('practiceExplorer.startSandbox'));
    assert.ok(contributed.includes('practiceExplorer.stopSandbox'));

    await extension.activate();
    const registered = await vscode.commands.getCommands(true);
    assert.ok(registered.includes('practiceExplorer.startSandbox'));
    assert.ok(registered.includes('practiceExplorer.stopSandbox'));
  });

  it('starts the Sandbox on a port of its own, then stops it', async () => {
    // From a known state: other features may have started the Sandbox already.
    await vscode.commands.executeCommand('practiceExplorer.stopSandbox');
    const before = await waitForTcpServersToSettle();
    await runDismissingNotifications('practiceExplorer.startSandbox');
    assert.equal(vscode.extensions.getExtension(EXTENSION_ID)?.isActive, true);
    assert.equal(tcpServers(), before + 1, 'the Sandbox is not listening');

    await vscode.commands.executeCommand('practiceExplorer.stopSandbox');
    assert.equal(await waitForTcpServers(before), before, 'the Sandbox is still listening');
  });
});
