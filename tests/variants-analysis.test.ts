import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeVariants, loadVariantItems, variantsText } from '../src/analysis/index.ts';
import { REPORT_SCHEMA_VERSION, type ResultsReport, type SampleRow } from '../src/report/schema.ts';
import { evalboard, tempDir, userErrorOf } from './helpers.ts';

/*
 * Three fake models answer ARC-Challenge in cloze form (arc_challenge) and in lettered form
 * (arc_challenge_letter). Their per-item answers are a 10-item pattern repeated 4 times, so every
 * expected figure below is worked out by hand from the pattern:
 *
 *            cloze (acc)              letter (acc)
 *   A  1111110000  0.6        1110000000  0.3
 *   B  1111000000  0.4        1111111100  0.8
 *   C  1100000000  0.2        0011111000  0.5
 *
 * κ = (p_o − p_e)/(1 − p_e), p_e = p_cloze·p_letter + (1 − p_cloze)(1 − p_letter):
 *   A: p_o = 0.7, p_e = 0.18 + 0.28 = 0.46 → 0.24/0.54 = 4/9
 *   B: p_o = 0.6, p_e = 0.32 + 0.12 = 0.44 → 0.16/0.56 = 2/7
 *   C: p_o = 0.3, p_e = 0.10 + 0.40 = 0.50 → −0.2/0.5 = −0.4
 * Rankings: cloze A > B > C, letter B > C > A. Pairs: (A,B) and (A,C) discordant, (B,C) concordant:
 *   τ = (1 − 2)/3 = −1/3, and the flipped pairs are (A,B) and (A,C).
 * McNemar exact, p = 2·P(X ≤ min(b, c)), X ~ Bin(b + c, ½), over the 40 items:
 *   A vs B, cloze: A only 2×4 = 8, B only 0 → 2/2^8;   letter: A only 0, B only 5×4 = 20 → 2/2^20
 *   A vs C, cloze: A only 4×4 = 16, C only 0 → 2/2^16; letter: A only 8, C only 16 → 2·Σ_{i≤8} C(24,i)/2^24
 *   Σ_{i≤8} C(24,i) = 1 + 24 + 276 + 2024 + 10626 + 42504 + 134596 + 346104 + 735471 = 1,271,626
 * so (A,B) flips significantly at 0.05 under both variants and (A,C) does not (p = 0.1516 under letter).
 */
const PATTERNS: Record<string, { cloze: string; letter: string }> = {
  'model-A': { cloze: '1111110000', letter: '1110000000' },
  'model-B': { cloze: '1111000000', letter: '1111111100' },
  'model-C': { cloze: '1100000000', letter: '0011111000' },
};
const REPEATS = 4;
const STAMP = '2026-01-01T00-00-00.000000';

function results(model: string): ResultsReport {
  return {
    results: {},
    groups: {},
    group_subtasks: {},
    configs: {},
    versions: {},
    'n-shot': {},
    higher_is_better: {},
    'n-samples': {},
    config: {
      model: 'dummy',
      model_args: `pretrained=${model}`,
      batch_size: 1,
      limit: null,
      bootstrap_iters: 0,
      random_seed: 0,
      fewshot_seed: 1234,
      num_fewshot: null,
      apply_chat_template: false,
      system_instruction: null,
      gen_kwargs: null,
      think: 'keep',
      max_gen_toks: null,
      predict_only: false,
      backend: { id: 'dummy', backend: 'dummy', modelId: model, settings: {}, details: {} },
      evalboard_version: 'test',
      git_commit: null,
      argv: [],
    },
    evalboard: { schema_version: REPORT_SCHEMA_VERSION, tasks: {} },
    timing: {
      start_time: '',
      end_time: '',
      total_evaluation_time_seconds: 0,
      cache: { hits: 0, fresh: 0, path: null },
      tokens_per_second: 0,
      requests_per_second: 0,
    },
  };
}

/** One samples row per item: acc (and acc_norm for the cloze task, which the letter variant lacks). */
function samples(pattern: string, cloze: boolean): string {
  const answers = pattern.repeat(REPEATS);
  return [...answers]
    .map((answer, i) => {
      const row: SampleRow & Record<string, unknown> = {
        doc_id: i,
        doc: { id: i },
        target: '0',
        arguments: {},
        resps: [],
        filtered_resps: [],
        filter: 'none',
        metrics: cloze ? ['acc', 'acc_norm'] : ['acc'],
        doc_hash: `item-${i}`,
        prompt_hash: '',
        target_hash: '',
        acc: Number(answer),
        ...(cloze ? { acc_norm: 1 - Number(answer) } : {}),
        evalboard: { target: 0, resps: [], filtered_resps: [] },
      };
      return JSON.stringify(row);
    })
    .join('\n');
}

/** A run folder per model; model C's two variants come from two separate runs. */
function writeRuns(): string[] {
  const root = tempDir('variants-');
  const files: string[] = [];
  const write = (dir: string, model: string, tasks: Record<string, string>) => {
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `results_${STAMP}.json`);
    writeFileSync(file, JSON.stringify(results(model)));
    for (const [task, text] of Object.entries(tasks))
      writeFileSync(join(dir, `samples_${task}_${STAMP}.jsonl`), `${text}\n`);
    files.push(file);
  };
  for (const [model, { cloze, letter }] of Object.entries(PATTERNS)) {
    if (model === 'model-C') {
      write(join(root, 'C-cloze'), model, { arc_challenge: samples(cloze, true) });
      write(join(root, 'C-letter'), model, { arc_challenge_letter: samples(letter, false) });
    } else {
      write(join(root, model), model, {
        arc_challenge: samples(cloze, true),
        arc_challenge_letter: samples(letter, false),
      });
    }
  }
  return files;
}

describe('variants on fake models with known answers', () => {
  const files = writeRuns();
  const report = analyzeVariants(loadVariantItems(files), { seed: 7, bootstrapIterations: 200 });

  it('scores each model under each variant', () => {
    const score = (model: string, variant: string) =>
      report.scores.find((s) => s.model === model && s.variant === variant);
    expect(score('model-A', 'arc_challenge')).toMatchObject({ items: 40, score: 0.6, metric: 'acc,none' });
    expect(score('model-A', 'arc_challenge_letter')?.score).toBe(0.3);
    expect(score('model-C', 'arc_challenge_letter')?.score).toBe(0.5);
    // acc_norm here is 1 − acc: a third variant only the cloze runs have.
    expect(score('model-B', 'arc_challenge:acc_norm')?.score).toBeCloseTo(0.6, 12);
    const ci = score('model-B', 'arc_challenge_letter')!.ci;
    expect(ci.low).toBeLessThan(0.8);
    expect(ci.high).toBeGreaterThan(0.8);
  });

  it("computes Cohen's κ and the 2×2 table per model", () => {
    const kappa = (model: string) =>
      report.agreement.find((a) => a.model === model && a.a === 'arc_challenge' && a.b === 'arc_challenge_letter')!;
    expect(kappa('model-A')).toMatchObject({ items: 40, bothRight: 12, bothWrong: 16, onlyA: 12, onlyB: 0 });
    expect(kappa('model-A').kappa).toBeCloseTo(4 / 9, 12);
    expect(kappa('model-B').kappa).toBeCloseTo(2 / 7, 12);
    expect(kappa('model-C').kappa).toBeCloseTo(-0.4, 12);
    // acc_norm here is 1 − acc, so the two never agree on an item.
    const norm = report.agreement.find(
      (a) => a.model === 'model-A' && a.a === 'arc_challenge' && a.b === 'arc_challenge:acc_norm',
    )!;
    expect(norm).toMatchObject({ bothRight: 0, bothWrong: 0, onlyA: 24, onlyB: 16 });
    // p_o = 0, p_e = 0.6·0.4 + 0.4·0.6 = 0.48 → κ = −0.48/0.52
    expect(norm.kappa).toBeCloseTo(-0.48 / 0.52, 12);
  });

  it("gives Kendall's τ and the flipped pairs with McNemar p under each variant", () => {
    const ranking = report.rankings.find((r) => r.a === 'arc_challenge' && r.b === 'arc_challenge_letter')!;
    expect(ranking.models).toBe(3);
    expect(ranking.tau).toBeCloseTo(-1 / 3, 12);
    const flips = [...ranking.flips].sort((x, y) => x.second.localeCompare(y.second));
    expect(flips.map((f) => [f.first, f.second])).toEqual([
      ['model-A', 'model-B'],
      ['model-A', 'model-C'],
    ]);
    const [ab, ac] = flips as [(typeof flips)[0], (typeof flips)[0]];
    expect(ab.scoresA).toEqual([0.6, 0.4]);
    expect(ab.scoresB).toEqual([0.3, 0.8]);
    expect(ab.pA).toBeCloseTo(2 / 2 ** 8, 12);
    expect(ab.pB).toBeCloseTo(2 / 2 ** 20, 12);
    expect(ab.significant).toBe(true);
    expect(ac.pA).toBeCloseTo(2 / 2 ** 16, 12);
    expect(ac.pB).toBeCloseTo((2 * 1_271_626) / 2 ** 24, 12);
    expect(ac.significant).toBe(false);
  });

  it('the command prints the tables and writes the same analysis as JSON', () => {
    const json = join(tempDir('variants-json-'), 'v.json');
    const r = evalboard(['variants', ...files, '--json', json, '--seed', '7', '--bootstrap_iters', '200']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe(variantsText(report));
    expect(r.stdout).toContain('Pairs of models whose order flips');
    expect(JSON.parse(readFileSync(json, 'utf8'))).toEqual(JSON.parse(JSON.stringify(report)));
  });

  it('evalboard report shows the variants section, the significant flip marked', () => {
    const page = join(tempDir('variants-report-'), 'r.html');
    const r = evalboard(['report', ...files, '--html', page]);
    expect(r.status, r.stderr).toBe(0);
    const html = readFileSync(page, 'utf8');
    expect(html).toContain('<h2>Variants: one benchmark, several implementations</h2>');
    expect(html).toMatch(
      /<tr class="marked"><td>arc_challenge<\/td><td>arc_challenge<\/td><td>arc_challenge_letter<\/td><td>model-A<\/td><td>model-B<\/td>/,
    );
    expect(html).toContain(
      '<tr><td>arc_challenge</td><td>arc_challenge</td><td>arc_challenge_letter</td><td>model-A</td><td>model-C</td>',
    );
  });

  it('refuses a variant given twice for one model, and files without samples', () => {
    const twice = userErrorOf(() => loadVariantItems([files[0]!, files[0]!]));
    expect(twice.message).toContain('arc_challenge for model-A is also in');
    const bare = tempDir('variants-bare-');
    writeFileSync(join(bare, `results_${STAMP}.json`), JSON.stringify(results('model-Z')));
    expect(userErrorOf(() => loadVariantItems([join(bare, `results_${STAMP}.json`)])).hint).toBe(
      'run with --log_samples',
    );
  });
});
