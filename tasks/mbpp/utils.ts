import { join } from 'node:path';
import { UserError } from '../../src/errors.ts';
import { readJsonl } from '../../src/documents/json-rows.ts';

const PROMPT_TASK_IDS = [2, 3, 4];

/**
 * lm-eval's three MBPP exemplars are task_ids 2, 3 and 4 of mbpp.jsonl, flagged `is_fewshot`
 * so doc_to_target shows their code. We read them from the data file instead of inlining them.
 */
export async function list_fewshot_samples(context: { dataDir?: string }): Promise<Record<string, unknown>[]> {
  if (!context.dataDir) throw new UserError('mbpp few-shot examples need --data_dir (reads mbpp/mbpp.jsonl)');
  const { rows } = await readJsonl(join(context.dataDir, 'mbpp', 'mbpp.jsonl'));
  return PROMPT_TASK_IDS.map((id) => {
    const row = rows.find((r) => r.task_id === id);
    if (!row) throw new UserError(`mbpp.jsonl has no task_id ${id}`);
    return { task_id: id, text: row.text, code: row.code, test_list: row.test_list, is_fewshot: true };
  });
}
