/**
 * The scoring job on its own, on PGlite and PostgreSQL: an accepted upload waits `queued` with its
 * archive stored; a server-side failure is thrown (pg-boss retries it) until the last attempt,
 * which rejects the submission with the reason instead of leaving it `scoring`; a job delivered
 * again after the submission was scored changes nothing.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { submissionArchives, submissions } from '../src/service/db/schema.ts';
import { acceptUpload } from '../src/service/ingest/ingest.ts';
import { loadMeraGold } from '../src/service/ingest/mera.ts';
import { runScoringJob } from '../src/service/ingest/score-job.ts';
import { meraGold, meraTaskFile, readSampleTask, zipOf } from './service-fixtures.ts';
import { DATABASE_KINDS, openTestDatabase, type TestDatabase } from './service-helpers.ts';

const gold = meraGold();
const rwsd = readSampleTask('RWSD.json');
const chegeka = readSampleTask('CheGeKa.json');

describe.each(DATABASE_KINDS)('scoring job on %s', (kind) => {
  let database: TestDatabase;
  let zip: string;
  const meta = { modelId: 'org/model', suite: 'mera', visibility: 'public', ownerId: null } as const;
  const row = async (id: number) => (await database.db.select().from(submissions).where(eq(submissions.id, id)))[0]!;

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    await loadMeraGold(database.db, gold.dir);
    zip = await zipOf({ 'RWSD.json': meraTaskFile(rwsd), 'CheGeKa.json': meraTaskFile(chegeka) });
  });
  afterAll(async () => {
    await database?.close();
  });

  it('scores a queued upload once; a second delivery leaves it as it is', async () => {
    const { id, status } = await acceptUpload(database.db, zip, meta);
    expect(status).toBe('queued');
    expect((await row(id)).status).toBe('queued');
    await runScoringJob(database.db, id, false);
    const scored = await row(id);
    expect(scored.status).toBe('scored');
    expect(await database.db.select().from(submissionArchives).where(eq(submissionArchives.submissionId, id))).toEqual(
      [],
    );
    await runScoringJob(database.db, id, false);
    expect(await row(id)).toEqual(scored);
  });

  it('throws a server-side failure for a retry, and rejects with the reason on the last attempt', async () => {
    const { id } = await acceptUpload(database.db, zip, meta);
    await database.db.delete(submissionArchives).where(eq(submissionArchives.submissionId, id));
    await expect(runScoringJob(database.db, id, false)).rejects.toThrow(/no stored archive/);
    expect((await row(id)).status).toBe('scoring');
    await runScoringJob(database.db, id, true);
    const rejected = await row(id);
    expect(rejected.status).toBe('rejected');
    expect(rejected.validation.errors[0]!.message).toMatch(
      /^the server could not score this upload: .*no stored archive/,
    );
  });
});
