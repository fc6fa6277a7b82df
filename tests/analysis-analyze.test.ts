/**
 * `evalboard analyze` on the real checkpoint and leaderboard data in ../shared/datasets: the
 * reference values and known failures documented in each data set's SOURCE.md.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AnalysisReport } from '../src/analysis/analyze.ts';
import { evalboard, tempDir } from './helpers.ts';

const DATA = process.env.EVALBOARD_DATA_DIR ?? join(import.meta.dirname, '../../shared/datasets');
const PYTHIA = join(DATA, 'checkpoint-evals/pythia/pythia-v1');

function analyze(args: readonly string[]): { report: AnalysisReport; stdout: string; out: string } {
  const out = tempDir('analyze-');
  const r = evalboard([
    'analyze',
    ...args,
    '--json',
    join(out, 'a.json'),
    '--html',
    join(out, 'a.html'),
    '--csv_dir',
    out,
  ]);
  expect(r.status, r.stderr).toBe(0);
  return { report: JSON.parse(readFileSync(join(out, 'a.json'), 'utf8')) as AnalysisReport, stdout: r.stdout, out };
}

describe('analyze: Pythia checkpoints (lm-eval v0.3 files)', () => {
  // checkpoint-evals/pythia/SOURCE.md, "Reference values": Spearman ρ of zero-shot acc with step over 27 checkpoints.
  const reference: Record<string, Record<string, number>> = {
    '70m': { lambada_openai: 0.7495, piqa: 0.8188, winogrande: 0.6705, wsc: -0.7831 },
    '410m': { lambada_openai: 0.9608, piqa: 0.8955, winogrande: 0.8237, wsc: -0.5822 },
    '1.4b': { lambada_openai: 0.9627, piqa: 0.9415, winogrande: 0.9795, wsc: -0.7056 },
    '12b': { lambada_openai: 0.9646, piqa: 0.9431, winogrande: 0.9076, wsc: -0.3346 },
  };
  const sizes = Object.keys(reference);

  it('reproduces the reference Spearman values to 1e-4, flags wsc, and draws the curves', () => {
    const { report, stdout, out } = analyze([
      ...sizes.map((s) => join(PYTHIA, `pythia-${s}`, 'zero-shot')),
      '--metric',
      'acc',
    ]);
    for (const size of sizes) {
      for (const [task, rho] of Object.entries(reference[size]!)) {
        const trend = report.monotonicity.trends.find(
          (t) => t.series === `EleutherAI/pythia-v1.1-${size} 0-shot` && t.task === task,
        )!;
        expect(trend.points).toHaveLength(27);
        expect(Math.abs(trend.spearman - rho), `${size} ${task}`).toBeLessThan(5e-5);
        expect(trend.belowThreshold, `${size} ${task}`).toBe(task === 'wsc');
      }
    }
    expect(stdout).toMatch(/EleutherAI\/pythia-v1\.1-70m 0-shot\s+wsc\s+27\s+-0\.7831/);
    const wscBySize = report.monotonicity.sizes.find((s) => s.task === 'wsc')!;
    expect(wscBySize.points.map((p) => p.millions)).toEqual([70, 410, 1400, 12000]);
    expect(wscBySize.rises).toBe(false);
    const html = readFileSync(join(out, 'a.html'), 'utf8');
    expect(html).toContain('wsc (flagged)');
    expect((html.match(/<svg/g) ?? []).length).toBeGreaterThan(60);
    expect(readFileSync(join(out, 'monotonicity.csv'), 'utf8')).toMatch(
      /^EleutherAI\/pythia-v1\.1-12b 0-shot,wsc,27,-0\.3346,/m,
    );
  });

  it('keeps zero-shot and five-shot runs of one model in separate series', () => {
    const { report } = analyze([join(PYTHIA, 'pythia-70m'), '--metric', 'acc']);
    const series = new Set(report.monotonicity.trends.map((t) => t.series));
    expect([...series].sort()).toEqual(['EleutherAI/pythia-v1.1-70m 0-shot', 'EleutherAI/pythia-v1.1-70m 5-shot']);
  });
});

describe('analyze: steps given on the command line', () => {
  it('takes FILE@STEP when neither model_args nor the file name has a step', () => {
    const dir = tempDir('analyze-steps-');
    const inputs = [1000, 13000, 143000].map((step) => {
      const original = JSON.parse(readFileSync(join(PYTHIA, `pythia-70m/zero-shot/70m_step${step}.json`), 'utf8'));
      original.config.model_args = 'pretrained=EleutherAI/pythia-v1.1-70m';
      const file = join(dir, `checkpoint-${String(step).length}.json`);
      writeFileSync(file, JSON.stringify(original));
      return `${file}@${step}`;
    });
    const { report } = analyze([...inputs, '--metric', 'acc']);
    const piqa = report.monotonicity.trends.find((t) => t.task === 'piqa')!;
    expect(piqa.points.map((p) => p.step)).toEqual([1000, 13000, 143000]);
    expect(piqa.series).toBe('EleutherAI/pythia-v1.1-70m 0-shot');
  });
});

describe('analyze: TinyLlama checkpoints (leaderboard CSV with a step column)', () => {
  it('flags the 2.5T → 3T drop', () => {
    const csv = join(DATA, 'checkpoint-evals/tinyllama/gpt4all_suite_acc_norm.csv');
    const scores = 'hellaswag,openbookqa,winogrande,arc_challenge,arc_easy,boolq,piqa,avg';
    const { report, stdout } = analyze([csv, '--csv_step', 'step', '--csv_scores', scores]);
    const trend = (task: string) => report.monotonicity.trends.find((t) => t.task === task)!;
    // SOURCE.md: avg 53.86 → 52.99 and boolq 63.21 → 57.83 between steps 1195k (2.5T) and 1431k (3T).
    expect(trend('avg').points.map((p) => p.step)).toEqual([50000, 240000, 480000, 715000, 955000, 1195000, 1431000]);
    expect(trend('avg')).toMatchObject({ fallsAtEnd: true, fallBeyondNoise: false });
    expect(trend('avg').lastChange).toBeCloseTo(52.99 - 53.86, 10);
    expect(trend('boolq').lastChange).toBeCloseTo(57.83 - 63.21, 10);
    expect(trend('boolq').belowThreshold).toBe(true);
    expect(trend('hellaswag').fallsAtEnd).toBe(false);
    expect(stdout).toMatch(/avg\s+7\s+0\.9643\s+0\.9048\s+-0\.8700\s+falls at end/);
  });
});

describe('analyze: Open LLM Leaderboard v2 (3,827 models)', () => {
  it('writes the 6 × 6 benchmark correlation matrix and a saturation table', () => {
    const csv = join(DATA, 'leaderboards/open-llm-v2/open_llm_leaderboard_contents_2025-02.csv');
    const columns = ['IFEval Raw', 'BBH Raw', 'MATH Lvl 5 Raw', 'GPQA Raw', 'MUSR Raw', 'MMLU-PRO Raw'];
    // Items per benchmark as run by the leaderboard (IFEval 541 prompts, BBH 24 subtasks 5,761 items,
    // MATH level 5 1,324, GPQA all three sets 1,192, MuSR 756, MMLU-Pro 12,032).
    const counts = [541, 5761, 1324, 1192, 756, 12032].map((n, i) => `${columns[i]}=${n}`).join(',');
    const { report, out } = analyze([
      csv,
      '--csv_model',
      'eval_name',
      '--csv_scores',
      columns.join(','),
      '--n_items',
      counts,
    ]);
    const agreement = report.agreement!;
    expect(agreement.models).toBe(3827);
    expect([...agreement.tasks].sort()).toEqual([...columns].sort());
    const matrix = readFileSync(join(out, 'spearman.csv'), 'utf8').trim().split('\n');
    expect(matrix).toHaveLength(7);
    expect(matrix.slice(1).every((line) => line.split(',').length === 7)).toBe(true);
    const at = (a: string, b: string) => agreement.spearman[agreement.tasks.indexOf(a)]![agreement.tasks.indexOf(b)]!;
    // BBH and MMLU-Pro rank models almost alike; MuSR and IFEval least.
    expect(at('BBH Raw', 'MMLU-PRO Raw')).toBeGreaterThan(0.9);
    expect(at('MUSR Raw', 'IFEval Raw')).toBeLessThan(0.5);
    expect(at('GPQA Raw', 'BBH Raw')).toBe(at('BBH Raw', 'GPQA Raw'));
    for (let i = 0; i < 6; i++) expect(agreement.kendall[i]![i]).toBe(1);
    const saturation = new Map(report.saturation.map((s) => [s.task, s]));
    expect(saturation.size).toBe(6);
    expect(saturation.get('IFEval Raw')).toMatchObject({ models: 3827, stderrSource: 'binomial', saturated: false });
    expect(saturation.get('IFEval Raw')!.best).toBeCloseTo(0.8997581971391464, 12);
    for (const s of report.saturation) expect(s.separablePairs).toBeGreaterThan(0);
    expect(readFileSync(join(out, 'saturation.csv'), 'utf8').trim().split('\n')).toHaveLength(7);
    expect(readFileSync(join(out, 'a.html'), 'utf8')).toMatch(/Spearman ρ \(pairwise complete\)/);
  });
});
