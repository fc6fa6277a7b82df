import { type FileHandle, open, rename, rm } from 'node:fs/promises';
import { UserError } from '../errors.ts';
import { encodeHeader, type PlacedTensor, placeTensors, type TensorLayout } from './encode.ts';
import { GGML_TYPE_CODE, GGUF_DEFAULT_ALIGNMENT, type GgufEntry } from './format.ts';
import { loadTokenizerMetadata, type TokenizerSource } from './tokenizer-metadata.ts';
import { encodeF16, encodeF32, encodeQ8_0, NormalSampler, Q8_0_BLOCK } from './weights.ts';

export type WeightType = keyof typeof GGML_TYPE_CODE;

/** Shape and contents of a llama-architecture model with random weights. */
export interface LlamaModelOptions {
  readonly nLayer: number;
  readonly nEmbd: number;
  readonly nHead: number;
  /** Grouped-query attention: key/value heads; defaults to nHead. */
  readonly nHeadKv?: number;
  readonly nFf: number;
  readonly nCtx: number;
  readonly ropeFreqBase?: number;
  readonly rmsEps?: number;
  /** No output.weight: llama.cpp then reuses token_embd for the output projection. */
  readonly tiedEmbeddings?: boolean;
  /** Type of the weight matrices; norms are always F32. Default F16. */
  readonly tensorType?: WeightType;
  readonly seed?: number;
  /** Standard deviation of the N(0, std) weights. */
  readonly std?: number;
  readonly tokenizer: TokenizerSource;
  readonly name?: string;
}

export interface WrittenModel {
  readonly path: string;
  readonly parameterCount: number;
  readonly bytes: number;
}

/** llama_ftype written as general.file_type for each weight type. */
const FILE_TYPE: Record<WeightType, number> = { F32: 0, F16: 1, Q8_0: 7 };
const ENCODERS: Record<WeightType, (values: Float32Array) => Buffer> = {
  F32: encodeF32,
  F16: encodeF16,
  Q8_0: encodeQ8_0,
};
/** Values generated per write: keeps memory flat (~16 MB) whatever the model size. */
const CHUNK_ELEMENTS = 1 << 22;

/**
 * Writes a GGUF v3 llama model with seeded random weights, streaming tensor data to disk. The
 * file appears at `path` only once complete (it is written as `path.partial` and renamed).
 */
export async function writeLlamaGguf(path: string, options: LlamaModelOptions): Promise<WrittenModel> {
  const shape = checkOptions(options);
  const tokenizer = await loadTokenizerMetadata(options.tokenizer);
  const tensors = placeTensors(tensorLayouts(shape, tokenizer.vocabSize), GGUF_DEFAULT_ALIGNMENT);
  const entries = [...modelMetadata(options, shape, tokenizer.vocabSize), ...tokenizer.entries];
  const header = encodeHeader(entries, tensors, GGUF_DEFAULT_ALIGNMENT);

  const partialPath = `${path}.partial`;
  const file = await openForWriting(partialPath);
  let bytes = 0;
  try {
    bytes += await writeAll(file, header);
    for (const tensor of tensors) {
      const padding = header.length + tensor.offset - bytes;
      if (padding > 0) bytes += await writeAll(file, Buffer.alloc(padding));
      bytes += await writeTensorData(file, tensor, shape, options);
    }
    await file.close();
    await rename(partialPath, path);
  } catch (error) {
    await file.close().catch(() => {});
    await rm(partialPath, { force: true });
    throw error;
  }
  const parameterCount = tensors.reduce((sum, tensor) => sum + tensor.elementCount, 0);
  return { path, parameterCount, bytes };
}

interface ModelShape {
  readonly nLayer: number;
  readonly nEmbd: number;
  readonly nHead: number;
  readonly nHeadKv: number;
  readonly nFf: number;
  readonly headDim: number;
  readonly tied: boolean;
  readonly weightType: WeightType;
}

function checkOptions(options: LlamaModelOptions): ModelShape {
  const fail = (field: string, message: string, hint?: string): never => {
    throw new UserError(message, { field }, hint);
  };
  const { nLayer, nEmbd, nHead, nFf, nCtx } = options;
  const nHeadKv = options.nHeadKv ?? nHead;
  const weightType = options.tensorType ?? 'F16';
  for (const [field, value] of Object.entries({ nLayer, nEmbd, nHead, nHeadKv, nFf, nCtx })) {
    if (!Number.isInteger(value) || value < 1) fail(field, `must be a positive integer, got ${value}`);
  }
  if (nEmbd % nHead !== 0) fail('nHead', `nEmbd ${nEmbd} is not divisible by nHead ${nHead}`);
  if (nHead % nHeadKv !== 0) fail('nHeadKv', `nHead ${nHead} is not divisible by nHeadKv ${nHeadKv}`);
  const headDim = nEmbd / nHead;
  if (headDim % 2 !== 0) fail('nHead', `head size ${headDim} (nEmbd / nHead) must be even for RoPE`);
  if (!(weightType in FILE_TYPE)) fail('tensorType', `unknown tensor type ${weightType}`, 'use F32, F16 or Q8_0');
  if (weightType === 'Q8_0' && (nEmbd % Q8_0_BLOCK !== 0 || nFf % Q8_0_BLOCK !== 0)) {
    fail('tensorType', `Q8_0 needs nEmbd and nFf to be multiples of ${Q8_0_BLOCK} (got ${nEmbd}, ${nFf})`, 'use F16');
  }
  if (!((options.std ?? 0.02) >= 0)) fail('std', `must be a non-negative number, got ${options.std}`);
  return { nLayer, nEmbd, nHead, nHeadKv, nFf, headDim, tied: options.tiedEmbeddings ?? false, weightType };
}

/** Tensor names and GGUF-order shapes of llama.cpp's LLM_ARCH_LLAMA (llama-arch.cpp). */
function tensorLayouts(shape: ModelShape, vocabSize: number): TensorLayout[] {
  const { nEmbd, nFf, nHeadKv, headDim } = shape;
  const weight = GGML_TYPE_CODE[shape.weightType];
  const norm = GGML_TYPE_CODE.F32; // llama.cpp expects norms in F32 whatever the file type
  const kvWidth = nHeadKv * headDim;
  const layouts: TensorLayout[] = [{ name: 'token_embd.weight', dims: [nEmbd, vocabSize], type: weight }];
  for (let layer = 0; layer < shape.nLayer; layer++) {
    const block = `blk.${layer}`;
    layouts.push(
      { name: `${block}.attn_norm.weight`, dims: [nEmbd], type: norm },
      { name: `${block}.attn_q.weight`, dims: [nEmbd, nEmbd], type: weight },
      { name: `${block}.attn_k.weight`, dims: [nEmbd, kvWidth], type: weight },
      { name: `${block}.attn_v.weight`, dims: [nEmbd, kvWidth], type: weight },
      { name: `${block}.attn_output.weight`, dims: [nEmbd, nEmbd], type: weight },
      { name: `${block}.ffn_norm.weight`, dims: [nEmbd], type: norm },
      { name: `${block}.ffn_gate.weight`, dims: [nEmbd, nFf], type: weight },
      { name: `${block}.ffn_up.weight`, dims: [nEmbd, nFf], type: weight },
      { name: `${block}.ffn_down.weight`, dims: [nFf, nEmbd], type: weight },
    );
  }
  layouts.push({ name: 'output_norm.weight', dims: [nEmbd], type: norm });
  if (!shape.tied) layouts.push({ name: 'output.weight', dims: [nEmbd, vocabSize], type: weight });
  return layouts;
}

function modelMetadata(options: LlamaModelOptions, shape: ModelShape, vocabSize: number): GgufEntry[] {
  const u32 = (key: string, value: number): GgufEntry => ({ key, type: 'uint32', value });
  const f32 = (key: string, value: number): GgufEntry => ({ key, type: 'float32', value });
  return [
    { key: 'general.architecture', type: 'string', value: 'llama' },
    { key: 'general.name', type: 'string', value: options.name ?? 'evalboard random llama' },
    u32('general.file_type', FILE_TYPE[shape.weightType]),
    u32('general.alignment', GGUF_DEFAULT_ALIGNMENT),
    u32('llama.block_count', shape.nLayer),
    u32('llama.context_length', options.nCtx),
    u32('llama.embedding_length', shape.nEmbd),
    u32('llama.feed_forward_length', shape.nFf),
    u32('llama.attention.head_count', shape.nHead),
    u32('llama.attention.head_count_kv', shape.nHeadKv),
    f32('llama.rope.freq_base', options.ropeFreqBase ?? 10_000),
    f32('llama.attention.layer_norm_rms_epsilon', options.rmsEps ?? 1e-5),
    u32('llama.rope.dimension_count', shape.headDim),
    u32('llama.vocab_size', vocabSize),
  ];
}

async function openForWriting(path: string): Promise<FileHandle> {
  try {
    return await open(path, 'w');
  } catch (error) {
    throw new UserError('cannot create the model file', { file: path }, (error as Error).message);
  }
}

/** FileHandle.write may write less than asked; loop until all of it is on disk. */
async function writeAll(file: FileHandle, bytes: Buffer): Promise<number> {
  for (let at = 0; at < bytes.length; ) at += (await file.write(bytes, at, bytes.length - at)).bytesWritten;
  return bytes.length;
}

/** Norms are ones; other tensors are N(0, std), generated and encoded a few whole rows at a time. */
async function writeTensorData(
  file: FileHandle,
  tensor: PlacedTensor,
  shape: ModelShape,
  options: LlamaModelOptions,
): Promise<number> {
  const isNorm = tensor.dims.length === 1;
  const encode = isNorm ? encodeF32 : ENCODERS[shape.weightType];
  const rowLength = tensor.dims[0]!;
  const rowsPerChunk = Math.max(1, Math.floor(CHUNK_ELEMENTS / rowLength));
  const sampler = new NormalSampler(options.seed ?? 0, tensor.name);
  let written = 0;
  for (let done = 0; done < tensor.elementCount; ) {
    const values = new Float32Array(Math.min(rowsPerChunk * rowLength, tensor.elementCount - done));
    if (isNorm) values.fill(1);
    else sampler.fill(values, options.std ?? 0.02);
    written += await writeAll(file, encode(values));
    done += values.length;
  }
  return written;
}
