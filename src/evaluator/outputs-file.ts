import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { UserError } from '../errors.ts';

export interface OutputsFile {
  readonly path: string;
  readonly sha256: string;
  /** Per doc_id, one output per repeat. */
  readonly outputs: ReadonlyMap<number, readonly string[]>;
}

/**
 * Reads completions produced elsewhere: JSONL with one object per document, either
 * `{"doc_id": N, "outputs": ["…", …]}` or a samples row (evalboard's or lm-eval's) whose `resps`
 * holds the one generate request's outputs, [[r1, r2, …]]. A samples file repeats a doc per
 * filter; those rows carry the same responses and the first is kept.
 */
export function readOutputsFile(path: string): OutputsFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new UserError(`cannot read outputs file: ${(e as Error).message}`, { file: path });
  }
  const outputs = new Map<number, readonly string[]>();
  text.split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    const where = { file: path, line: i + 1 };
    let row: unknown;
    try {
      row = JSON.parse(line);
    } catch (e) {
      throw new UserError(`not JSON: ${(e as Error).message}`, where);
    }
    const { doc_id: docId, outputs: given, resps } = (row ?? {}) as Record<string, unknown>;
    if (!Number.isSafeInteger(docId) || (docId as number) < 0)
      throw new UserError('each line needs a "doc_id" (an integer >= 0)', where);
    const list = given ?? (Array.isArray(resps) && Array.isArray(resps[0]) ? resps[0] : resps);
    if (!Array.isArray(list) || list.length === 0 || !list.every((s) => typeof s === 'string'))
      throw new UserError(
        'each line needs "outputs" (or a samples row\'s "resps"): a non-empty list of strings',
        where,
      );
    if (!outputs.has(docId as number)) outputs.set(docId as number, list);
  });
  return { path, sha256: createHash('sha256').update(text).digest('hex'), outputs };
}
