/*
 * What issue 4 promises a user, in a real VS Code: the Sandbox's clinics in the view, a SQL document run into the
 * results panel, a FHIR request, switching site from the status bar, cancelling a slow async query, adding a Halo
 * Connect connection to a second Sandbox, and a write there refused without confirmation; and the README's screenshot.
 * The tests run in order and build on each other (the write test uses the connection the test before it adds), as a
 * user's session does. PDE_UPDATE_README_SCREENSHOT=1 copies the README screenshot to media/screenshot.png.
 */
import * as assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Frame, Locator } from 'playwright-core';
import { HaloConnectClient } from '../../src/core/haloConnect/haloConnectClient';
import type { ImmediateResult } from '../../src/core/haloConnect/wireTypes';
import { parseRows } from '../../src/core/results/parseRows';
import { readImmediateResult } from '../../src/core/results/resultParameters';
import { startSandbox } from '../../src/sandbox/sandbox';
import type { RunningSandbox, SandboxSiteInfo } from '../../src/sandbox/sandbox';
import { REPO_ROOT } from './codeServer';
import { until } from './harness';
import { workbench } from './suiteWorkbench';

const VIEW_CONTAINER = 'practiceExplorer';
const START_SANDBOX = 'Practice Data Explorer: Start Sandbox';
const RUN_ASYNC = 'Practice Data Explorer: Run as Async Query';
const ADD_CONNECTION = 'Practice Data Explorer: Add Connection…';
const FOCUS_SITES_VIEW = 'Practice Data Explorer: Focus on Sites View';
const TOGGLE_MINIMAP = 'View: Toggle Minimap';
const CLOSE_ALL_EDITORS = 'View: Close All Editor Groups';
/** Starting the embedded Sandbox builds six practices: the first wait on it is the longest. */
const SANDBOX_START_MS = 60_000;
const RUN_MS = 30_000;
/** A queue delay no test outlives: the async query stays queued until it is cancelled. */
const QUEUE_DELAY_MS = 300_000;
const SECOND_CONNECTION = 'Second Sandbox';
/** The README's picture, written only when asked (PDE_UPDATE_README_SCREENSHOT=1): its pixels change with every run. */
const README_SCREENSHOT = path.join(REPO_ROOT, 'media/screenshot.png');
const README_SCREENSHOT_MAX_BYTES = 300 * 1024;
const SCREENSHOT_SIDEBAR_WIDTH = 420;

/** The rows of the results panel's table, cell texts in column order. */
async function tableRows(frame: Frame): Promise<string[][]> {
  return frame.locator('table.rows tbody tr').evaluateAll((rows) => rows.map((row) => Array.from(row.querySelectorAll('td'), (cell) => cell.textContent ?? '')));
}

async function tableHeader(frame: Frame): Promise<string[]> {
  return frame.locator('table.rows thead th').allTextContents();
}

/** The panel's status line once the run has finished ("50 rows · 1 page · 85 ms · Bendigo Medical Clinic"). */
async function finishedStatus(frame: Frame, pattern: RegExp): Promise<string> {
  const status = frame.locator('.status').filter({ hasText: pattern });
  await status.waitFor({ timeout: RUN_MS });
  return status.innerText();
}

/** The rows a `reader` query returns on a site of a Sandbox, asked directly over HTTP, past the extension. */
async function queryDirectly(sandbox: RunningSandbox, site: SandboxSiteInfo, text: string): Promise<Record<string, unknown>[]> {
  const client = new HaloConnectClient({ environment: { baseUrl: sandbox.url }, subscriptionKey: sandbox.key });
  try {
    const query = await client.runImmediate(site.id, { command: { text, executionMode: 'reader' } }, AbortSignal.timeout(RUN_MS));
    const outcome = readImmediateResult(query.result as ImmediateResult);
    if (outcome.kind !== 'rows') throw new Error(`${text} returned no rows`);
    const { columns, rows } = parseRows(outcome.bytes);
    return rows.map((row) => Object.fromEntries(columns.map((column, index) => [column, row[index]])));
  } finally {
    client.dispose();
  }
}

describe('Sites and runs', () => {
  /** The second Sandbox, started here: the Halo Connect connection added through the UI points at it. */
  let second: RunningSandbox | undefined;

  before(async function () {
    this.timeout(SANDBOX_START_MS);
    second = await startSandbox({ seed: 2, patients: 300 });
  });

  beforeEach(async () => {
    // Each scenario starts from an empty editor area, as its screenshots show: no documents or panels of the last one.
    await workbench().runCommand(CLOSE_ALL_EDITORS);
  });

  after(async () => {
    await second?.stop();
    // Toasts left on screen would answer the next suite's waits for a notification.
    await workbench().clearNotifications();
  });

  /** A row of the Sites view showing the text. */
  function siteRow(text: string): Locator {
    return workbench().viewTreeItem(VIEW_CONTAINER, text);
  }

  function secondSite(role: SandboxSiteInfo['role']): SandboxSiteInfo {
    const site = second?.sites.find((candidate) => candidate.role === role);
    assert.ok(site, `the second Sandbox has no ${role} site`);
    return site;
  }

  it('shows the Sandbox clinics, with their state, and its Halaxy practice in the Practice Data Explorer view', async () => {
    const vscode = workbench();
    await vscode.showViewContainer('Practice Data Explorer', VIEW_CONTAINER);
    // The Sandbox starts on first expansion of its connection: the clinics appear once it has listed them.
    await siteRow('Bendigo Medical Clinic').first().waitFor({ timeout: SANDBOX_START_MS });
    await vscode.page.mouse.move(700, 450);
    await vscode.screenshot('sandbox clinics in the sites view');

    const labels = (await vscode.treeRows(VIEW_CONTAINER)).map((row) => row.label);
    assert.deepEqual(
      labels.filter((label) => label.includes('site of Sandbox')),
      [
        'Bendigo Medical Clinic, Best Practice site of Sandbox, online',
        'Joondalup Medical Clinic, Zedmed site of Sandbox, online',
        'Castle Hill Dental Care, D4w site of Sandbox, online',
        'Caboolture General Practice, Best Practice site of Sandbox, offline',
        'Chermside Medical Centre, Zedmed site of Sandbox, unreachable',
        'Box Hill Medical Centre, Halaxy site of Sandbox',
      ],
      labels.join(' | '),
    );
    // The state is on screen too, not only for screen readers.
    await siteRow('Caboolture General Practice').filter({ hasText: 'Best Practice · offline' }).waitFor();
    await siteRow('Chermside Medical Centre').filter({ hasText: 'Zedmed · unreachable' }).waitFor();

    // Expanding a clinic asks the Sandbox for its details: its catalogues, FHIR resources and registered queries.
    await vscode.expandTreeItem(siteRow('Bendigo Medical Clinic').first());
    await siteRow('Catalogues').filter({ hasText: '3' }).waitFor();
    await siteRow('FHIR resources').first().waitFor();
    await siteRow('Registered queries').first().waitFor();
    await vscode.screenshot('a clinic expanded');
  });

  it('runs patients.sql with Ctrl+Enter and shows its rows in the results panel', async () => {
    const vscode = workbench();
    await vscode.openFile('patients.sql');
    await vscode.codeLens('Run on Bendigo Medical Clinic').waitFor({ timeout: SANDBOX_START_MS });
    await vscode.screenshot('patients sql with its code lenses');

    await vscode.page.locator('.editor-group-container.active .view-lines').first().click();
    await vscode.page.keyboard.press('Control+End');
    await vscode.page.keyboard.press('Control+Enter');
    // Bendigo has three catalogues: the first run asks which (the default is listed first).
    await vscode.waitForQuickInputTitle('Catalogue on Bendigo Medical Clinic for patients.sql', SANDBOX_START_MS);
    await vscode.screenshot('catalogue picker');
    await vscode.pickQuickItem('Catalogue on Bendigo Medical Clinic for patients.sql', 'BPSPatients');

    const frame = await vscode.webviewFrame('h1.title:has-text("SELECT TOP 50 InternalID")', RUN_MS);
    const status = await finishedStatus(frame, /^\d+ rows? · 1 page · .* · Bendigo Medical Clinic$/);
    await vscode.screenshot('patients rows in the results panel');

    assert.deepEqual(await tableHeader(frame), ['InternalID', 'Surname', 'Firstname', 'DOB', 'Sex', 'City', 'Postcode', 'UsualDoctor']);
    const rows = await tableRows(frame);
    const count = Number(/^(\d+) rows?/.exec(status)![1]);
    assert.equal(rows.length, count, status);
    assert.ok(count > 0 && count <= 50, status);
    // The Sandbox answered the query that was written: patients of 65 and over (by year, as DATEDIFF counts).
    const year = new Date().getFullYear();
    for (const row of rows) {
      assert.match(row[0], /^\d+$/, `InternalID of ${row.join(', ')}`);
      assert.ok(row[1].length > 0 && row[1] !== 'NULL', `Surname of ${row.join(', ')}`);
      const born = Number(/^(\d{4})-\d{2}-\d{2}/.exec(row[3])?.[1]);
      assert.ok(year - born >= 65, `DOB of ${row.join(', ')}`);
    }
  });

  it('runs a request of patients.fhir from its CodeLens and shows the Bundle flattened', async () => {
    const vscode = workbench();
    await vscode.openFile('patients.fhir');
    await vscode.codeLens('▶ Run').waitFor({ timeout: RUN_MS });
    await vscode.screenshot('patients fhir with its code lenses');
    await vscode.codeLens('▶ Run').click();

    const frame = await vscode.webviewFrame('h1.title:has-text("GET Patient")', RUN_MS);
    const status = await finishedStatus(frame, /^\d+ rows? · 1 page · .* · Bendigo Medical Clinic$/);
    await vscode.screenshot('patients bundle in the results panel');

    const header = await tableHeader(frame);
    assert.deepEqual(header.slice(0, 2), ['resourceType', 'id'], header.join(', '));
    const rows = await tableRows(frame);
    assert.equal(rows.length, Number(/^(\d+) rows?/.exec(status)![1]), status);
    assert.ok(rows.length > 0, `no patients: ${status}`);
    // One row per entry of the Bundle: every one a Patient with an id.
    for (const row of rows) {
      assert.equal(row[0], 'Patient', row.join(', '));
      assert.ok(row[1].length > 0 && row[1] !== 'NULL', row.join(', '));
    }

    // The raw answer is the Bundle the table was flattened from.
    await frame.locator('button.raw-toggle', { hasText: 'Show raw JSON' }).click();
    const raw = JSON.parse(await frame.locator('pre.raw').innerText()) as { resourceType: string; entry?: { resource: { id: string } }[] };
    await vscode.screenshot('raw bundle');
    assert.equal(raw.resourceType, 'Bundle');
    assert.deepEqual(
      (raw.entry ?? []).map((entry) => entry.resource.id),
      rows.map((row) => row[1]),
    );
    await frame.locator('button.raw-toggle', { hasText: 'Show table' }).click();
  });

  it('takes the README screenshot: the sites tree, a SQL document and its rows', async () => {
    const vscode = workbench();
    const page = vscode.page;
    let minimapHidden = false;
    await page.setViewportSize({ width: 1280, height: 800 });
    try {
      await vscode.openFile('patients.sql');
      // Chosen through its CodeLens: the run then asks nothing, whichever tests ran before.
      await vscode.codeLens('Catalogue:').click();
      await vscode.pickQuickItem('Catalogue on Bendigo Medical Clinic for patients.sql', 'BPSPatients');
      await vscode.codeLens('Catalogue: BPSPatients').waitFor();
      await vscode.codeLens('Run on Bendigo Medical Clinic').click();
      const frame = await vscode.webviewFrame('h1.title:has-text("SELECT TOP 50 InternalID")', RUN_MS);
      await finishedStatus(frame, /^\d+ rows? · 1 page · .* · Bendigo Medical Clinic$/);
      // Document above, rows below: both get the window's width.
      await vscode.runCommand('Toggle Vertical/Horizontal Editor Layout');
      // A wider sidebar, so the sites' PMS and state show in full, and no minimap, so the SQL does.
      await vscode.resizeSidebar(SCREENSHOT_SIDEBAR_WIDTH);
      await vscode.runCommand(TOGGLE_MINIMAP);
      minimapHidden = true;
      await siteRow('Bendigo Medical Clinic').first().waitFor();
      await siteRow('Catalogues').first().waitFor();
      // Out of the way, over the empty part of the sidebar: a pointer over the editor shows its scrollbars and hovers.
      await page.mouse.move(250, 600);
      await vscode.clearNotifications();
      // VS Code activates built-in extensions on demand (the SQL grammar's, say) and says so in the status bar for a moment.
      await vscode.statusBarItem('Activating Extensions').waitFor({ state: 'hidden' });
      assert.ok((await tableRows(frame)).length > 0);

      const shot = await vscode.screenshot('readme screenshot');
      const size = statSync(shot).size;
      assert.ok(size <= README_SCREENSHOT_MAX_BYTES, `the screenshot is ${Math.round(size / 1024)} KB`);
      if (process.env.PDE_UPDATE_README_SCREENSHOT === '1') {
        mkdirSync(path.dirname(README_SCREENSHOT), { recursive: true });
        copyFileSync(shot, README_SCREENSHOT);
      }
    } finally {
      if (minimapHidden) await vscode.runCommand(TOGGLE_MINIMAP);
      await page.setViewportSize({ width: 1400, height: 900 });
    }
  });

  it('switches the active site from the status bar', async () => {
    const vscode = workbench();
    // A fresh workspace starts on the Sandbox's first clinic.
    const item = vscode.statusBarItem('Sandbox › Bendigo Medical Clinic');
    await item.waitFor();
    await item.click();
    await vscode.waitForQuickInputTitle('Choose the site for SQL and FHIR');
    await vscode.screenshot('site picker');
    await vscode.pickQuickItem('Choose the site for SQL and FHIR', 'Castle Hill Dental Care');

    await vscode.statusBarItem('Sandbox › Castle Hill Dental Care').waitFor();
    assert.equal(await vscode.statusBarItem('Sandbox › Bendigo Medical Clinic').count(), 0);
    // The tree marks the new active site as well.
    await siteRow('Castle Hill Dental Care').filter({ hasText: 'D4w · active' }).waitFor();
    await vscode.page.mouse.move(700, 450);
    await vscode.screenshot('status bar shows the new site');
  });

  it('cancels a slow async query from its progress notification', async () => {
    const vscode = workbench();
    await vscode.clearNotifications();
    await vscode.runCommand(START_SANDBOX);
    const started = vscode.notificationToast(/^Sandbox running at /);
    await started.waitFor({ timeout: SANDBOX_START_MS });
    await started.locator('.monaco-button', { hasText: 'Copy URL and key' }).click();
    const copied = await vscode.waitForClipboard(/HALO_CONNECT_KEY=/);
    const url = /^HALO_CONNECT_URL=(http:\/\/127\.0\.0\.1:\d+)$/m.exec(copied)?.[1];
    const key = /^HALO_CONNECT_KEY=(\w+)$/m.exec(copied)?.[1];
    assert.ok(url && key, `the clipboard holds: ${copied}`);

    // The next query waits in the Sandbox's queue far longer than this test lasts.
    const faults = `${url}/_sandbox/faults`;
    const headers = { 'Ocp-Apim-Subscription-Key': key, 'Content-Type': 'application/json' };
    const armed = await fetch(faults, { method: 'POST', headers, body: JSON.stringify({ queueDelay: { ms: QUEUE_DELAY_MS } }), signal: AbortSignal.timeout(RUN_MS) });
    assert.equal(armed.status, 200, await armed.text());
    try {
      await vscode.openFile('appointments.sql');
      await vscode.codeLens('Run on Bendigo Medical Clinic').waitFor({ timeout: RUN_MS });
      await vscode.runCommand(RUN_ASYNC);
      await vscode.pickQuickItem('Catalogue on Bendigo Medical Clinic for appointments.sql', 'BPSPatients');

      // The progress notification says where the query is, and offers to cancel it.
      const progress = vscode.notificationToast(/Bendigo Medical Clinic: running SQL.*Queued at the practice/);
      await progress.waitFor({ timeout: RUN_MS });
      const frame = await vscode.webviewFrame('h1.title:has-text("SELECT AppointmentDate")', RUN_MS);
      await frame.locator('.progress', { hasText: 'Queued at the practice' }).waitFor();
      await vscode.screenshot('async query queued');
      const snapshot = (await (await fetch(faults, { headers, signal: AbortSignal.timeout(RUN_MS) })).json()) as { queueDelay: unknown[] };
      assert.deepEqual(snapshot.queueDelay, [], 'the async query did not take the queue delay');

      await progress.locator('.monaco-button', { hasText: 'Cancel' }).click();
      await progress.waitFor({ state: 'hidden' });
      const status = await finishedStatus(frame, /^Cancelled after .* · Bendigo Medical Clinic$/);
      await vscode.screenshot('async query cancelled');

      // Cancelled is the user's own doing: no error, no rows, and the history records it as cancelled.
      assert.ok(await frame.locator('.error').isHidden(), status);
      assert.equal(await frame.locator('table.rows tbody tr').count(), 0);
      assert.equal(await frame.locator('.progress').innerText(), '');
      await vscode.expandTreeItem(siteRow('Query history').first());
      await siteRow('SELECT AppointmentDate').filter({ hasText: 'Bendigo Medical Clinic' }).filter({ hasText: 'cancelled' }).waitFor();
      assert.deepEqual(
        (await vscode.notifications()).filter((text) => /error|failed/i.test(text)),
        [],
        'a cancelled run reports no error',
      );
      await vscode.screenshot('history records the cancelled run');
    } finally {
      await fetch(faults, { method: 'DELETE', headers, signal: AbortSignal.timeout(RUN_MS) });
    }
  });

  it('adds a Halo Connect connection to a second Sandbox and a site by its PMS site id', async () => {
    assert.ok(second, 'the second Sandbox did not start');
    const vscode = workbench();
    const newtown = secondSite('bestPractice');
    await vscode.clearNotifications();
    await vscode.runCommand(ADD_CONNECTION);
    await vscode.pickQuickItem('Add a connection', 'Halo Connect');
    await vscode.answerInputBox('Name the connection', SECOND_CONNECTION);
    await vscode.pickQuickItem('Halo Connect environment', 'Custom URL');
    await vscode.answerInputBox('Halo Connect base URL', second.url);
    await vscode.waitForQuickInputTitle(`Subscription key for ${SECOND_CONNECTION}`);
    assert.equal(await vscode.page.locator('.quick-input-widget input').getAttribute('type'), 'password');
    await vscode.answerInputBox(`Subscription key for ${SECOND_CONNECTION}`, second.key);
    // The key is checked with the server; then the connection wants its first site.
    await vscode.pickQuickItem(`Add a site to ${SECOND_CONNECTION}`, 'Best Practice');
    await vscode.answerInputBox('Best Practice site id', newtown.practiceManagementSiteId);
    const added = await vscode.waitForNotification(/^Added /, RUN_MS);
    await vscode.screenshot('site added');
    assert.equal(added, `Added ${newtown.practiceName} to ${SECOND_CONNECTION}.`);

    await vscode.runCommand(FOCUS_SITES_VIEW);
    const connection = siteRow(SECOND_CONNECTION).filter({ hasText: `Halo Connect ${second.url}` });
    await connection.waitFor();
    await vscode.expandTreeItem(connection);
    const siteLabel = `${newtown.practiceName}, Best Practice site of ${SECOND_CONNECTION}, online`;
    await siteRow(newtown.practiceName).first().waitFor();
    assert.ok((await vscode.treeRows(VIEW_CONTAINER)).some((row) => row.label === siteLabel));
    // Expanding it reaches the second Sandbox with the key from secret storage: its details list its catalogues.
    await vscode.expandTreeItem(siteRow(newtown.practiceName).first());
    await until(`the catalogues of ${newtown.practiceName}`, RUN_MS, async () => {
      const rows = await vscode.treeRows(VIEW_CONTAINER);
      const site = rows.findIndex((row) => row.label === siteLabel);
      return site >= 0 && rows[site + 1]?.text === 'Catalogues 3' ? true : undefined;
    });
    await vscode.page.mouse.move(700, 450);
    await vscode.screenshot('second sandbox site in the tree');
    await vscode.clearNotifications();
  });

  it('refuses a write to that site unless the modal confirmation is accepted', async () => {
    const sandbox = second;
    assert.ok(sandbox, 'the second Sandbox did not start');
    const vscode = workbench();
    const newtown = secondSite('bestPractice');
    const [patient] = await queryDirectly(sandbox, newtown, 'SELECT TOP 1 INTERNALID, PATIENTSTATUS FROM PATIENTS ORDER BY INTERNALID');
    const patientStatus = async (): Promise<number> =>
      Number((await queryDirectly(sandbox, newtown, `SELECT PATIENTSTATUS FROM PATIENTS WHERE INTERNALID = ${patient.INTERNALID}`))[0].PATIENTSTATUS);
    const before = Number(patient.PATIENTSTATUS);
    // Not idempotent on purpose: had the refused run gone through anyway, the confirmed one would make it +2.
    const document = path.join(vscode.workspaceFolder, 'update.sql');
    writeFileSync(
      document,
      `-- @site ${newtown.practiceName}\n-- A write: sites are read-only until the user confirms.\nUPDATE PATIENTS SET PATIENTSTATUS = PATIENTSTATUS + 1 WHERE INTERNALID = ${patient.INTERNALID};\n`,
    );
    await vscode.openPath(document);
    const run = vscode.codeLens(`Run on ${newtown.practiceName}`);
    await run.waitFor({ timeout: RUN_MS });

    await run.click();
    await vscode.pickQuickItem(`Catalogue on ${newtown.practiceName} for update.sql`, 'BPSPatients');
    const dialog = vscode.dialog();
    await dialog.waitFor({ timeout: RUN_MS });
    await vscode.screenshot('write confirmation');
    const question = (await dialog.innerText()).replace(/\s+/g, ' ');
    assert.match(question, new RegExp(`This writes to "${newtown.practiceName}" \\(Best Practice, ${SECOND_CONNECTION}\\): UPDATE`), question);
    await dialog.locator('.monaco-button', { hasText: 'Cancel' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await vscode.screenshot('write refused');
    assert.equal(await vscode.page.locator('.tab', { hasText: 'Results: update.sql' }).count(), 0, 'a refused write opened a results panel');
    assert.equal(await patientStatus(), before, 'the refused write changed the patient');

    // The same run, confirmed, does write: the check above could have seen a change.
    await run.click();
    await dialog.waitFor({ timeout: RUN_MS });
    await dialog.locator('.monaco-button', { hasText: `Write to ${newtown.practiceName}` }).click();
    const frame = await vscode.webviewFrame('h1.title:has-text("UPDATE PATIENTS SET PATIENTSTATUS")', RUN_MS);
    await finishedStatus(frame, new RegExp(`^1 row affected · .* · ${newtown.practiceName}$`));
    await vscode.screenshot('confirmed write');
    assert.equal(await patientStatus(), before + 1);
  });
});
