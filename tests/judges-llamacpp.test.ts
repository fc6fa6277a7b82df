import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readResultsFile, readSamplesFile } from '../src/report/read.ts';
import { evalboard, listFiles, ROOT, STORIES, tempDir } from './helpers.ts';

const ALPACA = join(ROOT, '../shared/datasets/judgments/alpaca-eval/annotations_gpt-3.5-turbo-1106.json');

describe('a local llamacpp model as the judge (stories260K)', () => {
  it('AlpacaEval: continuous preferences from the judge’s log-probabilities of m and M, cached for the rerun', () => {
    const dir = tempDir('judge-llamacpp-');
    // The model outputs of gpt-3.5-turbo-1106 (CC BY-NC: a temporary file, never in the repository);
    // the same annotations file supplies the baseline's outputs (output_1).
    const annotations = JSON.parse(readFileSync(ALPACA, 'utf8')) as { instruction: string; output_2: string }[];
    const answers = join(dir, 'model_outputs.json');
    writeFileSync(
      answers,
      JSON.stringify(
        annotations.slice(0, 3).map((a) => ({ instruction: a.instruction, output: a.output_2, generator: 'gpt-3.5' })),
      ),
    );
    const args = [
      'judge',
      'alpaca-eval',
      '--answers',
      answers,
      '--baseline',
      ALPACA,
      '--judge',
      `llamacpp:pretrained=${STORIES}`,
      '--use_cache',
      join(dir, 'cache.sqlite'),
    ];
    const first = evalboard([...args, '--output_path', join(dir, 'first')]);
    expect(first.status, first.stderr).toBe(0);
    const results = readResultsFile(listFiles(join(dir, 'first')).find((f) => f.endsWith('.json'))!);
    const scores = results.results.alpaca_eval!;
    expect(scores['n_total,none']).toBe(3);
    expect(results.config.backend.backend).toBe('llamacpp');
    expect(results.timing.cache.fresh).toBe(6);
    const samples = readSamplesFile(listFiles(join(dir, 'first')).find((f) => f.endsWith('.jsonl'))!);
    const preferences = samples.map((s) => s.preference as number);
    // 1 + P(model's label): strictly between 1 and 2, not the 1/1.5/2 a parsed reply would give.
    for (const p of preferences) {
      expect(p).toBeGreaterThan(1);
      expect(p).toBeLessThan(2);
      expect([1, 1.5, 2]).not.toContain(p);
    }
    expect(scores['win_rate,none']).toBeCloseTo((100 * preferences.reduce((a, p) => a + p - 1, 0)) / 3, 12);

    const second = evalboard([...args, '--output_path', join(dir, 'second')]);
    expect(second.status, second.stderr).toBe(0);
    const rerun = readResultsFile(listFiles(join(dir, 'second')).find((f) => f.endsWith('.json'))!);
    expect(rerun.timing.cache).toMatchObject({ hits: 6, fresh: 0 });
    expect(rerun.results).toEqual(results.results);
  }, 240_000);
});
