/*
 * `npm run test:vscode`: runs test/vscode/suite inside a downloaded VS Code desktop (@vscode/test-electron), for
 * machines that can download it. Where they cannot (CI here), `npm run test:e2e` runs the extension in code-server.
 * On Linux without a display, run it under xvfb-run. The same suite also runs in code-server's extension host as part of
 * the end-to-end suite (test/e2e/extensionHostSuite.e2e.ts).
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { downloadAndUnzipVSCode, ProgressReportStage, runTests } from '@vscode/test-electron';
import type { ProgressReport, ProgressReporter } from '@vscode/test-electron';
import { REPO_ROOT, SAMPLE_WORKSPACE } from '../e2e/codeServer';
import { compileSuite } from './compileSuite';

const VSCODE_VERSION = '1.100.3';
const DOWNLOAD_IDLE_TIMEOUT_MS = 30_000;

/** One line per stage instead of the default reporter's progress bar; failures are reported once, by main(). */
const reporter: ProgressReporter = {
  report(report: ProgressReport): void {
    if (report.stage === ProgressReportStage.ResolvingCDNLocation) console.log(`test:vscode: downloading VS Code ${VSCODE_VERSION}…`);
    if (report.stage === ProgressReportStage.FoundMatchingInstall) console.log(`test:vscode: using VS Code ${VSCODE_VERSION} in ${path.relative(REPO_ROOT, report.downloadedPath)}`);
  },
  error(): void {},
};

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n')[0] || 'unknown error';
}

async function main(): Promise<number> {
  const extensionTestsPath = await compileSuite();
  let vscodeExecutablePath: string;
  try {
    vscodeExecutablePath = await downloadAndUnzipVSCode({
      version: VSCODE_VERSION,
      cachePath: path.join(REPO_ROOT, '.vscode-test'),
      timeout: DOWNLOAD_IDLE_TIMEOUT_MS,
      reporter,
    });
  } catch (error) {
    console.error(
      `test:vscode: cannot download VS Code ${VSCODE_VERSION} (${firstLine(error)}). This path needs that download; ` +
        'without it, run npm run test:e2e, which runs the extension in code-server.',
    );
    return 1;
  }

  const scratch = mkdtempSync(path.join(tmpdir(), 'pde-vscode-'));
  try {
    const workspace = path.join(scratch, 'workspace');
    cpSync(SAMPLE_WORKSPACE, workspace, { recursive: true });
    return await runTests({
      vscodeExecutablePath,
      extensionDevelopmentPath: REPO_ROOT,
      extensionTestsPath,
      launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust', '--user-data-dir', path.join(scratch, 'user-data')],
    });
  } catch (error) {
    console.error(`test:vscode: ${firstLine(error)}`);
    return 1;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

main().then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    console.error(`test:vscode: ${firstLine(error)}`);
    process.exitCode = 1;
  },
);
