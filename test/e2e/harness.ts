import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { chromium } from 'playwright-core';
import type { Browser, Frame, Locator, Page } from 'playwright-core';
import { CodeServer, prepareProfile, REPO_ROOT, SAMPLE_WORKSPACE } from './codeServer';
import { childProcesses, describeProcesses, endProcessGroup, runOnExit, signalGroup } from './processes';

const SCREENSHOT_ROOT = path.join(REPO_ROOT, 'test-results/e2e');

/** Upper bound for any single wait on the workbench; the suite's own waits pass shorter ones where they know better. */
const DEFAULT_WAIT_MS = 20_000;
const WORKBENCH_WAIT_MS = 60_000;
const POLL_MS = 200;

/** What the recipe found Debian's Chromium needs headless in a container, plus no background traffic. */
const CHROMIUM_ARGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

function findChromium(): string {
  try {
    return execFileSync('sh', ['-c', 'command -v chromium'], { encoding: 'utf8' }).trim();
  } catch {
    throw new Error("Debian's chromium is not installed: run npm run e2e:setup");
  }
}

/** Polls `probe` every 200 ms until it gives a value (not undefined), and resolves with it; rejects, naming `what`, after `timeoutMs`. */
export async function until<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() >= deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/**
 * A real VS Code (code-server) with this extension installed, in headless Chromium, on a fresh profile and a copy of
 * the sample workspace. The helpers act as a user does: keyboard, palette, clicks; every wait is bounded.
 */
export class Workbench {
  private testSlug = 'workbench';
  private step = 0;
  private stopping?: Promise<void>;

  private constructor(
    readonly server: CodeServer,
    private readonly browser: Browser,
    private readonly browserPid: number | undefined,
    private readonly forgetBrowser: () => void,
    readonly page: Page,
    /** The workspace folder VS Code has open: a temporary copy of the sample workspace. */
    readonly workspaceFolder: string,
    private readonly scratch: string,
    private readonly forgetScratch: () => void,
  ) {}

  /** Starts code-server and the browser, opens the workspace, and resolves once the workbench has rendered. */
  static async start(): Promise<Workbench> {
    const executablePath = findChromium();
    const scratch = mkdtempSync(path.join(tmpdir(), 'pde-e2e-'));
    const workspaceFolder = path.join(scratch, 'workspace');
    cpSync(SAMPLE_WORKSPACE, workspaceFolder, { recursive: true });
    const userDataDir = path.join(scratch, 'user-data');
    const extensionsDir = path.join(scratch, 'extensions');
    prepareProfile(userDataDir, extensionsDir);
    const forgetScratch = runOnExit(() => rmSync(scratch, { recursive: true, force: true }));

    let server: CodeServer | undefined;
    let browser: Browser | undefined;
    let browserPid: number | undefined;
    let forgetBrowser = (): void => undefined;
    try {
      server = await CodeServer.start({ userDataDir, extensionsDir, workspaceFolder });
      const before = new Set(childProcesses(process.pid).map((entry) => entry.pid));
      // Chromium keeps crash reports under XDG_CONFIG_HOME: in the scratch folder rather than the user's home.
      const env = { ...process.env, XDG_CONFIG_HOME: path.join(scratch, 'config') };
      // Playwright's own signal handlers would close the browser and keep this process alive; ours end both groups.
      browser = await chromium.launch({
        executablePath,
        args: CHROMIUM_ARGS,
        env,
        timeout: DEFAULT_WAIT_MS,
        handleSIGINT: false,
        handleSIGTERM: false,
        handleSIGHUP: false,
      });
      browserPid = childProcesses(process.pid).find((entry) => !before.has(entry.pid) && /chrom/i.test(entry.command))?.pid;
      if (browserPid !== undefined) forgetBrowser = runOnExit(() => signalGroup(browserPid!, 'SIGKILL'));
      // Clipboard access lets a test read what a "Copy" button put there, as a user pasting it would.
      const page = await browser.newPage({ viewport: { width: 1400, height: 900 }, permissions: ['clipboard-read', 'clipboard-write'] });
      page.setDefaultTimeout(DEFAULT_WAIT_MS);
      await page.goto(server.folderUrl, { timeout: WORKBENCH_WAIT_MS });
      await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: WORKBENCH_WAIT_MS });
      // The Explorer lists the folder once the remote connection and file system are up: only then is the workbench usable.
      await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ timeout: WORKBENCH_WAIT_MS });
      return new Workbench(server, browser, browserPid, forgetBrowser, page, workspaceFolder, scratch, forgetScratch);
    } catch (error) {
      await browser?.close().catch(() => undefined);
      if (browserPid !== undefined && (await endProcessGroup(browserPid, 2_000)).length === 0) forgetBrowser();
      await server?.stop().catch(() => undefined);
      rmSync(scratch, { recursive: true, force: true });
      forgetScratch();
      throw error;
    }
  }

  /** Names the folder the next screenshots go to, and restarts their numbering (call it in `beforeEach`). */
  beginTest(title: string): void {
    this.testSlug = slug(title);
    this.step = 0;
    // Screenshots of an earlier run of the same test would mix with this run's.
    rmSync(path.join(SCREENSHOT_ROOT, this.testSlug), { recursive: true, force: true });
  }

  /** Saves what a user would see to `test-results/e2e/<test>/<nn>-<step>.png` and returns the path. */
  async screenshot(step: string): Promise<string> {
    this.step += 1;
    const file = path.join(SCREENSHOT_ROOT, this.testSlug, `${String(this.step).padStart(2, '0')}-${slug(step)}.png`);
    mkdirSync(path.dirname(file), { recursive: true });
    await this.page.screenshot({ path: file });
    return file;
  }

  /** Runs a command from the palette as a user does: F1, its title, Enter. Fails if no palette entry matches the title. */
  async runCommand(title: string): Promise<void> {
    await this.openPalette(title);
    // Enter runs the first row: make sure it is this command, not another whose title merely contains it.
    const first = this.quickInput().locator('.monaco-list-row').first();
    await until(`"${title}" at the top of the palette`, DEFAULT_WAIT_MS, async () =>
      (await first.getAttribute('aria-label').catch(() => null))?.startsWith(title) ? true : undefined,
    );
    await this.page.keyboard.press('Enter');
    // The palette closes; a command may open a quick pick of its own in the same widget at once, without a ">".
    const input = this.quickInput().locator('input');
    await until(`the palette to close after "${title}"`, DEFAULT_WAIT_MS, async () =>
      !(await this.quickInput().isVisible()) || !(await input.inputValue().catch(() => '')).startsWith('>') ? true : undefined,
    );
  }

  /** Opens the palette on a filter text and returns the entries it shows; the palette stays open for a screenshot. */
  async paletteEntries(filter: string): Promise<string[]> {
    await this.openPalette(filter);
    const rows = this.quickInput().locator('.monaco-list-row');
    // The list fills asynchronously: wait for it to be non-empty or for the "No matching commands" message.
    await until(`palette results for "${filter}"`, DEFAULT_WAIT_MS, async () =>
      (await rows.count()) > 0 || (await this.quickInput().getByText('No matching commands').isVisible()) ? true : undefined,
    );
    return rows.evaluateAll((elements) => elements.map((element) => element.getAttribute('aria-label') ?? ''));
  }

  /** Opens a workspace file through Quick Open (Ctrl+P) and waits for its editor tab to be active. */
  async openFile(name: string): Promise<void> {
    await this.closeQuickInput();
    await this.page.keyboard.press('Control+P');
    const input = this.quickInput().locator('input');
    await input.waitFor();
    await input.fill(name);
    // Enter opens the first row: until the filter applies that is the most recently opened file, whatever it is.
    const first = this.quickInput().locator('.monaco-list-row').first();
    await until(`${name} at the top of Quick Open`, DEFAULT_WAIT_MS, async () =>
      (await first.getAttribute('aria-label').catch(() => null))?.startsWith(name) ? true : undefined,
    );
    await this.page.keyboard.press('Enter');
    await this.page.locator(`.tabs-container .tab.active[aria-label^="${name}"]`).waitFor();
  }

  /**
   * Opens a file by its absolute path through File › Open File (Ctrl+O), as a user does for a file Quick Open does not
   * know yet: Quick Open lists files from a search it caches, so a file a test has just written may be missing there.
   */
  async openPath(file: string): Promise<void> {
    await this.closeQuickInput();
    await this.page.keyboard.press('Control+O');
    await this.waitForQuickInputTitle('Open File');
    // The dialog lists the folder it starts in and then writes that folder's path into its box, over anything typed
    // before: type once the file is listed, and again should the box still be overwritten.
    await this.quickInput().locator('.monaco-list-row', { hasText: path.basename(file) }).first().waitFor();
    const input = this.quickInput().locator('input');
    await until(`${file} in the Open File box`, DEFAULT_WAIT_MS, async () => {
      if ((await input.inputValue()) === file) return true;
      await input.fill(file);
      return undefined;
    });
    await this.page.keyboard.press('Enter');
    await this.page.locator(`.tabs-container .tab.active[aria-label^="${path.basename(file)}"]`).waitFor();
  }

  /** The text of every notification on screen (toasts and, when open, the notification centre). */
  async notifications(): Promise<string[]> {
    return this.page
      .locator('.notifications-toasts .notification-list-item-message, .notifications-center .notification-list-item-message')
      .allTextContents();
  }

  /**
   * Waits for a notification toast whose text matches to have finished sliding in (a screenshot taken earlier shows it
   * half drawn, without its buttons), and returns its text.
   */
  async waitForNotification(pattern: RegExp, timeoutMs = DEFAULT_WAIT_MS): Promise<string> {
    const message = this.page
      .locator('.notifications-toasts .notification-toast.notification-fade-in-done .notification-list-item-message')
      .filter({ hasText: pattern })
      .first();
    await message.waitFor({ timeout: timeoutMs });
    return message.innerText();
  }

  /** Waits for a line of the extension host's log (activation, errors) to match, and returns that line. */
  waitForExtensionHostLog(pattern: RegExp, timeoutMs = DEFAULT_WAIT_MS): Promise<string> {
    return until(`an extension host log line matching ${pattern}`, timeoutMs, async () =>
      this.server.extensionHostLog().split('\n').find((line) => pattern.test(line)),
    );
  }

  /** A notification toast on screen whose message matches, with its buttons. */
  notificationToast(pattern: RegExp): Locator {
    return this.page
      .locator('.notifications-toasts .notification-toast')
      .filter({ has: this.page.locator('.notification-list-item-message').filter({ hasText: pattern }) })
      .first();
  }

  /** Dismisses every notification, so the next wait sees only new ones. */
  async clearNotifications(): Promise<void> {
    await this.runCommand('Notifications: Clear All Notifications');
    await until('the notifications to clear', DEFAULT_WAIT_MS, async () => ((await this.notifications()).length === 0 ? true : undefined));
  }

  /** Clicks an activity-bar entry by its view container title. */
  async clickActivityBar(title: string): Promise<void> {
    await this.page.locator(`.activitybar [aria-label^="${title}"]`).first().click();
  }

  /**
   * Shows a view container of the activity bar (`practiceExplorer` for the extension's own) by clicking its icon, unless
   * it is showing already: a click on the icon of the container on screen would hide the sidebar instead.
   */
  async showViewContainer(title: string, viewContainerId: string): Promise<void> {
    const container = this.page.locator(`[id="workbench.view.extension.${viewContainerId}"]`);
    if (!(await container.isVisible())) await this.clickActivityBar(title);
    await container.waitFor();
  }

  /** A row of the trees in a view container (`practiceExplorer` for the extension's own) showing the text. */
  viewTreeItem(viewContainerId: string, text: string): Locator {
    return this.page.locator(`[id="workbench.view.extension.${viewContainerId}"] .monaco-list-row`, { hasText: text });
  }

  /**
   * Expands a tree row and waits until it shows as expanded. A click toggles a row; the tree may redraw under the
   * first click (while its provider answers), so one more is tried before giving up.
   */
  async expandTreeItem(row: Locator): Promise<void> {
    const expanded = async (): Promise<true | undefined> => ((await row.getAttribute('aria-expanded')) === 'true' ? true : undefined);
    for (let attempt = 1; ; attempt += 1) {
      if (await expanded()) return;
      await row.click();
      try {
        await until('the tree row to expand', 5_000, expanded);
        return;
      } catch (error) {
        if (attempt === 2) throw error;
      }
    }
  }

  /**
   * The rows a view container's trees show, top to bottom (only rows in view are rendered): the accessible label a
   * screen reader reads, and the text on screen (label, a space, description).
   */
  async treeRows(viewContainerId: string): Promise<{ label: string; text: string }[]> {
    return this.page
      .locator(`[id="workbench.view.extension.${viewContainerId}"] .monaco-list-row`)
      .evaluateAll((rows) =>
        rows.map((row) => ({
          label: row.getAttribute('aria-label') ?? '',
          text: ['.label-name', '.label-description']
            .map((selector) => row.querySelector(selector)?.textContent?.trim() ?? '')
            .filter((part) => part !== '')
            .join(' '),
        })),
      );
  }

  /** Drags the sash between the sidebar and the editors until the sidebar is `width` pixels wide (as far as VS Code allows). */
  async resizeSidebar(width: number): Promise<void> {
    const sidebar = await this.page.locator('.part.sidebar').boundingBox();
    if (!sidebar) throw new Error('The sidebar is not showing');
    const edge = sidebar.x + sidebar.width;
    const y = sidebar.y + sidebar.height / 2;
    await this.page.mouse.move(edge, y);
    await this.page.mouse.down();
    await this.page.mouse.move(sidebar.x + width, y, { steps: 5 });
    await this.page.mouse.up();
  }

  /** A status-bar entry showing the text. */
  statusBarItem(text: string): Locator {
    return this.page.locator('.statusbar-item', { hasText: text }).first();
  }

  /** A CodeLens of the visible editors showing the text (a link to click). */
  codeLens(text: string): Locator {
    return this.page.locator('.codelens-decoration a', { hasText: text }).first();
  }

  /** A modal dialog (VS Code draws them in the page: there are no native dialogs in a browser). */
  dialog(): Locator {
    return this.page.locator('.monaco-dialog-box');
  }

  /** Waits for the browser's clipboard to hold text that matches (a Copy button writes it asynchronously), and returns it. */
  waitForClipboard(pattern: RegExp, timeoutMs = DEFAULT_WAIT_MS): Promise<string> {
    return until(`clipboard text matching ${pattern}`, timeoutMs, async () => {
      const text = await this.page.evaluate(() => navigator.clipboard.readText());
      return pattern.test(text) ? text : undefined;
    });
  }

  /**
   * Answers a quick pick as a user does: waits for its title (so keys go to this pick, not the one before), types a
   * filter, checks that the first row is the item wanted, and accepts it with Enter.
   */
  async pickQuickItem(title: string, label: string): Promise<void> {
    await this.waitForQuickInputTitle(title);
    await this.quickInput().locator('input').fill(label);
    const first = this.quickInput().locator('.monaco-list-row').first();
    await until(`"${label}" at the top of the quick pick "${title}"`, DEFAULT_WAIT_MS, async () =>
      (await first.getAttribute('aria-label').catch(() => null))?.includes(label) ? true : undefined,
    );
    await this.page.keyboard.press('Enter');
  }

  /** Answers an input box: waits for its title, replaces whatever value it suggests with `value`, and presses Enter. */
  async answerInputBox(title: string, value: string): Promise<void> {
    await this.waitForQuickInputTitle(title);
    await this.quickInput().locator('input').fill(value);
    await this.page.keyboard.press('Enter');
  }

  /** Waits for the quick pick or input box showing this title. */
  async waitForQuickInputTitle(title: string, timeoutMs = DEFAULT_WAIT_MS): Promise<void> {
    await this.quickInput().locator('.quick-input-title', { hasText: title }).waitFor({ timeout: timeoutMs });
  }

  /**
   * The frame, among all nested frames (webviews nest two deep), that holds an element matching the selector; waits
   * for one to appear.
   */
  webviewFrame(selector: string, timeoutMs = DEFAULT_WAIT_MS): Promise<Frame> {
    return until(`a frame holding ${selector}`, timeoutMs, async () => {
      for (const frame of this.page.frames()) {
        // A frame may navigate or detach while it is asked: that frame simply does not hold it.
        if ((await frame.locator(selector).count().catch(() => 0)) > 0) return frame;
      }
      return undefined;
    });
  }

  /**
   * Runs an `--extensionTestsPath` suite (a compiled module exporting `run()`) in code-server's extension host: opens a
   * second window in extension development mode on this repository, collects what the extension host prints to the
   * console until a line matches `summary`, then closes that window. Returns the matching line and all output.
   */
  async runExtensionHostSuite(testsEntry: string, summary: RegExp, timeoutMs = 120_000): Promise<{ summary: string; output: string[] }> {
    const remote = (file: string): string => `vscode-remote://${new URL(this.server.url).host}${file}`;
    const payload = [
      ['extensionDevelopmentPath', remote(REPO_ROOT)],
      ['extensionTestsPath', remote(testsEntry)],
    ];
    const page = await this.browser.newPage();
    const output: string[] = [];
    page.on('console', (message) => output.push(message.text()));
    try {
      await page.goto(`${this.server.folderUrl}&payload=${encodeURIComponent(JSON.stringify(payload))}`, { timeout: WORKBENCH_WAIT_MS });
      const line = await until(`the extension host suite's summary (${summary})`, timeoutMs, async () => output.find((text) => summary.test(text)));
      return { summary: line, output };
    } finally {
      await page.close();
    }
  }

  /**
   * Closes the browser and code-server, checks that neither left a process behind, and removes the scratch folder.
   * Calling it again waits for the first call.
   */
  stop(): Promise<void> {
    this.stopping ??= this.shutDown();
    return this.stopping;
  }

  private async shutDown(): Promise<void> {
    const problems: string[] = [];
    await this.browser.close().catch((error: Error) => problems.push(`closing the browser: ${error.message}`));
    if (this.browserPid !== undefined) {
      const survivors = await endProcessGroup(this.browserPid, 5_000);
      if (survivors.length > 0) problems.push(`the browser left processes running: ${describeProcesses(survivors)}`);
      else this.forgetBrowser();
    }
    await this.server.stop().catch((error: Error) => problems.push(error.message));
    rmSync(this.scratch, { recursive: true, force: true });
    this.forgetScratch();
    if (problems.length > 0) throw new Error(problems.join('; '));
  }

  private async openPalette(text: string): Promise<void> {
    await this.closeQuickInput();
    await this.page.keyboard.press('F1');
    const input = this.quickInput().locator('input');
    await input.waitFor();
    // F1 opens the palette with ">" already typed; filling keeps it and replaces anything else.
    await input.fill(`>${text}`);
  }

  /** Closes the palette or Quick Open if it is showing. */
  async closeQuickInput(): Promise<void> {
    if (await this.quickInput().isVisible()) {
      await this.page.keyboard.press('Escape');
      await this.quickInput().waitFor({ state: 'hidden' });
    }
  }

  private quickInput(): Locator {
    return this.page.locator('.quick-input-widget');
  }
}

function slug(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, '-').slice(0, 80).replace(/^-|-$/g, '') || 'step';
}
