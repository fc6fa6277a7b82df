/**
 * Writes the inputs of the bad-input corpus that are binary or large (non-UTF-8 bytes, 20 MB
 * lines, Parquet, corrupt GGUF), so none of them is committed. The corpus test copies the case
 * folders to a temp dir and calls this on the copy; run it by hand with
 * `npx tsx tests/bad-input/make-binary-cases.ts <copy of tests/bad-input>` to look at the files.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeTestParquet } from '../../src/documents/parquet-fixture.ts';
import { STORIES } from '../helpers.ts';

/** A line past typical read-buffer sizes (64 KiB streams, 1-16 MiB buffers): it must not hang or truncate. */
const LONG = 20 * 1024 * 1024;

export function makeBinaryCases(root: string): void {
  const put = (path: string, bytes: Uint8Array | string) => writeFileSync(join(root, path), bytes);
  const nl = Buffer.from('\n');
  const lines = (...items: (string | Buffer)[]) => Buffer.concat(items.map((l) => Buffer.concat([Buffer.from(l), nl])));

  // Latin-1 "é" (0xE9) where UTF-8 is required, on line 3.
  put(
    'jsonl-invalid-utf8/data.jsonl',
    lines(
      '{"question": "Is the sky blue?", "answer": 0}',
      '{"question": "Is fire cold?", "answer": 1}',
      Buffer.from('{"question": "Caf\xe9 or tea?", "answer": 0}', 'latin1'),
    ),
  );
  put(
    'csv-invalid-utf8/data.csv',
    lines('question,answer', 'Is the sky blue?,0', Buffer.from('Caf\xe9 or tea?,1', 'latin1')),
  );

  // A valid 20 MB record is legal (HF's json and csv builders read it), so it must load; the
  // error two lines later proves the reader got past it and still counts lines right.
  const longQuestion = 'why '.repeat(LONG / 4);
  put(
    'jsonl-long-line/data.jsonl',
    lines(
      JSON.stringify({ question: longQuestion, answer: 0 }),
      '{"question": "Is fire cold?", "answer": 1}',
      '{"question": "Do fish swim?", "answer": 0',
    ),
  );
  // The 20 MB line itself is broken: the error must name it without echoing it.
  put(
    'jsonl-long-line-broken/data.jsonl',
    lines('{"question": "Is the sky blue?", "answer": 0}', `{"question": "${longQuestion}, "answer": 1}`),
  );
  put('csv-long-line/data.csv', lines('question,answer', `"${longQuestion}",0`, 'Is fire cold?,1,extra'));

  put(
    'parquet-missing-column/data.parquet',
    writeTestParquet([
      { name: 'query', values: ['Is the sky blue?', 'Is fire cold?'] },
      { name: 'answer', values: [0, 1] },
    ]),
  );
  const valid = writeTestParquet([
    { name: 'question', values: ['Is the sky blue?', 'Is fire cold?'] },
    { name: 'answer', values: [0, 1] },
  ]);
  put('parquet-truncated/data.parquet', valid.subarray(0, Math.floor(valid.length * 0.6)));
  // Right magic at both ends, noise in between: a footer length pointing nowhere.
  const noise = Buffer.from(Array.from({ length: 512 }, (_, i) => (i * 131 + 7) % 256));
  put('parquet-garbage/data.parquet', Buffer.concat([Buffer.from('PAR1'), noise, Buffer.from('PAR1')]));

  makeGgufCases(put);
}

function makeGgufCases(put: (path: string, bytes: Uint8Array | string) => void): void {
  const original = readFileSync(STORIES);
  const patched = (write: (copy: Buffer) => void) => {
    const copy = Buffer.from(original);
    write(copy);
    return copy;
  };
  // stories260K's tensor infos follow its metadata: u64 name length, name, u32 n_dims,
  // u64 dims[n_dims], u32 ggml type, u64 data offset.
  const tensorInfo = (name: string) => {
    const nameAt = original.lastIndexOf(Buffer.from(name));
    const nDims = original.readUInt32LE(nameAt + name.length);
    const dimsAt = nameAt + name.length + 4;
    return { dimsAt, offsetAt: dimsAt + 8 * nDims + 4 };
  };

  put('gguf-truncated/model.gguf', original.subarray(0, Math.floor(original.length / 2)));
  put('gguf-truncated-header/model.gguf', original.subarray(0, 4000));
  put('gguf-empty/model.gguf', '');
  put(
    'gguf-wrong-magic/model.gguf',
    patched((b) => b.write('GGML', 0, 'latin1')),
  );
  put(
    'gguf-bad-version/model.gguf',
    patched((b) => b.writeUInt32LE(99, 4)),
  );
  put(
    'gguf-lfs-pointer/model.gguf',
    'version https://git-lfs.github.com/spec/v1\noid sha256:0123456789abcdef\nsize 1185376\n',
  );
  put(
    'gguf-absurd-tensor-count/model.gguf',
    patched((b) => b.writeBigUInt64LE(1n << 40n, 8)),
  );
  // token_embd.weight is [64, 512] F32; 2^31 x 2^31 elements overflows any real size.
  const embd = tensorInfo('token_embd.weight');
  put(
    'gguf-absurd-dims/model.gguf',
    patched((b) => {
      b.writeBigUInt64LE(1n << 31n, embd.dimsAt);
      b.writeBigUInt64LE(1n << 31n, embd.dimsAt + 8);
    }),
  );
  // The last tensor's data moved 1 GiB (still aligned) past the end of the 1 MiB file.
  const last = tensorInfo('blk.4.ffn_norm.weight');
  put(
    'gguf-tensor-beyond-eof/model.gguf',
    patched((b) => b.writeBigUInt64LE(b.readBigUInt64LE(last.offsetAt) + (1n << 30n), last.offsetAt)),
  );
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/^.*\//, ''))) {
  const root = process.argv[2];
  if (!root) throw new Error('usage: make-binary-cases.ts <copy of tests/bad-input>');
  makeBinaryCases(root);
}
