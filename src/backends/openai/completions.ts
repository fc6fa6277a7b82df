import { UserError } from '../../errors.ts';
import type {
  GenerateRequest,
  GenerateResult,
  LoglikelihoodRequest,
  LoglikelihoodResult,
  LoglikelihoodRollingRequest,
  LoglikelihoodRollingResult,
} from '../../requests/types.ts';
import { pythonTrailingWhitespaceLength } from '../llamacpp/tokenize.ts';
import {
  encodeLoglikelihoodPair,
  encodeText,
  truncateForGeneration,
  truncateForScoring,
} from '../llamacpp/tokenize.ts';
import { getRollingTokenWindows, makeDisjointWindow } from '../llamacpp/scoring/rolling.ts';
import { type Backend, type BackendFactoryOptions, type CallOptions, type Capability, reportResult } from '../types.ts';
import { COMPLETIONS_KEYS, parseOpenAiArgs } from './args.ts';
import { type ApiSession, openApiSession, samplingFields, toGenerateResult } from './common.ts';
import {
  type CompletionLogprobs,
  codePointLength,
  type ScoredSpan,
  type SpanScore,
  scoreEchoedSpan,
} from './echo-logprobs.ts';
import { jobLoops, runJobs } from './pool.ts';
import { type LoadedTokenizer, loadGgufTokenizer } from './tokenizer.ts';
import type { ResponseUsage } from './usage.ts';

/** One echoed prompt to score: token ids (with a tokenizer) or text, and which of its tokens count. */
interface ScoreJob {
  readonly prompt: string | readonly number[];
  readonly span: ScoredSpan;
}

interface CompletionsResponse {
  readonly choices?: readonly {
    readonly index?: number;
    readonly text?: string;
    readonly logprobs?: CompletionLogprobs | null;
    readonly finish_reason?: string;
  }[];
  readonly usage?: ResponseUsage;
}

/**
 * An OpenAI-compatible /v1/completions server (vLLM, TGI, SGLang, llama-server). Log-likelihoods
 * come from the prompt's own echoed log-probabilities (echo=true, logprobs=1, max_tokens=0):
 * with a GGUF tokenizer the prompt is sent as lm-eval's token ids and the continuation is its
 * last tokens; without one, the text is sent and the continuation located by text offsets.
 */
export class OpenAiCompletionsBackend implements Backend {
  readonly id: string;
  readonly info;
  readonly capabilities: ReadonlySet<Capability> = new Set(['loglikelihood', 'loglikelihoodRolling', 'generateUntil']);
  readonly maxLength: number;
  declare countTokens?: (text: string) => number;

  constructor(
    private readonly session: ApiSession,
    private readonly tokenizer: LoadedTokenizer | undefined,
  ) {
    const { args } = session;
    this.maxLength = args.maxLength;
    const settings = {
      model: args.model,
      tokenizer: tokenizer ? `sha256:${tokenizer.sha256}` : 'none',
      maxLength: args.maxLength,
    };
    this.id = `openai-completions:${JSON.stringify(settings)}`;
    this.info = { backend: 'openai-completions', modelId: args.model, settings, details: session.details };
    if (tokenizer) this.countTokens = (text) => tokenizer.tokenizer.tokenize(text).length;
  }

  async loglikelihood(reqs: readonly LoglikelihoodRequest[], o?: CallOptions): Promise<LoglikelihoodResult[]> {
    const truncated: boolean[] = [];
    const jobs = reqs.map((r, i): ScoreJob => {
      const tok = this.tokenizer?.tokenizer;
      if (!tok) {
        truncated.push(false);
        // lm-eval moves the context's trailing whitespace to the continuation, so " Paris" stays one token.
        const spaces = pythonTrailingWhitespaceLength(r.context);
        const context = r.context.slice(0, r.context.length - spaces);
        const prompt = r.context + r.continuation;
        return {
          prompt,
          span: { kind: 'fromOffset', boundary: codePointLength(context), promptChars: codePointLength(prompt) },
        };
      }
      const input = truncateForScoring(encodeLoglikelihoodPair(tok, r.context, r.continuation), this.maxLength);
      if (!input)
        throw new UserError(
          `loglikelihood request ${i}: the continuation is longer than max_length=${this.maxLength} tokens`,
          { field: '--model_args max_length' },
          'raise max_length to the served context size',
        );
      truncated.push(input.truncated);
      const prompt = [...input.context, ...input.continuation];
      return { prompt, span: { kind: 'lastTokens', promptTokens: prompt.length, count: input.continuation.length } };
    });
    const results: LoglikelihoodResult[] = new Array(reqs.length);
    await this.scoreAll(jobs, o?.signal, (i, s) => {
      results[i] = { logprob: s.logprob, isGreedy: s.isGreedy, tokens: s.tokens, truncated: truncated[i]! };
      reportResult(o, i, s.tokens, results[i]);
    });
    return results;
  }

  async loglikelihoodRolling(
    reqs: readonly LoglikelihoodRollingRequest[],
    o?: CallOptions,
  ): Promise<LoglikelihoodRollingResult[]> {
    const jobs: ScoreJob[] = [];
    const owner: number[] = [];
    const firstWindow: number[] = [];
    const windowsLeft = reqs.map((r, i) => {
      firstWindow.push(jobs.length);
      const tok = this.tokenizer?.tokenizer;
      if (!tok) {
        // Without a tokenizer the text goes whole; the server conditions its first token on BOS if it adds one.
        jobs.push({ prompt: r.text, span: { kind: 'fromOffset', boundary: 0, promptChars: codePointLength(r.text) } });
        owner.push(i);
        return 1;
      }
      // lm-eval's rolling windows, as the llamacpp backend makes them; each window is one echoed prompt.
      const windows = getRollingTokenWindows(tok.tokenize(r.text), tok.prefixToken, this.maxLength, 1);
      for (const w of windows.map(makeDisjointWindow)) {
        const prompt = [...w.context, ...w.continuation];
        jobs.push({ prompt, span: { kind: 'lastTokens', promptTokens: prompt.length, count: w.continuation.length } });
        owner.push(i);
      }
      return windows.length;
    });
    const windowScores: SpanScore[] = new Array(jobs.length);
    const resultOf = (i: number): LoglikelihoodRollingResult => {
      let logprob = 0;
      let tokens = 0;
      // Summed in window order, so the result does not depend on which response came first.
      for (let w = firstWindow[i]!; w < (firstWindow[i + 1] ?? jobs.length); w++) {
        logprob += windowScores[w]!.logprob;
        tokens += windowScores[w]!.tokens;
      }
      return { logprob, tokens };
    };
    windowsLeft.forEach((n, i) => {
      if (n === 0) reportResult(o, i, 0, { logprob: 0, tokens: 0 });
    });
    await this.scoreAll(jobs, o?.signal, (w, s) => {
      windowScores[w] = s;
      const i = owner[w]!;
      if (--windowsLeft[i]! === 0) {
        const result = resultOf(i);
        reportResult(o, i, result.tokens, result);
      }
    });
    return reqs.map((_, i) => resultOf(i));
  }

  async generateUntil(reqs: readonly GenerateRequest[], o?: CallOptions): Promise<GenerateResult[]> {
    const tok = this.tokenizer?.tokenizer;
    const prompts = reqs.map((r) => {
      if (!tok) return { prompt: r.context as string | number[], truncated: false };
      let tokens = encodeText(tok, r.context);
      if (tokens.length === 0) tokens = [tok.prefixToken];
      const fitted = truncateForGeneration(tokens, this.maxLength, r.settings.maxGenToks);
      if (!fitted)
        throw new UserError(
          `max_gen_toks=${r.settings.maxGenToks} leaves no room for the prompt in max_length=${this.maxLength}`,
          { field: '--model_args max_length' },
        );
      return { prompt: fitted.tokens, truncated: fitted.truncated };
    });
    const results: GenerateResult[] = new Array(reqs.length);
    // One prompt per request: the server batches concurrent requests itself, and each response's
    // usage then counts exactly its own generation's tokens.
    await runJobs(
      reqs.length,
      jobLoops(this.session.args.numConcurrent),
      async (i) => {
        const r = reqs[i]!;
        let result: GenerateResult;
        if (r.settings.maxGenToks <= 0) result = { text: '', tokens: 0, hitMaxTokens: true, truncated: false };
        else {
          const body = { ...samplingFields(this.session.args.model, r.settings), prompt: prompts[i]!.prompt };
          const response = (await this.session.client.post('/completions', body, o?.signal)) as CompletionsResponse;
          this.session.usage.add(response.usage);
          const choice = response.choices?.[0];
          if (typeof choice?.text !== 'string')
            throw new UserError(`${this.session.args.baseUrl}/completions answered without choices[0].text`, {
              field: '--model_args base_url',
            });
          result = toGenerateResult(
            r,
            {
              content: choice.text,
              reasoning: undefined,
              finishReason: choice.finish_reason,
              completionTokens: response.usage?.completion_tokens,
            },
            this.countTokens,
            prompts[i]!.truncated,
          );
          if (result.hitMaxTokens) this.session.usage.hitMaxTokens();
        }
        results[i] = result;
        reportResult(o, i, result.tokens, result);
      },
      o?.signal,
    );
    return results;
  }

  /** Sends the jobs in requests of up to promptsPerRequest prompts, numConcurrent at a time. */
  private async scoreAll(
    jobs: readonly ScoreJob[],
    signal: AbortSignal | undefined,
    onScored: (job: number, score: SpanScore) => void,
  ): Promise<void> {
    const { args, client, usage } = this.session;
    const size = args.promptsPerRequest;
    const chunks = Math.ceil(jobs.length / size);
    await runJobs(
      chunks,
      jobLoops(args.numConcurrent),
      async (c) => {
        const chunk = jobs.slice(c * size, (c + 1) * size);
        const prompts = chunk.map((j) => j.prompt);
        const body = {
          model: args.model,
          prompt: prompts.length === 1 ? prompts[0] : prompts,
          max_tokens: 0,
          echo: true,
          logprobs: 1,
          temperature: 0,
        };
        const response = (await client.post('/completions', body, signal).catch((e: unknown) => {
          // llama-server before list support, and some proxies, refuse a list of prompts.
          if (prompts.length > 1 && e instanceof UserError && / HTTP 4\d\d: /.test(e.message))
            throw new UserError(
              e.message,
              e.location,
              'a server that takes one prompt per request needs --batch_size 1',
            );
          throw e;
        })) as CompletionsResponse;
        usage.add(response.usage);
        const choices = response.choices ?? [];
        // Choices name their prompt by index; a server may list them in any order.
        const byIndex = new Map(choices.map((choice, k) => [choice.index ?? k, choice]));
        const scores = chunk.map((job, k) => scoreEchoedSpan(byIndex.get(k)?.logprobs, job.span, args.baseUrl));
        scores.forEach((score, k) => {
          onScored(c * size + k, score);
        });
      },
      signal,
    );
  }

  usage(): Readonly<Record<string, unknown>> {
    return this.session.usage.toJSON();
  }

  async close(): Promise<void> {
    this.session.client.close();
    await this.tokenizer?.close();
  }
}

export async function createOpenAiCompletions(o: BackendFactoryOptions): Promise<Backend> {
  const args = parseOpenAiArgs('openai-completions', o, COMPLETIONS_KEYS);
  const session = openApiSession(args);
  const tokenizer = args.tokenizerPath ? await loadGgufTokenizer(args.tokenizerPath) : undefined;
  return new OpenAiCompletionsBackend(session, tokenizer);
}
