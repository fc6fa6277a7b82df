import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Doc } from '../src/documents/types.ts';
import { readCsv } from '../src/documents/csv-rows.ts';
import { buildInstances } from '../src/instances/build.ts';
import type { DocInstance } from '../src/instances/types.ts';
import { PythonRandom } from '../src/python/random.ts';
import type { TaskDefinition } from '../src/task/types.ts';
import { loadTaskYamls } from '../src/task/yaml/index.ts';
import { ROOT } from './helpers.ts';

/*
 * The MMLU and ARC variants' prompts, byte for byte, against fixtures written by hand from each
 * implementation's source (not from our output): Hendrycks et al.'s evaluate.py (gen_prompt,
 * format_example, format_subject), HELM's MultipleChoiceJointAdapter with the mmlu run spec,
 * lm-eval v0.3's hendrycks_test.py, and OLMES's make_mcq_prompt. The documents are made up here
 * (so no benchmark question is written into the repository); a leading and trailing space in the
 * question shows which implementations strip it.
 */
const DEV: Doc = {
  question: 'Which of these is a prime number?',
  subject: 'abstract_algebra',
  choices: ['4', '6', '7', '9'],
  answer: 2,
};
const TEST: Doc = {
  question: ' What is 2 + 3? ',
  subject: 'abstract_algebra',
  choices: ['4', '5', '6', '7'],
  answer: 1,
};
const LETTERS = [' A', ' B', ' C', ' D'];

const cases = [
  {
    task: 'mmlu_original_abstract_algebra',
    // format_subject(" abstract algebra") makes two spaces after "about"; examples end " C\n\n".
    context:
      'The following are multiple choice questions (with answers) about  abstract algebra.\n\n' +
      'Which of these is a prime number?\nA. 4\nB. 6\nC. 7\nD. 9\nAnswer: C\n\n' +
      ' What is 2 + 3? \nA. 4\nB. 5\nC. 6\nD. 7\nAnswer:',
    continuations: LETTERS,
  },
  {
    task: 'mmlu_helm_abstract_algebra',
    // instructions + "\n", blocks joined by "\n"; a train block ends "Answer: C\n", the test block "Answer:".
    context:
      'The following are multiple choice questions (with answers) about abstract algebra.\n\n' +
      'Question: Which of these is a prime number?\nA. 4\nB. 6\nC. 7\nD. 9\nAnswer: C\n\n' +
      'Question:  What is 2 + 3? \nA. 4\nB. 5\nC. 6\nD. 7\nAnswer:',
    until: ['\n'],
  },
  {
    task: 'mmlu_fulltext_abstract_algebra',
    // No header; " " + the answer text is the target and each continuation.
    context:
      'Question: Which of these is a prime number?\nChoices:\nA. 4\nB. 6\nC. 7\nD. 9\nAnswer: 7\n\n' +
      'Question:  What is 2 + 3? \nChoices:\nA. 4\nB. 5\nC. 6\nD. 7\nAnswer:',
    continuations: [' 4', ' 5', ' 6', ' 7'],
  },
  {
    // lm-eval's default, for contrast: one space after "about", the question stripped.
    task: 'mmlu_abstract_algebra',
    context:
      'The following are multiple choice questions (with answers) about abstract algebra.\n\n' +
      'Which of these is a prime number?\nA. 4\nB. 6\nC. 7\nD. 9\nAnswer: C\n\n' +
      'What is 2 + 3?\nA. 4\nB. 5\nC. 6\nD. 7\nAnswer:',
    continuations: LETTERS,
  },
] as const;

function view(inst: DocInstance): { context: string; continuations?: string[]; until?: readonly string[] } {
  const requests = inst.requests[0]!;
  const first = requests[0]!;
  if (first.kind === 'generateUntil') return { context: first.context, until: first.settings.until };
  return {
    context: inst.context,
    continuations: requests.map((r) => (r.kind === 'loglikelihood' ? r.continuation : '')),
  };
}

function oneShot(task: TaskDefinition, doc: Doc, fewshot: Doc): DocInstance {
  const docs = { eval: [doc], fewshot: [fewshot], evalSplit: 'test', fewshotSplit: 'dev' };
  return buildInstances(task, docs, { numFewshot: 1, rnd: new PythonRandom(1234) })[0]!;
}

const dataDir = process.env.EVALBOARD_DATA_DIR ?? join(ROOT, '../shared/datasets');

describe('MMLU and ARC variants ask what their sources ask, byte for byte', async () => {
  const index = await loadTaskYamls([join(ROOT, 'tasks')], { dataDir });
  const task = (name: string) => index.get(name) as TaskDefinition;

  it.each(cases)('$task, one shot', (c) => {
    const got = view(oneShot(task(c.task), TEST, DEV));
    expect(got.context).toBe(c.context);
    if ('continuations' in c) expect(got.continuations).toEqual(c.continuations);
    if ('until' in c) expect(got.until).toEqual(c.until);
  });

  it('every variant is zero-shot unless asked, and covers the same 57 subjects as mmlu', () => {
    const subjects = (variant: string) =>
      index
        .list()
        .filter((e) => e.kind === 'task' && new RegExp(`^mmlu_${variant}[a-z_]+$`).test(e.name))
        .map((e) => e.name.slice(`mmlu_${variant}`.length))
        .filter((s) => variant !== '' || !/^(original|helm|fulltext|pro)_/.test(s))
        .sort();
    const base = subjects('');
    expect(base).toHaveLength(57);
    for (const variant of ['original', 'helm', 'fulltext']) {
      expect(subjects(`${variant}_`), variant).toEqual(base);
      expect(task(`mmlu_${variant}_anatomy`).defaultNumFewshot).toBe(0);
    }
  });

  it.skipIf(!existsSync(join(dataDir, 'mmlu')))(
    'variants of one subject share its documents: one read, one copy',
    async () => {
      const [lmEval, original, helm, fulltext] = await Promise.all(
        ['mmlu_anatomy', 'mmlu_original_anatomy', 'mmlu_helm_anatomy', 'mmlu_fulltext_anatomy'].map((n) =>
          task(n).loadDocs({ fewshot: true }),
        ),
      );
      expect(original!.eval).toHaveLength(135);
      for (const docs of [original, helm, fulltext]) {
        expect(docs!.eval).toBe(lmEval!.eval);
        expect(docs!.fewshot).toBe(lmEval!.fewshot);
      }
      // Another catalog reads its own copy: the sharing lives as long as one catalog.
      const other = await loadTaskYamls([join(ROOT, 'tasks')], { dataDir });
      expect((await (other.get('mmlu_anatomy') as TaskDefinition).loadDocs()).eval).not.toBe(lmEval!.eval);
    },
  );

  it('arc_challenge_letter lists the choices with position letters, as OLMES does', () => {
    const doc: Doc = {
      question: 'Which gas do plants take in?',
      choices: { text: ['oxygen', 'carbon dioxide', 'helium'], label: ['1', '2', '3'] },
      answerKey: '2',
    };
    const inst = buildInstances(
      task('arc_challenge_letter'),
      { eval: [doc], evalSplit: 'test' },
      {
        numFewshot: 0,
        rnd: new PythonRandom(1234),
      },
    )[0]!;
    expect(view(inst)).toEqual({
      context: 'Question: Which gas do plants take in?\n A. oxygen\n B. carbon dioxide\n C. helium\nAnswer:',
      continuations: [' A', ' B', ' C'],
    });
    expect(inst.target).toBe(1);
  });

  // The original read the CSV itself; rebuild its zero-shot prompt from the raw file's columns.
  it.skipIf(!existsSync(join(dataDir, 'mmlu')))(
    'mmlu_original on the real file: evaluate.py from the raw CSV rows',
    async () => {
      const raw = await readCsv(join(dataDir, 'mmlu', 'test', 'high_school_physics_test.csv'), {
        header: false,
        columns: ['question', 'a', 'b', 'c', 'd', 'answer'],
      });
      const t = task('mmlu_original_high_school_physics');
      const docs = await t.loadDocs();
      const instances = buildInstances(t, docs, { numFewshot: 0, rnd: new PythonRandom(1234) });
      expect(instances).toHaveLength(raw.rows.length);
      raw.rows.forEach((row, i) => {
        const cells = ['question', 'a', 'b', 'c', 'd', 'answer'].map((column) => String(row[column]));
        const expected =
          'The following are multiple choice questions (with answers) about  high school physics.\n\n' +
          `${cells[0]}\nA. ${cells[1]}\nB. ${cells[2]}\nC. ${cells[3]}\nD. ${cells[4]}\nAnswer:`;
        expect(instances[i]!.context, `row ${i}`).toBe(expected);
        expect(instances[i]!.target, `row ${i}`).toBe('ABCD'.indexOf(cells[5]!));
      });
    },
  );
});
