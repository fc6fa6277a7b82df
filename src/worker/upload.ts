import { createWriteStream, readdirSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { ZipFile } from 'yazl';
import type { Finished, Upload } from './run-job.ts';

/** What the service's submission path needs besides the archive. */
export interface SubmissionMeta {
  /** The board's model id, "org/name". */
  readonly modelId: string;
  readonly suite: string;
  readonly requestId: number;
}

/**
 * The service's upload path (`ingestSubmission`) as a worker calls it: the same archive a user
 * would upload, the request's owner as the submitter. → the submission id.
 */
export type SubmitArchive = (archivePath: string, meta: SubmissionMeta) => Promise<number>;

/** An Upload that zips the run's output folder and submits it as the requester's submission would be. */
export function uploadAsSubmission(submit: SubmitArchive): Upload {
  return async (finished: Finished) => {
    const archive = join(finished.outputDir, '..', `${basename(finished.outputDir)}.zip`);
    await zipFolder(finished.outputDir, archive);
    return submit(archive, {
      modelId: modelIdFor(finished.model, finished.modelArgs),
      suite: finished.suite,
      requestId: finished.requestId,
    });
  };
}

/** Every file under `dir`, at its path relative to `dir`, into a ZIP at `archive`. */
export async function zipFolder(dir: string, archive: string): Promise<void> {
  const zip = new ZipFile();
  const files = readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
  for (const f of files) {
    const path = join(f.parentPath, f.name);
    zip.addFile(path, relative(dir, path).split('\\').join('/'));
  }
  zip.end();
  await pipeline(zip.outputStream, createWriteStream(archive));
}

/**
 * The board's "org/name" for a requested model: `hf:owner/repo[@rev]/file.gguf` → owner/repo; a
 * local GGUF file → local/<file name>; an endpoint → its host/<model_args model or "model">.
 */
export function modelIdFor(model: string, modelArgs: string | null = null): string {
  const clean = (s: string) => s.replace(/[^\w.-]+/g, '-').replace(/^-+|-+$/g, '') || 'model';
  const hub = /^hf:([^/@]+)\/([^/@]+)/.exec(model);
  if (hub) return `${clean(hub[1]!)}/${clean(hub[2]!)}`;
  if (/^https?:\/\//.test(model)) {
    const served = /(?:^|,)\s*model=([^,]+)/.exec(modelArgs ?? '')?.[1];
    return `${clean(new URL(model).host)}/${clean(served ?? 'model')}`;
  }
  return `local/${clean(basename(model).replace(/\.gguf$/i, ''))}`;
}
