import { join } from 'node:path';
import type { Doc } from '../../src/documents/types.ts';
import { readJson } from '../../src/documents/json-rows.ts';
import { UserError } from '../../src/errors.ts';
import { goldAnswer, normalizeFinalAnswer } from '../../src/metrics/math/index.ts';

/** lm-eval's MATH prompt (from the Minerva paper): the problem, then "Solution:" for the model to go on. */
export function doc_to_text(doc: Doc): string {
  return `Problem:\n${String(doc.problem)}\n\nSolution:`;
}

/** `leaderboard_math_hard`: level 5 only; `answer` is the last box of the solution, as written. */
export function process_docs_hard(docs: readonly Doc[]): Doc[] {
  return docs
    .filter((doc) => doc.level === 'Level 5')
    .map((doc) => ({ problem: doc.problem, solution: doc.solution, answer: goldAnswer(String(doc.solution)) }));
}

/** `minerva_math`: every level; `answer` is the last box of the solution after Minerva's normalisation. */
export function process_docs(docs: readonly Doc[]): Doc[] {
  return docs.map((doc) => ({
    problem: doc.problem,
    solution: doc.solution,
    answer: normalizeFinalAnswer(goldAnswer(String(doc.solution))),
  }));
}

/**
 * The four Minerva examples lm-eval inlines in its utils.py, read from the data folder's copy.
 * They carry `few_shot`, so doc_to_target shows their full solution.
 */
export async function list_fewshot_samples(context: { dataDir?: string }): Promise<Doc[]> {
  if (!context.dataDir)
    throw new UserError('MATH few-shot examples need --data_dir (reads math/fewshot-minerva-4shot.json)');
  const { rows } = await readJson(join(context.dataDir, 'math', 'fewshot-minerva-4shot.json'));
  return [...rows];
}
