import { readdirSync, readFileSync } from 'node:fs';

interface ProcessEntry {
  pid: number;
  ppid: number;
  pgid: number;
  command: string;
}

function readEntry(pid: number): ProcessEntry | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name sits in parentheses and may itself hold spaces or parentheses: fields resume after the last ')'.
    const close = stat.lastIndexOf(')');
    const [state, ppid, pgid] = stat.slice(close + 2).split(' ');
    if (state === 'Z') return undefined; // a zombie holds no resources; its parent reaps it
    return { pid, ppid: Number(ppid), pgid: Number(pgid), command: stat.slice(stat.indexOf('(') + 1, close) };
  } catch {
    return undefined; // exited while we looked
  }
}

function allProcesses(): ProcessEntry[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map((name) => readEntry(Number(name)))
    .filter((entry): entry is ProcessEntry => entry !== undefined);
}

/** Live (non-zombie) processes of a process group, read from /proc. */
function processGroupMembers(pgid: number): ProcessEntry[] {
  return allProcesses().filter((entry) => entry.pgid === pgid);
}

/** Live direct children of a process. */
export function childProcesses(ppid: number): ProcessEntry[] {
  return allProcesses().filter((entry) => entry.ppid === ppid);
}

/** Signals a whole process group; a group already gone is not an error. */
export function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

/**
 * Ends a process group: SIGTERM, then SIGKILL for whatever is left after `graceMs`. Resolves with the members still
 * alive at the end (empty when the group is gone), so callers can report orphans instead of leaving them.
 */
export async function endProcessGroup(pgid: number, graceMs: number): Promise<ProcessEntry[]> {
  signalGroup(pgid, 'SIGTERM');
  if (await waitForGroupExit(pgid, graceMs)) return [];
  signalGroup(pgid, 'SIGKILL');
  await waitForGroupExit(pgid, 5_000);
  return processGroupMembers(pgid);
}

async function waitForGroupExit(pgid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (processGroupMembers(pgid).length === 0) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return processGroupMembers(pgid).length === 0;
}

const exitCleanups = new Set<() => void>();
let exitGuardInstalled = false;

/**
 * Runs a synchronous cleanup if this process exits before the cleanup is forgotten: detached process groups do not get
 * the terminal's Ctrl+C, and would otherwise outlive a test run that was interrupted or crashed. Signals that nothing
 * else handles (SIGINT, SIGTERM, SIGHUP) run the cleanups, then end this process as they would have. Returns a
 * function that forgets the cleanup (once things were ended in order).
 */
export function runOnExit(cleanup: () => void): () => void {
  exitCleanups.add(cleanup);
  if (!exitGuardInstalled) {
    exitGuardInstalled = true;
    const runAll = (): void => {
      // Last registered first: processes end before the folders they use are removed.
      for (const pending of [...exitCleanups].reverse()) pending();
      exitCleanups.clear();
    };
    process.on('exit', runAll);
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
      process.on(signal, function onSignal() {
        if (process.listenerCount(signal) > 1) return; // someone else stops things in order
        runAll();
        process.off(signal, onSignal);
        process.kill(process.pid, signal);
      });
    }
  }
  return () => exitCleanups.delete(cleanup);
}

export function describeProcesses(entries: readonly ProcessEntry[]): string {
  return entries.map((entry) => `${entry.pid} (${entry.command})`).join(', ');
}
