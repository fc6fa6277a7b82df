import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadMeraGold } from '../src/service/ingest/mera.ts';
import { tempDir } from './helpers.ts';
import { readSampleTask } from './service-fixtures.ts';
import { DATABASE_KINDS, openTestDatabase } from './service-helpers.ts';

describe.each(DATABASE_KINDS)('MERA gold on %s', (kind) => {
  it('stores ruTiE, whose records are keyed by dialog and question instead of an id', async () => {
    const database = await openTestDatabase(kind);
    try {
      const records = readSampleTask('ruTiE.json').flat() as { meta: Record<string, unknown> }[];
      expect(records.every((r) => r.meta.id === undefined && r.meta.question_id !== undefined)).toBe(true);
      const dir = tempDir('mera-gold-rutie-');
      writeFileSync(join(dir, 'ruTiE.json'), JSON.stringify({ data: { test: records } }));
      const loaded = await loadMeraGold(database.db, dir);
      expect(loaded).toEqual({ tasks: ['ruTiE'], items: records.length });
    } finally {
      await database.close();
    }
  });
});
