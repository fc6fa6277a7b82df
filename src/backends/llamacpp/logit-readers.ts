import type { LlamaModel } from 'node-llama-cpp';
import type { AddonContextApi, KvHelper } from './native-helper.ts';
import type { RowScorer } from './trie-scoring.ts';

/** Log-probabilities straight from llama.cpp's logits rows, in native code: no vocabulary-sized JS objects. */
export function nativeRowScorer(helper: KvHelper, native: object): RowScorer {
  return async (rows, targets) => {
    const logprobs = new Float64Array(rows.length);
    const isArgmax = new Uint8Array(rows.length);
    helper.scoreRows(native, rows, targets, logprobs, isArgmax);
    return { logprobs, isArgmax };
  };
}

interface AddonSampler {
  applyConfig(config: { temperature: number }): void;
  dispose(): void;
}
type SampleWithProbabilities = (
  row: number,
  sampler: AddonSampler,
  probabilities: true,
) => Promise<[token: number, probabilities: number[] | undefined]>;

/**
 * Fallback when the helper cannot be built: node-llama-cpp's sampler softmaxes (float32) and sorts
 * the whole vocabulary per row and hands it over as an array. Rows are read one at a time, so
 * llama.cpp's lazy output reordering (see output-reorder-guard.ts) runs once, unraced.
 */
export function samplerRowScorer(model: LlamaModel, native: AddonContextApi): RowScorer {
  const internals = model as unknown as {
    _llama: { _bindings: { AddonSampler: new (model: unknown) => AddonSampler } };
    _model: unknown;
  };
  const sampler = new internals._llama._bindings.AddonSampler(internals._model);
  sampler.applyConfig({ temperature: 0 }); // greedy: the first maximum, as torch.argmax
  const sample = (native as unknown as { sampleToken: SampleWithProbabilities }).sampleToken.bind(native);
  return async (rows, targets) => {
    const logprobs = new Float64Array(rows.length);
    const isArgmax = new Uint8Array(rows.length);
    for (let i = 0; i < rows.length; i++) {
      const [token, probabilities] = await sample(rows[i]!, sampler, true);
      let probability = 0;
      for (let k = 0; probabilities && k < probabilities.length; k += 2)
        if (probabilities[k] === targets[i]) {
          probability = probabilities[k + 1]!;
          break;
        }
      logprobs[i] = Math.log(probability); // float32 underflow below ~e^-103 gives -Infinity
      isArgmax[i] = token === targets[i] ? 1 : 0;
    }
    return { logprobs, isArgmax };
  };
}
