/** A scheduled callback that can be called off. */
export interface ClockTimer {
  cancel(): void;
}

/**
 * The Sandbox's sense of time. Everything Halo does "later" (async lifecycle steps, result expiry, registered-query
 * runs) is scheduled through it, so tests can drive the Sandbox with a {@link ManualClock} instead of waiting.
 */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  schedule(callback: () => void, delayMs: number): ClockTimer;
}

/** Wall-clock time and real timers. */
export class SystemClock implements Clock {
  now(): number {
    return Date.now();
  }

  schedule(callback: () => void, delayMs: number): ClockTimer {
    const handle = setTimeout(callback, Math.max(0, delayMs));
    return { cancel: () => clearTimeout(handle) };
  }
}

interface ManualEntry {
  at: number;
  order: number;
  callback: () => void;
  cancelled: boolean;
}

/** Time that moves only when told to: `advance(ms)` runs every callback that falls due, in order. */
export class ManualClock implements Clock {
  private current: number;
  private entries: ManualEntry[] = [];
  private nextOrder = 0;

  constructor(start: number | Date = Date.UTC(2025, 5, 2, 0, 0, 0)) {
    this.current = typeof start === 'number' ? start : start.getTime();
  }

  now(): number {
    return this.current;
  }

  schedule(callback: () => void, delayMs: number): ClockTimer {
    const entry: ManualEntry = { at: this.current + Math.max(0, delayMs), order: this.nextOrder++, callback, cancelled: false };
    this.entries.push(entry);
    return {
      cancel: () => {
        entry.cancelled = true;
      },
    };
  }

  /** Callbacks scheduled and not yet run or cancelled. */
  get pending(): number {
    return this.entries.filter((entry) => !entry.cancelled).length;
  }

  /** Moves time forward, running due callbacks (including ones they schedule within the window) at their own instants. */
  advance(ms: number): void {
    const target = this.current + ms;
    for (;;) {
      this.entries = this.entries.filter((entry) => !entry.cancelled);
      const due = this.entries.filter((entry) => entry.at <= target).sort((a, b) => a.at - b.at || a.order - b.order)[0];
      if (!due) {
        break;
      }
      this.entries.splice(this.entries.indexOf(due), 1);
      this.current = Math.max(this.current, due.at);
      due.callback();
    }
    this.current = target;
  }
}

/**
 * Wraps a clock and remembers every live timer, so the Sandbox can cancel them all when it stops and leave nothing
 * behind that would keep the process alive.
 */
export class TrackedClock implements Clock {
  private readonly live = new Set<ClockTimer>();

  constructor(private readonly inner: Clock) {}

  now(): number {
    return this.inner.now();
  }

  schedule(callback: () => void, delayMs: number): ClockTimer {
    const timer: ClockTimer = {
      cancel: () => {
        this.live.delete(timer);
        innerTimer.cancel();
      },
    };
    const innerTimer = this.inner.schedule(() => {
      this.live.delete(timer);
      callback();
    }, delayMs);
    this.live.add(timer);
    return timer;
  }

  cancelAll(): void {
    for (const timer of [...this.live]) {
      timer.cancel();
    }
  }
}

/** ISO 8601 in UTC with milliseconds, as Halo writes timestamps. */
export function isoAt(epochMs: number): string {
  return new Date(epochMs).toISOString();
}
