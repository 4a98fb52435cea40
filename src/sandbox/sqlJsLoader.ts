import initSqlJs from 'sql.js';
import type { SqlJsStatic } from 'sql.js';

/**
 * Loads SQLite (sql.js). Under plain Node sql.js finds its wasm beside its own script; a bundled host (the extension)
 * passes `sqlWasmPath` because the bundle has moved the script away from the wasm.
 */
export function loadSqlJs(sqlWasmPath?: string): Promise<SqlJsStatic> {
  return sqlWasmPath === undefined ? initSqlJs() : initSqlJs({ locateFile: () => sqlWasmPath });
}
