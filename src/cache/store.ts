import { existsSync, mkdirSync, renameSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { UserError } from '../errors.ts';
import type { RequestKind, Result } from '../requests/types.ts';
import { isRequestKind, isValidResult } from './result-schemas.ts';

/** Bump when the table layout changes; an older or newer file is moved aside, never misread. */
const SCHEMA_VERSION = '1';

/** How long a writer waits for another process's write lock before failing with SQLITE_BUSY. */
const BUSY_TIMEOUT_MS = 10_000;

export interface CacheEntry {
  readonly key: string;
  readonly kind: RequestKind;
  readonly result: Result;
}

export interface CacheStats {
  readonly hits: number;
  readonly misses: number;
  readonly writes: number;
  /** Rows that failed to parse or validate; they were counted as misses and deleted. */
  readonly discarded: number;
}

/** Why the file on disk was not used, and where it went, for the report. */
export interface CacheRecovery {
  /** Where the unreadable file now lives; null when opened read-only (the file was left in place). */
  readonly movedTo: string | null;
  readonly reason: string;
}

export interface RequestCache {
  readonly path: string;
  readonly readonly: boolean;
  /** Set when the file was corrupt or not a cache and a fresh, empty cache replaced it. */
  readonly recovered: CacheRecovery | undefined;
  /** The cached result, or undefined on a miss (including a row that fails validation). */
  get(key: string): Result | undefined;
  /** Runs `lookups` (get calls) in one read transaction: one snapshot and lock instead of one per get. */
  reading<T>(lookups: () => T): T;
  /** Writes all entries in one transaction; keep batches small so other writers are not starved. */
  putMany(entries: readonly CacheEntry[]): void;
  stats(): CacheStats;
  close(): void;
}

/** A file we must not trust: moved aside and replaced rather than read. */
class UnusableCacheError extends Error {}

/**
 * SQLite error codes that mean the bytes on disk are bad. Anything else (SQLITE_BUSY from a
 * long-held lock, EACCES, a full disk) says nothing about the file and must not get a healthy
 * cache that another process is using moved aside.
 */
function isCorruptionError(e: unknown): boolean {
  if (!(e instanceof Database.SqliteError)) return false;
  return /^SQLITE_(CORRUPT|NOTADB|FORMAT|IOERR_SHORT_READ)/.test(e.code);
}

/**
 * Opens (creating if needed) the request cache at `path`. The file doubles as the run's resume
 * journal: WAL with synchronous=NORMAL makes each committed transaction survive a killed
 * process (only an OS crash or power loss can drop the last few), and it lets several processes
 * read and write the same file, waiting on each other through busy_timeout.
 *
 * A corrupt, truncated, foreign or wrong-version file is moved to `<path>.corrupt-<timestamp>`
 * (with its -wal/-shm) and a fresh cache is returned with `recovered` set. With `readonly`, the
 * file is never changed: a missing or unusable file gives an empty in-memory cache.
 */
export function openRequestCache(path: string, opts: { readonly?: boolean } = {}): RequestCache {
  return opts.readonly ? openReadonly(path) : openWritable(path);
}

function openWritable(path: string): RequestCache {
  mkdirSync(dirname(path), { recursive: true });
  try {
    return new SqliteRequestCache(path, connect(path, false), false, undefined);
  } catch (e) {
    if (!(e instanceof UnusableCacheError || isCorruptionError(e))) throw e;
    const reason = e instanceof Error ? e.message : String(e);
    const movedTo = moveAside(path);
    // No retry loop: if a brand-new file fails too, that is not corruption and should surface.
    return new SqliteRequestCache(path, connect(path, false), false, { movedTo, reason });
  }
}

function openReadonly(path: string): RequestCache {
  // A missing or zero-byte file is simply an empty cache, not a damaged one.
  if (!existsSync(path) || statSync(path).size === 0)
    return new SqliteRequestCache(path, connect(':memory:', false), true, undefined);
  try {
    return new SqliteRequestCache(path, connect(path, true), true, undefined);
  } catch (e) {
    if (!(e instanceof UnusableCacheError || isCorruptionError(e))) throw e;
    const reason = e instanceof Error ? e.message : String(e);
    return new SqliteRequestCache(path, connect(':memory:', false), true, { movedTo: null, reason });
  }
}

/** Opens, configures and verifies one connection; closes it again if anything is wrong. */
function connect(path: string, readonly: boolean): Database.Database {
  const db = new Database(path, { readonly, fileMustExist: readonly, timeout: BUSY_TIMEOUT_MS });
  try {
    if (!readonly) {
      // Reads page 1, so a non-SQLite file fails here with SQLITE_NOTADB.
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
    }
    // quick_check walks every b-tree page (skipping the slower index/content cross-checks of
    // integrity_check), so truncation and trashed pages are caught here rather than mid-run.
    const check = String(db.pragma('quick_check', { simple: true }));
    if (check !== 'ok') throw new UnusableCacheError(summarizeQuickCheck(check));
    if (readonly) verifySchema(db, true);
    else db.transaction(() => verifySchema(db, false)).immediate();
    return db;
  } catch (e) {
    db.close();
    throw e;
  }
}

/** quick_check can list hundreds of damaged pages; the report needs one line. */
function summarizeQuickCheck(output: string): string {
  const problems = output.split('\n').filter((line) => line && !line.startsWith('***'));
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : '';
  return `quick_check failed: ${problems[0] ?? output}${more}`;
}

/**
 * Creates the tables in an empty database, or checks an existing one is ours and current.
 * Runs in an IMMEDIATE transaction so two processes creating the same new file do not race.
 */
function verifySchema(db: Database.Database, readonly: boolean): void {
  const tables = new Set(
    db
      .prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table'")
      .all()
      .map((row) => row.name),
  );
  if (tables.size === 0 && !readonly) {
    db.exec(`
      CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
      CREATE TABLE results (
        key TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        result TEXT NOT NULL,
        created_at INTEGER NOT NULL
      ) WITHOUT ROWID;
    `);
    db.prepare('INSERT INTO meta (name, value) VALUES (?, ?)').run('schema_version', SCHEMA_VERSION);
    return;
  }
  if (tables.size === 0) throw new UnusableCacheError('empty database, not yet a request cache');
  if (!tables.has('meta') || !tables.has('results')) {
    throw new UnusableCacheError(`not an evalboard request cache (tables: ${[...tables].join(', ')})`);
  }
  const version = db
    .prepare<[string], { value: string }>('SELECT value FROM meta WHERE name = ?')
    .get('schema_version')?.value;
  if (version !== SCHEMA_VERSION) {
    throw new UnusableCacheError(`schema version ${version ?? 'missing'}, expected ${SCHEMA_VERSION}`);
  }
}

/** Renames the file and its WAL companions; a stale -wal left behind would be replayed into the new file. */
function moveAside(path: string): string {
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  let movedTo = `${path}.corrupt-${stamp}`;
  for (let n = 2; existsSync(movedTo); n++) movedTo = `${path}.corrupt-${stamp}-${n}`;
  try {
    renameSync(path, movedTo);
    for (const suffix of ['-wal', '-shm']) {
      if (existsSync(path + suffix)) renameSync(path + suffix, movedTo + suffix);
    }
  } catch (e) {
    throw new UserError(
      `request cache is unreadable and could not be moved aside: ${(e as Error).message}`,
      { file: path },
      'delete the file and run again',
    );
  }
  return movedTo;
}

interface ResultRow {
  kind: string;
  result: string;
}

class SqliteRequestCache implements RequestCache {
  private readonly selectRow: Database.Statement<[string], ResultRow>;
  private readonly deleteRow: Database.Statement<[string]>;
  private readonly upsertRow: Database.Statement<[string, string, string, number]>;
  private readonly counts = { hits: 0, misses: 0, writes: 0, discarded: 0 };
  /** Bad rows found inside reading(), deleted after it: a write there could fail on a stale snapshot. */
  private deferredDeletes: string[] | undefined;

  constructor(
    readonly path: string,
    private readonly db: Database.Database,
    readonly readonly: boolean,
    readonly recovered: CacheRecovery | undefined,
  ) {
    this.selectRow = db.prepare('SELECT kind, result FROM results WHERE key = ?');
    this.deleteRow = db.prepare('DELETE FROM results WHERE key = ?');
    this.upsertRow = db.prepare('INSERT OR REPLACE INTO results (key, kind, result, created_at) VALUES (?, ?, ?, ?)');
  }

  get(key: string): Result | undefined {
    let row: ResultRow | undefined;
    try {
      row = this.selectRow.get(key);
    } catch (e) {
      // Pages damaged after open: a miss recomputes the value, which beats failing the run.
      if (!isCorruptionError(e)) throw e;
      this.counts.misses++;
      return undefined;
    }
    if (!row) {
      this.counts.misses++;
      return undefined;
    }
    const result = parseRow(row);
    if (result === undefined) {
      // A bad row would otherwise be re-read (and re-rejected) on every run; drop it so the
      // fresh result can take its place.
      this.counts.discarded++;
      this.counts.misses++;
      if (this.deferredDeletes) this.deferredDeletes.push(key);
      else if (!this.readonly) this.deleteRow.run(key);
      return undefined;
    }
    this.counts.hits++;
    return result;
  }

  reading<T>(lookups: () => T): T {
    if (this.deferredDeletes || this.db.inTransaction) return lookups();
    const deletes: string[] = [];
    this.deferredDeletes = deletes;
    // Deferred BEGIN takes no lock until the first read; under WAL, writers are not blocked.
    this.db.exec('BEGIN');
    try {
      return lookups();
    } finally {
      this.deferredDeletes = undefined;
      // An I/O error can have rolled the transaction back already (get() counts it as a miss).
      if (this.db.inTransaction) this.db.exec('COMMIT');
      if (!this.readonly) for (const key of deletes) this.deleteRow.run(key);
    }
  }

  putMany(entries: readonly CacheEntry[]): void {
    if (this.readonly) throw new Error(`request cache ${this.path} is open read-only`);
    // Validate before writing so the cache never holds a row that would be rejected on read.
    for (const entry of entries) {
      if (!isValidResult(entry.kind, entry.result)) {
        throw new Error(`refusing to cache an invalid ${entry.kind} result: ${JSON.stringify(entry.result)}`);
      }
    }
    const now = Date.now();
    this.db.transaction(() => {
      for (const { key, kind, result } of entries) this.upsertRow.run(key, kind, JSON.stringify(result), now);
    })();
    this.counts.writes += entries.length;
  }

  stats(): CacheStats {
    return { ...this.counts };
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}

function parseRow(row: ResultRow): Result | undefined {
  if (!isRequestKind(row.kind)) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(row.result);
  } catch {
    return undefined;
  }
  // Return the stored object itself, not zod's stripped copy, so a hit equals the fresh result.
  return isValidResult(row.kind, parsed) ? parsed : undefined;
}
