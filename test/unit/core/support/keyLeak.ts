import assert from 'node:assert/strict';
import { inspect } from 'node:util';

/** Every string reachable from an error: message, stack, fields, the whole cause chain, and its serialisations. */
export function assertKeyAbsent(error: unknown, key: string): void {
  assert.ok(error instanceof Error, `expected an Error, got ${String(error)}`);
  const texts = [JSON.stringify(error), inspect(error, { depth: 10, showHidden: true }), String(error)];
  for (let current: unknown = error, depth = 0; current !== undefined && depth < 10; depth++) {
    const value = current as { message?: unknown; stack?: unknown; request?: unknown; details?: unknown; cause?: unknown };
    texts.push(String(value.message), String(value.stack), String(value.request), JSON.stringify(value.details) ?? '');
    current = value.cause;
  }
  for (const text of texts) {
    assert.ok(!text.includes(key), `the key leaked into: ${text.slice(0, 300)}`);
  }
}
