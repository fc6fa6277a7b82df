import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { evalboard, listFiles, readResults, ROOT, STORIES, tempDir } from './helpers.ts';

// arc_easy (real ARC-Easy data, lm-eval's task file) asked with three prompts of its own.
const PROMPTS = {
  q: 'Question: {{question}}\nAnswer:',
  plain: '{{question}}',
  ru: 'Вопрос: {{question}}\nОтвет:',
};
const TASK = `include: ${join(ROOT, 'tasks/arc/arc_easy.yaml')}
task: arc_easy_three_prompts
tag: null
prompts:
${Object.entries(PROMPTS)
  .map(([id, text]) => `  - id: ${id}\n    doc_to_text: ${JSON.stringify(text)}`)
  .join('\n')}
`;
const IDS = Object.keys(PROMPTS);
const fill = (template: string, question: string) => template.replace('{{question}}', question);

interface Row {
  doc_id: number;
  prompt_id: string;
  doc: { question: string };
  arguments: { gen_args_0: { arg_0: string } };
  acc: number;
}

function run(dir: string, extra: readonly string[]) {
  const out = tempDir();
  const r = evalboard([
    'run',
    '--model',
    'llamacpp',
    '--model_args',
    `pretrained=${STORIES}`,
    '--include_path',
    dir,
    '--tasks',
    'arc_easy_three_prompts',
    '--output_path',
    out,
    '--log_samples',
    ...extra,
  ]);
  expect(r.status, r.stderr).toBe(0);
  const file = listFiles(out).find((f) => f.includes('samples_arc_easy_three_prompts_'))!;
  const rows = readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Row);
  const report = readResults(out) as unknown as {
    results: Record<string, Record<string, number>>;
    evalboard: {
      prompts: Record<string, Record<string, { scores: Record<string, number>; docs: Record<string, number> }>>;
    };
  };
  return {
    rows,
    acc: report.results.arc_easy_three_prompts!['acc,none']!,
    prompts: report.evalboard.prompts.arc_easy_three_prompts!['acc,none']!,
  };
}

describe('a prompts: list (stories260K on ARC-Easy)', () => {
  const dir = tempDir();
  writeFileSync(join(dir, 'task.yaml'), TASK);
  const cache = tempDir('cache-');

  it('spreads prompts evenly, doc k → prompt k mod 3, the same under --limit; per-prompt scores average to the task score', () => {
    const full = run(dir, ['--limit', '11', '--use_cache', join(cache, 'c')]);
    expect(full.rows.map((r) => r.prompt_id)).toEqual(full.rows.map((r) => IDS[r.doc_id % 3]));
    const counts = IDS.map((id) => full.rows.filter((r) => r.prompt_id === id).length);
    expect(counts).toEqual([4, 4, 3]);
    expect(full.prompts.docs).toEqual({ q: 4, plain: 4, ru: 3 });
    for (const row of full.rows)
      expect(row.arguments.gen_args_0.arg_0).toBe(
        fill(PROMPTS[row.prompt_id as keyof typeof PROMPTS], row.doc.question),
      );
    // Each prompt's score from the rows themselves, then item-weighted back to the task's acc.
    let weighted = 0;
    for (const id of IDS) {
      const mine = full.rows.filter((r) => r.prompt_id === id);
      const own = mine.reduce((a, r) => a + r.acc, 0) / mine.length;
      expect(full.prompts.scores[id]).toBeCloseTo(own, 12);
      weighted += own * mine.length;
    }
    expect(weighted / full.rows.length).toBeCloseTo(full.acc, 12);

    const limited = run(dir, ['--limit', '5', '--use_cache', join(cache, 'c')]);
    expect(limited.rows.map((r) => [r.doc_id, r.prompt_id])).toEqual(
      full.rows.slice(0, 5).map((r) => [r.doc_id, r.prompt_id]),
    );
  });

  it('--prompts all asks every doc with every prompt', () => {
    const all = run(dir, ['--limit', '4', '--prompts', 'all', '--use_cache', join(cache, 'c')]);
    expect(all.rows).toHaveLength(12);
    for (const docId of [0, 1, 2, 3])
      expect(
        all.rows
          .filter((r) => r.doc_id === docId)
          .map((r) => r.prompt_id)
          .sort(),
      ).toEqual([...IDS].sort());
    const mean = IDS.reduce((a, id) => a + all.prompts.scores[id]!, 0) / IDS.length;
    expect(mean).toBeCloseTo(all.acc, 12);
  });
});
