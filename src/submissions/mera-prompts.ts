/**
 * The prompts a MERA submission's logs_public.zip holds (the lm-eval samples files of the run that
 * produced it), per task file name and item id, for the sample viewer. The logs are optional and
 * not validated by the website: a samples file that does not parse is skipped, never an error.
 */
import { basename } from 'node:path';
import { readSamplesFile } from '../report/read.ts';
import type { ExtractedFile } from './archive.ts';
import { meraSubmissionTask } from './mera-tasks.ts';

const SAMPLES_FILE = /^samples_(.+)_(\d{4}-\d{2}-\d{2}T[\d.-]+)\.jsonl$/;

/** An item's id as the gold table keys it: meta.id as JSON, or ruTiE's dialog and question ids. */
export function meraItemId(meta: Readonly<Record<string, unknown>>): string {
  return JSON.stringify(meta.id !== undefined ? meta.id : { dialog_id: meta.dialog_id, question_id: meta.question_id });
}

export interface MeraLoggedItem {
  /** The context of the item's first request. */
  readonly prompt: string;
  /** The model's first response as logged (a generation), or null (log-likelihood requests). */
  readonly response: string | null;
}

/** Task file name (RWSD) → item id → what the model was asked and answered. */
export function meraLogPrompts(files: readonly ExtractedFile[]): Map<string, Map<string, MeraLoggedItem>> {
  const prompts = new Map<string, Map<string, MeraLoggedItem>>();
  for (const file of files) {
    if (file.depth === 0) continue;
    const match = SAMPLES_FILE.exec(basename(file.path));
    const task = match && meraSubmissionTask(match[1]!.replace(/^mera_/, '').replace(/_gen$/, ''));
    if (!task) continue;
    let rows: ReturnType<typeof readSamplesFile>;
    try {
      rows = readSamplesFile(file.absolutePath);
    } catch {
      continue;
    }
    const byItem = prompts.get(task.name) ?? new Map<string, MeraLoggedItem>();
    for (const row of rows) {
      const meta = (row.doc as { meta?: Record<string, unknown> } | null)?.meta;
      const first = Object.values(row.arguments)[0];
      if (meta === undefined || typeof first?.arg_0 !== 'string') continue;
      const response = (row.resps as unknown[]).flat(2)[0];
      byItem.set(meraItemId(meta), { prompt: first.arg_0, response: typeof response === 'string' ? response : null });
    }
    prompts.set(task.name, byItem);
  }
  return prompts;
}
