import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../src/task/index.ts';
import type { YamlTaskDefinition } from '../src/task/yaml/index.ts';
import { evalboard, listFiles, readResults, ROOT, tempDir } from './helpers.ts';

/**
 * lm-eval's own task YAML, copied unmodified (tests/fixtures/lm-eval-yaml/SOURCE.md), runs with
 * nothing but --data_dir, and builds the same requests lm-eval does
 * (tests/fixtures/lm-eval-requests, produced independently of evalboard).
 */

const YAML_DIR = join(ROOT, 'tests/fixtures/lm-eval-yaml');
const REQUESTS = join(ROOT, 'tests/fixtures/lm-eval-requests');
const dataDir = process.env.EVALBOARD_DATA_DIR ?? join(ROOT, '../shared/datasets');

/** lm-eval v0.4.9.2's blobs (git hash-object): the files are byte-for-byte lm-eval's. */
const LM_EVAL_BLOBS: Record<string, string> = {
  'arc_easy.yaml': '1b2e369a4e19a37c6a1550a1ab033701fc045621',
  'arc_challenge.yaml': '2ad5149095e17711073606124968aa174af4c55a',
  'gsm8k.yaml': 'a9d5bb39aedc0e2b991f0d79f2de6face47a31cf',
};

interface ExpectedRequest {
  readonly doc_id: number;
  readonly context: string;
  readonly continuations: readonly string[] | null;
  readonly until: readonly string[] | null;
}

interface SampleRow {
  readonly doc_id: number;
  readonly arguments: Record<string, { arg_0: string; arg_1: string | { until: string[] } }>;
}

function gitBlobId(bytes: Buffer): string {
  return createHash('sha1')
    .update(Buffer.concat([Buffer.from(`blob ${bytes.length}\0`), bytes]))
    .digest('hex');
}

/** `evalboard run` on the fixture folder alone: no EVALBOARD_DATA_DIR, only --data_dir. */
function runFixtureTask(task: string, extra: readonly string[]) {
  const out = tempDir();
  const r = evalboard(
    [
      'run',
      '--include_path',
      'tests/fixtures/lm-eval-yaml',
      '--tasks',
      task,
      '--model',
      'dummy',
      '--limit',
      '8',
      ...extra,
      '--data_dir',
      dataDir,
      '--output_path',
      out,
      '--log_samples',
    ],
    { EVALBOARD_DATA_DIR: join(tempDir('no-data-'), 'missing') },
  );
  expect(r.status, r.stderr).toBe(0);
  const results = readResults(out) as Record<string, Record<string, Record<string, unknown>>>;
  const samples = listFiles(out).filter((f) => f.includes(`samples_${task}_`));
  expect(samples).toHaveLength(1);
  const rows: SampleRow[] = readFileSync(samples[0]!, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  return { results, rows, stderr: r.stderr };
}

function expected(task: string): ExpectedRequest[] {
  return JSON.parse(readFileSync(join(REQUESTS, `${task}.json`), 'utf8'));
}

/** The first samples row of each doc (gsm8k has one row per filter, all with the same arguments). */
function argumentsByDoc(rows: readonly SampleRow[]): Map<number, SampleRow['arguments']> {
  const byDoc = new Map<number, SampleRow['arguments']>();
  for (const row of rows) if (!byDoc.has(row.doc_id)) byDoc.set(row.doc_id, row.arguments);
  return byDoc;
}

describe.skipIf(!existsSync(dataDir))("lm-eval's unmodified task YAML via --include_path", () => {
  it('the fixture files are byte-for-byte lm-eval v0.4.9.2', () => {
    for (const [file, blob] of Object.entries(LM_EVAL_BLOBS)) {
      expect(gitBlobId(readFileSync(join(YAML_DIR, file))), file).toBe(blob);
    }
  });

  it('an --include_path folder overrides shipped tasks of the same name, as in lm-eval', async () => {
    const shipped = await loadCatalog({ includePaths: [], dataDir });
    expect((shipped.catalog.getTask('arc_challenge') as YamlTaskDefinition).file).toBe(
      join(ROOT, 'tasks/arc/arc_challenge.yaml'),
    );
    const { catalog, warnings } = await loadCatalog({ includePaths: [YAML_DIR], dataDir });
    expect(warnings).toEqual([]);
    for (const name of ['arc_easy', 'arc_challenge', 'gsm8k']) {
      expect((catalog.getTask(name) as YamlTaskDefinition).file, name).toBe(join(YAML_DIR, `${name}.yaml`));
    }
  });

  it('arc_challenge, 25-shot: runs with only --data_dir; prompts and choices equal lm-eval', () => {
    const { results, rows } = runFixtureTask('arc_challenge', ['--num_fewshot', '25']);
    expect(results.results).toHaveProperty(['arc_challenge', 'acc,none']);
    expect(results['n-shot']!.arc_challenge).toBe(25);
    expect(results['n-samples']!.arc_challenge).toEqual({ original: 1172, effective: 8 });
    // The config is lm-eval's arc_easy.yaml + arc_challenge.yaml, merged.
    expect(results.configs!.arc_challenge).toMatchObject({
      task: 'arc_challenge',
      tag: ['ai2_arc'],
      dataset_path: 'allenai/ai2_arc',
      dataset_name: 'ARC-Challenge',
      output_type: 'multiple_choice',
      training_split: 'train',
      validation_split: 'validation',
      test_split: 'test',
      doc_to_text: 'Question: {{question}}\nAnswer:',
      doc_to_target: '{{choices.label.index(answerKey)}}',
      doc_to_choice: '{{choices.text}}',
      should_decontaminate: true,
      doc_to_decontamination_query: 'Question: {{question}}\nAnswer:',
      metadata: { version: 1 },
    });

    const byDoc = argumentsByDoc(rows);
    expect(byDoc.size).toBe(8);
    for (const want of expected('arc_challenge')) {
      const args = Object.values(byDoc.get(want.doc_id)!);
      expect(args.map((a) => a.arg_1)).toEqual(want.continuations);
      for (const a of args) expect(a.arg_0, `doc ${want.doc_id}: context`).toBe(want.context);
    }
  });

  it("gsm8k, the YAML's 5-shot: runs with only --data_dir; prompts and stop sequences equal lm-eval", () => {
    const { results, rows } = runFixtureTask('gsm8k', []);
    expect(results.results).toHaveProperty(['gsm8k', 'exact_match,strict-match']);
    expect(results['n-shot']!.gsm8k).toBe(5);
    // v0.4.9.2's file says `dataset_path: gsm8k`; the shipped task says openai/gsm8k.
    expect(results.configs!.gsm8k).toMatchObject({ task: 'gsm8k', dataset_path: 'gsm8k', fewshot_split: 'train' });

    const byDoc = argumentsByDoc(rows);
    for (const want of expected('gsm8k')) {
      const { arg_0, arg_1 } = byDoc.get(want.doc_id)!.gen_args_0!;
      expect(arg_0, `doc ${want.doc_id}: context`).toBe(want.context);
      expect((arg_1 as { until: string[] }).until).toEqual(want.until);
    }
  });
});
