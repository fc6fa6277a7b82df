import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, open, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getLlama, type Llama, LlamaLogLevel, type Token } from 'node-llama-cpp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserError } from '../errors.ts';
import { type GgufInfo, readGgufInfo, summarizeGguf } from './read.ts';
import { encodeF16, encodeQ8_0 } from './weights.ts';
import { type LlamaModelOptions, writeLlamaGguf } from './write.ts';

const MODELS = fileURLToPath(new URL('../../../shared/models/', import.meta.url));
const STORIES = join(MODELS, 'stories260K.gguf');
const BPE_DIR = join(MODELS, 'bpe-49152');

const tiny: LlamaModelOptions = {
  nLayer: 2,
  nEmbd: 64,
  nHead: 4,
  nHeadKv: 2,
  nFf: 128,
  nCtx: 256,
  seed: 42,
  tokenizer: { from: 'gguf', path: STORIES },
};

let dir: string;
let llama: Llama;
let stories: GgufInfo;
let storiesTokens: Token[];
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gguf-write-'));
  llama = await getLlama({ gpu: false, build: 'never', logLevel: LlamaLogLevel.error });
  stories = await readGgufInfo(STORIES);
  const model = await llama.loadModel({ modelPath: STORIES });
  storiesTokens = model.tokenize('Once upon a time');
  await model.dispose();
});
afterAll(async () => {
  await llama?.dispose();
  await rm(dir, { recursive: true, force: true });
});

async function tensorBytes(info: GgufInfo, name: string): Promise<Buffer> {
  const tensor = info.tensors.find((candidate) => candidate.name === name)!;
  const file = await open(info.path, 'r');
  try {
    const bytes = Buffer.alloc(tensor.byteSize);
    await file.read(bytes, 0, bytes.length, info.tensorDataOffset + tensor.offset);
    return bytes;
  } finally {
    await file.close();
  }
}

describe('writeLlamaGguf with the stories260K tokenizer', () => {
  for (const tensorType of ['F32', 'F16', 'Q8_0'] as const) {
    it(`${tensorType}: loads in llama.cpp, tokenizes like stories260K and generates`, async () => {
      const path = join(dir, `tiny-${tensorType}.gguf`);
      const written = await writeLlamaGguf(path, { ...tiny, tensorType });
      const model = await llama.loadModel({ modelPath: path });
      try {
        expect(model.tokenize('Once upon a time')).toEqual(storiesTokens);
        const context = await model.createContext({ contextSize: 64 });
        const generated: number[] = [];
        for await (const token of context.getSequence().evaluate(storiesTokens, { temperature: 0 })) {
          generated.push(token);
          if (generated.length === 4) break;
        }
        expect(generated).toHaveLength(4);
        for (const token of generated) expect(token).toBeGreaterThanOrEqual(0);
        for (const token of generated) expect(token).toBeLessThan(512);
        await context.dispose();
      } finally {
        await model.dispose();
      }
      expect(written.bytes).toBe((await readFile(path)).length);
      expect(existsSync(`${path}.partial`)).toBe(false);
    });
  }

  it('round-trips through readGgufInfo', async () => {
    const path = join(dir, 'roundtrip.gguf');
    const written = await writeLlamaGguf(path, { ...tiny, tensorType: 'Q8_0', ropeFreqBase: 5e5 });
    const info = await readGgufInfo(path);
    expect(info.fileSize).toBe(written.bytes);
    expect(summarizeGguf(info)).toMatchObject({
      architecture: 'llama',
      parameterCount: written.parameterCount,
      fileType: 7,
      quantisation: 'Q8_0',
      contextLength: 256,
      vocabSize: 512,
      addBosToken: true,
    });
    expect(info.metadata).toMatchObject({
      'general.alignment': 32,
      'llama.block_count': 2,
      'llama.embedding_length': 64,
      'llama.feed_forward_length': 128,
      'llama.attention.head_count': 4,
      'llama.attention.head_count_kv': 2,
      'llama.rope.freq_base': 5e5,
      'llama.rope.dimension_count': 16,
      'llama.vocab_size': 512,
    });
    expect(info.metadata['llama.attention.layer_norm_rms_epsilon']).toBeCloseTo(1e-5, 10);
    for (const key of Object.keys(stories.metadata).filter((k) => k.startsWith('tokenizer.'))) {
      expect(info.metadata[key], key).toEqual(stories.metadata[key]);
      expect(info.metadataTypes[key], key).toEqual(stories.metadataTypes[key]);
    }
    const shapes = Object.fromEntries(info.tensors.map((t) => [t.name, `${t.typeName}[${t.dims.join(',')}]`]));
    expect(shapes).toMatchObject({
      'token_embd.weight': 'Q8_0[64,512]',
      'blk.1.attn_norm.weight': 'F32[64]',
      'blk.1.attn_q.weight': 'Q8_0[64,64]',
      'blk.1.attn_k.weight': 'Q8_0[64,32]',
      'blk.1.attn_v.weight': 'Q8_0[64,32]',
      'blk.1.attn_output.weight': 'Q8_0[64,64]',
      'blk.1.ffn_norm.weight': 'F32[64]',
      'blk.1.ffn_gate.weight': 'Q8_0[64,128]',
      'blk.1.ffn_up.weight': 'Q8_0[64,128]',
      'blk.1.ffn_down.weight': 'Q8_0[128,64]',
      'output_norm.weight': 'F32[64]',
      'output.weight': 'Q8_0[64,512]',
    });
    expect(info.tensors).toHaveLength(1 + 2 * 9 + 2);
    const norm = await tensorBytes(info, 'output_norm.weight');
    expect([...new Float32Array(norm.buffer, norm.byteOffset, 64)]).toEqual(new Array(64).fill(1));
  });

  it('writes the same weights in every type, and the same bytes for the same seed', async () => {
    const f32 = await readGgufInfo(join(dir, 'tiny-F32.gguf'));
    const raw = await tensorBytes(f32, 'blk.0.ffn_down.weight');
    const values = new Float32Array(raw.buffer, raw.byteOffset, raw.length / 4);
    const std = Math.sqrt(values.reduce((sum, v) => sum + v * v, 0) / values.length);
    expect(std).toBeCloseTo(0.02, 2);
    const f16 = await readGgufInfo(join(dir, 'tiny-F16.gguf'));
    expect((await tensorBytes(f16, 'blk.0.ffn_down.weight')).equals(encodeF16(values))).toBe(true);
    const q8 = await readGgufInfo(join(dir, 'tiny-Q8_0.gguf'));
    expect((await tensorBytes(q8, 'blk.0.ffn_down.weight')).equals(encodeQ8_0(values))).toBe(true);

    const again = join(dir, 'again-F16.gguf');
    await writeLlamaGguf(again, { ...tiny, tensorType: 'F16' });
    const sha = async (path: string) =>
      createHash('sha256')
        .update(await readFile(path))
        .digest('hex');
    expect(await sha(again)).toBe(await sha(join(dir, 'tiny-F16.gguf')));
    await writeLlamaGguf(again, { ...tiny, tensorType: 'F16', seed: 43 });
    expect(await sha(again)).not.toBe(await sha(join(dir, 'tiny-F16.gguf')));
  });

  it('omits output.weight when embeddings are tied', async () => {
    const written = await writeLlamaGguf(join(dir, 'tied.gguf'), { ...tiny, tiedEmbeddings: true });
    const info = await readGgufInfo(written.path);
    expect(info.tensors.map((t) => t.name)).not.toContain('output.weight');
    expect(written.parameterCount).toBe(summarizeGguf(info).parameterCount);
  });

  it('rejects impossible shapes with a UserError and leaves no file', async () => {
    const path = join(dir, 'bad.gguf');
    await expect(writeLlamaGguf(path, { ...tiny, nEmbd: 48, nHead: 4, tensorType: 'Q8_0' })).rejects.toThrow(
      /Q8_0 needs nEmbd and nFf to be multiples of 32/,
    );
    await expect(writeLlamaGguf(path, { ...tiny, nHead: 5 })).rejects.toThrow(/not divisible by nHead 5/);
    await expect(writeLlamaGguf(path, { ...tiny, nLayer: 0 })).rejects.toBeInstanceOf(UserError);
    await expect(writeLlamaGguf(path, { ...tiny, tokenizer: { from: 'hf', dir } })).rejects.toThrow(/cannot read/);
    expect(existsSync(path)).toBe(false);
  });
});

describe('writeLlamaGguf with the SmolLM2 tokenizer.json', () => {
  it('loads in llama.cpp and tokenizes as the vocabulary implies', async () => {
    const tokenizerJson = JSON.parse(await readFile(join(BPE_DIR, 'tokenizer.json'), 'utf8'));
    const config = JSON.parse(await readFile(join(BPE_DIR, 'tokenizer_config.json'), 'utf8'));
    const vocab: Record<string, number> = tokenizerJson.model.vocab;
    const path = join(dir, 'smol.gguf');
    await writeLlamaGguf(path, { ...tiny, tiedEmbeddings: true, tokenizer: { from: 'hf', dir: BPE_DIR } });

    const model = await llama.loadModel({ modelPath: path });
    try {
      expect(model.tokenize('Hello world')).toEqual([vocab.Hello, vocab.Ġworld]);
      expect(model.tokenize('<|im_start|>user', true)).toEqual([1, vocab.user]);
    } finally {
      await model.dispose();
    }

    const info = await readGgufInfo(path);
    expect(info.metadata).toMatchObject({
      'tokenizer.ggml.model': 'gpt2',
      'tokenizer.ggml.pre': 'smollm',
      'tokenizer.ggml.bos_token_id': 1,
      'tokenizer.ggml.eos_token_id': 2,
      'tokenizer.ggml.unknown_token_id': 0,
      'tokenizer.ggml.padding_token_id': 2,
      'tokenizer.ggml.add_bos_token': false,
      'tokenizer.ggml.add_space_prefix': false,
      'tokenizer.chat_template': config.chat_template,
    });
    const tokens = info.metadata['tokenizer.ggml.tokens'] as string[];
    expect(tokens).toHaveLength(49_152);
    expect(tokens[905]).toBe('Ġworld');
    const tokenTypes = info.metadata['tokenizer.ggml.token_type'] as Int32Array;
    expect([...tokenTypes.subarray(0, 18)]).toEqual([...new Array(17).fill(3), 1]);
    expect((info.metadata['tokenizer.ggml.merges'] as string[]).slice(0, 2)).toEqual(['Ġ t', 'Ġ a']);
    expect(summarizeGguf(info)).toMatchObject({
      vocabSize: 49_152,
      addBosToken: false,
      chatTemplate: config.chat_template,
    });
  });
});
