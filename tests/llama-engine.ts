/**
 * The fake OpenAI server's engine backed by a real GGUF model (node-llama-cpp in the test
 * process), answering as vLLM does: echoed prompts carry per-token log-probabilities (null for the
 * first token), top_logprobs with the most likely token, and text offsets; text prompts get BOS
 * prepended; generations are greedy, cut before the first stop string. Written apart from the
 * llamacpp backend (one cleared sequence per prompt, no batching) so the two check each other.
 */
import { getLlama, LlamaLogLevel, type LlamaContextSequence, type LlamaModel, type Token } from 'node-llama-cpp';
import { cutAtStops, type Engine, type EngineAnswer, promptsOf } from './fake-openai-server.ts';

export interface LlamaEngine extends Engine {
  close(): Promise<void>;
}

export async function llamaEngine(modelPath: string, contextSize: number): Promise<LlamaEngine> {
  const llama = await getLlama({
    build: 'never',
    skipDownload: true,
    progressLogs: false,
    logLevel: LlamaLogLevel.error,
  });
  const model = await llama.loadModel({ modelPath });
  const context = await model.createContext({ contextSize, sequences: 1, threads: 1, flashAttention: false });
  const sequence = context.getSequence();
  // One sequence: requests take turns, as one GPU worker would.
  let queue: Promise<unknown> = Promise.resolve();
  const exclusive = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = queue.then(fn);
    queue = run.catch(() => undefined);
    return run;
  };
  const toTokens = (prompt: string | number[]): Token[] =>
    typeof prompt === 'string' ? [model.tokens.bos!, ...model.tokenize(prompt, true)] : (prompt as Token[]);

  return {
    completions: (body) =>
      exclusive(async (): Promise<EngineAnswer> => {
        const choices = [];
        let promptTokens = 0;
        let completionTokens = 0;
        for (const [index, prompt] of promptsOf(body).entries()) {
          const tokens = toTokens(prompt);
          promptTokens += tokens.length;
          if (tokens.length >= contextSize)
            return {
              status: 400,
              body: { error: { message: `prompt of ${tokens.length} tokens exceeds ${contextSize}` } },
            };
          if (body.echo)
            choices.push({ index, text: '', logprobs: await echo(sequence, model, tokens), finish_reason: 'length' });
          else {
            const g = await greedy(sequence, model, tokens, Number(body.max_tokens ?? 16), body.stop);
            completionTokens += g.tokens;
            choices.push({ index, text: g.text, logprobs: null, finish_reason: g.finish });
          }
        }
        return {
          status: 200,
          body: {
            object: 'text_completion',
            choices,
            usage: { prompt_tokens: promptTokens, completion_tokens: completionTokens },
          },
        };
      }),
    chat: () => ({ status: 400, body: { error: { message: 'this model has no chat template' } } }),
    close: () => model.dispose(),
  };
}

async function echo(sequence: LlamaContextSequence, model: LlamaModel, tokens: Token[]) {
  await sequence.clearHistory();
  const outputs = await sequence.controlledEvaluate(
    tokens.slice(0, -1).map((token) => [token, { generateNext: { probabilities: true } }]),
  );
  const tokenLogprobs: (number | null)[] = [null];
  const top: (Record<string, number> | null)[] = [null];
  for (let i = 1; i < tokens.length; i++) {
    const probabilities = outputs[i - 1]!.next.probabilities!;
    let best: Token = tokens[i]!;
    let bestP = -1;
    for (const [token, p] of probabilities) if (p > bestP || (p === bestP && token < best)) [best, bestP] = [token, p];
    const lp = Math.log(probabilities.get(tokens[i]!) ?? 0);
    tokenLogprobs.push(lp);
    // vLLM lists the most likely token and the prompt's own; equal strings collapse to one key.
    top.push({ [model.detokenize([best])]: Math.log(bestP), [model.detokenize([tokens[i]!])]: lp });
  }
  // Offsets of each token in the detokenised prompt, in code points (Python's len), BOS at 0.
  const offsets: number[] = [];
  const strings: string[] = [];
  const body = tokens[0] === model.tokens.bos ? tokens.slice(1) : tokens;
  const skip = tokens.length - body.length;
  for (let i = 0; i < tokens.length; i++) {
    offsets.push(i < skip ? 0 : [...model.detokenize(body.slice(0, i - skip))].length);
    strings.push(model.detokenize([tokens[i]!]));
  }
  return { tokens: strings, token_logprobs: tokenLogprobs, top_logprobs: top, text_offset: offsets };
}

async function greedy(
  sequence: LlamaContextSequence,
  model: LlamaModel,
  tokens: Token[],
  maxTokens: number,
  stop: unknown,
) {
  await sequence.clearHistory();
  const generated: Token[] = [];
  for await (const token of sequence.evaluate(tokens, { temperature: 0 })) {
    generated.push(token);
    const cut = cutAtStops(model.detokenize(generated), stop);
    if (cut.stopped) return { text: cut.text, tokens: generated.length, finish: 'stop' };
    if (generated.length >= maxTokens) return { text: cut.text, tokens: generated.length, finish: 'length' };
  }
  return { text: model.detokenize(generated), tokens: generated.length, finish: 'stop' };
}
