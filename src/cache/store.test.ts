import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  existsSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  statSync,
  truncateSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CacheEntry } from './store.ts';
import { openRequestCache } from './store.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'evalboard-cache-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const oneOfEachKind: CacheEntry[] = [
  { key: 'll', kind: 'loglikelihood', result: { logprob: -1.25, isGreedy: true, tokens: 3, truncated: false } },
  { key: 'rolling', kind: 'loglikelihoodRolling', result: { logprob: -1234.5678901234, tokens: 812 } },
  {
    key: 'gen',
    kind: 'generateUntil',
    result: { text: 'The answer is 4.\n"quoted" ünïcödé 🚀', tokens: 9, hitMaxTokens: false, truncated: true },
  },
];

/** A closed cache file big enough that cutting or trashing the middle destroys b-tree pages. */
function populatedCache(path: string, rows = 3000): void {
  const cache = openRequestCache(path);
  const entries: CacheEntry[] = Array.from({ length: rows }, (_, i) => ({
    key: `key-${i}`,
    kind: 'generateUntil',
    result: { text: `answer ${i} `.repeat(20), tokens: i, hitMaxTokens: false, truncated: false },
  }));
  for (let start = 0; start < entries.length; start += 500) cache.putMany(entries.slice(start, start + 500));
  cache.close();
  // Closing the last connection checkpoints the WAL into the main file and removes it.
  expect(existsSync(`${path}-wal`)).toBe(false);
}

function expectFreshWorkingCache(path: string): void {
  const cache = openRequestCache(path);
  expect(cache.recovered).toBeUndefined();
  expect(cache.get('key-1')).toBeUndefined();
  cache.putMany(oneOfEachKind);
  expect(cache.get('gen')).toEqual(oneOfEachKind[2]!.result);
  cache.close();
}

describe('openRequestCache', () => {
  it('round-trips a result of each kind, also after reopening', () => {
    const path = join(dir, 'nested', 'cache.sqlite');
    const cache = openRequestCache(path);
    expect(cache.recovered).toBeUndefined();
    cache.putMany(oneOfEachKind);
    for (const entry of oneOfEachKind) expect(cache.get(entry.key)).toEqual(entry.result);
    expect(cache.get('absent')).toBeUndefined();
    expect(cache.stats()).toEqual({ hits: 3, misses: 1, writes: 3, discarded: 0 });
    cache.close();

    const reopened = openRequestCache(path);
    for (const entry of oneOfEachKind) expect(reopened.get(entry.key)).toEqual(entry.result);
    expect(reopened.stats()).toEqual({ hits: 3, misses: 0, writes: 0, discarded: 0 });
    reopened.close();
  });

  it('uses WAL with synchronous=NORMAL and records its schema version', () => {
    const path = join(dir, 'cache.sqlite');
    openRequestCache(path).close();
    const db = new Database(path);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.prepare("SELECT value FROM meta WHERE name = 'schema_version'").pluck().get()).toBe('1');
    db.close();
  });

  it('refuses to store results that would not read back (NaN, wrong shape)', () => {
    const cache = openRequestCache(join(dir, 'cache.sqlite'));
    const nan = { logprob: Number.NaN, tokens: 1 };
    expect(() => cache.putMany([{ key: 'k', kind: 'loglikelihoodRolling', result: nan }])).toThrow(/invalid/);
    expect(cache.get('k')).toBeUndefined();
    cache.close();
  });

  it('treats a row that fails to parse or validate as a miss and deletes it', () => {
    const path = join(dir, 'cache.sqlite');
    const cache = openRequestCache(path);
    cache.putMany(oneOfEachKind);
    const db = new Database(path);
    db.prepare("UPDATE results SET result = '{\"logprob\": -1.2' WHERE key = 'll'").run();
    db.prepare('UPDATE results SET result = \'{"logprob": "x", "tokens": 1}\' WHERE key = \'rolling\'').run();
    db.prepare("UPDATE results SET kind = 'embedding' WHERE key = 'gen'").run();
    for (const entry of oneOfEachKind) expect(cache.get(entry.key)).toBeUndefined();
    expect(cache.stats()).toMatchObject({ hits: 0, misses: 3, discarded: 3 });
    expect(db.prepare('SELECT count(*) FROM results').pluck().get()).toBe(0);
    db.close();
    cache.close();
  });

  it('recovers from a file truncated to half its size', () => {
    const path = join(dir, 'cache.sqlite');
    populatedCache(path);
    truncateSync(path, Math.floor(statSync(path).size / 2));

    const cache = openRequestCache(path);
    expect(cache.recovered?.movedTo).toMatch(/cache\.sqlite\.corrupt-\d{4}-\d\d-\d\dT[\d-]+Z$/);
    expect(cache.recovered?.reason).toBeTruthy();
    expect(existsSync(cache.recovered!.movedTo!)).toBe(true);
    expect(cache.get('key-1')).toBeUndefined();
    cache.close();
    expectFreshWorkingCache(path);
  });

  it('recovers from garbage written into the middle of the file', () => {
    const path = join(dir, 'cache.sqlite');
    populatedCache(path);
    const fd = openSync(path, 'r+');
    writeSync(fd, randomBytes(64 * 1024), 0, 64 * 1024, Math.floor(statSync(path).size / 2) - 32 * 1024);
    closeSync(fd);
    const cache = openRequestCache(path);
    expect(cache.recovered?.movedTo).toContain('.corrupt-');
    expect(cache.recovered?.reason).toMatch(/^quick_check failed: .*\(and \d+ more\)$|malformed/);
    cache.close();
    expectFreshWorkingCache(path);
  });

  it('recovers from a file that is truncated and has garbage in the middle', () => {
    const path = join(dir, 'cache.sqlite');
    populatedCache(path);
    const half = Math.floor(statSync(path).size / 2);
    truncateSync(path, half);
    const fd = openSync(path, 'r+');
    writeSync(fd, Buffer.from('not a b-tree page '.repeat(500)), 0, undefined, Math.floor(half / 2));
    closeSync(fd);
    const cache = openRequestCache(path);
    expect(cache.recovered?.movedTo).toContain('.corrupt-');
    cache.close();
    expectFreshWorkingCache(path);
  });

  it('recovers from a file that is not SQLite, keeping the original bytes', () => {
    const path = join(dir, 'cache.sqlite');
    const original = '{"this is": "a JSON file, not a database"}\n'.repeat(200);
    writeFileSync(path, original);
    const cache = openRequestCache(path);
    expect(cache.recovered?.reason).toMatch(/not a database/);
    expect(readFileSync(cache.recovered!.movedTo!, 'utf8')).toBe(original);
    cache.close();
    expectFreshWorkingCache(path);
  });

  it('moves aside a SQLite file that is not a cache of this schema version', () => {
    const path = join(dir, 'cache.sqlite');
    openRequestCache(path).close();
    const db = new Database(path);
    db.prepare("UPDATE meta SET value = '99' WHERE name = 'schema_version'").run();
    db.close();
    const cache = openRequestCache(path);
    expect(cache.recovered?.reason).toBe('schema version 99, expected 1');
    cache.close();

    const foreign = join(dir, 'foreign.sqlite');
    const other = new Database(foreign);
    other.exec('CREATE TABLE users (id INTEGER)');
    other.close();
    const recovered = openRequestCache(foreign);
    expect(recovered.recovered?.reason).toMatch(/not an evalboard request cache/);
    recovered.close();
  });

  it('opens read-only without changing the file, even when it is corrupt', () => {
    const path = join(dir, 'cache.sqlite');
    const missing = openRequestCache(path, { readonly: true });
    expect(missing.get('ll')).toBeUndefined();
    expect(missing.recovered).toBeUndefined();
    missing.close();
    expect(existsSync(path)).toBe(false);

    const writer = openRequestCache(path);
    writer.putMany(oneOfEachKind);
    writer.close();
    const reader = openRequestCache(path, { readonly: true });
    expect(reader.get('ll')).toEqual(oneOfEachKind[0]!.result);
    expect(() => reader.putMany(oneOfEachKind)).toThrow(/read-only/);
    reader.close();

    writeFileSync(path, 'garbage'.repeat(1000));
    const corrupt = openRequestCache(path, { readonly: true });
    expect(corrupt.recovered).toMatchObject({ movedTo: null });
    expect(corrupt.get('ll')).toBeUndefined();
    corrupt.close();
    expect(readFileSync(path, 'utf8')).toBe('garbage'.repeat(1000));
  });

  it('lets two processes create and write the same cache at once', async () => {
    const path = join(dir, 'shared.sqlite');
    const rowsEach = 2000;
    const script = new URL('./concurrent-writer.fixture.ts', import.meta.url).pathname;
    const exitCodes = await Promise.all(
      [
        ['a', 'b'],
        ['b', 'a'],
      ].map(
        ([prefix, otherPrefix]) =>
          new Promise<number | null>((resolve) => {
            const args = ['tsx', script, path, prefix!, otherPrefix!, String(rowsEach)];
            const child = spawn('npx', args, { stdio: ['ignore', 'ignore', 'inherit'] });
            child.on('exit', resolve);
          }),
      ),
    );
    expect(exitCodes).toEqual([0, 0]);
    const cache = openRequestCache(path);
    expect(cache.recovered).toBeUndefined();
    for (const prefix of ['a', 'b']) {
      for (let i = 0; i < rowsEach; i++) expect(cache.get(`${prefix}-${i}`)).toEqual({ logprob: -i - 0.5, tokens: i });
    }
    cache.close();
  });
});
