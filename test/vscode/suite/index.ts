import * as path from 'node:path';
import Mocha from 'mocha';

/**
 * Entry point VS Code calls in the extension host (`--extensionTestsPath`): runs the compiled suite beside this file
 * and ends with a summary line (`vscode-suite: N passed, N failed`), which the code-server run reads from the console.
 */
export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', timeout: 60_000 });
  mocha.addFile(path.join(__dirname, 'sandboxCommands.test.js'));
  return new Promise((resolve, reject) => {
    const runner = mocha.run((failures) => {
      console.log(`vscode-suite: ${runner.stats?.passes ?? 0} passed, ${failures} failed`);
      if (failures > 0) reject(new Error(`${failures} test(s) failed`));
      else resolve();
    });
  });
}
