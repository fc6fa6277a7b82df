import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { pack as tarPack } from 'tar-stream';
import { describe, expect, it } from 'vitest';
import yazl from 'yazl';
import {
  type ArchiveLimits,
  extractArchive,
  type HostileArchiveError,
  isHostileArchiveError,
} from '../src/submissions/archive.ts';
import { tempDir } from './helpers.ts';

interface ZipItem {
  readonly name: string;
  readonly data: Buffer | string;
  readonly mode?: number;
  readonly compress?: boolean;
}

function zipBuffer(items: readonly ZipItem[]): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (const item of items) {
    const data = typeof item.data === 'string' ? Buffer.from(item.data) : item.data;
    zip.addBuffer(data, item.name, { mode: item.mode, compress: item.compress ?? true });
  }
  zip.end();
  const chunks: Buffer[] = [];
  return new Promise((resolve, reject) => {
    zip.outputStream.on('data', (c: Buffer) => chunks.push(c));
    zip.outputStream.on('end', () => resolve(Buffer.concat(chunks)));
    zip.outputStream.on('error', reject);
  });
}

/** yazl refuses to write hostile names, so the test writes a same-length placeholder and patches the bytes. */
function renameInZip(zip: Buffer, placeholder: string, hostile: string): Buffer {
  expect(Buffer.byteLength(placeholder)).toBe(Buffer.byteLength(hostile));
  const from = Buffer.from(placeholder);
  const out = Buffer.from(zip);
  let at = out.indexOf(from);
  let count = 0;
  while (at >= 0) {
    Buffer.from(hostile).copy(out, at);
    count++;
    at = out.indexOf(from, at + 1);
  }
  // Once in the local header, once in the central directory.
  expect(count).toBe(2);
  return out;
}

interface TarItem {
  readonly name: string;
  readonly data?: string | Buffer;
  readonly type?: 'file' | 'symlink' | 'link' | 'directory' | 'character-device' | 'fifo';
  readonly linkname?: string;
}

function tarBuffer(items: readonly TarItem[]): Promise<Buffer> {
  const pack = tarPack();
  for (const item of items) {
    if (item.data !== undefined) pack.entry({ name: item.name, type: item.type ?? 'file' }, item.data);
    else pack.entry({ name: item.name, type: item.type ?? 'file', linkname: item.linkname });
  }
  pack.finalize();
  const chunks: Buffer[] = [];
  return new Promise((resolve, reject) => {
    pack.on('data', (c: unknown) => chunks.push(c as Buffer));
    pack.on('end', () => resolve(Buffer.concat(chunks)));
    pack.on('error', reject);
  });
}

/** Writes the archive into a fresh parent folder and extracts it into parent/out. */
async function extractIn(archive: Buffer, name: string, limits: Partial<ArchiveLimits> = {}) {
  const parent = tempDir('archive-test-');
  const file = join(parent, name);
  writeFileSync(file, archive);
  const dest = join(parent, 'out');
  const result = await extractArchive(file, dest, limits).then(
    (r) => ({ ok: true as const, value: r }),
    (e: unknown) => ({ ok: false as const, error: e }),
  );
  return { parent, file, dest, result };
}

/** The archive was refused with `code`, and the parent holds nothing but the uploaded file itself. */
async function expectRefused(archive: Buffer, name: string, code: string, limits: Partial<ArchiveLimits> = {}) {
  const { parent, result } = await extractIn(archive, name, limits);
  expect(result.ok).toBe(false);
  const error = result.ok ? undefined : result.error;
  expect(isHostileArchiveError(error), String(error)).toBe(true);
  expect((error as HostileArchiveError).code).toBe(code);
  expect((error as HostileArchiveError).message).not.toContain('\n');
  expect(readdirSync(parent)).toEqual([name]);
  return error as HostileArchiveError;
}

describe('extractArchive', () => {
  it('unpacks a MERA-shaped ZIP with a logs ZIP inside, one level deep', async () => {
    const logs = await zipBuffer([{ name: 'samples_rwsd.jsonl', data: '{"doc_id":0}\n' }]);
    const upload = await zipBuffer([
      { name: 'RWSD.json', data: '{"data":{"test":[]}}' },
      { name: 'sub/MathLogicQA.json', data: '{"data":{"test":[]}}' },
      { name: 'logs_public.zip', data: logs, compress: false },
    ]);
    const { result, dest } = await extractIn(upload, 'submission.zip');
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const byPath = Object.fromEntries(result.value.files.map((f) => [`${f.nestedIn ?? ''}|${f.path}`, f]));
    expect(Object.keys(byPath).sort()).toEqual(
      [
        '|MathLogicQA.json'.replace('|', '|sub/'),
        '|RWSD.json',
        '|logs_public.zip',
        'logs_public.zip|samples_rwsd.jsonl',
      ].sort(),
    );
    expect(readFileSync(byPath['|RWSD.json']!.absolutePath, 'utf8')).toBe('{"data":{"test":[]}}');
    expect(readFileSync(byPath['logs_public.zip|samples_rwsd.jsonl']!.absolutePath, 'utf8')).toBe('{"doc_id":0}\n');
    expect(byPath['logs_public.zip|samples_rwsd.jsonl']!.depth).toBe(1);
    for (const f of result.value.files) expect(f.absolutePath.startsWith(`${dest}/`)).toBe(true);
    expect(result.value.totalBytes).toBe(20 + 20 + logs.length + 13);
  });

  it('unpacks tar and tar.gz the same way', async () => {
    const tar = await tarBuffer([
      { name: 'dir', type: 'directory' },
      { name: 'dir/RWSD.json', data: 'x'.repeat(1000) },
    ]);
    for (const [buffer, name] of [
      [tar, 'a.tar'],
      [gzipSync(tar), 'a.tar.gz'],
    ] as const) {
      const { result } = await extractIn(buffer, name);
      expect(result.ok).toBe(true);
      if (!result.ok) return;
      expect(result.value.format).toBe(name.endsWith('gz') ? 'tar.gz' : 'tar');
      expect(result.value.files.map((f) => [f.path, f.bytes])).toEqual([['dir/RWSD.json', 1000]]);
    }
  });

  it('refuses path traversal in a ZIP and writes nothing next to the output folder', async () => {
    const zip = await zipBuffer([{ name: 'XX/escaped.txt', data: 'pwned' }]);
    await expectRefused(renameInZip(zip, 'XX/escaped.txt', '../escaped.txt'), 'up.zip', 'path-traversal');
    const deep = await zipBuffer([{ name: 'a/XX/XX/escaped.txt', data: 'pwned' }]);
    await expectRefused(renameInZip(deep, 'a/XX/XX/escaped.txt', 'a/../../escaped.txt'), 'up.zip', 'path-traversal');
    const windows = await zipBuffer([{ name: 'XX/escaped.txt', data: 'pwned' }]);
    await expectRefused(renameInZip(windows, 'XX/escaped.txt', '..\\escaped.txt'), 'up.zip', 'path-traversal');
  });

  it('refuses absolute paths in ZIP and tar', async () => {
    const target = `/tmp/evalboard-absolute-${process.pid}-${Date.now()}`;
    const placeholder = `X${target.slice(1)}`;
    const zip = await zipBuffer([{ name: placeholder, data: 'pwned' }]);
    await expectRefused(renameInZip(zip, placeholder, target), 'abs.zip', 'absolute-path');
    await expectRefused(await tarBuffer([{ name: target, data: 'pwned' }]), 'abs.tar', 'absolute-path');
    expect(existsSync(target)).toBe(false);
  });

  it('refuses tar traversal after a file was already written, and removes that file', async () => {
    const tar = await tarBuffer([
      { name: 'ok.json', data: '{}' },
      { name: '../escaped.txt', data: 'pwned' },
    ]);
    await expectRefused(tar, 'up.tar', 'path-traversal');
  });

  it('refuses symlinks, hard links and devices', async () => {
    const zip = await zipBuffer([{ name: 'link', data: '/etc/passwd', mode: 0o120777 }]);
    await expectRefused(zip, 'link.zip', 'symlink');
    await expectRefused(await tarBuffer([{ name: 'link', type: 'symlink', linkname: '/etc' }]), 's.tar', 'symlink');
    await expectRefused(
      await tarBuffer([{ name: 'hard', type: 'link', linkname: '/etc/passwd' }]),
      'h.tar',
      'hardlink',
    );
    const device = await tarBuffer([{ name: 'dev', type: 'character-device' }]);
    await expectRefused(device, 'd.tar', 'special-file');
    await expectRefused(await zipBuffer([{ name: 'fifo', data: '', mode: 0o010644 }]), 'f.zip', 'special-file');
  });

  it('refuses a ZIP bomb while streaming, on the ratio of bytes actually written', async () => {
    const zeros = Buffer.alloc(20 * 1024 ** 2);
    const bomb = await zipBuffer([{ name: 'RWSD.json', data: zeros }]);
    expect(bomb.length).toBeLessThan(zeros.length / 100);
    const error = await expectRefused(bomb, 'bomb.zip', 'compression-ratio');
    expect(error.entry).toBe('RWSD.json');
    // The same bomb as tar.gz: one compressed stream, judged against the upload's size.
    const tgz = gzipSync(await tarBuffer([{ name: 'RWSD.json', data: zeros }]));
    await expectRefused(tgz, 'bomb.tar.gz', 'compression-ratio');
  });

  it('refuses a bomb spread over many entries each too small for the per-entry check, on the overall ratio', async () => {
    const zeros = Buffer.alloc(512 * 1024);
    const spread = await zipBuffer(Array.from({ length: 60 }, (_, i) => ({ name: `part${i}.json`, data: zeros })));
    // Every entry stays under the 1 MiB after which its own ratio is judged; together they pass 100× the upload.
    expect(spread.length * 100).toBeLessThan(60 * zeros.length);
    const error = await expectRefused(spread, 'spread.zip', 'compression-ratio');
    expect(error.message).toContain('times its own size');
  });

  it('does not trust a header that understates the size', async () => {
    const zip = await zipBuffer([{ name: 'a.json', data: 'a'.repeat(4096) }]);
    // Declare 16 bytes in both the local header (offset 22) and the central directory (offset 24).
    const lying = Buffer.from(zip);
    lying.writeUInt32LE(16, 22);
    lying.writeUInt32LE(16, lying.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02])) + 24);
    await expectRefused(lying, 'lying.zip', 'size-mismatch');
  });

  it('refuses uploads over the byte caps, counted on written bytes', async () => {
    const zip = await zipBuffer([
      { name: 'a.bin', data: randomBytes(600 * 1024) },
      { name: 'b.bin', data: randomBytes(600 * 1024) },
    ]);
    await expectRefused(zip, 'big.zip', 'too-large', { maxTotalBytes: 1024 ** 2 });
    await expectRefused(zip, 'big.zip', 'entry-too-large', { maxEntryBytes: 500 * 1024 });
  });

  it('refuses too many entries, duplicate names and nesting beyond one level', async () => {
    const many = await zipBuffer(Array.from({ length: 6 }, (_, i) => ({ name: `f${i}.json`, data: '{}' })));
    await expectRefused(many, 'many.zip', 'too-many-entries', { maxEntries: 5 });
    const manyTar = await tarBuffer(Array.from({ length: 6 }, (_, i) => ({ name: `f${i}.json`, data: '{}' })));
    await expectRefused(manyTar, 'many.tar', 'too-many-entries', { maxEntries: 5 });

    const twice = await tarBuffer([
      { name: 'RWSD.json', data: '{"a":1}' },
      { name: './RWSD.json', data: '{"a":2}' },
    ]);
    await expectRefused(twice, 'twice.tar', 'duplicate-entry');

    const innermost = await zipBuffer([{ name: 'x.json', data: '{}' }]);
    const middle = await zipBuffer([{ name: 'inner.zip', data: innermost }]);
    const outer = await zipBuffer([{ name: 'middle.zip', data: middle }]);
    const error = await expectRefused(outer, 'outer.zip', 'nested-too-deep');
    expect(error.entry).toBe('middle.zip/inner.zip');
    await expectRefused(middle, 'middle.zip', 'nested-too-deep', { maxNestedDepth: 0 });
  });

  it('refuses what is not an archive, and a nested file that only claims to be one', async () => {
    await expectRefused(Buffer.from('{"data": {}}'), 'plain.zip', 'unsupported-format');
    const fake = await zipBuffer([{ name: 'logs_public.zip', data: 'not a zip' }]);
    await expectRefused(fake, 'fake.zip', 'unsupported-format');
  });
});
