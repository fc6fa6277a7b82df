import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { UserError } from '../../../src/errors.ts';

const ANSWER_LEAD = "\nA: Let's think step by step.";

/**
 * The three chain-of-thought exemplars of a BBH subtask, from the benchmark's own
 * cot-prompts/<subtask>.txt: a canary line, "-----", the task description, then
 * "Q: <input>\nA: Let's think step by step.<sep><reasoning>" blocks separated by blank lines.
 * <sep> is a newline, or a space in sports_understanding; lm-eval's prompt always uses a newline
 * (it is part of doc_to_text), so the separator is dropped from the target.
 */
export async function cot_fewshot_samples(context: {
  config: Record<string, unknown>;
  dataDir?: string;
}): Promise<{ input: string; target: string }[]> {
  const subtask = String(context.config.dataset_name);
  if (!context.dataDir) {
    throw new UserError(`bbh ${subtask}: the CoT exemplars need --data_dir (reads bbh/cot-prompts/${subtask}.txt)`);
  }
  const path = join(context.dataDir, 'bbh', 'cot-prompts', `${subtask}.txt`);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new UserError(`cannot read the BBH CoT prompts: ${(e as Error).message}`, { file: path });
  }
  const body = text.split('-----\n').slice(1).join('-----\n');
  return body
    .split('\n\nQ: ')
    .slice(1)
    .map((block, i) => {
      const at = block.indexOf(ANSWER_LEAD);
      if (at < 0) throw new UserError(`exemplar ${i + 1} has no "A: Let's think step by step."`, { file: path });
      return { input: block.slice(0, at), target: block.slice(at + ANSWER_LEAD.length + 1) };
    });
}
