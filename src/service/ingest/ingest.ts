/**
 * One path from an uploaded archive to a stored submission, for users' uploads and for workers'
 * results alike, in two steps. `acceptUpload` checks the archive for safety (submissions/archive.ts:
 * a hostile archive stores nothing) and stores it with a queued submission; `scoreSubmission`
 * scores it (MERA ZIP on hidden gold, or an evalboard/lm-eval output folder through its suite) and
 * writes the scores and samples (ingest/store.ts). The HTTP upload answers after the first step and
 * leaves the second to the scoring queue; a worker's own results run both at once.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { and, eq, inArray } from 'drizzle-orm';
import { type ArchiveLimits, extractArchive, isHostileArchiveError } from '../../submissions/archive.ts';
import type { SuiteDefinition } from '../../suites/definition.ts';
import { ApiError } from '../api/errors.ts';
import type { Db } from '../db/open.ts';
import { type ModelType, models, submissionArchives, submissions, suites } from '../db/schema.ts';
import { isMeraArchive, MERA_SUITE, scoreMeraUpload } from './mera.ts';
import { emptyUpload, findResultsFiles, type ScoredUpload, scoreResultsUpload } from './results.ts';
import { type IngestResult, storeScored } from './store.ts';

export type { IngestResult } from './store.ts';

export interface UploadMeta {
  readonly modelId: string;
  readonly suite: string;
  readonly visibility: 'public' | 'private';
  readonly ownerId: number | null;
  readonly type?: ModelType;
  readonly paramsB?: number;
  readonly precision?: string;
  readonly openness?: 'open' | 'proprietary';
  readonly license?: string;
  /** "upload" (a user) or "job" (a worker). */
  readonly source?: string;
}

export interface IngestOptions {
  readonly limits?: Partial<ArchiveLimits>;
  readonly tmpDir?: string;
}

/**
 * Checks the upload's model id and suite and unpacks the archive into a temp folder (removed
 * again) to refuse a hostile one, then stores the archive with a submission in status `queued`.
 */
export async function acceptUpload(db: Db, archivePath: string, meta: UploadMeta, o: IngestOptions = {}) {
  if (!/^[\w.-]+(\/[\w.-]+)?$/.test(meta.modelId) || meta.modelId.length > 200)
    throw new ApiError(
      'bad_request',
      `model_id ${JSON.stringify(meta.modelId)}: use org/name (letters, digits, _ . -)`,
    );
  const [suiteRow] = await db.select({ id: suites.id }).from(suites).where(eq(suites.id, meta.suite));
  if (!suiteRow) throw new ApiError('bad_request', `suite: no suite ${meta.suite}`);
  await withExtracted(archivePath, o, async () => undefined);
  const archive = await readFile(archivePath);
  const slash = meta.modelId.indexOf('/');
  const id = await db.transaction(async (tx) => {
    await tx
      .insert(models)
      .values({
        id: meta.modelId,
        org: slash < 0 ? '' : meta.modelId.slice(0, slash),
        name: slash < 0 ? meta.modelId : meta.modelId.slice(slash + 1),
        type: meta.type ?? 'other',
        openness: meta.openness ?? 'open',
        license: meta.license ?? null,
        paramsB: meta.paramsB ?? null,
      })
      .onConflictDoNothing();
    const [row] = await tx
      .insert(submissions)
      .values({
        ownerId: meta.ownerId,
        modelId: meta.modelId,
        suiteId: meta.suite,
        precision: meta.precision ?? null,
        modelType: meta.type ?? null,
        paramsB: meta.paramsB ?? null,
        status: 'queued',
        visibility: meta.visibility,
        source: meta.source ?? 'upload',
        submittedAt: new Date(),
      })
      .returning({ id: submissions.id });
    await tx.insert(submissionArchives).values({ submissionId: row!.id, archive });
    return row!.id;
  });
  return { id, status: 'queued' as const };
}

/**
 * Scores a queued submission from its stored archive and stores the outcome: `scored` with its
 * scores and samples, or `rejected` with every validation error. Status is `scoring` meanwhile.
 * A submission already scored or rejected (a job delivered twice) is left as it is.
 */
export async function scoreSubmission(db: Db, submissionId: number, o: IngestOptions = {}): Promise<IngestResult> {
  const [claimed] = await db
    .update(submissions)
    .set({ status: 'scoring' })
    .where(and(eq(submissions.id, submissionId), inArray(submissions.status, ['queued', 'scoring'])))
    .returning({ suite: submissions.suiteId });
  if (!claimed) {
    const [row] = await db.select().from(submissions).where(eq(submissions.id, submissionId));
    if (!row) throw new Error(`submission ${submissionId} does not exist`);
    return { id: row.id, status: row.status === 'scored' ? 'scored' : 'rejected', validation: row.validation };
  }
  const [stored] = await db.select().from(submissionArchives).where(eq(submissionArchives.submissionId, submissionId));
  if (!stored) throw new Error(`submission ${submissionId} has no stored archive to score`);
  const workDir = await mkdtemp(join(o.tmpDir ?? tmpdir(), 'evalboard-score-'));
  try {
    const archivePath = join(workDir, 'upload');
    await writeFile(archivePath, stored.archive);
    let scored: ScoredUpload;
    try {
      scored = await scoreArchive(db, claimed.suite, archivePath, o);
    } catch (e) {
      // What the upload's contents make unscorable is the submission's validation error.
      if (!(e instanceof ApiError)) throw e;
      scored = rejection(e.message);
    }
    return await storeScored(db, submissionId, scored);
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}

/** Both steps at once: a worker's results, which nobody waits on over HTTP. */
export async function ingestSubmission(
  db: Db,
  archivePath: string,
  meta: UploadMeta,
  o: IngestOptions = {},
): Promise<IngestResult> {
  const { id } = await acceptUpload(db, archivePath, meta, o);
  return scoreSubmission(db, id, o);
}

async function withExtracted<T>(
  archivePath: string,
  o: IngestOptions,
  use: (files: Awaited<ReturnType<typeof extractArchive>>['files']) => Promise<T>,
): Promise<T> {
  const workDir = await mkdtemp(join(o.tmpDir ?? tmpdir(), 'evalboard-upload-'));
  try {
    let extracted: Awaited<ReturnType<typeof extractArchive>>;
    try {
      extracted = await extractArchive(archivePath, join(workDir, 'unpacked'), o.limits);
    } catch (e) {
      if (isHostileArchiveError(e)) throw new ApiError('hostile_archive', `archive refused (${e.code}): ${e.message}`);
      throw e;
    }
    return await use(extracted.files);
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}

async function scoreArchive(db: Db, suiteId: string, archivePath: string, o: IngestOptions): Promise<ScoredUpload> {
  const [suiteRow] = await db.select().from(suites).where(eq(suites.id, suiteId));
  if (!suiteRow) throw new ApiError('bad_request', `suite: no suite ${suiteId}`);
  return withExtracted(archivePath, o, async (files) => {
    const paths = files.filter((f) => f.depth === 0);
    if (suiteId === MERA_SUITE) {
      if (!isMeraArchive(paths.map((f) => f.path)))
        throw new ApiError('invalid_submission', 'the archive has no MERA task files (<Task>.json, e.g. RWSD.json)');
      return scoreMeraUpload(db, archivePath, o.limits ?? {});
    }
    const results = findResultsFiles(paths);
    if (results.length === 0)
      throw new ApiError('invalid_submission', 'the archive has no results*.json (an evalboard output folder)');
    const file = results.at(-1)!;
    let json: unknown;
    try {
      json = JSON.parse(await readFile(file.absolutePath, 'utf8'));
    } catch (e) {
      throw new ApiError('invalid_submission', `${file.path}: malformed JSON: ${(e as Error).message}`);
    }
    if (!suiteRow.definition) throw new ApiError('invalid_submission', `suite ${suiteId} takes MERA submission ZIPs`);
    const suite = suiteRow.definition as unknown as SuiteDefinition;
    const samplesFiles = paths.filter((f) => /(^|\/)samples_[^/]+\.jsonl$/.test(f.path));
    return scoreResultsUpload(suite, json, file.path, samplesFiles);
  });
}

/** A submission refused as a whole (no task files, malformed results JSON): one error, no scores. */
export function rejection(message: string): ScoredUpload {
  return emptyUpload([{ task: null, id: null, message }], true);
}
