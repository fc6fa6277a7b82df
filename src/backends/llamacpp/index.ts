import { UserError } from '../../errors.ts';
import type { Backend } from '../types.ts';
import { LlamaCppBackend } from './backend.ts';
import { fileSha256 } from './file-hash.ts';
import { describeRun } from './info.ts';
import {
  type ContextRequest,
  checkModelFile,
  createScoringContext,
  errorMessage,
  getSharedLlama,
  loadModelFile,
} from './load.ts';
import { type KvHelper, loadKvHelper } from './native/helper-build.ts';
import { addonModelOf } from './native/node-llama-internals.ts';
import { createPackedContext, type PackedContextHandle } from './native/packed-context.ts';
import { DEFAULT_N_CTX_CAP, type LlamaCppOptions, validateOptions } from './options.ts';
import { CELL_BLOCK } from './scoring/packed-layout.ts';
import type { RequestTokenizer } from './tokenize.ts';

/** Sequence ids of the packed scorer's context: leaves of the units in one decode, plus two. */
const PACKED_SEQUENCES = 128;
/** Tokens per packed decode unless n_batch says otherwise: node-llama-cpp's own default. */
const DEFAULT_PACKED_BATCH = 512;

export { renderChatTemplate } from './chat.ts';
export { getRollingTokenWindows, makeDisjointWindow } from './scoring/rolling.ts';
export type { LlamaCppOptions };

/**
 * Loads a GGUF model with node-llama-cpp and serves lm-eval's three request kinds with HFLM's
 * semantics (tokenisation, truncation, rolling windows, stop strings).
 */
export async function createLlamaCppBackend(o: LlamaCppOptions): Promise<Backend> {
  validateOptions(o);
  await checkModelFile(o.modelPath);
  const llama = await getSharedLlama(o.verbose ?? false);
  // Hash while llama.cpp loads: both read the whole file, and the OS cache serves the second reader.
  const hashing = fileSha256(o.modelPath);
  hashing.catch(() => undefined); // awaited below; unobserved if loading fails first
  const model = await loadModelFile(llama, o.modelPath);
  let packed: PackedContextHandle | null = null;
  try {
    const sha256 = await hashing;
    const nCtx = o.nCtx ?? Math.min(model.trainContextSize, DEFAULT_N_CTX_CAP);
    const threads = o.nThreads ?? llama.cpuMathCores;
    const contextRequest = {
      nCtx,
      nBatch: o.nBatch,
      // node-llama-cpp's CPU default is max(cores, 4): on a 2-core machine 4 spinning threads halve throughput.
      nThreads: threads,
      // Off unless asked for: on CPU it accumulates attention in F16 (docs/numerics.md).
      flashAttention: o.flashAttention ?? false,
      sequences: o.batchSize,
    };
    const helperLoad = await loadKvHelper();
    const packedBatch = o.nBatch ?? DEFAULT_PACKED_BATCH;
    // A helper that does not match node-llama-cpp's layout throws (addonModelOf) rather than falling back.
    if (helperLoad.helper)
      packed = openPackedContext(
        helperLoad.helper,
        addonModelOf(helperLoad.helper, model),
        contextRequest,
        packedBatch,
        threads,
      );
    // node-llama-cpp's context holds sequences × n_ctx cells (on the 135M shape at 8 × 2,049, 391 MiB
    // of peak RSS; bench/README.md): with the packed scorer only generation needs it, so it is made
    // then; the naive scorer needs it at once.
    const context = packed ? null : await createScoringContext(model, contextRequest);
    const { tokens } = model;
    const prefixToken = tokens.bos ?? tokens.eos;
    if (prefixToken === null)
      throw new UserError(
        `${o.modelPath} has neither a BOS nor an EOS token`,
        { field: '--model_args' },
        'use another model',
      );
    const tokenizer: RequestTokenizer = {
      tokenize: (text) => model.tokenize(text, true),
      // node-llama-cpp: BOS exists and llama_vocab_get_add_bos (GGUF add_bos_token, else the vocab type's default).
      addBos: tokens.shouldPrependBosToken,
      bosToken: tokens.bos,
      prefixToken,
      prefixText: tokens.bos !== null ? tokens.bosString : tokens.eosString,
    };
    const chatTemplate = model.fileInfo.metadata.tokenizer?.chat_template ?? null;
    // Settings that change outputs; the id (the cache key's model part) is built from them.
    const rollingBos = o.rollingBos ?? 'scored';
    const outputSettings = {
      nCtx,
      addBos: tokenizer.addBos,
      rollingBos,
      flashAttention: contextRequest.flashAttention,
      seed: o.seed,
    };
    const settings: Record<string, string | number | boolean> = {
      ...outputSettings,
      parseSpecialTokens: true,
      nBatch: context?.batchSize ?? packedBatch,
      // The requested batch size until node-llama-cpp's context exists, then its sequence count.
      sequences: context?.totalSequences ?? o.batchSize,
    };
    const openContext = async () => {
      if (context) return context;
      const created = await createScoringContext(model, contextRequest);
      settings.sequences = created.totalSequences;
      return created;
    };
    const details = {
      ...(await describeRun(llama, model, context?.currentThreads ?? threads)),
      // 'native': log-probabilities read by our helper (native/kv-helper.cc); 'sampler': node-llama-cpp's.
      logitReader: packed ? 'native' : 'sampler',
      // 'packed': log-likelihoods on a unified KV cache (scoring/packed-scoring.ts); 'naive': each
      // request alone (scoring/naive-reference.ts), where the native helper could not be built.
      scorer: packed ? 'packed' : 'naive',
      // Which cell layout the packed scorer's numbers come from (docs/numerics.md, "The contract"):
      // runs with the same layout version are comparable bit for bit.
      scoringLayout: packed ? (contextRequest.flashAttention ? 'cell-order-v1' : 'contiguous-v1') : 'naive',
      ...(!helperLoad.helper && { scorerFallbackReason: helperLoad.reason }),
      ...o.extraDetails,
    };
    const maxUnitsPerDecode = o.batchSize === 'auto' ? Number.POSITIVE_INFINITY : o.batchSize;
    return new LlamaCppBackend({
      id: `llamacpp:${JSON.stringify({ model: `sha256:${sha256}`, ...outputSettings })}`,
      info: {
        backend: 'llamacpp',
        modelId: `sha256:${sha256}`,
        settings,
        details,
      },
      maxLength: nCtx,
      seed: o.seed,
      model,
      openContext,
      tokenizer,
      rollingBos,
      chatTemplate,
      ...(packed && { packed: { context: packed, maxUnitsPerDecode } }),
    });
  } catch (e) {
    packed?.dispose();
    await model.dispose();
    throw e;
  }
}

/** The packed scorer's context (a few MiB per 1,000 cells), made now so that a bad n_ctx fails at startup. */
function openPackedContext(
  helper: KvHelper,
  addonModel: object,
  r: ContextRequest,
  batchTokens: number,
  threads: number,
): PackedContextHandle {
  const { nCtx } = r;
  try {
    return createPackedContext(helper, addonModel, {
      cells: nCtx + batchTokens + CELL_BLOCK,
      batchTokens,
      sequences: PACKED_SEQUENCES,
      threads,
      flashAttention: r.flashAttention,
    });
  } catch (e) {
    throw new UserError(
      `cannot create a llama.cpp context (n_ctx=${nCtx}, n_batch=${batchTokens}): ${errorMessage(e)}`,
      { field: '--model_args' },
      'lower n_ctx or n_batch',
    );
  }
}
