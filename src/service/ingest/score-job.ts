/**
 * The scoring job's body, as `serve`'s in-process worker runs it (inside BoardCache.whileWriting,
 * so this server's board shows the outcome as soon as the submission's status does; other servers
 * see the board version move within their recheck interval).
 */
import type { Db } from '../db/open.ts';
import { type IngestOptions, rejection, scoreSubmission } from './ingest.ts';
import { storeScored } from './store.ts';

export async function runScoringJob(
  db: Db,
  submissionId: number,
  lastAttempt: boolean,
  o: IngestOptions = {},
): Promise<void> {
  try {
    await scoreSubmission(db, submissionId, o);
  } catch (e) {
    // An error of the server's (not of the upload's contents) is retried; after the last attempt
    // the submission is rejected with the reason instead of staying in `scoring` for ever.
    if (!lastAttempt) throw e;
    const reason = (e instanceof Error ? e.message : String(e)).split('\n')[0]!.slice(0, 300);
    await storeScored(db, submissionId, rejection(`the server could not score this upload: ${reason}`));
  }
}
