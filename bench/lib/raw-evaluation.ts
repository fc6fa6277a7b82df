import { getSharedLlama } from '../../src/backends/llamacpp/load.ts';

/**
 * Raw node-llama-cpp evaluation, the ceiling for benchmarks 1 and 2: `tokens` tokens fed through
 * its public API in full batches (one sequence, n_batch tokens per decode, restarting at position 0),
 * no outputs read. Same binary (getSharedLlama), thread count and flash attention setting as the backend.
 */
export async function rawEvaluationRate(
  modelPath: string,
  tokens: number,
  o: { nBatch?: number; flashAttention?: boolean } = {},
): Promise<number> {
  const nBatch = o.nBatch ?? 512;
  const llama = await getSharedLlama(false);
  const model = await llama.loadModel({ modelPath });
  try {
    const context = await model.createContext({
      contextSize: nBatch + 1,
      batchSize: nBatch,
      sequences: 1,
      threads: llama.cpuMathCores,
      flashAttention: o.flashAttention ?? false,
    });
    const sequence = context.getSequence();
    const vocabulary = model.tokens.bos ?? 1;
    const chunk = Array.from({ length: nBatch }, (_, i) => (vocabulary + 7919 * (i + 1)) % 40_000);
    // Untimed warm-up decode (model paged in, buffers sized), as the benchmarks warm the backend.
    await sequence.evaluateWithoutGeneratingNewTokens(chunk as never);
    await sequence.clearHistory();
    let done = 0;
    const t0 = performance.now();
    while (done < tokens) {
      const n = Math.min(nBatch, tokens - done);
      await sequence.evaluateWithoutGeneratingNewTokens(chunk.slice(0, n) as never);
      await sequence.clearHistory();
      done += n;
    }
    return tokens / ((performance.now() - t0) / 1000);
  } finally {
    await model.dispose();
  }
}
