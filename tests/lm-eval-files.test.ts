import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { evalboard, listFiles, ROOT, STORIES, tempDir } from './helpers.ts';

/**
 * evalboard's files, read by a Python script (standard library only) that does what lm-eval's
 * make_table and the Open LLM Leaderboard's parser do with a results file, and checks every samples
 * row as lm-eval's EvaluationTracker writes it: the line is Python's json.dumps of the row,
 * doc_hash/prompt_hash/target_hash recomputed with json.dumps(indent=2) and hashlib, resps and
 * filtered_resps as Python strings, task_hashes from the rows. Tasks on stories260K: multiple
 * choice in a group (arc_easy, bps), generation with two filters (gsm8k), rolling (story_rolling).
 */

const FIXTURES = join(ROOT, 'tests/fixtures/lm-eval-files');
const DATA = process.env.EVALBOARD_DATA_DIR ?? join(ROOT, '../shared/datasets');

interface PythonReading {
  tables: { results: unknown[][]; groups: unknown[][] };
  leaderboard: Record<string, number>;
  samples: Record<string, { rows: number; problems: string[]; task_hash: string }>;
  model_name: string;
}

let stdout: string;
let resultsFile: string;
let results: Record<string, unknown> & { results: Record<string, Record<string, unknown>> };
let reading: PythonReading;

beforeAll(() => {
  const out = tempDir('lm-eval-files-');
  const r = evalboard([
    'run',
    ...['--model', 'llamacpp', '--model_args', `pretrained=${STORIES}`],
    ...['--include_path', FIXTURES, '--tasks', 'lm_eval_files_group,gsm8k,story_rolling'],
    ...['--limit', '3', '--gen_kwargs', 'max_gen_toks=32', '--log_samples', '--output_path', out, '--quiet'],
  ]);
  expect(r.status, r.stderr).toBe(0);
  stdout = r.stdout;
  resultsFile = listFiles(out).find((f) => /results_.*\.json$/.test(f))!;
  results = JSON.parse(readFileSync(resultsFile, 'utf8'));
  const python = spawnSync(
    'python3',
    [
      join(FIXTURES, 'read_lm_eval_files.py'),
      resultsFile,
      `story_rolling=${join(FIXTURES, 'stories.jsonl')}`,
      `arc_easy=${join(DATA, 'arc-easy/test.jsonl')}`,
      `gsm8k=${join(DATA, 'gsm8k/test.jsonl')}`,
    ],
    { encoding: 'utf8' },
  );
  expect(python.status, python.stderr).toBe(0);
  reading = JSON.parse(python.stdout);
}, 300_000);

/** The cells of the rows of evalboard's printed table whose header starts with `first`. */
function printedRows(first: 'Tasks' | 'Groups'): string[][] {
  const lines = stdout.split('\n');
  const start = lines.findIndex((l) => l.startsWith(`|${first} `));
  const rows: string[][] = [];
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith('|')) break;
    rows.push(
      line
        .slice(1, -1)
        .split('|')
        // The name cell keeps its leading spaces: a subtask's alias is indented (" - arc_easy").
        .map((cell, c) => (c === 0 ? cell.trimEnd() : cell.trim())),
    );
  }
  return rows;
}

describe("evalboard's files, read as lm-eval's tools read lm-eval's", () => {
  it('has every samples row as lm-eval writes it, hashes and strings recomputed in Python', () => {
    expect(Object.fromEntries(Object.entries(reading.samples).map(([t, s]) => [t, s.rows]))).toEqual({
      arc_easy: 3,
      bps: 3,
      gsm8k: 6, // one row per doc and filter: strict-match, then flexible-extract
      story_rolling: 3,
    });
    for (const [task, s] of Object.entries(reading.samples)) {
      expect(s.problems, task).toEqual([]);
      expect((results.task_hashes as Record<string, string>)[task], task).toBe(s.task_hash);
    }
  });

  it('prints the table make_table computes from the results file, and the leaderboard reads acc_norm from it', () => {
    for (const [section, header] of [
      ['results', 'Tasks'],
      ['groups', 'Groups'],
    ] as const) {
      const python = reading.tables[section];
      const printed = printedRows(header);
      expect(printed.length, section).toBe(python.length);
      python.forEach((cells, i) => {
        // pytablewriter, not make_table, formats the version; compare it as a number.
        const [name, version, ...rest] = cells;
        expect([printed[i]![0], ...printed[i]!.slice(2)], `${section} row ${i}`).toEqual([
          name,
          ...rest.map((c) => String(c).trim()),
        ]);
        expect(Number(printed[i]![1] || 0)).toBe(Number(version || 0));
      });
    }
    const groups = results.groups as Record<string, Record<string, unknown>>;
    expect(reading.leaderboard).toEqual({
      arc_easy: (results.results.arc_easy!['acc_norm,none'] as number) * 100,
      bps: (results.results.bps!['acc_norm,none'] as number) * 100,
      lm_eval_files_group: (groups.lm_eval_files_group!['acc_norm,none'] as number) * 100,
    });
  });

  it("writes lm-eval's top-level keys and Python's float formatting in the results file", () => {
    expect(results).toMatchObject({
      model_source: 'llamacpp',
      model_name: STORIES,
      fewshot_as_multiturn: false,
      chat_template: null,
      chat_template_sha: null,
      tokenizer_eos_token: ['</s>', '2'],
      tokenizer_bos_token: ['<s>', '1'],
      eot_token_id: 2,
    });
    expect(reading.model_name).toBe(STORIES);
    expect(results.max_length).toBeTypeOf('number');
    expect(results.lm_eval_version).toMatch(/^0\.4\.9\.2\+evalboard\.[0-9a-z.]+$/);
    expect(results.date).toBeTypeOf('number');
    const text = readFileSync(resultsFile, 'utf8');
    // lm-eval's YAML versions (3.0) and metric values are floats: 0.0, not 0.
    expect(text).toContain('"gsm8k": 3.0');
    expect(text).toMatch(/"exact_match,strict-match": \d\.\d/);
    expect(text).toMatch(/"limit": 3\.0/);
  });

  it("gives a generation's arguments the task's whole generation_kwargs after --gen_kwargs", () => {
    const file = listFiles(join(resultsFile, '..')).find((f) => /samples_gsm8k_/.test(f))!;
    const [line] = readFileSync(file, 'utf8').split('\n');
    const row = JSON.parse(line!);
    expect(row.arguments.gen_args_0.arg_1).toEqual({
      until: ['Question:', '</s>', '<|im_end|>'],
      do_sample: false,
      temperature: 0,
      max_gen_toks: 32,
    });
    expect(line).toContain('"do_sample": false, "temperature": 0.0, "max_gen_toks": 32}');
    expect(row.filter).toBe('strict-match');
  });
});
