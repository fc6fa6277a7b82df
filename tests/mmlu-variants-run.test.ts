import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { VariantsReport } from '../src/analysis/index.ts';
import { evalboard, listFiles, readResults, STORIES, tempDir } from './helpers.ts';

/*
 * The MMLU and ARC variants end to end: on the real stories260K model (one subject per MMLU
 * variant and both ARC variants, --limit 20, n_ctx=256 as the shipped-task e2e runs), and on all
 * 14,042 MMLU questions with the dummy backend; then `evalboard variants` on each run. Scores are
 * recomputed here from the raw log-likelihoods in the samples files, not read back from our metrics.
 */
const dataDir = process.env.EVALBOARD_DATA_DIR ?? '';
const ready = existsSync(STORIES) && existsSync(join(dataDir, 'mmlu'));
const MMLU_ONE_SUBJECT = ['', 'original_', 'helm_', 'fulltext_'].map((v) => `mmlu_${v}abstract_algebra`);

type Row = Record<string, unknown> & { doc: { choices?: string[] }; target: unknown; resps: unknown[][] };

function samplesOf(out: string, task: string): Row[] {
  const file = listFiles(out).find((f) => new RegExp(`/samples_${task}_[^/]+\\.jsonl$`).test(f));
  if (!file) throw new Error(`no samples for ${task}`);
  // The typed values (log-likelihoods as numbers, the gold index) over lm-eval's string copies.
  return readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((line) => {
      const row = JSON.parse(line);
      return { ...row, ...row.evalboard };
    });
}

/** numpy's argmax over each request's log-likelihood, the first of equal maxima. */
function pick(row: Row, normalise?: (i: number) => number): number {
  const lls = row.resps.map((r, i) => (r[0] as [number, boolean])[0] / (normalise?.(i) ?? 1));
  return lls.indexOf(Math.max(...lls));
}

function variantsJson(resultsFile: string): VariantsReport {
  const json = join(tempDir('variants-json-'), 'v.json');
  const r = evalboard(['variants', resultsFile, '--json', json]);
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(readFileSync(json, 'utf8'));
}

describe.skipIf(!ready)('MMLU and ARC variants, run end to end', () => {
  it('on stories260K: every variant scores, and its scores follow from the raw responses', { timeout: 300_000 }, () => {
    const out = tempDir('variants-run-');
    const tasks = [...MMLU_ONE_SUBJECT, 'arc_challenge_variants'].join(',');
    const args = ['--model', 'llamacpp', '--model_args', `pretrained=${STORIES},n_ctx=256`, '--tasks', tasks];
    const r = evalboard(['run', ...args, '--limit', '20', '--log_samples', '--output_path', out, '--quiet']);
    expect(r.status, r.stderr).toBe(0);
    const results = readResults(out).results as Record<string, Record<string, number>>;
    const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;

    // Letter probabilities (original) and letter continuations (lm-eval) ask different prompts...
    const original = samplesOf(out, 'mmlu_original_abstract_algebra');
    const lmEval = samplesOf(out, 'mmlu_abstract_algebra');
    expect(original).toHaveLength(20);
    expect(results.mmlu_original_abstract_algebra!['acc_letter_prob,none']).toBe(
      mean(original.map((row) => Number(pick(row) === row.target))),
    );
    // ...that differ in the header's double space (and the question's outer whitespace, kept here).
    original.forEach((row, i) => {
      const context = (row.arguments as Record<string, { arg_0: string }>).gen_args_0!.arg_0;
      const theirs = (lmEval[i]!.arguments as Record<string, { arg_0: string }>).gen_args_0!.arg_0;
      const question = (row.doc as { question: string }).question;
      if (question.trim() === question) expect(context).toBe(theirs.replace('about abstract', 'about  abstract'));
    });
    // stories260K splits " A" into two tokens: the details say the one-token rule does not apply as such.
    expect(
      original.every(
        (row) =>
          (row.details as { acc_letter_prob: { multi_token_letters: boolean } }).acc_letter_prob.multi_token_letters ===
          true,
      ),
    ).toBe(true);

    const fulltext = samplesOf(out, 'mmlu_fulltext_abstract_algebra');
    expect(results.mmlu_fulltext_abstract_algebra!['acc,none']).toBe(
      mean(fulltext.map((row) => Number(pick(row) === row.target))),
    );
    const byLength = (row: Row) => (i: number) => [...row.doc.choices![i]!].length;
    expect(results.mmlu_fulltext_abstract_algebra!['acc_norm,none']).toBe(
      mean(fulltext.map((row) => Number(pick(row, byLength(row)) === row.target))),
    );

    // HELM's variant generates one token; the first standing letter of it, if any, is the answer.
    const helm = samplesOf(out, 'mmlu_helm_abstract_algebra');
    for (const row of helm) {
      const output = row.resps[0]![0] as string;
      const letter = /(?<![\p{L}\p{N}])[ABCD](?![\p{L}\p{N}])/u.exec(output)?.[0] ?? '[invalid]';
      expect(row.filtered_resps).toBe(letter);
      expect(row.exact_match).toBe(Number(letter === row.target));
    }

    const letter = samplesOf(out, 'arc_challenge_letter');
    expect(results.arc_challenge_letter!['acc,none']).toBe(mean(letter.map((row) => Number(pick(row) === row.target))));
    expect(
      letter.every(
        (row) => row.resps.length === (row.doc as unknown as { choices: { text: string[] } }).choices.text.length,
      ),
    ).toBe(true);

    // The variants report pairs the same 20 documents under every variant.
    const resultsFile = listFiles(out).find((f) => /results_.*\.json$/.test(f))!;
    const report = variantsJson(resultsFile);
    const variants = report.scores.map((s) => s.variant);
    expect(variants).toEqual([
      'mmlu',
      'mmlu_original',
      'mmlu_helm',
      'mmlu_fulltext',
      'mmlu_fulltext:acc_norm',
      'arc_challenge',
      'arc_challenge:acc_norm',
      'arc_challenge_letter',
    ]);
    for (const s of report.scores) expect(s.items, s.variant).toBe(20);
    for (const a of report.agreement) expect(a.bothRight + a.bothWrong + a.onlyA + a.onlyB).toBe(20);
    const score = (variant: string) => report.scores.find((s) => s.variant === variant)!.score;
    expect(score('mmlu_original')).toBe(results.mmlu_original_abstract_algebra!['acc_letter_prob,none']);
    expect(score('arc_challenge:acc_norm')).toBe(results.arc_challenge!['acc_norm,none']);
  });

  it('on all of MMLU with the dummy backend: each variant over 14,042 questions', { timeout: 600_000 }, () => {
    const out = tempDir('variants-dummy-');
    const started = process.hrtime.bigint();
    const r = evalboard(['run', '--model', 'dummy', '--tasks', 'mmlu_variants', '--log_samples', '--output_path', out]);
    const runSeconds = Number(process.hrtime.bigint() - started) / 1e9;
    expect(r.status, r.stderr).toBe(0);
    const parsed = readResults(out) as unknown as {
      group_subtasks: Record<string, string[]>;
      'n-samples': Record<string, { effective: number }>;
      groups: Record<string, Record<string, number>>;
    };
    for (const group of ['mmlu', 'mmlu_original', 'mmlu_helm', 'mmlu_fulltext']) {
      const leaves = parsed.group_subtasks[group]!.flatMap((t) => parsed.group_subtasks[t] ?? [t]);
      expect(leaves, group).toHaveLength(57);
      const docs = leaves.reduce((n, t) => n + parsed['n-samples'][t]!.effective, 0);
      expect(docs, group).toBe(14_042);
    }
    const resultsFile = listFiles(out).find((f) => /results_.*\.json$/.test(f))!;
    const report = variantsJson(resultsFile);
    for (const s of report.scores) expect(s.items, s.variant).toBe(14_042);
    // A size-weighted group mean is the mean over all items: two independent paths to one number.
    const score = (variant: string) => report.scores.find((s) => s.variant === variant)!.score;
    expect(score('mmlu')).toBeCloseTo(parsed.groups.mmlu!['acc,none']!, 12);
    expect(score('mmlu_original')).toBeCloseTo(parsed.groups.mmlu_original!['acc_letter_prob,none']!, 12);
    expect(score('mmlu_fulltext:acc_norm')).toBeCloseTo(parsed.groups.mmlu_fulltext!['acc_norm,none']!, 12);
    // The dummy writes numbers, never a letter: HELM's rule finds nothing to score.
    expect(score('mmlu_helm')).toBe(0);
    expect(readdirSync(join(out, readdirSync(out)[0]!)).filter((f) => f.startsWith('samples_'))).toHaveLength(228);
    console.log(`dummy mmlu_variants run over 4 x 14,042 questions: ${runSeconds.toFixed(1)} s wall`);
  });
});
