import type { Database, SqlJsStatic, SqlValue as SqlJsValue } from 'sql.js';

/**
 * Opens an empty database tuned for bulk loading: sql.js keeps `main` as a file in Emscripten's in-memory file system,
 * so an on-disk-style journal and a small page cache only add copies. The journal stays in memory: ROLLBACK must work.
 */
export function openBulkDatabase(SQL: SqlJsStatic): Database {
  const db = new SQL.Database();
  db.exec('PRAGMA journal_mode = MEMORY; PRAGMA synchronous = OFF; PRAGMA cache_size = -200000;');
  return db;
}

/** Runs `work` in one transaction: sql.js commits after every statement otherwise, which is several times slower for bulk loads. */
export function inTransaction<T>(db: Database, work: () => T): T {
  db.exec('BEGIN');
  try {
    const result = work();
    db.exec('COMMIT');
    return result;
  } catch (error) {
    db.exec('ROLLBACK');
    throw error;
  }
}

/** A model value as SQLite stores it: booleans as 0/1, absent values as NULL. */
export type Cell = string | number | boolean | null | undefined;

/** Inserts every item through one prepared statement; `toRow` yields values in `columns` order. Returns the row count. */
export function insertAll<T>(db: Database, table: string, columns: readonly string[], items: Iterable<T>, toRow: (item: T) => readonly Cell[]): number {
  const statement = db.prepare(`INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`);
  const values: SqlJsValue[] = new Array<SqlJsValue>(columns.length);
  let count = 0;
  try {
    for (const item of items) {
      const row = toRow(item);
      for (let i = 0; i < columns.length; i++) {
        const cell = row[i];
        values[i] = cell === undefined ? null : typeof cell === 'boolean' ? (cell ? 1 : 0) : cell;
      }
      statement.run(values);
      count++;
    }
  } finally {
    statement.free();
  }
  return count;
}

/** Prefixes every CREATE TABLE / CREATE VIEW of a DDL script with a schema name, to build the same catalogue in an ATTACHed database. */
export function inSchema(ddl: string, schema: string): string {
  return schema === 'main' ? ddl : ddl.replace(/CREATE (TABLE|VIEW) (\w+)/g, `CREATE $1 ${schema}.$2`);
}
