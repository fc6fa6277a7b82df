import { createWriteStream } from 'node:fs';
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { type ArchiveLimits, DEFAULT_ARCHIVE_LIMITS, ExtractionBudget, HostileArchiveError } from './archive-limits.ts';
import { type ArchiveFormat, type EntrySink, readTar, readZip, sniffFormat } from './archive-readers.ts';

export {
  type ArchiveLimits,
  DEFAULT_ARCHIVE_LIMITS,
  type HostileArchiveCode,
  HostileArchiveError,
  isHostileArchiveError,
} from './archive-limits.ts';
export type { ArchiveFormat } from './archive-readers.ts';

export interface ExtractedFile {
  /** Path inside its own archive, `/`-separated, normalised (no `.` or empty segments). */
  readonly path: string;
  /** Where it was written on disk. */
  readonly absolutePath: string;
  readonly bytes: number;
  /** 0 for the upload's own entries, 1 for entries of an archive inside it. */
  readonly depth: number;
  /** For a nested archive's entry: the nested archive's `path` in the upload. */
  readonly nestedIn: string | undefined;
}

export interface ExtractedArchive {
  readonly format: ArchiveFormat;
  /** The upload's own entries are under `root`; each nested archive's under a folder of `destDir/nested/`. */
  readonly root: string;
  readonly files: readonly ExtractedFile[];
  readonly entries: number;
  readonly totalBytes: number;
}

const NESTED_ARCHIVE = /\.(zip|tar|tgz|tar\.gz)$/i;

/**
 * The entry name as a safe relative path, or a refusal. Backslashes count as separators (archives made
 * on Windows use them), so `..\\x` is traversal too.
 */
export function safeEntryPath(name: string): string {
  if (name.includes('\0')) throw new HostileArchiveError('bad-name', `entry name ${JSON.stringify(name)} contains NUL`);
  const slashed = name.replace(/\\/g, '/');
  if (slashed.startsWith('/') || /^[A-Za-z]:/.test(slashed)) {
    throw new HostileArchiveError('absolute-path', `entry ${name} has an absolute path`, name);
  }
  const segments = slashed.split('/').filter((s) => s !== '' && s !== '.');
  if (segments.includes('..')) {
    throw new HostileArchiveError('path-traversal', `entry ${name} climbs out of the archive with ..`, name);
  }
  if (segments.length === 0) throw new HostileArchiveError('bad-name', `entry name ${JSON.stringify(name)} is empty`);
  return segments.join('/');
}

interface Level {
  readonly file: string;
  readonly root: string;
  readonly depth: number;
  readonly nestedIn: string | undefined;
}

class DiskSink implements EntrySink {
  readonly files: ExtractedFile[] = [];
  readonly nested: { path: string; absolutePath: string }[] = [];
  private readonly seen = new Set<string>();

  constructor(
    private readonly level: Level,
    private readonly budget: ExtractionBudget,
  ) {}

  private target(name: string): { path: string; absolutePath: string } {
    const path = safeEntryPath(name);
    const label = this.level.nestedIn ? `${this.level.nestedIn}/${path}` : path;
    this.budget.countEntry(label);
    const absolutePath = resolve(this.level.root, path);
    // Belt and braces: the checks above already keep every path below the root.
    if (!absolutePath.startsWith(this.level.root + sep)) {
      throw new HostileArchiveError('path-traversal', `entry ${name} resolves outside the archive`, name);
    }
    return { path, absolutePath };
  }

  private async makeDir(dir: string, name: string): Promise<void> {
    try {
      await mkdir(dir, { recursive: true });
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EEXIST' || code === 'ENOTDIR') {
        throw new HostileArchiveError('path-conflict', `entry ${name} needs a folder where a file is`, name);
      }
      throw e;
    }
  }

  async directory(name: string): Promise<void> {
    const { absolutePath } = this.target(name);
    await this.makeDir(absolutePath, name);
  }

  async file(name: string, content: Readable, compressedBytes: number | undefined): Promise<void> {
    // The refusal is raised from the pipeline below; a reader may still emit its own error afterwards.
    content.on('error', () => {});
    let path: string;
    let absolutePath: string;
    try {
      ({ path, absolutePath } = this.target(name));
      if (this.seen.has(path)) {
        throw new HostileArchiveError('duplicate-entry', `entry ${path} appears twice in the archive`, path);
      }
      this.seen.add(path);
      const label = this.level.nestedIn ? `${this.level.nestedIn}/${path}` : path;
      if (NESTED_ARCHIVE.test(path) && this.level.depth + 1 > this.budget.limits.maxNestedDepth) {
        throw new HostileArchiveError(
          'nested-too-deep',
          `entry ${label} is an archive nested more than ${this.budget.limits.maxNestedDepth} level(s) deep; unpack it first`,
          label,
        );
      }
      await this.makeDir(dirname(absolutePath), name);
      const before = this.budget.totalBytes;
      // 'wx': an entry never overwrites anything, not even a folder made for another entry.
      await pipeline(
        content,
        this.budget.meter(label, compressedBytes),
        createWriteStream(absolutePath, { flags: 'wx', mode: 0o600 }),
      );
      this.files.push({
        path,
        absolutePath,
        bytes: this.budget.totalBytes - before,
        depth: this.level.depth,
        nestedIn: this.level.nestedIn,
      });
      if (NESTED_ARCHIVE.test(path)) this.nested.push({ path, absolutePath });
    } catch (e) {
      content.resume();
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EEXIST' || code === 'EISDIR' || code === 'ENOTDIR') {
        throw new HostileArchiveError('path-conflict', `entry ${name} collides with another entry's path`, name);
      }
      throw e;
    }
  }
}

async function extractLevel(
  level: Level,
  budget: ExtractionBudget,
): Promise<{ sink: DiskSink; format: ArchiveFormat }> {
  const format = await sniffFormat(level.file);
  if (format === undefined) {
    const what = level.nestedIn ?? level.file;
    throw new HostileArchiveError('unsupported-format', `${what} is neither a ZIP nor a tar/tar.gz archive`);
  }
  await mkdir(level.root, { recursive: true });
  const sink = new DiskSink(level, budget);
  if (format === 'zip') await readZip(level.file, budget, sink);
  else await readTar(level.file, format === 'tar.gz', budget, sink);
  return { sink, format };
}

/**
 * Unpacks a ZIP, tar or tar.gz upload into `destDir` (missing or empty; a fresh temporary folder),
 * refusing hostile content with a HostileArchiveError: paths that climb out or are absolute, links and
 * device entries, duplicate names, more entries or bytes than the limits, compression ratios of a
 * zip bomb (measured on the bytes actually written, never on the headers), archives nested deeper than
 * `maxNestedDepth`. On a refusal everything written is removed again.
 */
export async function extractArchive(
  file: string,
  destDir: string,
  limits: Partial<ArchiveLimits> = {},
): Promise<ExtractedArchive> {
  const resolvedLimits: ArchiveLimits = { ...DEFAULT_ARCHIVE_LIMITS, ...limits };
  const dest = resolve(destDir);
  const existing = await readdir(dest).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return undefined;
    throw e;
  });
  if (existing !== undefined && existing.length > 0) {
    throw new Error(`extractArchive: ${dest} is not empty; extract into a fresh temporary folder`);
  }
  const budget = new ExtractionBudget(resolvedLimits, (await stat(file)).size);
  const root = join(dest, 'archive');
  try {
    const files: ExtractedFile[] = [];
    const { sink: top, format } = await extractLevel({ file, root, depth: 0, nestedIn: undefined }, budget);
    files.push(...top.files);
    let pending = top.nested.map((n) => ({ ...n, depth: 1 }));
    let index = 0;
    while (pending.length > 0) {
      const next: typeof pending = [];
      for (const nested of pending) {
        const level: Level = {
          file: nested.absolutePath,
          root: join(dest, 'nested', String(index++)),
          depth: nested.depth,
          nestedIn: nested.path,
        };
        const { sink } = await extractLevel(level, budget);
        files.push(...sink.files);
        next.push(
          ...sink.nested.map((n) => ({
            path: `${nested.path}/${n.path}`,
            absolutePath: n.absolutePath,
            depth: nested.depth + 1,
          })),
        );
      }
      pending = next;
    }
    return { format, root, files, entries: budget.entries, totalBytes: budget.totalBytes };
  } catch (e) {
    if (existing === undefined) await rm(dest, { recursive: true, force: true });
    else {
      for (const child of await readdir(dest)) await rm(join(dest, child), { recursive: true, force: true });
    }
    throw e;
  }
}
