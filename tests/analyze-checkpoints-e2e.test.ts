/**
 * A checkpoint series without downloading one: stories260K with growing noise added to its weights
 * (the project's GGUF writer), each "checkpoint" evaluated by `run`, then `analyze` over the series.
 * Step k carries noise level k, so a task that measures the model must fall with the step.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AnalysisReport } from '../src/analysis/analyze.ts';
import { perturbGgufWeights } from '../src/gguf/perturb.ts';
import { evalboard, listFiles, ROOT, STORIES, tempDir } from './helpers.ts';

const NOISE_BY_STEP = [0, 0.15, 0.3, 0.5, 0.8];
const WORD_ORDER = join(ROOT, 'tests/fixtures/word-order/word_order.yaml');

describe('analyze on a noisy checkpoint series of stories260K', () => {
  const dir = tempDir('checkpoints-');

  it('reports the falling trend of a task the model can do, and flags it', async () => {
    const results: string[] = [];
    for (const [step, noise] of NOISE_BY_STEP.entries()) {
      const model = join(dir, `stories-step${step}.gguf`);
      await perturbGgufWeights(STORIES, model, { relativeStd: noise, seed: 11 });
      const out = join(dir, `out-${step}`);
      const run = evalboard(
        [
          'run',
          '--model',
          'llamacpp',
          '--model_args',
          `pretrained=${model}`,
          '--tasks',
          `${WORD_ORDER},bps`,
          '--limit',
          '24',
          '--output_path',
          out,
          '--quiet',
        ],
        { EVALBOARD_CACHE: tempDir('checkpoints-cache-') },
      );
      expect(run.status, run.stderr).toBe(0);
      results.push(listFiles(out).find((f) => /results_.*\.json$/.test(f))!);
    }
    const json = join(dir, 'analysis.json');
    const analysis = evalboard(['analyze', ...results, '--metric', 'acc', '--json', json]);
    expect(analysis.status, analysis.stderr).toBe(0);
    const report = JSON.parse(readFileSync(json, 'utf8')) as AnalysisReport;
    const wordOrder = report.monotonicity.trends.find((t) => t.task === 'word_order')!;
    // One series (the step is part of the file name, not of the model), five points in step order.
    expect(wordOrder.series).toBe(join(dir, 'stories-step*.gguf'));
    expect(wordOrder.points.map((p) => p.step)).toEqual([0, 1, 2, 3, 4]);
    const values = wordOrder.points.map((p) => p.value);
    expect(values[0]).toBeGreaterThan(0.9); // the clean model prefers real word order
    expect(values[4]).toBeLessThan(values[0]! - 0.3);
    expect(wordOrder.spearman).toBeLessThan(-0.8);
    expect(wordOrder.belowThreshold).toBe(true);
    expect(analysis.stdout).toMatch(/word_order\s+5\s+-0\.\d{4}/);
  }, 600_000);
});
