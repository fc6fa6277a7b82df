import Database from 'better-sqlite3';
import type { ScoreCache } from '../scoring/types.ts';
import { openRequestCache } from './store.ts';

/** How long a write waits for another process's lock before failing with SQLITE_BUSY. */
const BUSY_TIMEOUT_MS = 10_000;

export interface PersistentScoreCache extends ScoreCache {
  readonly path: string;
  stats(): { readonly hits: number; readonly writes: number };
  close(): void;
}

/**
 * The scoring stage's memo (sandbox runs, judge calls) as a `scores` table in the request cache's
 * SQLite file: each value is committed as soon as it is known, so a killed run resumes without
 * re-executing what finished. The request cache opens (or recovers) the file first, so the
 * table always sits in a file the request cache accepts.
 */
export function openScoreCache(path: string): PersistentScoreCache {
  openRequestCache(path).close();
  const db = new Database(path, { timeout: BUSY_TIMEOUT_MS });
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec(
    'CREATE TABLE IF NOT EXISTS scores (key TEXT PRIMARY KEY, value TEXT NOT NULL, created_at INTEGER NOT NULL) WITHOUT ROWID',
  );
  const select = db.prepare<[string], { value: string }>('SELECT value FROM scores WHERE key = ?');
  const upsert = db.prepare<[string, string, number]>(
    'INSERT OR REPLACE INTO scores (key, value, created_at) VALUES (?, ?, ?)',
  );
  const counts = { hits: 0, writes: 0 };
  return {
    path,
    get(key) {
      const row = select.get(key);
      if (!row) return undefined;
      try {
        const value = JSON.parse(row.value) as NonNullable<ReturnType<ScoreCache['get']>>;
        counts.hits++;
        return value;
      } catch {
        // A damaged row is recomputed and replaced.
        return undefined;
      }
    },
    set(key, value) {
      upsert.run(key, JSON.stringify(value), Date.now());
      counts.writes++;
    },
    stats: () => ({ ...counts }),
    close: () => {
      if (db.open) db.close();
    },
  };
}
