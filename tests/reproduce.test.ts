import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { evalboard, listFiles, tempDir } from './helpers.ts';

/** A tiny lm-eval YAML task over a local JSONL file, so the test can change its data. */
function makeTask(dir: string): string {
  const rows = Array.from({ length: 12 }, (_, i) => ({
    q: `What is ${i} + ${i}?`,
    choices: [`${2 * i}`, `${2 * i + 1}`],
    a: i % 2,
  }));
  writeFileSync(join(dir, 'data.jsonl'), `${rows.map((r) => JSON.stringify(r)).join('\n')}\n`);
  writeFileSync(
    join(dir, 'tiny.yaml'),
    [
      'task: tiny_sums',
      'dataset_path: json',
      'dataset_kwargs:',
      `  data_files: {test: ${join(dir, 'data.jsonl')}}`,
      'test_split: test',
      'output_type: multiple_choice',
      'doc_to_text: "Question: {{q}}\\nAnswer:"',
      'doc_to_choice: "{{choices}}"',
      'doc_to_target: a',
      'metric_list:',
      '  - metric: acc',
      'metadata: {version: 1}',
      '',
    ].join('\n'),
  );
  return dir;
}

describe('evalboard reproduce', () => {
  it('reruns from the results file alone and confirms every per-item metric', () => {
    const taskDir = makeTask(tempDir());
    const out = tempDir();
    const run = evalboard([
      'run',
      '--model',
      'dummy',
      '--include_path',
      taskDir,
      '--tasks',
      'tiny_sums,bps',
      '--limit',
      '8',
      '--output_path',
      out,
      '--log_samples',
    ]);
    expect(run.status, run.stderr).toBe(0);
    const results = listFiles(out).find((f) => /results_.*\.json$/.test(f))!;

    const ok = evalboard(['reproduce', results]);
    expect(ok.status, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/tiny_sums: 8 samples, every per-item metric matches/);
    expect(ok.stdout).toMatch(/bps: 8 samples, every per-item metric matches/);

    // A tampered per-item value is caught and named.
    const samples = listFiles(out).find((f) => f.includes('samples_tiny_sums_'))!;
    const rows = readFileSync(samples, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    rows[3].acc = 1 - rows[3].acc;
    writeFileSync(samples, `${rows.map((r) => JSON.stringify(r)).join('\n')}\n`);
    const tampered = evalboard(['reproduce', results]);
    expect(tampered.status).toBe(1);
    expect(tampered.stdout).toMatch(/tiny_sums: 1 of 8 samples differ \(first: doc 3 acc/);

    // A results file of another schema version is refused before anything runs, naming the field.
    const future = join(tempDir(), 'results_future.json');
    const json = JSON.parse(readFileSync(results, 'utf8'));
    json.evalboard.schema_version = 99;
    writeFileSync(future, JSON.stringify(json));
    const refused = evalboard(['reproduce', future]);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain(`${future}: evalboard.schema_version: 99 is not a version this evalboard reads`);

    // A changed data file stops the rerun before any request, naming the file.
    appendFileSync(join(taskDir, 'data.jsonl'), `${JSON.stringify({ q: 'extra', choices: ['a', 'b'], a: 0 })}\n`);
    const changed = evalboard(['reproduce', results]);
    expect(changed.status).toBe(2);
    expect(changed.stderr).toMatch(/inputs differ from the recorded run: tiny_sums: data file .*data\.jsonl changed/);
  });
});
