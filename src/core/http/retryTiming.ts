import { ApiError } from '../errors';

/**
 * Reads a `Retry-After` header (delay in seconds, or an HTTP-date) as milliseconds from `now`.
 * Returns undefined when the header is absent or unreadable, so the caller falls back to its own backoff.
 */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  if (value === null || value === undefined) {
    return undefined;
  }
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) {
    return Math.round(Number(text) * 1000);
  }
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/**
 * Exponential backoff with full jitter: a uniform draw from [0, min(cap, base × 2^(attempt-1))].
 * Full jitter spreads the retries of many clients that failed together instead of synchronising them.
 */
export function backoffDelay(attempt: number, baseMs: number, capMs: number, random: () => number = Math.random): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(random() * ceiling);
}

/** Waits `ms`, or rejects with `ApiError('cancelled')` as soon as `signal` aborts; leaves no timer behind either way. */
export function abortableDelay(ms: number, signal: AbortSignal | undefined, request?: string): Promise<void> {
  if (signal?.aborted) {
    return Promise.reject(cancelledError(request));
  }
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(cancelledError(request));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * `work`, or `ApiError('cancelled')` as soon as `signal` aborts, leaving `work` to run on for whoever else awaits it
 * (a shared token request, the Sandbox starting).
 */
export function abortable<T>(work: Promise<T>, signal: AbortSignal | undefined, request?: string): Promise<T> {
  if (!signal) {
    return work;
  }
  if (signal.aborted) {
    return Promise.reject(cancelledError(request));
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(cancelledError(request));
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/** The error every cancellation in the core ends in. */
export function cancelledError(request?: string): ApiError {
  return new ApiError('cancelled', 'The request was cancelled.', { request });
}
