import type { default as FetchFunction } from 'node-fetch';

export type NodeFetch = typeof FetchFunction;

let loading: Promise<NodeFetch> | undefined;

/**
 * node-fetch, imported on first use: loading an HTTP library costs 30–60 ms, which the extension must not pay at
 * activation. node-fetch 3 is ESM-only, hence the dynamic import.
 */
export function loadFetch(): Promise<NodeFetch> {
  loading ??= import('node-fetch').then(
    (module) => module.default,
    (error: unknown) => {
      // Forget the failure so a later request can try again.
      loading = undefined;
      throw error;
    },
  );
  return loading;
}
