import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { evalboard, listFiles, readResults, tempDir } from './helpers.ts';

/** simplear docs in order; the dummy backend returns these generations in turn. */
function scriptFor(dir: string, outputs: string[]): string {
  const path = join(dir, 'script.json');
  writeFileSync(path, JSON.stringify(outputs));
  return path;
}

/**
 * The dummy backend on the first 4 simplear docs, answering from a script; returns the output
 * folder. Without a cache folder the run uses --no_cache.
 */
function runScripted(outputs: string[], extra: readonly string[], cacheDir?: string): string {
  const script = scriptFor(tempDir(), outputs);
  const out = tempDir();
  const args = ['--model_args', `script_file=${script}`, '--tasks', 'simplear', '--limit', '4'];
  const cache = cacheDir === undefined ? ['--no_cache'] : [];
  const env: Record<string, string> = cacheDir === undefined ? {} : { EVALBOARD_CACHE: cacheDir };
  const r = evalboard(['run', '--model', 'dummy', ...args, '--output_path', out, ...cache, ...extra], env);
  expect(r.status, r.stderr).toBe(0);
  return out;
}

function samples(out: string, task: string): Record<string, unknown>[] {
  const file = listFiles(out).find((f) => f.includes(`samples_${task}_`))!;
  return readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
}

describe('reasoning blocks (--think)', () => {
  it('strips <think> before scoring, keeps the raw output, counts reasoning and unterminated blocks', () => {
    // Targets of the first 4 simplear docs come from the samples of a first, unscripted run.
    const probe = tempDir();
    expect(
      evalboard([
        'run',
        '--model',
        'dummy',
        '--tasks',
        'simplear',
        '--limit',
        '4',
        '--output_path',
        probe,
        '--log_samples',
        '--no_cache',
      ]).status,
    ).toBe(0);
    const targets = samples(probe, 'simplear').map((r) => String(r.target));
    const outputs = [
      `<think>The answer is not 99999,\nit is ${targets[0]}.</think> ${targets[0]}`, // the "\n" stop does not fire inside <think>
      `<think>maybe ${targets[1]}... or is it`, // never closes: an empty answer
      `${targets[2]}`,
      `<think>a</think> 1234567`,
    ];
    const run = (think: string) => runScripted(outputs, ['--log_samples', '--think', think]);
    const stripped = run('strip');
    const results = readResults(stripped) as Record<string, Record<string, Record<string, unknown>>>;
    expect(results.results!.simplear!['exact_match,none']).toBe(0.5);
    const counts = results.evalboard!.tasks!.simplear as Record<string, number>;
    expect(counts.unterminatedReasoning).toBe(1);
    expect(counts.reasoningTokens).toBeGreaterThan(10);
    const rows = samples(stripped, 'simplear');
    expect(rows[0]!.resps).toEqual([[expect.stringContaining('<think>')]]);
    // lm-eval's field holds one filtered response per request; the typed value is under evalboard.
    expect(rows[0]!.filtered_resps).toEqual([targets[0]]);
    expect(rows[1]!.filtered_resps).toEqual(['']);
    expect(rows[1]!.evalboard).toMatchObject({ filtered_resps: '', unterminated_reasoning: true });

    // Kept, the reasoning's "not 99999" text stays in the answer and the first doc no longer matches.
    const kept = readResults(run('keep')) as Record<string, Record<string, Record<string, unknown>>>;
    expect(kept.results!.simplear!['exact_match,none']).toBe(0.25);
  });

  it('counts reasoning tokens with the request cache on, fresh and answered from the cache', () => {
    const outputs = ['<think>one two three four five six</think> 1', '2', '<think>x</think> 3', '4'];
    const cacheDir = tempDir('cache-');
    const runs = [runScripted(outputs, ['--log_samples'], cacheDir), runScripted(outputs, ['--log_samples'], cacheDir)];
    const [fresh, cached] = runs.map(
      (out) => readResults(out) as Record<string, Record<string, Record<string, unknown>>>,
    );
    expect(fresh!.timing!.cache).toMatchObject({ hits: 0, fresh: 4 });
    expect(cached!.timing!.cache).toMatchObject({ hits: 4, fresh: 0 });
    // The dummy counts a token per 4 characters: 7 for the first block, 1 for the third.
    for (const results of [fresh!, cached!]) {
      expect((results.evalboard!.tasks!.simplear as Record<string, number>).reasoningTokens).toBe(8);
    }
    for (const out of runs) {
      expect(
        samples(out, 'simplear').map((r) => (r.evalboard as { reasoning_tokens: number }).reasoning_tokens),
      ).toEqual([7, 0, 1, 0]);
    }
  });

  it('counts outputs that hit --max_gen_toks', () => {
    const out = runScripted(['1'.repeat(400), '2'], ['--max_gen_toks', '8']);
    const results = readResults(out) as Record<string, Record<string, Record<string, Record<string, number>>>>;
    expect(results.evalboard!.tasks!.simplear!.hitMaxTokens).toBe(2);
    expect(results.config!.max_gen_toks).toBe(8);
  });
});
