import { UserError } from '../../errors.ts';
import type { Backend } from '../types.ts';
import { LlamaCppBackend } from './backend.ts';
import { fileSha256 } from './file-hash.ts';
import { describeRun } from './info.ts';
import { checkModelFile, createScoringContext, getSharedLlama, loadModelFile } from './load.ts';
import { addonContextOf, checkHelperMatches, loadKvHelper } from './native-helper.ts';
import { DEFAULT_N_CTX_CAP, type LlamaCppOptions, validateOptions } from './options.ts';
import { createPackedContext } from './packed-context.ts';
import { CELL_BLOCK } from './packed-layout.ts';
import type { RequestTokenizer } from './tokenize.ts';

/** Sequence ids of the packed scorer's context: leaves of the units in one decode, plus two. */
const PACKED_SEQUENCES = 128;

export { renderChatTemplate } from './chat.ts';
export { getRollingTokenWindows, makeDisjointWindow } from './rolling.ts';
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
  try {
    const sha256 = await hashing;
    const nCtx = o.nCtx ?? Math.min(model.trainContextSize, DEFAULT_N_CTX_CAP);
    const contextRequest = {
      nCtx,
      nBatch: o.nBatch,
      // node-llama-cpp's CPU default is max(cores, 4): on a 2-core machine 4 spinning threads halve throughput.
      nThreads: o.nThreads ?? llama.cpuMathCores,
      // Off unless asked for: on CPU it accumulates attention in F16 (docs/numerics.md).
      flashAttention: o.flashAttention ?? false,
      sequences: o.batchSize,
    };
    const context = await createScoringContext(model, contextRequest);
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
    const helper = await loadKvHelper();
    const kvHelper = helper && checkHelperMatches(helper, addonContextOf(context)) ? helper : null;
    // EVALBOARD_SCORING=sequences keeps the per-sequence scorer (tests and benchmarks compare the two).
    const packedScoring = kvHelper !== null && process.env.EVALBOARD_SCORING !== 'sequences';
    // Settings that change outputs; the id (the cache key's model part) is built from them.
    const outputSettings = {
      nCtx,
      addBos: tokenizer.addBos,
      flashAttention: context.flashAttention === true,
      seed: o.seed,
    };
    const settings = {
      ...outputSettings,
      parseSpecialTokens: true,
      nBatch: context.batchSize,
      sequences: context.totalSequences,
    };
    return new LlamaCppBackend({
      id: `llamacpp:${JSON.stringify({ model: `sha256:${sha256}`, ...outputSettings })}`,
      info: {
        backend: 'llamacpp',
        modelId: `sha256:${sha256}`,
        settings,
        details: {
          ...(await describeRun(llama, model, context)),
          // 'native': log-probabilities read by our helper (native-helper.ts); 'sampler': node-llama-cpp's.
          logitReader: kvHelper ? 'native' : 'sampler',
          // 'packed': log-likelihoods on a unified KV cache (packed-scoring.ts); 'sequences': one
          // KV stream per sequence (trie-scoring.ts). The same bits either way (docs/numerics.md).
          scorer: packedScoring ? 'packed' : 'sequences',
          ...o.extraDetails,
        },
      },
      maxLength: nCtx,
      seed: o.seed,
      model,
      context,
      tokenizer,
      chatTemplate,
      kvHelper,
      ...(packedScoring && {
        packed: {
          create: () =>
            createPackedContext(kvHelper, model, {
              cells: nCtx + context.batchSize + CELL_BLOCK,
              batchTokens: context.batchSize,
              sequences: PACKED_SEQUENCES,
              threads: context.currentThreads,
              flashAttention: context.flashAttention === true,
            }),
          maxUnitsPerDecode: o.batchSize === 'auto' ? Number.POSITIVE_INFINITY : o.batchSize,
        },
      }),
    });
  } catch (e) {
    await model.dispose();
    throw e;
  }
}
