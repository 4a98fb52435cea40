/*
 * Used by scripts/openInVsCode.sh where no desktop VS Code is installed: serves VS Code (code-server) with this
 * extension installed and the given folder open, on 127.0.0.1, until Ctrl+C.
 * Usage: tsx test/e2e/openInCodeServer.ts <workspace-folder> [--port N]
 */
import { createWriteStream } from 'node:fs';
import * as path from 'node:path';
import { CodeServer, prepareProfile, REPO_ROOT } from './codeServer';

const STATE_DIR = path.join(REPO_ROOT, '.vscode-test');

function parseArguments(argv: readonly string[]): { workspaceFolder: string; port: number } {
  const [folder, ...rest] = argv;
  let port = 0;
  for (let index = 0; index < rest.length; index += 1) {
    if (rest[index] === '--port' && /^\d+$/.test(rest[index + 1] ?? '')) port = Number(rest[(index += 1)]);
    else throw new Error(`Unknown argument ${rest[index]} (usage: <workspace-folder> [--port N])`);
  }
  if (!folder) throw new Error('Usage: <workspace-folder> [--port N]');
  return { workspaceFolder: path.resolve(folder), port };
}

async function main(): Promise<void> {
  const { workspaceFolder, port } = parseArguments(process.argv.slice(2));
  // Kept between runs, so layout, open editors and the extension's own state survive a restart.
  const userDataDir = path.join(STATE_DIR, 'user-data');
  const extensionsDir = path.join(STATE_DIR, 'extensions');
  prepareProfile(userDataDir, extensionsDir);

  const logFile = path.join(STATE_DIR, 'code-server.log');
  const log = createWriteStream(logFile, { flags: 'w' });
  const server = await CodeServer.start({ userDataDir, extensionsDir, workspaceFolder, port, onOutput: (line) => log.write(`${line}\n`) });
  console.log(`\nOpen ${server.folderUrl}\n`);
  console.log('VS Code (code-server) is running with Practice Data Explorer installed. In it, run');
  console.log('"Practice Data Explorer: Start Sandbox" from the Command Palette (F1).');
  console.log(`code-server's log: ${path.relative(process.cwd(), logFile)}. Press Ctrl+C to stop.`);

  let stopping = false;
  const stop = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping code-server…`);
    await server.stop();
    log.end();
    console.log('Stopped.');
  };
  process.on('SIGINT', () => void stop('Ctrl+C').catch(report));
  process.on('SIGTERM', () => void stop('SIGTERM').catch(report));
  process.on('SIGHUP', () => void stop('SIGHUP').catch(report));
  const ended = await server.exited();
  if (!stopping) {
    log.end();
    throw new Error(`code-server exited unexpectedly (${ended}); see ${logFile}`);
  }
}

function report(error: unknown): void {
  console.error(`open-in-vscode: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}

main().catch(report);
