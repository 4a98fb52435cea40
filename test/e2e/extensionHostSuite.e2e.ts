import * as assert from 'node:assert/strict';
import { compileSuite, SUITE_SUMMARY } from '../vscode/compileSuite';
import { workbench } from './suiteWorkbench';

// The @vscode/test-electron suite (npm run test:vscode) needs a VS Code download; code-server's extension host runs
// the same suite here, so it is exercised on every machine.
describe('The extension host suite (test/vscode) in code-server', () => {
  it('passes', async () => {
    const { summary, output } = await workbench().runExtensionHostSuite(await compileSuite(), SUITE_SUMMARY);
    const [, passed, failed] = SUITE_SUMMARY.exec(summary)!;
    assert.equal(Number(failed), 0, output.join('\n'));
    assert.ok(Number(passed) > 0, output.join('\n'));
  });
});
