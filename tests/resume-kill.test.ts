/**
 * Crash safety of the request cache on the real model: SIGKILL `evalboard run` at seeded random
 * points, three times in a row on one cache, then let a run finish. Finished requests must not be
 * recomputed and the results must be byte-identical to an uninterrupted run. A cache file cut in
 * half must be recovered from (moved aside, recomputed) with the same results.
 */
import { existsSync, readFileSync, statSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { listFiles, readResults, STORIES_WORKLOAD, tempDir, withoutTiming } from './helpers.ts';
import { describeDiff, diffSamples, readSamples } from './numerics-helpers.ts';
import {
  type AsyncRunResult,
  cacheRows,
  plannedRequests,
  rowsAt,
  runEvalboard,
  seededRandom,
} from './process-helpers.ts';

const SEED = 20_261_126;
const KILLS = 3;
/** Long enough to kill mid-way (several seconds on 2 cores): 560 requests, 40 of them generations. */
const ARGS = STORIES_WORKLOAD;

interface CacheTiming {
  hits: number;
  fresh: number;
  recovered?: { movedTo: string | null; reason: string };
}

const cacheTiming = (out: string) => (readResults(out).timing as { cache: CacheTiming }).cache;
const filesUnder = (out: string) => (existsSync(out) ? listFiles(out) : []);

let dir: string;
let env: Record<string, string>;
let refCache: string;
let refOut: string;
let ref: AsyncRunResult;
let total: number;
/** The --output_path of the run that finished after the kills. */
let resumedOut: string | undefined;
/** The --output_path of the run that recovered from a truncated cache (recomputed everything). */
let recoveredOut: string | undefined;

beforeAll(async () => {
  dir = tempDir('resume-kill-');
  env = { EVALBOARD_CACHE: join(dir, 'cache-home') };
  refCache = join(dir, 'ref.sqlite');
  refOut = join(dir, 'ref');
  ref = await runEvalboard([...ARGS, '--use_cache', refCache, '--output_path', refOut], { env, cachePath: refCache });
  expect(ref.code, ref.stderr).toBe(0);
  total = plannedRequests(ref.stderr);
  expect(cacheTiming(refOut)).toMatchObject({ hits: 0, fresh: total });
  const first = ref.timeline.find((p) => p.rows > 0)!;
  console.log(
    `uninterrupted run: ${total} requests in ${(ref.ms / 1000).toFixed(1)} s ` +
      `(first result journaled at ${(first.ms / 1000).toFixed(1)} s)`,
  );
}, 300_000);

/** Every complete line of the killed run's samples files equals the reference run's row for that doc; returns how many. */
function expectStreamedRowsMatch(out: string): number {
  const reference = readSamples(refOut);
  let count = 0;
  for (const file of filesUnder(out)) {
    const task = /samples_(.+?)_\d{4}-\d\d-\d\dT[^/]*\.jsonl\.partial$/.exec(file)![1]!;
    const byDoc = new Map(reference[task]!.map((row) => [`${row.doc_id},${row.filter}`, JSON.stringify(row)]));
    const lines = readFileSync(file, 'utf8').split('\n').slice(0, -1); // a last line without \n was cut by the kill
    for (const line of lines) {
      const row = JSON.parse(line) as Record<string, unknown>;
      // Both lines come from the one samples writer: equal rows are equal bytes.
      expect(JSON.stringify(row)).toBe(byDoc.get(`${row.doc_id},${row.filter}`));
      count++;
    }
  }
  return count;
}

describe('resume after SIGKILL (stories260K)', () => {
  it(`is killed ${KILLS} times, then finishes without recomputing and with byte-identical results`, async () => {
    // Kill points: where the uninterrupted run's journal stood at seeded moments in 30–80 % of its
    // duration, each at least one result past the previous kill, and never at the very end.
    const random = seededRandom(SEED);
    const fractions = Array.from({ length: KILLS }, () => 0.3 + 0.5 * random()).sort((a, b) => a - b);
    const cache = join(dir, 'killed.sqlite');
    let rows = 0;
    let streamedRows = 0;
    const report: string[] = [];
    for (const [k, fraction] of fractions.entries()) {
      const target = Math.min(Math.max(rowsAt(ref.timeline, fraction * ref.ms), rows + 1), total - 5);
      const out = join(dir, `killed-${k}`);
      const run = await runEvalboard([...ARGS, '--use_cache', cache, '--output_path', out], {
        env,
        cachePath: cache,
        sendAt: { rows: target, signal: 'SIGKILL' },
      });
      expect(run.sent, `run ${k} finished before its kill point (${target} rows)\n${run.stderr}`).toBeDefined();
      expect(run.signal).toBe('SIGKILL');
      // A killed run leaves no results file; the samples it streamed are whole rows, each the
      // uninterrupted run's row for that document.
      const left = filesUnder(out);
      expect(left.filter((f) => !/\/samples_[^/]+\.jsonl\.partial$/.test(f))).toEqual([]);
      streamedRows += expectStreamedRowsMatch(out);
      const after = cacheRows(cache);
      // The journal only grows, and every kill landed mid-run.
      expect(after).toBeGreaterThan(rows);
      expect(after).toBeGreaterThanOrEqual(run.sent!.rows);
      expect(after).toBeLessThan(total);
      report.push(
        `kill ${k + 1} at ${(run.sent!.ms / 1000).toFixed(1)} s: ${rows} → ${after} cached, ${streamedRows} sample rows streamed so far`,
      );
      rows = after;
    }

    const finalOut = join(dir, 'final');
    const final = await runEvalboard([...ARGS, '--use_cache', cache, '--output_path', finalOut], {
      env,
      cachePath: cache,
    });
    expect(final.code, final.stderr).toBe(0);
    const stats = cacheTiming(finalOut);
    report.push(`final run: ${stats.hits} hits, ${stats.fresh} fresh of ${total}`);
    console.log(report.join('\n'));
    // Exactly what the killed runs journaled is reused; only the rest is computed.
    expect(stats.hits).toBe(rows);
    expect(stats.hits).toBeGreaterThan(0);
    expect(stats.fresh).toBeLessThan(total);
    expect(stats.hits + stats.fresh).toBe(total);
    expect(cacheRows(cache)).toBe(total);
    expect(withoutTiming(finalOut)).toBe(withoutTiming(refOut));
    // Documents finish long before the last request, so the killed runs had streamed some rows.
    expect(streamedRows).toBeGreaterThan(0);
    resumedOut = finalOut;
  }, 300_000);

  it('recovers from a cache file cut in half: warns, records it, recomputes, same results', async () => {
    // Fold the WAL into the main file first (the test's own read-only polling can leave one
    // behind), so cutting the file really loses committed rows.
    const db = new Database(refCache);
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.close();
    expect(existsSync(`${refCache}-wal`)).toBe(false);
    truncateSync(refCache, Math.floor(statSync(refCache).size / 2));
    const out = join(dir, 'recovered');
    const run = await runEvalboard([...ARGS, '--use_cache', refCache, '--output_path', out], { env });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/^warning: request cache was unreadable .*; moved to .+$/m);
    const stats = cacheTiming(out);
    expect(stats.recovered).toBeDefined();
    expect(stats.recovered!.movedTo).toBeTruthy();
    expect(existsSync(stats.recovered!.movedTo!)).toBe(true);
    expect(stats).toMatchObject({ hits: 0, fresh: total });
    expect(withoutTiming(out)).toBe(withoutTiming(refOut));
    recoveredOut = out;
  }, 300_000);

  it('per-item samples are byte-identical too: resumed, and recomputed from scratch', () => {
    // Results files can agree while per-item log-likelihoods differ. The resumed run batches its
    // fresh requests differently (a batch-invariance check); the recovered run recomputed every
    // request with the same settings (a run-to-run determinism check).
    expect(resumedOut, 'the kill test did not finish').toBeDefined();
    expect(recoveredOut, 'the recovery test did not finish').toBeDefined();
    const reference = readSamples(refOut);
    const lines = [
      ['resumed after kills', diffSamples(readSamples(resumedOut!), reference)],
      ['recomputed after recovery', diffSamples(readSamples(recoveredOut!), reference)],
    ] as const;
    for (const [label, diff] of lines) console.log(describeDiff(`${label} vs uninterrupted samples`, diff));
    for (const [label, diff] of lines) {
      const line = describeDiff(label, diff);
      expect(diff.numbers, line).toBeGreaterThan(0);
      expect(diff.differingRows + diff.differingStrings + diff.differingFlags, line).toBe(0);
      expect(diff.differingNumbers, line).toBe(0);
    }
  });
});
