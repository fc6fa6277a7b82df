/**
 * One path from an uploaded archive to a stored submission, for users' uploads and for workers'
 * results alike: safe extraction (submissions/archive.ts), scoring (MERA ZIP on hidden gold, or an
 * evalboard output folder through its suite), then the submission, its scores and samples in one
 * transaction. A hostile archive stores nothing; a submission with validation errors is stored
 * as rejected with every error listed.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { type ArchiveLimits, extractArchive, isHostileArchiveError } from '../../submissions/archive.ts';
import type { SuiteDefinition } from '../../suites/definition.ts';
import { ApiError } from '../api/errors.ts';
import type { Db } from '../db/open.ts';
import { type ModelType, models, samples, scores, submissions, subScores, suites } from '../db/schema.ts';
import { touchBoard } from '../suites.ts';
import { isMeraArchive, MERA_SUITE, scoreMeraUpload } from './mera.ts';
import { findResultsFiles, type ScoredUpload, scoreResultsUpload } from './results.ts';

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

export interface IngestResult {
  readonly id: number;
  readonly status: 'scored' | 'rejected';
  readonly validation: { errors: ScoredUpload['errors']; warnings: ScoredUpload['warnings'] };
}

export async function ingestSubmission(
  db: Db,
  archivePath: string,
  meta: UploadMeta,
  o: { readonly limits?: Partial<ArchiveLimits>; readonly tmpDir?: string } = {},
): Promise<IngestResult> {
  if (!/^[\w.-]+(\/[\w.-]+)?$/.test(meta.modelId) || meta.modelId.length > 200)
    throw new ApiError(
      'bad_request',
      `model_id ${JSON.stringify(meta.modelId)}: use org/name (letters, digits, _ . -)`,
    );
  const [suiteRow] = await db.select().from(suites).where(eq(suites.id, meta.suite));
  if (!suiteRow) throw new ApiError('bad_request', `suite: no suite ${meta.suite}`);
  const workDir = await mkdtemp(join(o.tmpDir ?? tmpdir(), 'evalboard-upload-'));
  try {
    let extracted: Awaited<ReturnType<typeof extractArchive>>;
    try {
      extracted = await extractArchive(archivePath, join(workDir, 'unpacked'), o.limits);
    } catch (e) {
      if (isHostileArchiveError(e)) throw new ApiError('hostile_archive', `archive refused (${e.code}): ${e.message}`);
      throw e;
    }
    const paths = extracted.files.filter((f) => f.depth === 0);
    let scored: ScoredUpload;
    if (meta.suite === MERA_SUITE) {
      if (!isMeraArchive(paths.map((f) => f.path)))
        throw new ApiError('invalid_submission', 'the archive has no MERA task files (<Task>.json, e.g. RWSD.json)');
      scored = await scoreMeraUpload(db, archivePath, o.limits ?? {});
    } else {
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
      if (!suiteRow.definition) throw new ApiError('bad_request', `suite ${meta.suite} takes MERA submission ZIPs`);
      const suite = suiteRow.definition as unknown as SuiteDefinition;
      const samplesFiles = paths.filter((f) => /(^|\/)samples_[^/]+\.jsonl$/.test(f.path));
      scored = scoreResultsUpload(suite, json, file.path, samplesFiles);
    }
    return await store(db, meta, scored);
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}

async function store(db: Db, meta: UploadMeta, scored: ScoredUpload): Promise<IngestResult> {
  const status = scored.errors.length > 0 ? 'rejected' : 'scored';
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
        mode: scored.meta.mode,
        chatTemplate: scored.meta.chatTemplate,
        systemPrompt: scored.meta.systemPrompt,
        fewshotAsMultiturn: scored.meta.fewshotAsMultiturn,
        harnessVersion: scored.meta.harnessVersion,
        configHash: scored.meta.configHash,
        status,
        visibility: meta.visibility,
        standardSetup: scored.standardSetup,
        setup: scored.setup,
        validation: { errors: scored.errors, warnings: scored.warnings },
        total: status === 'scored' ? scored.total : null,
        totalRaw: status === 'scored' ? scored.totalRaw : null,
        source: meta.source ?? 'upload',
        submittedAt: new Date(),
      })
      .returning({ id: submissions.id });
    const submissionId = row!.id;
    if (status === 'scored') {
      if (scored.scores.length > 0) await tx.insert(scores).values(scored.scores.map((s) => ({ submissionId, ...s })));
      if (scored.subScores.length > 0)
        await tx.insert(subScores).values(scored.subScores.map((s) => ({ submissionId, ...s })));
      for (let i = 0; i < scored.samples.length; i += 500)
        await tx.insert(samples).values(scored.samples.slice(i, i + 500).map((s) => ({ submissionId, ...s })));
    }
    return submissionId;
  });
  await touchBoard(db);
  return { id, status, validation: { errors: scored.errors, warnings: scored.warnings } };
}
