/**
 * Every use of node-llama-cpp's private internals, pinned at node-llama-cpp 3.21.1 (package.json
 * pins it exactly; README.md here says what to check when upgrading). Two things are reached:
 * - the native AddonModel behind a LlamaModel (`_model`), whose llama_model* the helper's own
 *   scoring context is built on;
 * - the native AddonContext behind a LlamaContext (`_ctx`), whose decode and sample methods the
 *   output-reorder guard wraps for generation.
 */
import type { LlamaContext, LlamaModel } from 'node-llama-cpp';
import { UserError } from '../../../errors.ts';
import type { KvHelper } from './helper-build.ts';

export const PINNED_NODE_LLAMA_CPP = '3.21.1';

/**
 * node-llama-cpp's AddonModel behind `model`, checked against the helper: the helper unwraps it with
 * the class layout of node-llama-cpp's headers and reads llama_model_n_ctx_train, which must equal
 * what node-llama-cpp itself reports. A mismatch means the helper would read another struct than the
 * one node-llama-cpp built, so it fails here, at startup, instead of scoring with garbage.
 */
export function addonModelOf(helper: KvHelper, model: LlamaModel): object {
  const addonModel = (model as unknown as { _model?: unknown })._model;
  let seen: string;
  if (typeof addonModel !== 'object' || addonModel === null) seen = 'LlamaModel has no native `_model`';
  else {
    try {
      const helperSees = helper.modelTrainContextSize(addonModel);
      if (helperSees === model.trainContextSize) return addonModel;
      seen = `the helper reads a training context of ${helperSees}, node-llama-cpp ${model.trainContextSize}`;
    } catch (e) {
      seen = `the helper cannot read its AddonModel (${e instanceof Error ? e.message : String(e)})`;
    }
  }
  throw new UserError(
    `node-llama-cpp's internals do not match what the native scoring helper expects: ${seen}`,
    {},
    `use node-llama-cpp ${PINNED_NODE_LLAMA_CPP} (src/backends/llamacpp/native/README.md), or run with ` +
      'EVALBOARD_NATIVE_HELPER=0 to score on the slow naive path',
  );
}

/** The methods of node-llama-cpp's AddonContext that the output-reorder guard wraps. */
export interface AddonContextMethods {
  decodeBatch(): Promise<void>;
  sampleToken(...args: unknown[]): Promise<unknown>;
}

/** node-llama-cpp's AddonContext behind `context`; throws if its methods are not where they were. */
export function addonContextOf(context: LlamaContext): AddonContextMethods {
  const native = (context as unknown as { _ctx?: AddonContextMethods })._ctx;
  if (typeof native?.decodeBatch !== 'function' || typeof native.sampleToken !== 'function')
    throw new Error(
      `node-llama-cpp internals changed (pinned at ${PINNED_NODE_LLAMA_CPP}): LlamaContext has no native decodeBatch/sampleToken`,
    );
  return native;
}
