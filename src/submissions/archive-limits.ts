import { Transform, type TransformCallback } from 'node:stream';

/** Caps on what one uploaded archive may unpack to; all of them are checked on the bytes actually written. */
export interface ArchiveLimits {
  /** Uncompressed bytes over every entry, nested archives included. */
  readonly maxTotalBytes: number;
  /** Uncompressed bytes of any one entry. */
  readonly maxEntryBytes: number;
  /** Uncompressed/compressed, per ZIP entry and over the whole upload. */
  readonly maxRatio: number;
  /**
   * The ratio is judged only once this many bytes have come out (of an entry, or overall): a small
   * file of repeated text compresses far better than 100:1 and is harmless.
   */
  readonly ratioCheckAfterBytes: number;
  /** Entries (files and folders) over every level. */
  readonly maxEntries: number;
  /** How many archive-in-archive levels are opened: 1 opens a ZIP inside the upload, and refuses one inside that. */
  readonly maxNestedDepth: number;
}

const GIB = 1024 ** 3;
const MIB = 1024 ** 2;

export const DEFAULT_ARCHIVE_LIMITS: ArchiveLimits = {
  maxTotalBytes: GIB,
  maxEntryBytes: GIB,
  maxRatio: 100,
  ratioCheckAfterBytes: MIB,
  maxEntries: 10_000,
  maxNestedDepth: 1,
};

export type HostileArchiveCode =
  | 'path-traversal'
  | 'absolute-path'
  | 'bad-name'
  | 'duplicate-entry'
  | 'path-conflict'
  | 'symlink'
  | 'hardlink'
  | 'special-file'
  | 'encrypted'
  | 'too-many-entries'
  | 'entry-too-large'
  | 'too-large'
  | 'compression-ratio'
  | 'size-mismatch'
  | 'nested-too-deep'
  | 'unsupported-format'
  | 'corrupt';

/** An archive refused before or while it was unpacked; nothing of it is left on disk. */
export class HostileArchiveError extends Error {
  readonly code: HostileArchiveCode;
  /** The entry that was refused (its path inside the archive), when one was. */
  readonly entry: string | undefined;

  constructor(code: HostileArchiveCode, message: string, entry?: string) {
    super(message);
    this.name = 'HostileArchiveError';
    this.code = code;
    this.entry = entry;
  }
}

export function isHostileArchiveError(e: unknown): e is HostileArchiveError {
  return e instanceof HostileArchiveError;
}

function formatBytes(n: number): string {
  if (n >= GIB) return `${(n / GIB).toFixed(1)} GiB`;
  if (n >= MIB) return `${(n / MIB).toFixed(1)} MiB`;
  return `${n} bytes`;
}

/** The counts shared by every level of one extraction: entries, bytes written, and the upload's own size. */
export class ExtractionBudget {
  entries = 0;
  totalBytes = 0;

  constructor(
    readonly limits: ArchiveLimits,
    /** Size of the uploaded file, the denominator of the overall ratio. */
    readonly archiveBytes: number,
  ) {}

  countEntry(entry: string): void {
    this.entries += 1;
    if (this.entries > this.limits.maxEntries) {
      throw new HostileArchiveError(
        'too-many-entries',
        `archive has more than ${this.limits.maxEntries} entries (refused at ${entry}); pack fewer files`,
        entry,
      );
    }
  }

  countBytes(n: number, entry: string): void {
    this.totalBytes += n;
    const { maxTotalBytes, maxRatio, ratioCheckAfterBytes } = this.limits;
    if (this.totalBytes > maxTotalBytes) {
      throw new HostileArchiveError(
        'too-large',
        `archive unpacks to more than ${formatBytes(maxTotalBytes)} (refused while writing ${entry})`,
        entry,
      );
    }
    if (this.totalBytes > ratioCheckAfterBytes && this.totalBytes > maxRatio * Math.max(this.archiveBytes, 1)) {
      throw new HostileArchiveError(
        'compression-ratio',
        `archive unpacks to more than ${maxRatio} times its own size of ${formatBytes(this.archiveBytes)} (a zip bomb; refused while writing ${entry})`,
        entry,
      );
    }
  }

  /**
   * A pass-through stream over a whole decompressed tar: its headers and padding are not entries'
   * bytes, so it gets its own cap (the entries' cap plus room for a header per entry) and the ratio.
   */
  decompressedMeter(label: string): Transform {
    let bytes = 0;
    const { maxTotalBytes, maxEntries, maxRatio, ratioCheckAfterBytes } = this.limits;
    const cap = maxTotalBytes + 1024 * (maxEntries + 1);
    return new Transform({
      transform: (chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback) => {
        bytes += chunk.length;
        if (bytes > cap) {
          callback(new HostileArchiveError('too-large', `${label} decompresses to more than ${formatBytes(cap)}`));
        } else if (bytes > ratioCheckAfterBytes && bytes > maxRatio * Math.max(this.archiveBytes, 1)) {
          callback(
            new HostileArchiveError(
              'compression-ratio',
              `${label} decompresses to more than ${maxRatio} times its size of ${formatBytes(this.archiveBytes)} (a gzip bomb)`,
            ),
          );
        } else {
          callback(null, chunk);
        }
      },
    });
  }

  /**
   * A pass-through stream that counts one entry's bytes as they are written and fails the moment a cap
   * is crossed. `compressedBytes` is the entry's stored size where the format has one (ZIP), for the
   * per-entry ratio.
   */
  meter(entry: string, compressedBytes: number | undefined): Transform {
    let entryBytes = 0;
    const { maxEntryBytes, maxRatio, ratioCheckAfterBytes } = this.limits;
    return new Transform({
      transform: (chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback) => {
        entryBytes += chunk.length;
        try {
          if (entryBytes > maxEntryBytes) {
            throw new HostileArchiveError(
              'entry-too-large',
              `entry ${entry} unpacks to more than ${formatBytes(maxEntryBytes)}`,
              entry,
            );
          }
          if (
            compressedBytes !== undefined &&
            entryBytes > ratioCheckAfterBytes &&
            entryBytes > maxRatio * Math.max(compressedBytes, 1)
          ) {
            throw new HostileArchiveError(
              'compression-ratio',
              `entry ${entry} unpacks to more than ${maxRatio} times its compressed size of ${formatBytes(compressedBytes)} (a zip bomb)`,
              entry,
            );
          }
          this.countBytes(chunk.length, entry);
        } catch (e) {
          callback(e as Error);
          return;
        }
        callback(null, chunk);
      },
    });
  }
}
