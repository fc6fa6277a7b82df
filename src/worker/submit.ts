import { eq } from 'drizzle-orm';
import { ApiError } from '../service/api/errors.ts';
import type { Db } from '../service/db/open.ts';
import { evaluationRequests } from '../service/db/schema.ts';
import { ingestSubmission } from '../service/ingest/ingest.ts';
import { PermanentJobError } from '../service/jobs/pgboss-queue.ts';
import type { SubmitArchive } from './upload.ts';

/**
 * Submits a worker's archive through the service's own upload path (`ingestSubmission`): scored
 * against its suite like any user's upload, public, owned by whoever requested the evaluation.
 * A rejected or refused upload fails the job for good: rerunning the same evaluation would not
 * change what the service says about it.
 */
export function submitToService(db: Db): SubmitArchive {
  return async (archivePath, meta) => {
    const [request] = await db
      .select({ owner: evaluationRequests.requestedBy })
      .from(evaluationRequests)
      .where(eq(evaluationRequests.id, meta.requestId));
    if (!request) throw new PermanentJobError(`request ${meta.requestId} no longer exists; nothing to submit for it`);
    let result: Awaited<ReturnType<typeof ingestSubmission>>;
    try {
      result = await ingestSubmission(db, archivePath, {
        modelId: meta.modelId,
        suite: meta.suite,
        visibility: 'public',
        ownerId: request.owner,
        source: 'job',
      });
    } catch (e) {
      if (e instanceof ApiError)
        throw new PermanentJobError(`the service refused the results (${e.code}): ${e.message}`);
      throw e;
    }
    if (result.status === 'rejected') {
      const first = result.validation.errors[0];
      const where = [first?.task, first?.id].filter(Boolean).join(' ');
      throw new PermanentJobError(
        `submission ${result.id} rejected: ${where ? `${where}: ` : ''}${first?.message ?? 'invalid'}`,
      );
    }
    return result.id;
  };
}
