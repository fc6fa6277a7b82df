import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Doc } from '../src/documents/types.ts';
import { readEncryptedZipMember } from '../src/documents/encrypted-zip.ts';
import { parseCsv } from '../src/documents/csv-rows.ts';
import { buildFewshotContext } from '../src/instances/fewshot.ts';
import { PythonRandom } from '../src/python/random.ts';
import { loadSuite } from '../src/suites/index.ts';
import type { TaskDefinition } from '../src/task/types.ts';
import { loadTaskYamls } from '../src/task/yaml/task-index.ts';
import { ROOT } from './helpers.ts';

// The questions are decrypted here in memory only: expectations are built from the decrypted row
// at run time, so no question text is ever written into this repository.
const dataDir = process.env.EVALBOARD_DATA_DIR ?? join(ROOT, '../shared/datasets');
const GPQA_ZIP = join(dataDir, 'gpqa', 'dataset.zip');
const PASSWORD = 'deserted-untie-orchid';

function rawGpqaRows(config: string): Doc[] {
  const member = readEncryptedZipMember(readFileSync(GPQA_ZIP), `dataset/${config}.csv`, PASSWORD, GPQA_ZIP);
  return parseCsv(member.toString('utf8'), config);
}

/** lm-eval's leaderboard gpqa preprocess, written out step by step from its utils.py. */
function cleanAnswer(text: unknown): string {
  let s = String(text).trim();
  s = s.split(' [title]').join('. ');
  s = s.replace(/\[[^\n]*?\]/g, '');
  return s.split('  ').join(' ');
}

describe.skipIf(!existsSync(GPQA_ZIP))('leaderboard tasks on the local data', async () => {
  const index = await loadTaskYamls([join(ROOT, 'tasks')], { dataDir });
  const task = (name: string) => index.get(name) as TaskDefinition;

  it('decrypts the GPQA archive in memory: 198 / 448 / 546 questions; a wrong password is refused', () => {
    expect(['gpqa_diamond', 'gpqa_main', 'gpqa_extended'].map((c) => rawGpqaRows(c).length)).toEqual([198, 448, 546]);
    const zip = readFileSync(GPQA_ZIP);
    expect(() => readEncryptedZipMember(zip, 'dataset/license.txt', 'not-the-password', GPQA_ZIP)).toThrow(
      /wrong password/,
    );
    expect(readEncryptedZipMember(zip, 'dataset/license.txt', PASSWORD, GPQA_ZIP).toString()).toContain(
      'Creative Commons',
    );
  });

  it("GPQA prompts are lm-eval's template byte for byte, the choices shuffled by random.Random(Record ID)", async () => {
    for (const config of ['diamond', 'main', 'extended']) {
      const gpqa = task(`leaderboard_gpqa_${config}`);
      const docs = (await gpqa.loadDocs()).eval;
      const raw = rawGpqaRows(`gpqa_${config}`);
      for (let i = 0; i < 3; i++) {
        const row = raw[i]!;
        const answers = [
          row['Incorrect Answer 1'],
          row['Incorrect Answer 2'],
          row['Incorrect Answer 3'],
          row['Correct Answer'],
        ].map(cleanAnswer);
        const order = docs[i]!.choice_order as number[];
        const shown = order.map((k) => answers[k]!);
        const expected = `What is the correct answer to this question:${row.Question}\nChoices:\n(A) ${shown[0]}\n(B) ${shown[1]}\n(C) ${shown[2]}\n(D) ${shown[3]}\nAnswer: `;
        expect(gpqa.docToText(docs[i]!)).toBe(expected);
        expect(gpqa.docToChoice?.(docs[i]!)).toEqual(['(A)', '(B)', '(C)', '(D)']);
        // As lm-eval: the first shown choice equal to the correct answer.
        expect(gpqa.docToTarget(docs[i]!)).toBe(shown.indexOf(answers[3]!));
        expect([gpqa.targetDelimiter, gpqa.defaultNumFewshot]).toEqual([' ', 0]);
      }
    }
  });

  it("GPQA's choice order is Python's random.Random(Record ID).shuffle([0, 1, 2, 3])", async () => {
    const docs = (await task('leaderboard_gpqa_diamond').loadDocs()).eval;
    // From CPython 3.11: random.Random('rec06pnAkLOr2t2mp').shuffle(l), and for 'rec0Arme2jcXQZnAW'.
    expect(docs.slice(0, 2).map((d) => [d['Record ID'], d.choice_order])).toEqual([
      ['rec06pnAkLOr2t2mp', [3, 1, 0, 2]],
      ['rec0Arme2jcXQZnAW', [0, 2, 1, 3]],
    ]);
  });

  it('leaderboard_mmlu_pro: 5-shot from the first validation rows, lettered options, "Answer:" and the letter', async () => {
    const mmluPro = task('leaderboard_mmlu_pro');
    const docs = await mmluPro.loadDocs();
    expect([docs.eval.length, docs.fewshotSplit]).toEqual([12032, 'validation']);
    const block = (d: Doc) =>
      `${d.question}\n${(d.options as string[]).map((o, i) => `${'ABCDEFGHIJ'[i]}. ${o}\n`).join('')}Answer:`;
    const examples = docs.fewshot!.slice(0, 5).map((d) => `${block(d)} ${d.answer}`);
    const doc = docs.eval[0]!;
    const context = buildFewshotContext(mmluPro, doc, 5, new PythonRandom(1234), docs.fewshot!);
    expect(context).toBe(`${examples.join('\n\n')}\n\n${block(doc)}`);
    expect(mmluPro.docToChoice?.(doc)).toHaveLength((doc.options as string[]).length);
  });

  it('openllm_v2 names the baselines the tasks have: choices per subtask, document counts per benchmark', async () => {
    const suite = await loadSuite('openllm_v2');
    for (const b of suite.benchmarks) {
      expect(
        index.list().some((entry) => entry.name === b.task),
        b.task,
      ).toBe(true);
      const definition = index.get(b.task);
      const members = 'tasks' in definition ? [...definition.tasks] : [b.task];
      const subtasks = b.subtasks ? Object.keys(b.subtasks) : members;
      expect([...subtasks].sort()).toEqual(members.sort());
      let docs = 0;
      for (const name of subtasks) {
        const t = task(name);
        const evalDocs = (await t.loadDocs({ fewshot: false })).eval;
        docs += evalDocs.length;
        if (t.outputType !== 'multiple_choice') continue;
        const most = Math.max(...evalDocs.map((d) => t.docToChoice!(d).length));
        expect(most, name).toBe(b.subtasks?.[name]?.choices ?? b.choices);
      }
      expect(docs, b.name).toBe(b.docs);
    }
  });
});
