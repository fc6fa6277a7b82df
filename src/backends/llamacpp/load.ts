import { stat } from 'node:fs/promises';
import {
  getLlama,
  InsufficientMemoryError,
  type Llama,
  type LlamaContext,
  LlamaLogLevel,
  type LlamaModel,
} from 'node-llama-cpp';
import { UserError } from '../../errors.ts';
import { AUTO_SEQUENCES } from './options.ts';
import { guardOutputReorder } from './native/output-reorder-guard.ts';

/**
 * One binding per process: loading it costs ~0.7 s and it holds no per-model state. `build: 'never'`
 * with `skipDownload` never compiles or downloads; node-llama-cpp still prefers a local build
 * (`npx node-llama-cpp source build`, default cmake options) over the prebuilt binary when one
 * exists for the detected GPU type, so a native build is picked up without code changes.
 */
let sharedLlama: Promise<Llama> | undefined;

export async function getSharedLlama(verbose: boolean): Promise<Llama> {
  sharedLlama ??= getLlama({
    build: 'never',
    skipDownload: true,
    progressLogs: false,
    logLevel: LlamaLogLevel.error,
    // EVALBOARD_LLAMA_BINARY=prebuilt (benchmarks): options no local build was made with, so
    // node-llama-cpp passes over the local build and loads its prebuilt binary.
    ...(process.env.EVALBOARD_LLAMA_BINARY === 'prebuilt' && { cmakeOptions: { EVALBOARD_PREBUILT: '1' } }),
  });
  const llama = await sharedLlama.catch((e: unknown) => {
    sharedLlama = undefined;
    throw new UserError(`no usable llama.cpp binary: ${errorMessage(e)}`, {}, 'reinstall node-llama-cpp');
  });
  llama.logLevel = verbose ? LlamaLogLevel.info : LlamaLogLevel.error;
  return llama;
}

export function errorMessage(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0] ?? '';
}

export async function checkModelFile(modelPath: string): Promise<void> {
  const info = await stat(modelPath).catch(() => null);
  if (!info) throw new UserError(`model file not found: ${modelPath}`, { field: '--model_args' }, 'check pretrained=');
  if (!info.isFile()) throw new UserError(`model path is not a file: ${modelPath}`, { field: '--model_args' });
}

export async function loadModelFile(llama: Llama, modelPath: string): Promise<LlamaModel> {
  try {
    return await llama.loadModel({ modelPath });
  } catch (e) {
    throw new UserError(
      `cannot load ${modelPath} with llama.cpp: ${errorMessage(e)}`,
      { field: '--model_args' },
      'pass a GGUF model file',
    );
  }
}

export interface ContextRequest {
  readonly nCtx: number;
  readonly nBatch: number | undefined;
  readonly nThreads: number | undefined;
  readonly flashAttention: boolean;
  readonly sequences: number | 'auto';
}

async function tryCreateContext(model: LlamaModel, r: ContextRequest, sequences: number): Promise<LlamaContext> {
  const context = await model.createContext({
    // node-llama-cpp shifts the context (drops its oldest tokens) once a sequence holds
    // contextSize - 1 tokens, so one spare cell keeps an input of exactly nCtx tokens intact.
    contextSize: r.nCtx + 1,
    sequences,
    ...(r.nBatch !== undefined && { batchSize: r.nBatch }),
    ...(r.nThreads !== undefined && { threads: r.nThreads }),
    flashAttention: r.flashAttention,
    // With sliding-window attention llama.cpp drops old cells, and then a resident context could
    // not be reused after erasing a continuation; a full cache keeps every prefix reusable.
    swaFullCache: true,
  });
  guardOutputReorder(context);
  return context;
}

/**
 * A context with one sequence per concurrently evaluated request (each holds nCtx cells).
 * 'auto' starts at AUTO_SEQUENCES and halves while node-llama-cpp says memory is short.
 */
export async function createScoringContext(model: LlamaModel, r: ContextRequest): Promise<LlamaContext> {
  let sequences = r.sequences === 'auto' ? AUTO_SEQUENCES : r.sequences;
  for (;;) {
    try {
      return await tryCreateContext(model, r, sequences);
    } catch (e) {
      if (r.sequences === 'auto' && sequences > 1 && e instanceof InsufficientMemoryError) {
        sequences = Math.floor(sequences / 2);
        continue;
      }
      const hint =
        e instanceof InsufficientMemoryError ? 'lower n_ctx or batch_size' : 'check n_ctx, n_batch and batch_size';
      throw new UserError(
        `cannot create a llama.cpp context (n_ctx=${r.nCtx}, sequences=${sequences}): ${errorMessage(e)}`,
        { field: '--model_args' },
        hint,
      );
    }
  }
}
