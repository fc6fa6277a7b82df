import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type CardRecord, cardRecords, meraDataDir } from './mera-fixture.ts';
import { evalboard, listFiles, readResults, STORIES, tempDir } from './helpers.ts';

interface Row {
  doc_id: number;
  doc: CardRecord;
  prompt_id: string;
  mera_prediction: unknown;
  arguments: Record<string, { arg_0: string; arg_1: unknown }>;
  /** The typed responses (lm-eval's `resps` field holds them as Python strings). */
  evalboard: { resps: [[number, boolean]][] };
}

function samplesOf(out: string, task: string): Row[] {
  const file = listFiles(out).find((f) => f.includes(`samples_${task}_`));
  if (!file) throw new Error(`no samples file for ${task} in ${out}`);
  return readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Row);
}

const SUITE_TASKS = [
  'chegeka',
  'lcs',
  'mamuramu',
  'mathlogicqa',
  'multiq',
  'parus',
  'rcb',
  'rucodeeval',
  'rumodar',
  'rumultiar',
  'ruopenbookqa',
  'rutie',
  'ruworldtree',
  'rwsd',
  'use',
];

describe('evalboard run --suite mera on a MERA-layout folder built from the card records', () => {
  it('runs and scores the 15 tasks; samples rows carry each record’s meta and the answer a submission needs', () => {
    const data = meraDataDir();
    const out = tempDir();
    const r = evalboard([
      'run',
      '--model',
      'dummy',
      '--suite',
      'mera',
      '--data_dir',
      data,
      '--output_path',
      out,
      '--log_samples',
      '--confirm_run_unsafe_code',
    ]);
    expect(r.status, r.stderr).toBe(0);
    const report = readResults(out) as unknown as {
      suite: {
        benchmarks: Record<string, { task: string; raw: number | null }>;
        missing: string[];
        complete: boolean;
      };
    };
    expect(
      Object.values(report.suite.benchmarks)
        .map((b) => b.task)
        .sort(),
    ).toEqual(SUITE_TASKS.map((t) => `mera_${t}`));
    // Every task has its local score, USE's grade_norm and ruCodeEval's pass@k included.
    expect(report.suite.missing).toEqual([]);
    expect(report.suite.complete).toBe(true);
    for (const b of Object.values(report.suite.benchmarks)) expect(b.raw, b.task).toEqual(expect.any(Number));
    const cards = cardRecords();
    for (const task of SUITE_TASKS) {
      const rows = samplesOf(out, `mera_${task}`);
      const ids = (records: CardRecord[]) => records.map((c) => JSON.stringify(c.meta)).sort();
      const expected = [
        ...cards[task]!,
        ...cards[task]!.map((c) => ({
          ...c,
          meta:
            c.meta.id !== undefined
              ? { ...c.meta, id: Number(c.meta.id) + 1000 }
              : { ...c.meta, dialog_id: Number(c.meta.dialog_id) + 1 },
        })),
      ];
      expect(ids(rows.map((row) => row.doc)), task).toEqual(ids(expected));
      for (const row of rows) {
        expect(row.prompt_id, task).toMatch(/^instruction_\d+$/);
        expect(row.mera_prediction, task).toBeDefined();
      }
    }
    // ruCodeEval's answer: per generation (10), one output per test of the record, or "timed out".
    for (const row of samplesOf(out, 'mera_rucodeeval')) {
      const tests = (row.doc.outputs as string[]).length;
      const generations = row.mera_prediction as unknown[];
      expect(generations).toHaveLength(10);
      for (const g of generations) if (g !== 'timed out') expect(g).toHaveLength(tests);
    }
    // A log-likelihood task's answer is the choice with the highest log-likelihood.
    for (const row of samplesOf(out, 'mera_rwsd')) {
      const lls = row.evalboard.resps.map(([[ll]]) => ll);
      expect(row.mera_prediction).toBe(['Да', 'Нет'][lls.indexOf(Math.max(...lls))]);
    }
  });

  it('stops before any request with one line naming every task whose data is missing and where it goes', () => {
    const data = meraDataDir();
    rmSync(join(data, 'rwsd'), { recursive: true });
    rmSync(join(data, 'use'), { recursive: true });
    const cache = tempDir('cache-');
    const r = evalboard(['run', '--model', 'dummy', '--suite', 'mera', '--data_dir', data], { EVALBOARD_CACHE: cache });
    expect(r.status).toBe(2);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(
      `data missing for 2 tasks: mera_rwsd (${join(data, 'rwsd', 'test.jsonl')}), mera_use (${join(data, 'use', 'test.jsonl')})`,
    );
    expect(readdirSync(cache)).toEqual([]);
  });
});

describe('ruTiE on stories260K: each turn’s prompt holds the model’s own earlier answers', () => {
  it('the next turn shows the answer the model chose, even where the gold answer differs', () => {
    // Two dialogues with the same questions; their first turns have opposite gold answers, so the
    // model (same prompt, same answer in both) contradicts the gold in exactly one of them.
    const data = meraDataDir((task, records) =>
      task === 'rutie'
        ? records.map((r) =>
            r.meta.dialog_id === 1 && r.meta.question_id === 0 ? { ...r, outputs: r.outputs === '1' ? '2' : '1' } : r,
          )
        : records,
    );
    const out = tempDir();
    const r = evalboard([
      'run',
      '--model',
      'llamacpp',
      '--model_args',
      `pretrained=${STORIES}`,
      '--tasks',
      'mera_rutie',
      '--data_dir',
      data,
      '--output_path',
      out,
      '--log_samples',
    ]);
    expect(r.status, r.stderr).toBe(0);
    const rows = samplesOf(out, 'mera_rutie');
    expect(rows).toHaveLength(4);
    const turn = (dialog: number, question: number) =>
      rows.find((row) => row.doc.meta.dialog_id === dialog && row.doc.meta.question_id === question)!;
    let contradicted = 0;
    for (const dialog of [0, 1]) {
      const first = turn(dialog, 0);
      const lls = first.evalboard.resps.map(([[ll]]) => ll);
      const answer = ['1', '2'][lls.indexOf(Math.max(...lls))]!;
      const second = turn(dialog, 1);
      const question = (first.doc.inputs as Record<string, string>).question;
      const shown = second.arguments.gen_args_0!.arg_0;
      expect(shown).toContain(`${question}\n1. Две\n2. Четыре\nОтвет: ${answer}\n\n`);
      if (answer !== first.doc.outputs) {
        contradicted += 1;
        expect(shown).not.toContain(`Ответ: ${String(first.doc.outputs)}\n\n`);
      }
    }
    expect(contradicted).toBe(1);
  });
});
