/**
 * Helpers for the resume tests: run bin/evalboard.js asynchronously, watch its request cache (the
 * resume journal) grow, and kill or interrupt it at a chosen point. Everything here goes through
 * the CLI and the cache file on disk, never through evalboard's internals.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { ROOT, tempDir } from './helpers.ts';

export interface AsyncRunResult {
  /** Exit code, or null when a signal ended the process. */
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  /** From spawn to exit. */
  readonly ms: number;
  /** Journal rows and time since spawn, sampled every POLL_MS while the process ran. */
  readonly timeline: readonly TimelinePoint[];
  /** Set when `sendAt` fired: the rows seen just before the signal was sent, and when. */
  readonly sent?: { readonly rows: number; readonly ms: number };
  /** Killed (SIGKILL) for running past `timeoutMs`. */
  readonly timedOut: boolean;
}

export interface TimelinePoint {
  readonly ms: number;
  readonly rows: number;
}

export interface RunOptions {
  /** Env overrides; EVALBOARD_CACHE defaults to a fresh temp dir as in helpers.evalboard. */
  readonly env?: Record<string, string>;
  /** The --use_cache file to watch (rows in its results table). */
  readonly cachePath?: string;
  /** Send `signal` once the cache holds at least `rows` rows and `afterMs` have passed since spawn. */
  readonly sendAt?: { readonly rows: number; readonly afterMs?: number; readonly signal: NodeJS.Signals };
  readonly timeoutMs?: number;
}

const POLL_MS = 20;

/**
 * Rows in a request cache's results table, read through a short-lived read-only connection (the
 * writer keeps working; WAL lets readers in). 0 while the file or its table does not exist yet.
 */
export function cacheRows(path: string): number {
  if (!existsSync(path)) return 0;
  let db: Database.Database | undefined;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true, timeout: 2000 });
    return (db.prepare('SELECT count(*) AS n FROM results').get() as { n: number }).n;
  } catch {
    // Not created yet, schema not yet written, or a writer mid-checkpoint: try again next poll.
    return -1;
  } finally {
    db?.close();
  }
}

/** Spawns `node bin/evalboard.js ...args`, samples the cache while it runs, optionally signals it. */
export function runEvalboard(args: readonly string[], o: RunOptions = {}): Promise<AsyncRunResult> {
  const started = performance.now();
  const child = spawn(process.execPath, [join(ROOT, 'bin/evalboard.js'), ...args], {
    cwd: ROOT,
    env: { ...process.env, EVALBOARD_CACHE: o.env?.EVALBOARD_CACHE ?? tempDir('cache-'), ...o.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (s: string) => {
    stdout += s;
  });
  child.stderr.setEncoding('utf8').on('data', (s: string) => {
    stderr += s;
  });
  const timeline: TimelinePoint[] = [];
  let sent: AsyncRunResult['sent'];
  let lastRows = 0;
  const poll = setInterval(() => {
    if (!o.cachePath) return;
    const ms = performance.now() - started;
    const rows = cacheRows(o.cachePath);
    if (rows < 0) return;
    lastRows = rows;
    timeline.push({ ms, rows });
    const at = o.sendAt;
    if (at && !sent && child.exitCode === null && rows >= at.rows && ms >= (at.afterMs ?? 0)) {
      sent = { rows, ms };
      child.kill(at.signal);
    }
  }, POLL_MS);
  let timedOut = false;
  const timeout = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, o.timeoutMs ?? 300_000);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearInterval(poll);
      clearTimeout(timeout);
      const ms = performance.now() - started;
      if (o.cachePath) {
        const rows = cacheRows(o.cachePath);
        timeline.push({ ms, rows: rows < 0 ? lastRows : rows });
      }
      resolve({ code, signal, stdout, stderr, ms, timeline, timedOut, ...(sent ? { sent } : {}) });
    });
  });
}

/** Rows an uninterrupted run had journaled `ms` after it started (from its timeline). */
export function rowsAt(timeline: readonly TimelinePoint[], ms: number): number {
  let rows = 0;
  for (const p of timeline) if (p.ms <= ms) rows = p.rows;
  return rows;
}

/** Requests planned, from the CLI's `progress: N/M requests` lines. */
export function plannedRequests(stderr: string): number {
  const m = /progress: \d+\/(\d+) requests/.exec(stderr);
  if (!m) throw new Error(`no progress line in stderr:\n${stderr}`);
  return Number(m[1]);
}

/** mulberry32: a small seeded generator, so "random" kill points are the same on every run. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Splits a POSIX shell command line as the CLI's own quoting writes it ('…' with '\'' escapes). */
export function shellWords(line: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c === "'") {
      const end = line.indexOf("'", i + 1);
      if (end < 0) throw new Error(`unterminated quote in: ${line}`);
      word += line.slice(i + 1, end);
      i = end;
      inWord = true;
    } else if (c === '\\' && i + 1 < line.length) {
      word += line[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (inWord) words.push(word);
  return words;
}
