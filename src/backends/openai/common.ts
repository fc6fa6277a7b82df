import type { GenerateRequest, GenerateResult, GenerationSettings } from '../../requests/types.ts';
import { cutAtFirstStop } from '../../requests/stop.ts';
import type { OpenAiArgs } from './args.ts';
import { ApiClient } from './client.ts';
import { DEFAULT_PRICES_FILE, readModelPrice, UsageMeter } from './usage.ts';

/** What both API backends share: the client, the usage meter, and the run details for the report. */
export interface ApiSession {
  readonly args: OpenAiArgs;
  readonly client: ApiClient;
  readonly usage: UsageMeter;
  /** Recorded as config.backend.details: settings that do not change outputs. */
  readonly details: Readonly<Record<string, unknown>>;
}

export function openApiSession(args: OpenAiArgs): ApiSession {
  const client = new ApiClient({
    baseUrl: args.baseUrl,
    apiKey: args.apiKey,
    numConcurrent: args.numConcurrent,
    maxRetries: args.maxRetries,
    timeoutMs: args.timeoutMs,
  });
  const usage = new UsageMeter(client, readModelPrice(args.pricesFile ?? DEFAULT_PRICES_FILE, args.model));
  const details: Record<string, unknown> = {
    baseUrl: args.baseUrl,
    // The variable's name only: the key never reaches the results file.
    apiKeyEnv: args.apiKeyEnv ?? null,
    numConcurrent: args.numConcurrent,
    maxRetries: args.maxRetries,
    timeoutSeconds: args.timeoutMs / 1000,
    promptsPerRequest: args.promptsPerRequest,
  };
  return { args, client, usage, details };
}

/** Sampling fields of a completions or chat request, in the OpenAI names vLLM and llama-server read. */
export function samplingFields(model: string, s: GenerationSettings): Record<string, unknown> {
  const stops = s.until.filter((x) => x !== '');
  return {
    model,
    max_tokens: s.maxGenToks,
    temperature: s.temperature,
    ...(s.topP !== undefined && { top_p: s.topP }),
    ...(s.topK !== undefined && { top_k: s.topK }),
    ...(s.seed !== undefined && { seed: s.seed }),
    // With reasoning markers, a stop string inside the reasoning must not end the generation:
    // the server cannot tell, so the stops are applied here once the text is back.
    ...(stops.length > 0 && !s.reasoning && { stop: stops }),
  };
}

export interface ApiGeneration {
  readonly content: string;
  /** A reasoning model's thinking, when the server returns it apart (reasoning_content). */
  readonly reasoning: string | undefined;
  readonly finishReason: string | undefined;
  readonly completionTokens: number | undefined;
}

/**
 * The generation as the local backend would have produced it: separated reasoning goes back
 * between the reasoning markers (those of --think, else <think>…</think>) so --think strip and
 * keep treat it exactly as a local model's output; then lm-eval's stop-string cut.
 */
export function toGenerateResult(
  r: GenerateRequest,
  g: ApiGeneration,
  countTokens: ((text: string) => number) | undefined,
  truncated: boolean,
): GenerateResult {
  const tags = r.settings.reasoning ?? { open: '<think>', close: '</think>' };
  const raw = g.reasoning ? `${tags.open}${g.reasoning}${tags.close}${g.content}` : g.content;
  const cut = cutAtFirstStop(raw, r.settings.until, r.settings.reasoning);
  const hitMaxTokens = !cut.stopped && g.finishReason === 'length';
  const tokens = g.completionTokens ?? countTokens?.(cut.text) ?? 0;
  return { text: cut.text, tokens, hitMaxTokens, truncated };
}
