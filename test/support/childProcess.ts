import { spawn } from 'node:child_process';
import type { ChildProcessByStdio } from 'node:child_process';
import * as path from 'node:path';
import type { Readable } from 'node:stream';

const ROOT = path.resolve(__dirname, '../..');

export type RepoProcess = ChildProcessByStdio<null, Readable, Readable>;

export interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Node with tsx on a TypeScript script of the repository (a path from its root), its output piped. */
export function spawnRepoScript(script: string, args: string[] = []): RepoProcess {
  return spawn(process.execPath, ['--require', 'tsx/cjs', script, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
}

/** The process's exit and everything it printed; killed and rejected when it has not exited within `limitMs`. */
export function finished(child: RepoProcess, limitMs: number): Promise<Finished> {
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the process did not exit within ${limitMs} ms; stdout: ${stdout}; stderr: ${stderr}`));
    }, limitMs);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}
