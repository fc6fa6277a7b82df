import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';

/**
 * Hashes per process, keyed by path, size and mtime: a multi-GB model takes seconds to hash and
 * tests and the server open the same file many times; a file replaced in place gets a new key.
 */
const hashes = new Map<string, Promise<string>>();

/** Hex sha256 of a file's bytes, streamed so a large model never sits in memory. */
export async function fileSha256(filePath: string): Promise<string> {
  const resolved = await realpath(filePath);
  const info = await stat(resolved);
  const key = `${resolved}\u0000${info.size}\u0000${info.mtimeMs}`;
  let pending = hashes.get(key);
  if (!pending) {
    pending = new Promise<string>((resolve, reject) => {
      const hash = createHash('sha256');
      createReadStream(resolved, { highWaterMark: 1 << 20 })
        .on('data', (chunk) => hash.update(chunk))
        .on('error', reject)
        .on('end', () => resolve(hash.digest('hex')));
    });
    hashes.set(key, pending);
    pending.catch(() => hashes.delete(key));
  }
  return pending;
}
