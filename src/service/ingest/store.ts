/** Writes a scored (or rejected) submission: its row, scores, sub-scores and samples in one transaction. */
import { eq, sql } from 'drizzle-orm';
import type { Db } from '../db/open.ts';
import { samples, scores, submissionArchives, submissions, subScores } from '../db/schema.ts';
import type { ScoredUpload } from './results.ts';

export interface IngestResult {
  readonly id: number;
  readonly status: 'scored' | 'rejected';
  readonly validation: { errors: ScoredUpload['errors']; warnings: ScoredUpload['warnings'] };
}

export async function storeScored(db: Db, submissionId: number, scored: ScoredUpload): Promise<IngestResult> {
  const status = scored.errors.length > 0 ? 'rejected' : 'scored';
  await db.transaction(async (tx) => {
    await tx
      .update(submissions)
      .set({
        mode: scored.meta.mode,
        chatTemplate: scored.meta.chatTemplate,
        systemPrompt: scored.meta.systemPrompt,
        fewshotAsMultiturn: scored.meta.fewshotAsMultiturn,
        harnessVersion: scored.meta.harnessVersion,
        configHash: scored.meta.configHash,
        status,
        standardSetup: scored.standardSetup,
        setup: scored.setup,
        validation: { errors: scored.errors, warnings: scored.warnings },
        total: status === 'scored' ? scored.total : null,
        totalRaw: status === 'scored' ? scored.totalRaw : null,
      })
      .where(eq(submissions.id, submissionId));
    if (status === 'scored') {
      if (scored.scores.length > 0) await tx.insert(scores).values(scored.scores.map((s) => ({ submissionId, ...s })));
      if (scored.subScores.length > 0)
        await tx.insert(subScores).values(scored.subScores.map((s) => ({ submissionId, ...s })));
      for (let i = 0; i < scored.samples.length; i += 500)
        await tx.insert(samples).values(scored.samples.slice(i, i + 500).map((s) => ({ submissionId, ...s })));
    }
    await tx.delete(submissionArchives).where(eq(submissionArchives.submissionId, submissionId));
    // In the same transaction: whoever reads the new status also reads the moved board version.
    await tx.execute(sql`UPDATE board_state SET version = version + 1 WHERE id = 1`);
  });
  return { id: submissionId, status, validation: { errors: scored.errors, warnings: scored.warnings } };
}
