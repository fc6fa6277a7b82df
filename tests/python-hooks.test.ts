/**
 * lm-eval `!function` hooks run unmodified from utils.py in one Python process per run: the
 * datasets.Dataset stand-in, doc_to_* functions, process_results, a TypeScript port winning over
 * utils.py, a missing import named before the run, and the hook's source in the task hash.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readResultsFile, readSamplesFile } from '../src/report/read.ts';
import { PythonHookError, PythonHookProcess } from '../src/task/yaml/python-hooks/worker.ts';
import { evalboard, listFiles, ROOT, STORIES, tempDir } from './helpers.ts';

const FIXTURES = join(ROOT, 'tests/fixtures/python-hooks');
const SERVER = join(ROOT, 'src/task/yaml/python-hooks/server.py');

function run(tasks: string, model: readonly string[] = ['--model', 'dummy']) {
  const out = tempDir('hooks-');
  const r = evalboard(['run', ...model, '--tasks', tasks, '--output_path', out, '--log_samples', '--quiet']);
  const files = listFiles(out);
  return { r, files, results: () => readResultsFile(files.find((f) => /results_/.test(f))!) };
}

describe('lm-eval hooks from utils.py', () => {
  it('builds prompts through process_docs (Dataset.map) and a doc_to_text function, and scores them', () => {
    const { r, files } = run(join(FIXTURES, 'story_choice/story_choice.yaml'), [
      '--model',
      'llamacpp',
      '--model_args',
      `pretrained=${STORIES}`,
    ]);
    expect(r.status, r.stderr).toBe(0);
    const rows = readSamplesFile(files.find((f) => /samples_story_choice_/.test(f))!);
    expect(rows).toHaveLength(3);
    // By hand from stories.jsonl: "[header]" removed, title capitalised, setup + " Then " + then + ",".
    expect(rows[1]!.arguments.gen_args_0).toEqual({
      arg_0: 'Bed: Tom was very tired. Then he went to bed,',
      arg_1: ' Fish flew over the house.',
    });
    expect(rows[2]!.doc).toEqual({
      title: 'cake [header]',
      setup: 'Mom made a big cake.',
      next: 'everyone wanted some',
      label: '2',
      topic: 'Cake',
      context: 'Mom made a big cake. Then everyone wanted some,',
      choices: ['Rocks danced on the roof.', 'Trees drove to school.', 'They ate it all together.'],
      gold: 2,
    });
    expect(rows.map((row) => row.target)).toEqual(['0', '1', '2']);
    expect(rows.map((row) => row.evalboard.target)).toEqual([0, 1, 2]);
  });

  it('takes metrics from a process_results hook (Python bools count as 0/1)', () => {
    const { r, files, results } = run(join(FIXTURES, 'story_choice/story_choice_gen.yaml'));
    expect(r.status, r.stderr).toBe(0);
    const rows = readSamplesFile(files.find((f) => /samples_story_choice_gen_/.test(f))!);
    const outputs = rows.map((row) => (row.resps as string[][])[0]![0]!);
    const words = outputs.map((text) => text.split(/\s+/).filter(Boolean).length);
    const topics = ['park', 'bed', 'cake'];
    const mentions = outputs.map((text, i): number => (text.toLowerCase().includes(topics[i]!) ? 1 : 0));
    const entry = results().results.story_choice_gen!;
    expect(entry['length,none']).toBeCloseTo(words.reduce((a, b) => a + b, 0) / 3, 12);
    expect(entry['mentions_topic,none']).toBeCloseTo(mentions.reduce((a, b) => a + b, 0) / 3, 12);
  });

  it('uses a TypeScript port when one sits beside utils.py', () => {
    const { r, files } = run(join(FIXTURES, 'ported/story_choice.yaml'));
    expect(r.status, r.stderr).toBe(0);
    const rows = readSamplesFile(files.find((f) => /samples_story_choice_ported_/.test(f))!);
    expect(rows[0]!.arguments.gen_args_0!.arg_0).toBe('Ported: Lily ran to the park.');
  });

  it('names a module utils.py imports that the interpreter lacks, before any request', () => {
    const { r } = run(join(FIXTURES, 'missing_module/task.yaml'));
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/imports "evalboard_no_such_module_for_tests", which python3 cannot import/);
    expect(r.stderr).not.toMatch(/progress:/);
  });

  it('puts the hook module’s sha256 in the task hash, so an edited utils.py is a different task', () => {
    const dir = tempDir('hooks-edit-');
    cpSync(join(FIXTURES, 'story_choice'), dir, { recursive: true });
    const before = run(join(dir, 'story_choice.yaml'));
    appendFileSync(join(dir, 'utils.py'), '\n# edited\n');
    const after = run(join(dir, 'story_choice.yaml'));
    const hash = (x: typeof before) => x.results().evalboard.tasks.story_choice!.task_hash;
    expect(hash(before)).not.toBe(hash(after));
    const recorded = before.results().configs.story_choice as Record<string, unknown>;
    expect(recorded.process_docs).toBe('!function utils.process_docs');
    expect(recorded.evalboard_hooks).toMatchObject({ 'utils.process_docs': { module: 'utils.py' } });
  });
});

describe('PythonHookProcess', () => {
  const dir = tempDir('hooks-process-');
  const hooks = new PythonHookProcess('python3');
  afterAll(() => hooks.close());

  it('batches calls, returns JSON-safe values and reports a hook’s exception with its line', () => {
    const file = join(dir, 'h.py');
    writeFileSync(file, 'def pair(a, b):\n    return (a, b * 2)\n\ndef boom(x):\n    return 1 / x\n');
    expect(
      hooks.call(file, 'pair', [
        [1, 2],
        ['x', 'y'],
      ]),
    ).toEqual([
      [1, 4],
      ['x', 'yy'],
    ]);
    let error: unknown;
    try {
      hooks.call(file, 'boom', [[0]]);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PythonHookError);
    expect((error as PythonHookError).message).toBe('ZeroDivisionError: division by zero');
    expect((error as PythonHookError).where).toBe(`${file}:5`);
  });

  it('reports a Python process that dies instead of hanging', () => {
    const dying = new PythonHookProcess('python3');
    const file = join(dir, 'exit.py');
    writeFileSync(file, 'import os\n\ndef die():\n    os._exit(3)\n');
    expect(() => dying.call(file, 'die', [[]])).toThrow(/exited/);
  });
});

describe('the datasets.Dataset stand-in', () => {
  it('does what process_docs hooks call: map (plain, batched, with indices), filter, select, columns', () => {
    const script = `
import json, sys
sys.argv = ['x']
exec(open(${JSON.stringify(SERVER)}).read().split('if __name__')[0])
d = Dataset([{"a": 1, "b": "x"}, {"a": 2, "b": "y"}, {"a": 3, "b": "z"}])
out = {
  "map": d.map(lambda r: {"c": r["a"] * 10}).to_list(),
  "indices": d.map(lambda r, i: {"i": i}, with_indices=True)["i"],
  "batched": d.map(lambda b: {"a": [x + 1 for x in b["a"]]}, batched=True, batch_size=2)["a"],
  "filter": d.filter(lambda r: r["a"] != 2)["b"],
  "select": d.select([2, 0])["a"],
  "rename": d.rename_column("b", "B").column_names,
  "remove": d.remove_columns(["b"]).to_list(),
  "index": [d[1], d["b"], len(d), d[0:2]],
  "iter": [r["a"] for r in d],
}
print(json.dumps(out))
`;
    const r = spawnSync('python3', ['-c', script], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      map: [
        { a: 1, b: 'x', c: 10 },
        { a: 2, b: 'y', c: 20 },
        { a: 3, b: 'z', c: 30 },
      ],
      indices: [0, 1, 2],
      batched: [2, 3, 4],
      filter: ['x', 'z'],
      select: [3, 1],
      rename: ['a', 'B'],
      remove: [{ a: 1 }, { a: 2 }, { a: 3 }],
      index: [{ a: 2, b: 'y' }, ['x', 'y', 'z'], 3, { a: [1, 2], b: ['x', 'y'] }],
      iter: [1, 2, 3],
    });
  });
});
