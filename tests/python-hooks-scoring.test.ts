/**
 * lm-eval's callable filters, metrics and aggregations run unmodified from utils.py: the results
 * file's numbers must equal what the same utils.py gives when Python calls it as lm-eval does
 * (every doc's responses at once), computed here independently from the samples file's raw responses.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserError } from '../src/errors.ts';
import { readResultsFile, readSamplesFile } from '../src/report/read.ts';
import { loadTaskYamls } from '../src/task/yaml/index.ts';
import { PythonHookProcess } from '../src/task/yaml/python-hooks/worker.ts';
import { evalboard, listFiles, ROOT, tempDir } from './helpers.ts';

const FIXTURE = join(ROOT, 'tests/fixtures/python-hooks/custom_scoring');

/** lm-eval's order of calls, over all docs at once: each pipeline, then each metric per doc, then the aggregations. */
const LM_EVAL_WAY = `
import json, sys
sys.path.insert(0, sys.argv[1])
import utils
data = json.load(sys.stdin)
docs, resps, golds = data["docs"], data["resps"], data["golds"]
pipelines = {
    "tagged": [list(r) for r in utils.tag_with_label(resps, docs)],
    "clipped": [list(r) for r in utils.ClipWords(words=2).apply(resps, docs)],
}
out = {}
for name, filtered in pipelines.items():
    results = [r[0] for r in filtered]
    shared = [utils.shared_words(references=[g], predictions=[r]) for g, r in zip(golds, results)]
    gaps = [utils.length_gap([g, r]) for g, r in zip(golds, results)]
    stats = [utils.text_stats(references=[g], predictions=[r], extra=100) for g, r in zip(golds, results)]
    out[name] = {
        "filtered": results,
        "shared_words": utils.total_over_count(shared),
        "length_gap": sum(gaps) / len(gaps),
        "chars": sum(x["chars"] for x in stats) / len(stats),
        "has_colon": sum(x["has_colon"] for x in stats) / len(stats),
    }
print(json.dumps(out))
`;

function runTask(yaml: string) {
  const out = tempDir('hooks-scoring-');
  const r = evalboard(['run', '--model', 'dummy', '--tasks', yaml, '--output_path', out, '--log_samples', '--quiet']);
  return { r, files: listFiles(out) };
}

describe('callable filters, metrics and aggregations from utils.py', () => {
  it('gives the numbers lm-eval’s calls of the same utils.py give', () => {
    const { r, files } = runTask(join(FIXTURE, 'task.yaml'));
    expect(r.status, r.stderr).toBe(0);
    const rows = readSamplesFile(files.find((f) => /samples_custom_scoring_/.test(f))!);
    const byFilter = (name: string) => rows.filter((row) => row.filter === name).sort((a, b) => a.doc_id - b.doc_id);
    const tagged = byFilter('tagged');
    expect(tagged).toHaveLength(3);
    const input = {
      docs: tagged.map((row) => row.doc),
      resps: tagged.map((row) => (row.resps as string[][])[0]),
      golds: tagged.map((row) => row.target),
    };
    const python = spawnSync('python3', ['-c', LM_EVAL_WAY, FIXTURE], {
      input: JSON.stringify(input),
      encoding: 'utf8',
    });
    expect(python.status, python.stderr).toBe(0);
    const expected = JSON.parse(python.stdout) as Record<string, Record<string, number | string[]>>;
    const results = readResultsFile(files.find((f) => /results_/.test(f))!).results.custom_scoring!;
    for (const filter of ['tagged', 'clipped']) {
      const want = expected[filter]!;
      expect(byFilter(filter).map((row) => firstText(row.filtered_resps))).toEqual(want.filtered);
      for (const metric of ['shared_words', 'length_gap', 'chars', 'has_colon'])
        expect(results[`${metric},${filter}`], `${metric},${filter}`).toBeCloseTo(want[metric] as number, 12);
    }
    // Not vacuous: the pipelines differ, and the items the aggregation reads are not all zero.
    expect([expected.tagged!.has_colon, expected.clipped!.has_colon]).toEqual([1, 0]);
    expect(expected.tagged!.shared_words).toBeGreaterThan(0);
    // The filter saw the doc: its label leads every tagged answer.
    expect(tagged.map((row) => firstText(row.filtered_resps).split(':')[0])).toEqual(['0', '1', '2']);
    // A task's own aggregation has no stderr in lm-eval ("N/A").
    expect(results['shared_words_stderr,tagged']).toBe('N/A');
  });

  it('names a filter_fn or metric that utils.py lacks, and the task, before any request', async () => {
    const withRef = (from: string, to: string) => {
      const dir = tempDir('hooks-missing-');
      cpSync(FIXTURE, dir, { recursive: true });
      writeFileSync(join(dir, 'task.yaml'), readFileSync(join(FIXTURE, 'task.yaml'), 'utf8').replace(from, to));
      return dir;
    };
    const message = (to: string) =>
      new RegExp(`task custom_scoring: !function ${to}: .*utils\\.py has no function "${to.split('.')[1]}"`);
    // Through the command line: exit 2, the YAML line, no request sent.
    const { r } = runTask(join(withRef('utils.tag_with_label', 'utils.no_such_filter'), 'task.yaml'));
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(message('utils.no_such_filter'));
    expect(r.stderr).toMatch(/task\.yaml:\d+/);
    expect(r.stderr).not.toMatch(/progress:/);
    // A metric the same way, as the task loads (what the command line does before any request).
    const index = await loadTaskYamls([withRef('utils.length_gap', 'utils.no_such_metric')]);
    expect(() => index.get('custom_scoring')).toThrow(UserError);
    expect(() => index.get('custom_scoring')).toThrow(message('utils.no_such_metric'));
  });
});

describe('a utils.py inside an lm-eval checkout', () => {
  it('imports its siblings as lm_eval.tasks.<folder> without lm_eval installed', () => {
    const root = join(tempDir('hooks-tree-'), 'lm_eval', 'tasks');
    mkdirSync(join(root, 'shared_lib'), { recursive: true });
    mkdirSync(join(root, 'my_task'), { recursive: true });
    writeFileSync(join(root, 'shared_lib', 'words.py'), 'PREFIX = "Q: "\n');
    writeFileSync(
      join(root, 'my_task', 'utils.py'),
      'from lm_eval.tasks.shared_lib.words import PREFIX\n\ndef doc_to_text(doc):\n    return PREFIX + doc["q"]\n',
    );
    const hooks = new PythonHookProcess('python3');
    try {
      expect(hooks.call(join(root, 'my_task', 'utils.py'), 'doc_to_text', [[{ q: 'why' }]])).toEqual(['Q: why']);
    } finally {
      hooks.close();
    }
  });
});

describe('a hook that writes much to stderr', () => {
  it('returns instead of blocking both processes on a full pipe', () => {
    const file = join(tempDir('hooks-noisy-'), 'noisy.py');
    writeFileSync(file, 'import sys\n\ndef warn(n):\n    sys.stderr.write("w" * n)\n    return n\n');
    const hooks = new PythonHookProcess('python3');
    try {
      expect(hooks.call(file, 'warn', [[200_000]])).toEqual([200_000]);
    } finally {
      hooks.close();
    }
  });
});

/** A filtered response as text, whether the samples file writes it bare or as lm-eval's one-item list. */
function firstText(value: unknown): string {
  return String(Array.isArray(value) ? value[0] : value);
}
