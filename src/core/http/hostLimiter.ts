import { cancelledError } from './retryTiming';

interface Waiter {
  grant: () => void;
  signal?: AbortSignal;
  onAbort: () => void;
}

interface HostState {
  active: number;
  waiters: Waiter[];
}

/** Releases a slot taken from a {@link HostLimiter}; calling it more than once is harmless. */
export type ReleaseSlot = () => void;

/**
 * Caps the requests in flight per host, first come first served. Halo reports throttling rather than
 * documenting a rate, so a small fixed number of parallel requests per host keeps a client polite.
 */
export class HostLimiter {
  private readonly hosts = new Map<string, HostState>();

  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) {
      throw new RangeError(`The per-host request limit must be a positive integer, not ${limit}.`);
    }
  }

  /** Resolves when a slot for `host` is free; rejects with `ApiError('cancelled')` if `signal` aborts while waiting. */
  acquire(host: string, signal?: AbortSignal, request?: string): Promise<ReleaseSlot> {
    if (signal?.aborted) {
      return Promise.reject(cancelledError(request));
    }
    const state = this.stateOf(host);
    if (state.active < this.limit) {
      state.active++;
      return Promise.resolve(this.releaser(host, state));
    }
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        signal,
        grant: () => {
          signal?.removeEventListener('abort', waiter.onAbort);
          resolve(this.releaser(host, state));
        },
        onAbort: () => {
          const index = state.waiters.indexOf(waiter);
          if (index >= 0) {
            state.waiters.splice(index, 1);
          }
          this.forgetIfIdle(host, state);
          reject(cancelledError(request));
        },
      };
      state.waiters.push(waiter);
      signal?.addEventListener('abort', waiter.onAbort, { once: true });
    });
  }

  private stateOf(host: string): HostState {
    let state = this.hosts.get(host);
    if (!state) {
      state = { active: 0, waiters: [] };
      this.hosts.set(host, state);
    }
    return state;
  }

  private releaser(host: string, state: HostState): ReleaseSlot {
    let released = false;
    return () => {
      if (released) {
        return;
      }
      released = true;
      const next = state.waiters.shift();
      if (next) {
        // The slot passes straight to the next waiter, so `active` stays the same.
        next.grant();
      } else {
        state.active--;
        this.forgetIfIdle(host, state);
      }
    };
  }

  private forgetIfIdle(host: string, state: HostState): void {
    if (state.active === 0 && state.waiters.length === 0) {
      this.hosts.delete(host);
    }
  }
}
