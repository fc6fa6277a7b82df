import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, tempDir } from './helpers.ts';

export const CARD_INSTANCES = join(ROOT, '../shared/datasets/mera/samples/card_instances.json');

export type CardRecord = {
  instruction: string;
  inputs: string | Record<string, string>;
  outputs: unknown;
  meta: Record<string, unknown>;
};

/** The records MERA's dataset cards quote, per task (ruTiE's dialogue as its list of turns). */
export function cardRecords(): Record<string, CardRecord[]> {
  const card = JSON.parse(readFileSync(CARD_INSTANCES, 'utf8')) as {
    tasks: Record<string, { instances: { record?: CardRecord | CardRecord[] }[] }>;
  };
  return Object.fromEntries(
    Object.entries(card.tasks).map(([task, entry]) => [
      task,
      entry.instances.flatMap((i) => (i.record === undefined ? [] : Array.isArray(i.record) ? i.record : [i.record])),
    ]),
  );
}

/**
 * A MERA-layout data folder (<dir>/<task>/{test,train,public_test}.jsonl) from the card records:
 * each record twice, the copy with id + 1000 (ruTiE: as a second dialogue), so every task has
 * enough examples for its shots. `edit` may change a task's records of a split first.
 */
export function meraDataDir(
  edit: (task: string, records: CardRecord[], split: string) => CardRecord[] = (_, r) => r,
): string {
  const dir = tempDir('mera-data-');
  for (const [task, records] of Object.entries(cardRecords())) {
    const copy = (r: CardRecord): CardRecord => ({
      ...r,
      meta:
        r.meta.id !== undefined
          ? { ...r.meta, id: Number(r.meta.id) + 1000 }
          : { ...r.meta, dialog_id: Number(r.meta.dialog_id) + 1 },
    });
    const all = [...records, ...records.map(copy)];
    mkdirSync(join(dir, task));
    for (const split of ['test', 'train', 'public_test'])
      writeFileSync(
        join(dir, task, `${split}.jsonl`),
        `${edit(task, all, split)
          .map((r) => JSON.stringify(r))
          .join('\n')}\n`,
      );
  }
  return dir;
}
