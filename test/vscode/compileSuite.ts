import { rmSync } from 'node:fs';
import * as path from 'node:path';
import { build } from 'esbuild';
import { REPO_ROOT } from '../e2e/codeServer';

const SUITE_OUT = path.join(REPO_ROOT, 'out/vscode-tests');

/** The suite's closing line, printed in the extension host. */
export const SUITE_SUMMARY = /vscode-suite: (\d+) passed, (\d+) failed/;

/**
 * The extension host runs JavaScript only: compiles test/vscode/suite file by file into out/vscode-tests, and returns
 * the entry point to pass as `--extensionTestsPath`.
 */
export async function compileSuite(): Promise<string> {
  rmSync(SUITE_OUT, { recursive: true, force: true });
  await build({
    entryPoints: [path.join(__dirname, 'suite/index.ts'), path.join(__dirname, 'suite/sandboxCommands.test.ts')],
    outdir: SUITE_OUT,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    logLevel: 'warning',
  });
  return path.join(SUITE_OUT, 'index.js');
}
