/**
 * Rolling log-likelihood on a model whose tokenizer adds BOS (stories260K): by default the
 * llamacpp backend does what lm-eval's HF backend does (HFLM.loglikelihood_rolling: the token list
 * is tok_encode(text), BOS included, and the first window predicts it from the prefix token);
 * `rolling_bos=context` scores the text's own tokens only. Both are recorded in the results file.
 * The exact windows are checked against a naive evaluation in src/backends/llamacpp/backend.test.ts.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { evalboard, listFiles, readResults, STORIES, tempDir } from './helpers.ts';

/** Short stories in the style stories260K was trained on, written for this test. */
const PAGES = [
  'Once upon a time, there was a little dog named Max. Max liked to run in the big green park. One day, he found a red ball under a tree.',
  'Lily and her mom went to the store. They wanted to buy apples and bread. Lily saw a toy bear and asked her mom for it.',
  'Tom had a small boat. He put it in the water and watched it float. The wind blew and the boat went far away.',
  'A little bird lived in a tree. Every morning, the bird sang a song. One day, a cat came and wanted to catch the bird.',
];

function fixture(): string {
  const dir = tempDir('rolling-');
  writeFileSync(join(dir, 'pages.jsonl'), `${PAGES.map((page) => JSON.stringify({ page })).join('\n')}\n`);
  writeFileSync(
    join(dir, 'tiny_text.yaml'),
    [
      'task: tiny_text',
      'dataset_path: json',
      `dataset_kwargs: {data_files: {test: ${join(dir, 'pages.jsonl')}}}`,
      'test_split: test',
      'output_type: loglikelihood_rolling',
      'doc_to_text: ""',
      'doc_to_target: "{{page}}"',
      'metric_list: [{metric: word_perplexity}, {metric: byte_perplexity}, {metric: bits_per_byte}]',
      'metadata: {version: 1}',
      '',
    ].join('\n'),
  );
  return dir;
}

interface Run {
  readonly results: Record<string, Record<string, number>>;
  readonly settings: Record<string, unknown>;
  /** Per document, the summed log-likelihood the samples file records. */
  readonly logprobs: number[];
}

function run(dir: string, modelArgs: string): Run {
  const out = tempDir();
  const r = evalboard([
    'run',
    '--model',
    'llamacpp',
    '--model_args',
    `pretrained=${STORIES}${modelArgs}`,
    '--include_path',
    dir,
    '--tasks',
    'tiny_text',
    '--output_path',
    out,
    '--log_samples',
  ]);
  expect(r.status, r.stderr).toBe(0);
  const report = readResults(out) as unknown as {
    results: Run['results'];
    config: { backend: { settings: Record<string, unknown> } };
  };
  const samples = listFiles(out).find((f) => f.includes('samples_tiny_text_'))!;
  const rows = readFileSync(samples, 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { doc_id: number; resps: unknown[][] });
  return {
    results: report.results,
    settings: report.config.backend.settings,
    logprobs: rows.sort((a, b) => a.doc_id - b.doc_id).map((row) => Number(row.resps[0]![0])),
  };
}

/** lm-eval's word_perplexity and bits_per_byte from per-document log-likelihoods. */
function expectedMetrics(logprobs: readonly number[]) {
  const total = logprobs.reduce((a, b) => a + b, 0);
  const words = PAGES.reduce((n, page) => n + page.split(/\s+/).length, 0);
  const bytes = PAGES.reduce((n, page) => n + Buffer.byteLength(page, 'utf8'), 0);
  return { word_perplexity: Math.exp(-total / words), bits_per_byte: -total / bytes / Math.LN2 };
}

describe('rolling log-likelihood and the BOS token (stories260K)', () => {
  let lmEval: Run;
  let contextOnly: Run;
  beforeAll(() => {
    const dir = fixture();
    lmEval = run(dir, '');
    contextOnly = run(dir, ',rolling_bos=context');
  }, 240_000);

  it("records the rule in the results file: lm-eval's HF rule by default, 'context' when asked", () => {
    expect(lmEval.settings).toMatchObject({ addBos: true, rollingBos: 'scored' });
    expect(contextOnly.settings).toMatchObject({ addBos: true, rollingBos: 'context' });
  });

  it('gives each setting its own per-document log-likelihoods and perplexities', () => {
    for (const [i, lp] of lmEval.logprobs.entries()) {
      expect(Number.isFinite(lp)).toBe(true);
      expect(Math.abs(lp - contextOnly.logprobs[i]!), `doc ${i}`).toBeGreaterThan(0.01);
    }
    for (const r of [lmEval, contextOnly]) {
      const want = expectedMetrics(r.logprobs);
      expect(r.results.tiny_text!['word_perplexity,none']).toBeCloseTo(want.word_perplexity, 9);
      expect(r.results.tiny_text!['bits_per_byte,none']).toBeCloseTo(want.bits_per_byte, 9);
    }
    // Predicting BOS after BOS costs nats that the text's own tokens do not (docs/numerics.md).
    expect(lmEval.results.tiny_text!['word_perplexity,none']).toBeGreaterThan(
      contextOnly.results.tiny_text!['word_perplexity,none']!,
    );
  });
});
