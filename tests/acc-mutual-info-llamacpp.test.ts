import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { evalboard, listFiles, readResults, STORIES, tempDir } from './helpers.ts';

// acc_mutual_info end to end on the real model: lm-eval's extra ("", " " + choice) requests are
// sent and scored, and the metric is the argmax of conditional − unconditional log-likelihoods.
const TASK = `task: mutual_info_yes_no
dataset_path: json
dataset_kwargs:
  data_files:
    test: data.jsonl
test_split: test
output_type: multiple_choice
doc_to_text: "{{question}}"
doc_to_choice: ["yes", "no"]
doc_to_target: answer
metric_list:
  - metric: acc
  - metric: acc_mutual_info
`;
const DOCS = [
  { question: 'Is the sky blue?', answer: 0 },
  { question: 'Is fire cold?', answer: 1 },
  { question: 'Do fish swim?', answer: 0 },
];

const argmax = (xs: readonly number[]) => xs.indexOf(Math.max(...xs));

describe('acc_mutual_info on stories260K (llama.cpp)', () => {
  it('scores the unconditional requests and picks by pointwise mutual information', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'task.yaml'), TASK);
    writeFileSync(join(dir, 'data.jsonl'), DOCS.map((d) => JSON.stringify(d)).join('\n'));
    const out = tempDir();
    const args = ['run', '--model', 'llamacpp', '--model_args', `pretrained=${STORIES}`, '--include_path', dir];
    const r = evalboard([
      ...args,
      '--tasks',
      'mutual_info_yes_no',
      '--output_path',
      out,
      '--log_samples',
      '--no_cache',
    ]);
    expect(r.status, r.stderr).toBe(0);
    const samples = listFiles(out).find((f) => f.includes('samples_mutual_info_yes_no_'))!;
    const rows = readFileSync(samples, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    let correct = 0;
    for (const row of rows) {
      expect(row.arguments.gen_args_2).toEqual({ arg_0: '', arg_1: ' yes' });
      expect(row.arguments.gen_args_3).toEqual({ arg_0: '', arg_1: ' no' });
      const lls = (row.evalboard.resps as [[number, boolean]][]).map(([[ll]]) => ll);
      expect(lls.every((ll) => Number.isFinite(ll) && ll < 0)).toBe(true);
      const pmi = [lls[0]! - lls[2]!, lls[1]! - lls[3]!];
      // lm-eval's `target` is str(doc_to_target): the gold index as text; the index itself is under evalboard.
      expect(row.target).toBe(String(row.evalboard.target));
      expect(row.acc_mutual_info).toBe(argmax(pmi) === row.evalboard.target ? 1 : 0);
      expect(row.acc).toBe(argmax(lls.slice(0, 2)) === row.evalboard.target ? 1 : 0);
      correct += row.acc_mutual_info;
    }
    const results = readResults(out) as Record<string, Record<string, Record<string, number>>>;
    expect(results.results!.mutual_info_yes_no!['acc_mutual_info,none']).toBeCloseTo(correct / DOCS.length, 12);
  });
});
