import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserError } from '../errors.ts';
import { encodeHeader, placeTensors } from './encode.ts';
import type { GgufEntry } from './format.ts';
import { describeGgufValue, readGgufInfo, summarizeGguf } from './read.ts';

const STORIES = fileURLToPath(new URL('../../../shared/models/stories260K.gguf', import.meta.url));

let dir: string;
let original: Buffer;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gguf-read-'));
  original = await readFile(STORIES);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Writes `bytes` to a temp file and expects readGgufInfo to reject it with a UserError naming the file. */
async function expectRejected(name: string, bytes: Uint8Array, message: RegExp): Promise<UserError> {
  const path = join(dir, name);
  await writeFile(path, bytes);
  const error = await readGgufInfo(path).catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(UserError);
  const userError = error as UserError;
  expect(userError.message).toMatch(message);
  expect(userError.location.file).toBe(path);
  expect(userError.hint).toBeTruthy();
  expect(userError.format()).not.toContain('\n');
  return userError;
}

function patched(offset: number, write: (buffer: Buffer) => void): Buffer {
  const copy = Buffer.from(original);
  write(copy.subarray(offset));
  return copy;
}

/** Offset of tensor info `name` in stories260K: its length prefix, then the name itself. */
function tensorInfoOffset(name: string): number {
  return original.lastIndexOf(Buffer.from(name)) - 8;
}

describe('readGgufInfo on stories260K', () => {
  it('reads the header, metadata and tensor infos', async () => {
    const info = await readGgufInfo(STORIES);
    expect(info.version).toBe(3);
    expect(info.fileSize).toBe(1_185_376);
    expect(info.alignment).toBe(32);
    expect(info.tensorDataOffset).toBe(14_176);
    expect(info.tensors).toHaveLength(48);
    expect(info.tensors[0]).toEqual({
      name: 'token_embd.weight',
      dims: [64, 512],
      type: 0,
      typeName: 'F32',
      offset: 0,
      elementCount: 32_768,
      byteSize: 131_072,
    });
    expect(info.metadata['llama.embedding_length']).toBe(64);
    expect(info.metadataTypes['llama.embedding_length']).toEqual({ type: 'uint32' });
    expect(info.metadataTypes['tokenizer.ggml.token_type']).toEqual({ type: 'array', elementType: 'int32' });
    expect(info.metadata['tokenizer.ggml.token_type']).toBeInstanceOf(Int32Array);
    expect((info.metadata['tokenizer.ggml.tokens'] as string[]).slice(0, 3)).toEqual(['<unk>', '<s>', '</s>']);
    const last = info.tensors.at(-1)!;
    expect(info.tensorDataOffset + last.offset + last.byteSize).toBe(info.fileSize);
  });

  it('summarizes the model', async () => {
    const summary = summarizeGguf(await readGgufInfo(STORIES));
    expect(summary).toEqual({
      architecture: 'llama',
      name: 'llama',
      parameterCount: 292_800, // "260K" in the name counts the weights without embeddings' output copy
      fileType: null,
      quantisation: 'all F32',
      contextLength: 2048,
      chatTemplate: null,
      addBosToken: true,
      vocabSize: 512,
    });
  });

  it('describes big arrays briefly', async () => {
    const info = await readGgufInfo(STORIES);
    expect(describeGgufValue(info.metadata['tokenizer.ggml.tokens']!, 2)).toBe('[string × 512: "<unk>", "<s>", …]');
    expect(describeGgufValue(info.metadata['tokenizer.ggml.token_type']!, 3)).toBe('[Int32 × 512: 2, 3, 3, …]');
    expect(describeGgufValue(12n)).toBe('12');
  });
});

describe('readGgufInfo on written files', () => {
  it('reads every value type back, across read-chunk boundaries', async () => {
    const manyStrings = Array.from({ length: 70_000 }, (_, i) => `token-${i}`); // ~1.3 MB: spans chunks
    const bigFloats = Float32Array.from({ length: 300_000 }, (_, i) => i / 7); // 1.2 MB: read straight into place
    const entries: GgufEntry[] = [
      { key: 'u8', type: 'uint8', value: 255 },
      { key: 'i8', type: 'int8', value: -128 },
      { key: 'u16', type: 'uint16', value: 65_535 },
      { key: 'i16', type: 'int16', value: -32_768 },
      { key: 'u32', type: 'uint32', value: 4_294_967_295 },
      { key: 'i32', type: 'int32', value: -2_147_483_648 },
      { key: 'f32', type: 'float32', value: 0.5 },
      { key: 'f64', type: 'float64', value: Math.PI },
      { key: 'bool', type: 'bool', value: true },
      { key: 'string', type: 'string', value: 'héllo ✓' },
      { key: 'u64', type: 'uint64', value: 2n ** 64n - 1n },
      { key: 'i64', type: 'int64', value: -5 },
      { key: 'strings', type: 'array', elementType: 'string', value: manyStrings },
      { key: 'floats', type: 'array', elementType: 'float32', value: bigFloats },
      { key: 'bools', type: 'array', elementType: 'bool', value: [true, false] },
      { key: 'i64s', type: 'array', elementType: 'int64', value: BigInt64Array.of(-1n, 2n ** 62n) },
      { key: 'empty', type: 'array', elementType: 'uint16', value: new Uint16Array(0) },
    ];
    const tensors = placeTensors([{ name: 'w', dims: [32, 2], type: 8 }], 64);
    const header = encodeHeader([...entries, { key: 'general.alignment', type: 'uint32', value: 64 }], tensors, 64);
    const path = join(dir, 'all-types.gguf');
    await writeFile(path, Buffer.concat([header, Buffer.alloc(2 * 34)]));

    const info = await readGgufInfo(path);
    for (const entry of entries) {
      const actual = info.metadata[entry.key];
      if (entry.value === manyStrings || entry.value === bigFloats) {
        // toEqual walks big arrays slowly; compare them as one string / one byte buffer instead.
        expect(actual?.constructor).toBe(entry.value.constructor);
        expect(String(actual) === String(entry.value), entry.key).toBe(true);
      } else {
        expect(actual, entry.key).toEqual(entry.value);
      }
      expect(info.metadataTypes[entry.key], entry.key).toEqual({ type: entry.type, elementType: entry.elementType });
    }
    expect(info.alignment).toBe(64);
    expect(info.tensorDataOffset).toBe(header.length);
    expect(info.tensors).toEqual([
      { name: 'w', dims: [32, 2], type: 8, typeName: 'Q8_0', offset: 0, elementCount: 64, byteSize: 68 },
    ]);
  });
});

describe('readGgufInfo rejects bad files with a UserError', () => {
  it('missing file, directory, empty file', async () => {
    const missing = join(dir, 'nope.gguf');
    await expect(readGgufInfo(missing)).rejects.toThrow(/not found/);
    await mkdir(join(dir, 'folder.gguf'));
    await expect(readGgufInfo(join(dir, 'folder.gguf'))).rejects.toThrow(/directory/);
    await expectRejected('empty.gguf', new Uint8Array(0), /only 0 bytes/);
  });

  it('wrong magic, saying what the first bytes were', async () => {
    const html = await expectRejected(
      'page.gguf',
      Buffer.from('<!DOCTYPE html><html>'),
      /starts with 3c 21 44 4f \("<!DO"\)/,
    );
    expect(html.hint).toMatch(/HTML/);
    const lfs = await expectRejected(
      'lfs.gguf',
      Buffer.from('version https://git-lfs.github.com/spec/v1\n'),
      /not a GGUF/,
    );
    expect(lfs.hint).toMatch(/Git LFS/);
    await expectRejected('zip.gguf', Buffer.from('PK\x03\x04rest'), /starts with 50 4b 03 04/);
  });

  it('unsupported versions', async () => {
    await expectRejected(
      'v1.gguf',
      patched(4, (b) => b.writeUInt32LE(1)),
      /version 1 is no longer supported/,
    );
    await expectRejected(
      'v9.gguf',
      patched(4, (b) => b.writeUInt32LE(9)),
      /unsupported GGUF version 9/,
    );
    await expectRejected(
      'swapped.gguf',
      patched(4, (b) => b.writeUInt32LE(0x03000000)),
      /byte-swapped/,
    );
  });

  it('truncated at every stage of the header', async () => {
    const tensorInfos = tensorInfoOffset('output_norm.weight');
    const cuts: [number, RegExp][] = [
      [3, /only 3 bytes/],
      [6, /truncated: the GGUF version/],
      [20, /truncated: the tensor and metadata counts/],
      [40, /48 tensors and 19 metadata entries, which cannot fit in a 40-byte file/],
      [5000, /metadata 'tokenizer.ggml.tokens'(: string length \d+ runs past the end| needs \d+ bytes)/],
      [tensorInfos + 12, /tensor info 2 of 48: string length 18 runs past the end of the file \(4 bytes left\)/],
      [
        tensorInfos + 28,
        /truncated: tensor 'output_norm.weight' needs 4 bytes at offset \d+, but the file ends at \d+/,
      ],
      [14_176, /tensor data past the end of the file: 48 of 48 tensors/],
      [
        original.length - 1,
        /1 of 48 tensors, e.g. 'blk.4.ffn_norm.weight' ends at byte 1185376 but the file has 1185375/,
      ],
    ];
    for (const [length, message] of cuts) {
      const error = await expectRejected(`cut-${length}.gguf`, original.subarray(0, length), message);
      expect(error.hint).toMatch(/truncated|incomplete|cut off/);
    }
  });

  it('absurd counts and lengths, without allocating them', async () => {
    const absurd = 10n ** 12n;
    await expectRejected(
      'tensors.gguf',
      patched(8, (b) => b.writeBigUInt64LE(absurd)),
      /claims 1000000000000 tensors/,
    );
    await expectRejected(
      'kvs.gguf',
      patched(16, (b) => b.writeBigUInt64LE(absurd)),
      /1000000000000 metadata entries/,
    );
    await expectRejected(
      'huge.gguf',
      patched(8, (b) => b.writeBigUInt64LE(2n ** 64n - 1n)),
      /impossibly large/,
    );
    await expectRejected(
      'string.gguf',
      patched(24, (b) => b.writeBigUInt64LE(2n ** 40n)),
      /metadata key 1 of 19: string length 1099511627776 runs past the end of the file/,
    );
    // tokenizer.ggml.tokens: key length (8) + key (21) + type (4) + element type (4), then the count.
    await expectRejected(
      'array.gguf',
      patched(24 + 8 + 21 + 4 + 4, (b) => b.writeBigUInt64LE(2n ** 50n)),
      /array of 1125899906842624 string values cannot fit/,
    );
  });

  it('unknown ggml type and tensor data beyond the end of the file', async () => {
    const info = tensorInfoOffset('token_embd.weight');
    const typeOffset = info + 8 + 'token_embd.weight'.length + 4 + 2 * 8;
    await expectRejected(
      'type.gguf',
      patched(typeOffset, (b) => b.writeUInt32LE(99)),
      /'token_embd.weight' has unknown ggml type 99/,
    );
    await expectRejected(
      'removed.gguf',
      patched(typeOffset, (b) => b.writeUInt32LE(31)),
      /unknown ggml type 31/,
    );
    const beyond = await expectRejected(
      'beyond.gguf',
      patched(typeOffset + 4, (b) => b.writeBigUInt64LE(2n ** 40n)),
      /past the end of the file: 1 of 48 tensors, e.g. 'token_embd.weight'/,
    );
    expect(beyond.hint).toMatch(/truncated/);
    await expectRejected(
      'misaligned.gguf',
      patched(typeOffset + 4, (b) => b.writeBigUInt64LE(4n)),
      /not a multiple of 32/,
    );
  });
});
