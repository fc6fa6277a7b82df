import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildInstances } from '../src/instances/build.ts';
import type { DocInstance } from '../src/instances/types.ts';
import type { TaskDefinition } from '../src/task/types.ts';
import { loadTaskYamls } from '../src/task/yaml/index.ts';
import { PythonRandom } from '../src/python/random.ts';
import { ROOT } from './helpers.ts';

/**
 * Requests must be byte-identical to lm-evaluation-harness v0.4.9.2's for the same YAML, data and
 * seed. The expected strings in tests/fixtures/lm-eval-requests are fixed facts, produced
 * independently of evalboard (see that folder's README.md); never regenerate them from our output.
 */

interface ExpectedRequest {
  readonly doc_id: number;
  readonly context: string;
  /** multiple_choice: target_delimiter + each choice; null for generate_until. */
  readonly continuations: readonly string[] | null;
  /** generate_until: the stop sequences; null for multiple_choice. */
  readonly until: readonly string[] | null;
}

const FIXTURES = join(ROOT, 'tests/fixtures/lm-eval-requests');
const TASKS_DIR = join(ROOT, 'tasks');
const dataDir = process.env.EVALBOARD_DATA_DIR ?? join(ROOT, '../shared/datasets');

function expected(task: string): ExpectedRequest[] {
  return JSON.parse(readFileSync(join(FIXTURES, `${task}.json`), 'utf8'));
}

/** What lm-eval's Instance.arguments hold, read from one of our instances. */
function requestView(inst: DocInstance): Omit<ExpectedRequest, 'doc_id'> {
  const requests = inst.requests[0]!;
  const first = requests[0]!;
  if (first.kind === 'generateUntil')
    return { context: first.context, continuations: null, until: first.settings.until };
  const continuations: string[] = [];
  for (const r of requests) {
    if (r.kind !== 'loglikelihood' || r.context !== inst.context) throw new Error(`unexpected ${r.kind} request`);
    continuations.push(r.continuation);
  }
  return { context: inst.context, continuations, until: null };
}

const cases = [
  // --num_fewshot 5; first_n over the subject's dev split.
  { task: 'mmlu_high_school_european_history', numFewshot: 5, yamlDefault: 0 },
  { task: 'mmlu_abstract_algebra', numFewshot: 5, yamlDefault: 0 },
  // --num_fewshot 25; Random(1234).sample(train, 25) per doc, docs in order.
  { task: 'arc_challenge', numFewshot: 25, yamlDefault: 0 },
  // The YAML's num_fewshot: 5, Random(1234).sample(train, 5).
  { task: 'gsm8k', numFewshot: undefined, yamlDefault: 5 },
  // The YAML's num_fewshot: 3, first_n over the three CoT exemplars.
  { task: 'bbh_cot_fewshot_date_understanding', numFewshot: undefined, yamlDefault: 3 },
] as const;

describe.skipIf(!existsSync(dataDir))("requests equal lm-eval's, byte for byte", async () => {
  const index = await loadTaskYamls([TASKS_DIR], { dataDir });

  it.each(cases)('$task', async ({ task: name, numFewshot, yamlDefault }) => {
    const want = expected(name);
    expect(want.length).toBeGreaterThanOrEqual(3);
    const task = index.get(name) as TaskDefinition;
    expect(task.defaultNumFewshot).toBe(yamlDefault);
    const docs = await task.loadDocs();
    // As src/evaluator/evaluate.ts does it: one fresh PythonRandom(seed) per task, docs in order.
    const instances = buildInstances(task, docs, {
      numFewshot: numFewshot ?? task.defaultNumFewshot,
      limit: Math.max(...want.map((w) => w.doc_id)) + 1,
      rnd: new PythonRandom(1234),
    });
    for (const w of want) {
      const inst = instances[w.doc_id]!;
      expect(inst.docId).toBe(w.doc_id);
      const got = requestView(inst);
      expect(got.context, `${name} doc ${w.doc_id}: context`).toBe(w.context);
      expect(got.continuations, `${name} doc ${w.doc_id}: continuations`).toEqual(w.continuations);
      for (const [i, c] of (w.continuations ?? []).entries()) expect(got.continuations![i]).toBe(c);
      expect(got.until, `${name} doc ${w.doc_id}: until`).toEqual(w.until);
    }
  });

  it('draws few-shot examples for every earlier doc: doc 7 differs when built alone', async () => {
    // Guards the fixtures' meaning: doc 7's examples depend on the draws for docs 0-6.
    const task = index.get('arc_challenge') as TaskDefinition;
    const docs = await task.loadDocs();
    const alone = buildInstances(
      task,
      { ...docs, eval: [docs.eval[7]!] },
      { numFewshot: 25, rnd: new PythonRandom(1234) },
    );
    const want = expected('arc_challenge');
    const doc0 = want.find((w) => w.doc_id === 0)!.context;
    const examples = doc0.slice(0, doc0.length - task.docToText(docs.eval[0]!).length);
    expect(alone[0]!.context).toBe(examples + task.docToText(docs.eval[7]!));
    expect(alone[0]!.context).not.toBe(want.find((w) => w.doc_id === 7)!.context);
  });
});
