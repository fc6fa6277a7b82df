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

/** The dummy backend on the first 4 simplear docs, answering from a script; returns the output folder. */
function runScripted(outputs: string[], extra: readonly string[]): string {
  const script = scriptFor(tempDir(), outputs);
  const out = tempDir();
  const args = ['--model_args', `script_file=${script}`, '--tasks', 'simplear', '--limit', '4'];
  const r = evalboard(['run', '--model', 'dummy', ...args, '--output_path', out, '--no_cache', ...extra]);
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
    expect(rows[0]!.filtered_resps).toBe(targets[0]);
    expect(rows[1]!.filtered_resps).toBe('');
    expect(rows[1]!.unterminated_reasoning).toBe(true);

    // Kept, the reasoning's "not 99999" text stays in the answer and the first doc no longer matches.
    const kept = readResults(run('keep')) as Record<string, Record<string, Record<string, unknown>>>;
    expect(kept.results!.simplear!['exact_match,none']).toBe(0.25);
  });

  it('counts outputs that hit --max_gen_toks', () => {
    const out = runScripted(['1'.repeat(400), '2'], ['--max_gen_toks', '8']);
    const results = readResults(out) as Record<string, Record<string, Record<string, Record<string, number>>>>;
    expect(results.evalboard!.tasks!.simplear!.hitMaxTokens).toBe(2);
    expect(results.config!.max_gen_toks).toBe(8);
  });
});
