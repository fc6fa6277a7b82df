import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CallOptions } from '../backends/types.ts';
import type { GenerateRequest, LoglikelihoodRequest, LoglikelihoodRollingRequest } from '../requests/types.ts';
import { CachingBackend } from './caching-backend.ts';
import { FakeBackend, generateRequests } from './fake-backend.fixture.ts';
import { type JournalCallOptions, reportResult } from './journal.ts';
import { openRequestCache, type RequestCache } from './store.ts';

let dir: string;
let cachePath: string;
const openCaches: RequestCache[] = [];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'evalboard-caching-backend-'));
  cachePath = join(dir, 'requests.sqlite');
});
afterEach(() => {
  for (const cache of openCaches.splice(0)) cache.close();
  rmSync(dir, { recursive: true, force: true });
});

function openCache(): RequestCache {
  const cache = openRequestCache(cachePath);
  openCaches.push(cache);
  return cache;
}

function cachedRowCount(): number {
  const db = new Database(cachePath, { readonly: true });
  const count = db.prepare('SELECT count(*) FROM results').pluck().get() as number;
  db.close();
  return count;
}

const loglikelihoodRequests: LoglikelihoodRequest[] = [
  { kind: 'loglikelihood', context: 'The sky is', continuation: ' blue' },
  { kind: 'loglikelihood', context: 'The sky is', continuation: ' green' },
];
const rollingRequests: LoglikelihoodRollingRequest[] = [{ kind: 'loglikelihoodRolling', text: 'A whole document.' }];

describe('CachingBackend', () => {
  it('answers a second run entirely from the cache with identical results', async () => {
    const first = new FakeBackend();
    const firstRun = new CachingBackend(first, openCache());
    const generated = await firstRun.generateUntil(generateRequests(3));
    const scored = await firstRun.loglikelihood(loglikelihoodRequests);
    const rolled = await firstRun.loglikelihoodRolling(rollingRequests);
    expect(first.calls).toHaveLength(3);
    expect(firstRun.stats()).toMatchObject({ hits: 0, fresh: 6 });

    // A new process would see only the file: reopen it and use a fresh inner backend.
    const second = new FakeBackend();
    const secondRun = new CachingBackend(second, openCache());
    const progress: Array<[number, number]> = [];
    expect(await secondRun.generateUntil(generateRequests(3), { onResult: (i, t) => progress.push([i, t]) })).toEqual(
      generated,
    );
    expect(await secondRun.loglikelihood(loglikelihoodRequests)).toEqual(scored);
    expect(await secondRun.loglikelihoodRolling(rollingRequests)).toEqual(rolled);
    expect(second.calls).toHaveLength(0);
    expect(secondRun.stats()).toMatchObject({ hits: 6, fresh: 0 });
    // Hits still move the progress bar, with zero tokens evaluated.
    expect(progress).toEqual([
      [0, 0],
      [1, 0],
      [2, 0],
    ]);
  });

  it('sends only the misses, as one array, and maps progress back to caller indices', async () => {
    const warm = new CachingBackend(new FakeBackend(), openCache());
    const requests = generateRequests(5);
    const warmResults = await warm.generateUntil([requests[1]!, requests[3]!]);

    const inner = new FakeBackend();
    const backend = new CachingBackend(inner, openCache());
    const progress: Array<[number, number]> = [];
    const results = await backend.generateUntil(requests, { onResult: (i, t) => progress.push([i, t]) });
    expect(inner.calls).toEqual([[requests[0], requests[2], requests[4]]]);
    expect(results[1]).toEqual(warmResults[0]);
    expect(results[3]).toEqual(warmResults[1]);
    expect(progress.sort()).toEqual([
      [0, 5],
      [1, 0],
      [2, 5],
      [3, 0],
      [4, 5],
    ]);
  });

  it('keys repeats separately and sends identical requests once', async () => {
    const inner = new FakeBackend();
    const backend = new CachingBackend(inner, openCache());
    const [request] = generateRequests(1);
    const results = await backend.generateUntil([request!, request!, request!], { repeats: [0, 1, 0] } as CallOptions);
    expect(inner.calls[0]).toHaveLength(2);
    expect(results[0]).toBe(results[2]);
    expect(results[1]).not.toEqual(results[0]);
    expect(backend.stats()).toMatchObject({ fresh: 2, duplicates: 1 });

    const again = await new CachingBackend(new FakeBackend(), openCache()).generateUntil([request!, request!], {
      repeats: [1, 0],
    } as CallOptions);
    expect(again).toEqual([results[1], results[0]]);
    await expect(backend.generateUntil([request!], { repeats: [0, 1] } as CallOptions)).rejects.toThrow(/repeats/);
  });

  it('caches nothing when the inner backend rejects', async () => {
    const failing = new CachingBackend(new FakeBackend({ failAfter: 2 }), openCache());
    await expect(failing.generateUntil(generateRequests(4))).rejects.toThrow(/fake backend failed/);

    expect(cachedRowCount()).toBe(0);
    const inner = new FakeBackend();
    await new CachingBackend(inner, openCache()).generateUntil(generateRequests(4));
    expect(inner.calls[0]).toHaveLength(4);
  });

  it('keeps results journaled before a rejection, so a rerun resumes after them', async () => {
    const failing = new CachingBackend(new FakeBackend({ failAfter: 2, journal: true }), openCache());
    await expect(failing.generateUntil(generateRequests(4))).rejects.toThrow(/fake backend failed/);
    // The two it finished were evaluated and saved: the interrupt message counts them.
    expect(failing.stats()).toMatchObject({ fresh: 2 });

    const inner = new FakeBackend();
    const rerun = new CachingBackend(inner, openCache());
    await rerun.generateUntil(generateRequests(4));
    expect(inner.calls).toEqual([generateRequests(4).slice(2)]);
    expect(rerun.stats()).toMatchObject({ hits: 2, fresh: 2 });
  });

  it('refuses a result array that does not match the requests, caching none of it', async () => {
    const inner = new FakeBackend();
    inner.generateUntil = async (reqs: readonly GenerateRequest[]) =>
      reqs.slice(1).map(() => ({ text: 'x', tokens: 1, hitMaxTokens: false, truncated: false }));
    const backend = new CachingBackend(inner, openCache());
    await expect(backend.generateUntil(generateRequests(3))).rejects.toThrow(/returned 2 results for 3 requests/);
    expect(cachedRowCount()).toBe(0);
  });

  it('returns but does not cache results that cannot round-trip, and says so', async () => {
    const inner = new FakeBackend();
    inner.loglikelihoodRolling = async (reqs, o?: JournalCallOptions) =>
      reqs.map((_, i) => {
        const result = { logprob: i === 0 ? Number.NEGATIVE_INFINITY : -2, tokens: 3 };
        reportResult(o, i, 3, result);
        return result;
      });
    const backend = new CachingBackend(inner, openCache());
    const requests: LoglikelihoodRollingRequest[] = [
      { kind: 'loglikelihoodRolling', text: 'a' },
      { kind: 'loglikelihoodRolling', text: 'b' },
    ];
    const results = await backend.loglikelihoodRolling(requests);
    expect(results[0]!.logprob).toBe(Number.NEGATIVE_INFINITY);
    expect(backend.stats()).toMatchObject({ fresh: 2, notCached: 1 });
    expect(backend.stats().lastNotCachedReason).toMatch(/non-finite/);
  });

  it('keeps every journaled result when the process is killed mid-run', async () => {
    const total = 200;
    const script = new URL('./kill-writer.fixture.ts', import.meta.url).pathname;
    // detached: npx and tsx start further node processes; killing the group kills them all.
    const child = spawn('npx', ['tsx', script, cachePath, String(total), '20'], {
      detached: true,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const reported: number[] = [];
    // 'close', not 'exit': it waits for stdout to drain, so every line printed before the kill is counted.
    const exited = new Promise((resolve) => child.on('close', resolve));
    await new Promise<void>((resolve) => {
      child.stdout!.on('data', (chunk: Buffer) => {
        for (const match of chunk.toString().matchAll(/done (\d+)/g)) reported.push(Number(match[1]));
        if (reported.length >= 10) resolve();
      });
    });
    process.kill(-child.pid!, 'SIGKILL');
    await exited;
    expect(reported.length).toBeLessThan(total);

    const cache = openCache();
    expect(cache.recovered).toBeUndefined();
    const inner = new FakeBackend();
    const resumed = new CachingBackend(inner, cache);
    const results = await resumed.generateUntil(generateRequests(total));
    const { hits } = resumed.stats();
    // Everything reported done before the kill is there (at most one more may have been written).
    expect(hits).toBeGreaterThanOrEqual(reported.length);
    expect(hits).toBeLessThanOrEqual(reported.length + 1);
    expect(inner.calls).toEqual([generateRequests(total).slice(hits)]);
    for (const index of reported) expect(results[index]!.text).toMatch(/^generation \d+ at \d+$/);
  });
});
