import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { basename, delimiter, dirname, join, resolve } from 'node:path';
import { UserError } from '../errors.ts';

export interface ModelLocationOptions {
  /** Default: $EVALBOARD_CACHE, else ~/.cache/evalboard. Downloads go to <cacheDir>/models/owner/repo/revision/path. */
  readonly cacheDir?: string;
  /** Folders holding local copies; default: $EVALBOARD_MODEL_PATH split on ':'. */
  readonly modelPath?: readonly string[];
  /** Default: $HF_ENDPOINT, else https://huggingface.co. */
  readonly hubUrl?: string;
  /** Bytes on disk so far and the file's size (0 when the server does not say). */
  readonly onProgress?: (done: number, total: number) => void;
  /** Never use the network (also $HF_HUB_OFFLINE=1). */
  readonly offline?: boolean;
}

export interface HubFile {
  readonly owner: string;
  readonly repo: string;
  readonly revision: string;
  /** Path inside the repository, '/'-separated. */
  readonly path: string;
}

const HUB_PREFIX = 'hf:';
const SPEC_HINT =
  'use a path to a .gguf file, or hf:owner/repo/path/file.gguf (hf:owner/repo@revision/path to pin a revision)';
const MAX_REDIRECTS = 10;
/** A broken connection is resumed at once; we give up after this many tries in a row that add no bytes. */
const MAX_STALLED_ATTEMPTS = 3;

/**
 * Turns a model spec into a local file: a path as given, or `hf:owner/repo[@revision]/path` found
 * in the cache, in a model-path folder, or downloaded from the Hugging Face hub into the cache.
 */
export async function resolveModelLocation(spec: string, opts: ModelLocationOptions = {}): Promise<string> {
  if (!spec.startsWith(HUB_PREFIX)) return resolveLocalPath(spec);
  const file = parseHubSpec(spec);
  const cacheDir = opts.cacheDir ?? process.env.EVALBOARD_CACHE ?? join(homedir(), '.cache', 'evalboard');
  const cached = join(
    cacheDir,
    'models',
    file.owner,
    file.repo,
    encodeURIComponent(file.revision),
    ...file.path.split('/'),
  );
  const modelPath = opts.modelPath ?? (process.env.EVALBOARD_MODEL_PATH ?? '').split(delimiter);
  const candidates = [cached, ...modelPath.filter(Boolean).flatMap((folder) => localCandidates(folder, file.path))];
  for (const candidate of new Set(candidates)) {
    if (await isFile(candidate)) return candidate;
  }
  const offline = opts.offline ?? ['1', 'true', 'yes', 'on'].includes((process.env.HF_HUB_OFFLINE ?? '').toLowerCase());
  if (offline) {
    throw new UserError(
      `${spec} is not available offline`,
      { field: 'model' },
      `looked in ${[...new Set(candidates)].join(', ')}; put the file there or allow downloads (unset HF_HUB_OFFLINE)`,
    );
  }
  const hubUrl = (opts.hubUrl ?? process.env.HF_ENDPOINT ?? 'https://huggingface.co').replace(/\/+$/, '');
  await downloadWithResume(hubFileUrl(hubUrl, file), cached, opts.onProgress);
  return cached;
}

/** A local copy may keep the repository's folders (tinyllamas/stories260K.gguf) or just the file name. */
function localCandidates(folder: string, pathInRepo: string): string[] {
  return [join(folder, ...pathInRepo.split('/')), join(folder, basename(pathInRepo))];
}

async function resolveLocalPath(spec: string): Promise<string> {
  const path = resolve(spec.startsWith('~/') ? join(homedir(), spec.slice(2)) : spec);
  const stats = await stat(path).catch(() => undefined);
  if (!stats) throw new UserError(`model file not found: ${spec}`, { field: 'model' }, SPEC_HINT);
  if (!stats.isFile()) throw new UserError(`model path is not a file: ${spec}`, { field: 'model' }, SPEC_HINT);
  return path;
}

/** `hf:owner/repo[@revision]/path/in/repo`; a revision containing '/' (refs/pr/1) is written URL-encoded. */
export function parseHubSpec(spec: string): HubFile {
  const invalid = (why: string) => new UserError(`invalid model spec "${spec}": ${why}`, { field: 'model' }, SPEC_HINT);
  const [owner = '', repoAndRevision = '', ...pathSegments] = spec.slice(HUB_PREFIX.length).split('/');
  const [repo = '', revisionText, ...extra] = repoAndRevision.split('@');
  if (extra.length > 0) throw invalid('more than one @');
  const namePattern = /^[\w.-]+$/;
  if (!namePattern.test(owner) || !namePattern.test(repo)) throw invalid('expected owner/repo after hf:');
  if (pathSegments.length === 0) throw invalid('no file path after owner/repo');
  if (pathSegments.some((segment) => segment === '' || segment === '.' || segment === '..' || segment.includes('\\'))) {
    throw invalid('the file path must not have empty, "." or ".." parts');
  }
  const revision = revisionText === undefined ? 'main' : decodeURIComponent(revisionText);
  if (revision === '' || revision === '.' || revision === '..') throw invalid('empty revision after @');
  return { owner, repo, revision, path: pathSegments.join('/') };
}

function hubFileUrl(hubUrl: string, file: HubFile): string {
  const path = file.path.split('/').map(encodeURIComponent).join('/');
  return `${hubUrl}/${file.owner}/${file.repo}/resolve/${encodeURIComponent(file.revision)}/${path}`;
}

async function isFile(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isFile() ?? false;
}

/** A connection that broke mid-transfer: the bytes so far are kept in the .part file for the next attempt. */
class Interrupted extends Error {}

/**
 * Downloads into `<target>.part`, resuming an existing part with a Range request, then verifies the
 * size and (for LFS files, whose ETag is their sha256) the hash before renaming it into place.
 */
async function downloadWithResume(
  url: string,
  target: string,
  onProgress: ModelLocationOptions['onProgress'],
): Promise<void> {
  await mkdir(dirname(target), { recursive: true });
  const partPath = `${target}.part`;
  const partSize = async () => (await stat(partPath).catch(() => undefined))?.size ?? 0;
  for (let failuresWithoutProgress = 0; ; ) {
    const sizeBefore = await partSize();
    try {
      await downloadOnce(url, partPath, onProgress ?? (() => {}));
      break;
    } catch (error) {
      if (!(error instanceof Interrupted)) throw error;
      failuresWithoutProgress = (await partSize()) > sizeBefore ? 0 : failuresWithoutProgress + 1;
      if (failuresWithoutProgress >= MAX_STALLED_ATTEMPTS) {
        throw new UserError(
          `download interrupted: ${url}: ${error.message}`,
          { field: 'model' },
          `run again to resume; the partial file is kept at ${partPath}`,
        );
      }
    }
  }
  await rename(partPath, target);
}

async function downloadOnce(
  url: string,
  partPath: string,
  onProgress: (done: number, total: number) => void,
): Promise<void> {
  let existing = (await stat(partPath).catch(() => undefined))?.size ?? 0;
  const { response, expectedSha256, expectedSize } = await fetchFollowingRedirects(url, existing);
  let total = expectedSize;
  if (response.status === 416 && existing > 0) {
    // Range past the end: either the part is already complete, or it is longer than the file.
    await response.body?.cancel();
    const size = contentRangeTotal(response.headers.get('content-range'));
    if (size !== existing) {
      await rm(partPath, { force: true });
      throw new Interrupted(`partial file was longer than the ${size}-byte file; restarting`);
    }
    await verifySha256(await hashOfFile(partPath), expectedSha256, partPath, url);
    onProgress(existing, existing);
    return;
  }
  if (response.status === 206) {
    const range = /^bytes (\d+)-\d+\/(\d+|\*)$/.exec(response.headers.get('content-range') ?? '');
    if (Number(range?.[1]) !== existing) {
      await response.body?.cancel();
      await rm(partPath, { force: true });
      throw new Interrupted('server resumed at the wrong offset; restarting');
    }
    total ??= range?.[2] === '*' ? undefined : Number(range?.[2]);
  } else if (response.ok) {
    existing = 0; // the server ignored the Range header: start over
    const length = response.headers.get('content-length');
    total ??= length === null ? undefined : Number(length);
  } else {
    await response.body?.cancel();
    throw httpError(response.status, url);
  }

  const hash = existing > 0 ? await hashOfFile(partPath) : createHash('sha256');
  const part = await open(partPath, existing > 0 ? 'a' : 'w');
  let done = existing;
  try {
    if (!response.body) throw new Interrupted('empty response body');
    for await (const chunk of response.body) {
      hash.update(chunk);
      for (let at = 0; at < chunk.length; ) at += (await part.write(chunk, at, chunk.length - at)).bytesWritten;
      done += chunk.length;
      onProgress(done, total ?? 0);
    }
  } catch (error) {
    if (error instanceof Interrupted) throw error;
    throw new Interrupted(errorText(error));
  } finally {
    await part.close();
  }
  if (total !== undefined && done < total) throw new Interrupted(`got ${done} of ${total} bytes`);
  if (total !== undefined && done > total) {
    await rm(partPath, { force: true });
    throw new UserError(
      `download of ${url} is ${done} bytes, more than the ${total} announced`,
      { field: 'model' },
      'run again',
    );
  }
  await verifySha256(hash, expectedSha256, partPath, url);
}

interface HubResponse {
  readonly response: Response;
  readonly expectedSha256: string | undefined;
  readonly expectedSize: number | undefined;
}

/**
 * Follows redirects by hand: the hub answers LFS files with a redirect to a CDN, and only that
 * first answer carries the file's sha256 and size (X-Linked-Etag, X-Linked-Size). The token goes
 * only to the hub's own origin, never to the CDN.
 */
async function fetchFollowingRedirects(url: string, rangeStart: number): Promise<HubResponse> {
  const origin = new URL(url).origin;
  const token = process.env.HF_TOKEN;
  let current = new URL(url);
  let linkedEtag: string | null = null;
  let linkedSize: string | null = null;
  for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
    const headers: Record<string, string> = {};
    if (rangeStart > 0) headers.Range = `bytes=${rangeStart}-`;
    if (token && current.origin === origin) headers.Authorization = `Bearer ${token}`;
    let response: Response;
    try {
      response = await fetch(current, { headers, redirect: 'manual' });
    } catch (error) {
      throw new UserError(
        `cannot reach ${current.origin}: ${errorText(error)}`,
        { field: 'model' },
        'check the network or HF_ENDPOINT, or put the file in EVALBOARD_MODEL_PATH and set HF_HUB_OFFLINE=1',
      );
    }
    linkedEtag ??= response.headers.get('x-linked-etag');
    linkedSize ??= response.headers.get('x-linked-size');
    const location = response.headers.get('location');
    if (response.status >= 300 && response.status < 400 && location) {
      await response.body?.cancel();
      current = new URL(location, current);
      continue;
    }
    const sha = /^(?:W\/)?"?([0-9a-f]{64})"?$/i.exec(linkedEtag ?? response.headers.get('etag') ?? '')?.[1];
    const size = linkedSize === null ? undefined : Number(linkedSize);
    return { response, expectedSha256: sha?.toLowerCase(), expectedSize: Number.isFinite(size) ? size : undefined };
  }
  throw new UserError(`too many redirects downloading ${url}`, { field: 'model' }, 'check HF_ENDPOINT');
}

function httpError(status: number, url: string): UserError {
  if (status === 404) {
    return new UserError(
      `not found on the hub: ${url}`,
      { field: 'model' },
      'check owner/repo, the revision and the file path',
    );
  }
  if (status === 401 || status === 403) {
    const hint = process.env.HF_TOKEN
      ? 'HF_TOKEN has no access to this repository (accept its license on the hub?)'
      : 'the repository is gated or private: set HF_TOKEN';
    return new UserError(`access denied (HTTP ${status}): ${url}`, { field: 'model' }, hint);
  }
  return new UserError(`download failed with HTTP ${status}: ${url}`, { field: 'model' }, 'try again later');
}

function contentRangeTotal(header: string | null): number | undefined {
  const total = /\/(\d+)$/.exec(header ?? '')?.[1];
  return total === undefined ? undefined : Number(total);
}

async function hashOfFile(path: string): Promise<Hash> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash;
}

async function verifySha256(hash: Hash, expected: string | undefined, partPath: string, url: string): Promise<void> {
  if (expected === undefined) return; // non-LFS files carry a git sha1 ETag, which we cannot check cheaply
  const actual = hash.digest('hex');
  if (actual === expected) return;
  await rm(partPath, { force: true });
  throw new UserError(
    `download of ${url} is corrupt: sha256 ${actual} does not match the hub's ${expected}`,
    { field: 'model' },
    'the partial file was deleted; run again to download it afresh',
  );
}

function errorText(error: unknown): string {
  const cause = (error as { cause?: unknown }).cause;
  const message = error instanceof Error ? error.message : String(error);
  return cause instanceof Error ? `${message} (${cause.message})` : message;
}
