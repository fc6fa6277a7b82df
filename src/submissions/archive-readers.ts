import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { extract as tarExtract } from 'tar-stream';
import yauzl from 'yauzl';
import { type ExtractionBudget, HostileArchiveError } from './archive-limits.ts';

export type ArchiveFormat = 'zip' | 'tar' | 'tar.gz';

/** Where a reader hands each entry; names arrive as written in the archive, checked by the sink. */
export interface EntrySink {
  directory(name: string): Promise<void>;
  /** Resolves once the entry's bytes are on disk; rejects (and the reader stops) on any refusal. */
  file(name: string, content: Readable, compressedBytes: number | undefined): Promise<void>;
}

/** The format from the file's first bytes: the name a user gave it is not trusted. */
export async function sniffFormat(file: string): Promise<ArchiveFormat | undefined> {
  const handle = await open(file, 'r');
  try {
    const head = Buffer.alloc(512);
    const { bytesRead } = await handle.read(head, 0, 512, 0);
    if (bytesRead >= 4 && head.readUInt32LE(0) === 0x04034b50) return 'zip';
    // An empty ZIP is only its end-of-central-directory record.
    if (bytesRead >= 4 && head.readUInt32LE(0) === 0x06054b50) return 'zip';
    if (bytesRead >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'tar.gz';
    if (bytesRead >= 262 && head.subarray(257, 262).toString('latin1') === 'ustar') return 'tar';
    return undefined;
  } finally {
    await handle.close();
  }
}

const S_IFMT = 0o170000;
const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;
const S_IFLNK = 0o120000;

function corrupt(file: string, e: unknown): HostileArchiveError {
  const message = e instanceof Error ? e.message : String(e);
  if (/too many bytes|not enough bytes/.test(message)) {
    return new HostileArchiveError(
      'size-mismatch',
      `${file}: an entry's data does not match the size its header declares (${message})`,
    );
  }
  return new HostileArchiveError('corrupt', `${file} is not a readable archive: ${message}`);
}

export async function readZip(file: string, budget: ExtractionBudget, sink: EntrySink): Promise<void> {
  let zip: yauzl.ZipFile;
  try {
    // Names are decoded here rather than by yauzl, so a bad one is refused with this module's codes.
    zip = await yauzl.openPromise(file, { lazyEntries: true, decodeStrings: false, validateEntrySizes: true });
  } catch (e) {
    throw corrupt(file, e);
  }
  if (zip.entryCount > budget.limits.maxEntries) {
    zip.close();
    throw new HostileArchiveError(
      'too-many-entries',
      `${file} lists ${zip.entryCount} entries, more than the ${budget.limits.maxEntries} allowed; pack fewer files`,
    );
  }
  const handleEntry = async (entry: yauzl.Entry): Promise<void> => {
    const name = yauzl.getFileNameLowLevel(entry.generalPurposeBitFlag, entry.fileNameRaw, entry.extraFields, false);
    const kind = (entry.externalFileAttributes >>> 16) & S_IFMT;
    if (kind === S_IFLNK) throw new HostileArchiveError('symlink', `entry ${name} is a symbolic link`, name);
    if (kind !== 0 && kind !== S_IFREG && kind !== S_IFDIR) {
      throw new HostileArchiveError('special-file', `entry ${name} is not a regular file or folder`, name);
    }
    if (name.endsWith('/') || kind === S_IFDIR) {
      await sink.directory(name);
      return;
    }
    if (entry.isEncrypted()) {
      throw new HostileArchiveError('encrypted', `entry ${name} is encrypted; upload it unencrypted`, name);
    }
    let content: Readable;
    try {
      content = await zip.openReadStreamPromise(entry);
    } catch (e) {
      throw corrupt(file, e);
    }
    await sink.file(name, content, entry.compressedSize);
  };
  await new Promise<void>((resolve, reject) => {
    let failed = false;
    const fail = (e: unknown): void => {
      if (failed) return;
      failed = true;
      zip.close();
      reject(e instanceof HostileArchiveError ? e : corrupt(file, e));
    };
    zip.on('entry', (entry: yauzl.Entry) => {
      handleEntry(entry).then(() => {
        if (!failed) zip.readEntry();
      }, fail);
    });
    zip.on('end', () => {
      if (!failed) {
        zip.close();
        resolve();
      }
    });
    zip.on('error', fail);
    zip.readEntry();
  });
}

export async function readTar(
  file: string,
  gzipped: boolean,
  budget: ExtractionBudget,
  sink: EntrySink,
): Promise<void> {
  const extract = tarExtract();
  let refusal: unknown;
  extract.on('entry', (header, stream, next) => {
    const handle = async (): Promise<void> => {
      const name = header.name;
      switch (header.type) {
        case 'directory':
          stream.resume();
          await sink.directory(name.endsWith('/') ? name : `${name}/`);
          return;
        case 'file':
        case 'contiguous-file':
          await sink.file(name, stream as unknown as Readable, undefined);
          return;
        case 'symlink':
          throw new HostileArchiveError('symlink', `entry ${name} is a symbolic link to ${header.linkname}`, name);
        case 'link':
          throw new HostileArchiveError('hardlink', `entry ${name} is a hard link to ${header.linkname}`, name);
        default:
          throw new HostileArchiveError('special-file', `entry ${name} is a ${header.type}, not a regular file`, name);
      }
    };
    handle().then(
      () => next(),
      (e: unknown) => {
        refusal ??= e;
        next(e as Error);
      },
    );
  });
  // The decompressed stream is metered too: a gzip of endless padding never reaches an entry.
  const stages = gzipped
    ? [createReadStream(file), createGunzip(), budget.decompressedMeter(file), extract]
    : [createReadStream(file), extract];
  try {
    await pipeline(stages as unknown as [NodeJS.ReadableStream, NodeJS.WritableStream]);
  } catch (e) {
    const cause = refusal ?? e;
    throw cause instanceof HostileArchiveError ? cause : corrupt(file, cause);
  }
  if (refusal !== undefined) throw refusal;
}
