import type { LlamaContextSequence, LlamaModel, Token } from 'node-llama-cpp';
import type { GenerationSettings } from '../../requests/types.ts';
import { cutAtFirstStop } from '../../requests/stop.ts';
import { reuseResidentPrefix } from './resident-prefix.ts';
import { compareTokenLists } from './token-lists.ts';
import { runOnWorkers } from './sequence-pool.ts';

export { cutAtFirstStop } from '../../requests/stop.ts';

export interface GenerationJob {
  /** Prompt tokens, already truncated to leave room for settings.maxGenToks. */
  readonly prompt: readonly number[];
  readonly settings: GenerationSettings;
  /** Seed used when settings has none. */
  readonly defaultSeed: number;
}

export interface Generation {
  readonly text: string;
  readonly tokens: number;
  readonly hitMaxTokens: boolean;
}

/**
 * Generates on one sequence until a stop string appears in the decoded text, an end-of-generation
 * token (node-llama-cpp ends the stream without yielding it), or maxGenToks tokens.
 */
async function generateOnSequence(
  sequence: LlamaContextSequence,
  model: LlamaModel,
  job: GenerationJob,
  signal: AbortSignal | undefined,
): Promise<Generation> {
  const { settings } = job;
  if (settings.maxGenToks <= 0) return { text: '', tokens: 0, hitMaxTokens: true };
  const generated: Token[] = [];
  const stream = sequence.evaluate(await reuseResidentPrefix(sequence, job.prompt), {
    temperature: settings.temperature,
    // HF's sampling keeps the whole vocabulary unless top_k / top_p are given (0 and 1 disable them here).
    topK: settings.topK ?? 0,
    topP: settings.topP ?? 1,
    minP: 0,
    seed: settings.seed ?? job.defaultSeed,
  });
  for await (const token of stream) {
    signal?.throwIfAborted();
    generated.push(token);
    // Whole-text detokenising keeps multi-byte characters split across tokens intact.
    const cut = cutAtFirstStop(model.detokenize(generated), settings.until, settings.reasoning);
    if (cut.stopped) return { text: cut.text, tokens: generated.length, hitMaxTokens: false };
    if (generated.length >= settings.maxGenToks)
      return { text: cut.text, tokens: generated.length, hitMaxTokens: true };
  }
  return { text: model.detokenize(generated), tokens: generated.length, hitMaxTokens: false };
}

/** Runs every job on the pool of sequences (concurrent jobs share llama_decode batches); results in job order. */
export async function generateAll(
  sequences: readonly LlamaContextSequence[],
  model: LlamaModel,
  jobs: readonly GenerationJob[],
  o: { onGenerated?: (jobIndex: number, generation: Generation) => void; signal?: AbortSignal } = {},
): Promise<Generation[]> {
  const results: Generation[] = new Array(jobs.length);
  // Sorted prompts put shared prefixes (few-shot examples) on consecutive jobs, which a sequence reuses.
  const order = jobs.map((_, i) => i).sort((a, b) => compareTokenLists(jobs[a]!.prompt, jobs[b]!.prompt) || a - b);
  await runOnWorkers(
    sequences,
    order.length,
    async (position, sequence) => {
      const jobIndex = order[position]!;
      const generation = await generateOnSequence(sequence, model, jobs[jobIndex]!, o.signal);
      results[jobIndex] = generation;
      o.onGenerated?.(jobIndex, generation);
    },
    o.signal,
  );
  return results;
}
