/**
 * Ctrl-C on the real model: SIGINT mid-run stops after the in-flight batch with exit 130, says
 * how much the cache saved and prints the command that resumes; running that command reuses the
 * saved results and produces the same results file as an uninterrupted run.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
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
  shellWords,
} from './process-helpers.ts';

const SEED = 4_242;
const ARGS = STORIES_WORKLOAD;

const cacheTiming = (out: string) => (readResults(out).timing as { cache: { hits: number; fresh: number } }).cache;

let dir: string;
let env: Record<string, string>;
let refOut: string;
let ref: AsyncRunResult;
let total: number;

beforeAll(async () => {
  dir = tempDir('resume-interrupt-');
  env = { EVALBOARD_CACHE: join(dir, 'cache-home') };
  const refCache = join(dir, 'ref.sqlite');
  refOut = join(dir, 'ref');
  ref = await runEvalboard([...ARGS, '--use_cache', refCache, '--output_path', refOut], { env, cachePath: refCache });
  expect(ref.code, ref.stderr).toBe(0);
  total = plannedRequests(ref.stderr);
}, 300_000);

/** State the later checks read from the interrupt test. */
let interrupted: { stderr: string; saved: number; out: string } | undefined;

describe('Ctrl-C during a real-model run (stories260K)', () => {
  it('exits 130 with a resume command that finishes the run from the cache, identically', async () => {
    const cache = join(dir, 'interrupted.sqlite');
    const out = join(dir, 'interrupted');
    const args = [...ARGS, '--use_cache', cache, '--output_path', out];
    // Interrupt where the uninterrupted run's journal stood at a seeded moment in 30–70 % of its
    // duration, at least one result in (so the SIGINT handler is installed), never at the very end.
    const fraction = 0.3 + 0.4 * seededRandom(SEED)();
    const target = Math.min(Math.max(rowsAt(ref.timeline, fraction * ref.ms), 1), total - 5);
    const run = await runEvalboard(args, { env, cachePath: cache, sendAt: { rows: target, signal: 'SIGINT' } });
    expect(run.sent, `the run finished before the interrupt point (${target} rows)\n${run.stderr}`).toBeDefined();

    expect(run.code, run.stderr).toBe(130);
    expect(run.stderr).toMatch(/interrupting after the in-flight batch/);
    const saved = cacheRows(cache);
    expect(saved).toBeGreaterThan(0);
    expect(saved).toBeLessThan(total);
    const message = /^error: interrupted; .* \(resume with: (evalboard .*)\)$/m.exec(run.stderr);
    expect(message, run.stderr).not.toBeNull();
    interrupted = { stderr: run.stderr, saved, out };
    // The resume command names exactly the arguments of the interrupted run.
    const words = shellWords(message![1]!);
    expect(words[0]).toBe('evalboard');
    expect(words.slice(1)).toEqual(args);
    // Nothing that looks finished: no results and no samples file, only the rows streamed so far
    // under samples_*.jsonl.partial, which readers of samples files skip.
    expect((existsSync(out) ? listFiles(out) : []).filter((f) => !f.endsWith('.jsonl.partial'))).toEqual([]);

    const resumed = await runEvalboard(words.slice(1), { env, cachePath: cache });
    expect(resumed.code, resumed.stderr).toBe(0);
    const stats = cacheTiming(out);
    console.log(
      `SIGINT at ${(run.sent!.ms / 1000).toFixed(1)} s (${run.sent!.rows} journaled, ${saved} after the in-flight batch); ` +
        `resumed: ${stats.hits} hits, ${stats.fresh} fresh of ${total}`,
    );
    expect(stats.hits).toBeGreaterThan(0);
    expect(stats.hits).toBe(saved);
    expect(stats.hits + stats.fresh).toBe(total);
    expect(withoutTiming(out)).toBe(withoutTiming(refOut));
  }, 300_000);

  it('says how many results the cache saved, and where', () => {
    expect(interrupted, 'the interrupt test did not get that far').toBeDefined();
    const { stderr, saved } = interrupted!;
    const m = /^error: interrupted; (\d+) new results saved in (.+?) \(resume with: /m.exec(stderr);
    expect(m, stderr).not.toBeNull();
    expect(m![2]).toBe(join(dir, 'interrupted.sqlite'));
    expect(Number(m![1]), `message: ${m![0]}; the cache holds ${saved}`).toBe(saved);
  });

  it('per-item samples of the resumed run are byte-identical to the uninterrupted run', () => {
    expect(interrupted, 'the interrupt test did not get that far').toBeDefined();
    const diff = diffSamples(readSamples(interrupted!.out), readSamples(refOut));
    console.log(describeDiff('resumed vs uninterrupted samples', diff));
    expect(diff.numbers).toBeGreaterThan(0);
    expect(diff.differingRows + diff.differingStrings + diff.differingFlags, describeDiff('samples', diff)).toBe(0);
    expect(diff.differingNumbers, describeDiff('samples', diff)).toBe(0);
  });
});
