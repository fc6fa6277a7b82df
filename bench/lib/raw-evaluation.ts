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
    const chunk = textTokens(model, nBatch);
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

/** `count` real tokens of English text: valid for any vocabulary (stories260K has 512 tokens). */
function textTokens(model: { tokenize(text: string): readonly number[] }, count: number): number[] {
  const text =
    'Once upon a time, a little girl named Lily found a shiny stone in the park. She showed it to her mother, who smiled and said it was a treasure. ';
  const tokens: number[] = [];
  while (tokens.length < count) tokens.push(...model.tokenize(text));
  return tokens.slice(0, count);
}

/**
 * Raw greedy decoding, the generation ceiling: `sequences` sequences of node-llama-cpp's context
 * each evaluate a short prompt and then generate `tokens` tokens with temperature 0, decoding
 * together (node-llama-cpp batches the sequences' next tokens into one decode). Generated tokens/s.
 */
export async function rawDecodeRate(
  modelPath: string,
  sequences: number,
  tokens: number,
  o: { flashAttention?: boolean } = {},
): Promise<number> {
  const llama = await getSharedLlama(false);
  const model = await llama.loadModel({ modelPath });
  try {
    const context = await model.createContext({
      contextSize: tokens + 64,
      sequences,
      threads: llama.cpuMathCores,
      flashAttention: o.flashAttention ?? false,
    });
    const prompt = textTokens(model, 16);
    // Taken once: node-llama-cpp does not hand a disposed sequence's slot out again at once.
    const pool = Array.from({ length: sequences }, () => context.getSequence());
    const generate = async (count: number) => {
      let generated = 0;
      await Promise.all(
        pool.map(async (sequence, s) => {
          await sequence.clearHistory();
          let n = 0;
          for await (const _token of sequence.evaluate([...prompt.slice(s % 4)] as never, { temperature: 0 }))
            if (++n >= count) break;
          generated += n;
        }),
      );
      return generated;
    };
    await generate(4); // untimed warm-up
    const t0 = performance.now();
    const generated = await generate(tokens);
    return generated / ((performance.now() - t0) / 1000);
  } finally {
    await model.dispose();
  }
}
