import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { describeProcesses, endProcessGroup, runOnExit, signalGroup } from './processes';

export const REPO_ROOT = path.resolve(__dirname, '../..');
/** The sample workspace users get (`scripts/openInVsCode.sh`) and every test starts from a copy of. */
export const SAMPLE_WORKSPACE = path.join(REPO_ROOT, 'test/e2e/workspace');
const INSTALL_DIR = path.join(REPO_ROOT, '.vscode-test/code-server');
const ENTRY = path.join(INSTALL_DIR, 'node_modules/code-server/out/node/entry.js');
const LISTEN_TIMEOUT_MS = 30_000;
const STOP_GRACE_MS = 5_000;

/**
 * Settings a fresh profile needs: without the first the folder opens in Restricted Mode and no extension runs; the
 * others keep the welcome page, telemetry and tips from covering what the tests look at.
 */
const USER_SETTINGS = {
  'security.workspace.trust.enabled': false,
  'workbench.startupEditor': 'none',
  'telemetry.telemetryLevel': 'off',
  'workbench.tips.enabled': false,
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'update.mode': 'none',
  // The Sandbox listens on a port of its own; offering to forward it would add toasts to every screenshot.
  'remote.autoForwardPorts': false,
};

export interface ExtensionManifest {
  publisher: string;
  name: string;
  version: string;
  main: string;
}

export function readManifest(): ExtensionManifest {
  return JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as ExtensionManifest;
}

/** Throws, saying what to run, when code-server is not installed or the extension is not built. */
function checkPrerequisites(): void {
  if (!existsSync(ENTRY)) {
    throw new Error(`code-server is not installed in ${path.relative(REPO_ROOT, INSTALL_DIR)}: run npm run e2e:setup`);
  }
  const bundle = path.join(REPO_ROOT, readManifest().main);
  if (!existsSync(bundle)) {
    throw new Error(`The extension is not built (${path.relative(REPO_ROOT, bundle)} is missing): run npm run build`);
  }
}

/**
 * A profile code-server starts from: user settings (when it has none), and an extensions folder whose only entry is a
 * link named `<publisher>.<name>-<version>` to this repository, which is how VS Code recognises an installed extension.
 */
export function prepareProfile(userDataDir: string, extensionsDir: string): void {
  mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
  const settings = path.join(userDataDir, 'User/settings.json');
  // A profile kept between runs (scripts/openInVsCode.sh) keeps whatever its user changed since.
  if (!existsSync(settings)) writeFileSync(settings, JSON.stringify(USER_SETTINGS, null, 2));
  const manifest = readManifest();
  const link = path.join(extensionsDir, `${manifest.publisher}.${manifest.name}-${manifest.version}`);
  rmSync(extensionsDir, { recursive: true, force: true });
  mkdirSync(extensionsDir, { recursive: true });
  symlinkSync(REPO_ROOT, link, 'dir');
}

export interface CodeServerOptions {
  userDataDir: string;
  extensionsDir: string;
  workspaceFolder: string;
  /** 0 (the default) lets the system pick a free port; code-server reports the one it got. */
  port?: number;
  /** Receives code-server's own output, line by line. */
  onOutput?: (line: string) => void;
}

/** code-server serving VS Code on 127.0.0.1, in a process group of its own so that stop() ends every process it started. */
export class CodeServer {
  private constructor(
    private readonly child: ChildProcess,
    /** The server's root URL, ending in a slash. */
    readonly url: string,
    readonly workspaceFolder: string,
    readonly userDataDir: string,
    private readonly forgetOnExit: () => void,
  ) {}

  /** The workbench with the workspace folder open. */
  get folderUrl(): string {
    return `${this.url}?folder=${encodeURIComponent(this.workspaceFolder)}`;
  }

  /** code-server's process id, which is also its process group id. */
  get pid(): number {
    return this.child.pid!;
  }

  static async start(options: CodeServerOptions): Promise<CodeServer> {
    checkPrerequisites();
    const child = spawn(
      process.execPath,
      [
        ENTRY,
        // An empty config file: otherwise code-server writes a default one, with a password, into ~/.config.
        '--config', '/dev/null',
        '--auth', 'none',
        '--bind-addr', `127.0.0.1:${options.port ?? 0}`,
        '--disable-telemetry',
        '--disable-update-check',
        '--disable-workspace-trust',
        '--extensions-dir', options.extensionsDir,
        '--user-data-dir', options.userDataDir,
        options.workspaceFolder,
      ],
      { detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const forget = runOnExit(() => signalGroup(child.pid!, 'SIGKILL'));
    try {
      const url = await waitForListening(child, options.onOutput);
      return new CodeServer(child, url, options.workspaceFolder, options.userDataDir, forget);
    } catch (error) {
      await endProcessGroup(child.pid!, STOP_GRACE_MS);
      forget();
      throw error;
    }
  }

  /** Resolves when code-server exits, with how it ended. */
  exited(): Promise<string> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) {
      return Promise.resolve(this.child.signalCode ?? `code ${this.child.exitCode}`);
    }
    return new Promise((resolve) => this.child.once('exit', (code, signal) => resolve(signal ?? `code ${code}`)));
  }

  /** The remote extension host's log: where VS Code records activating (or failing to activate) our extension. */
  extensionHostLog(): string {
    const logs = path.join(this.userDataDir, 'logs');
    if (!existsSync(logs)) return '';
    const found: string[] = [];
    const walk = (dir: string, depth: number): void => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory() && depth < 4) walk(full, depth + 1);
        else if (entry.isFile() && entry.name === 'remoteexthost.log') found.push(readFileSync(full, 'utf8'));
      }
    };
    walk(logs, 0);
    return found.join('\n');
  }

  /** Ends code-server and every process it started; throws, naming them, if any survive. */
  async stop(): Promise<void> {
    const survivors = await endProcessGroup(this.pid, STOP_GRACE_MS);
    if (survivors.length > 0) {
      throw new Error(`code-server left processes running: ${describeProcesses(survivors)}`);
    }
    this.forgetOnExit();
  }
}

function waitForListening(child: ChildProcess, onOutput?: (line: string) => void): Promise<string> {
  return new Promise((resolve, reject) => {
    const recent: string[] = [];
    const fail = (reason: string): void => {
      cleanup();
      reject(new Error(`code-server did not start: ${reason}\n${recent.join('\n')}`));
    };
    const timer = setTimeout(() => fail(`no "HTTP server listening" within ${LISTEN_TIMEOUT_MS / 1000} s`), LISTEN_TIMEOUT_MS);
    const onExit = (code: number | null, signal: string | null): void => fail(`it exited (${signal ?? `code ${code}`})`);
    const onLine = (line: string): void => {
      recent.push(line);
      if (recent.length > 20) recent.shift();
      const listening = /HTTP server listening on (http:\/\/127\.0\.0\.1:\d+\/)/.exec(line);
      if (listening) {
        cleanup();
        resolve(listening[1]);
      }
    };
    const cleanup = (): void => {
      clearTimeout(timer);
      child.off('exit', onExit);
    };
    child.once('exit', onExit);
    for (const stream of [child.stdout!, child.stderr!]) {
      let pending = '';
      stream.setEncoding('utf8');
      // Kept reading for the server's whole life, so a full pipe never blocks it.
      stream.on('data', (chunk: string) => {
        const lines = (pending + chunk).split('\n');
        pending = lines.pop()!;
        for (const line of lines) {
          onLine(line);
          onOutput?.(line);
        }
      });
    }
  });
}
