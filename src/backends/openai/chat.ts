import { UserError } from '../../errors.ts';
import type {
  ChatMessage,
  GenerateRequest,
  GenerateResult,
  LoglikelihoodResult,
  LoglikelihoodRollingResult,
} from '../../requests/types.ts';
import { type Backend, type BackendFactoryOptions, type CallOptions, type Capability, reportResult } from '../types.ts';
import { CHAT_KEYS, parseOpenAiArgs } from './args.ts';
import { type ApiSession, openApiSession, samplingFields, toGenerateResult } from './common.ts';
import { jobLoops, runJobs } from './pool.ts';
import type { ResponseUsage } from './usage.ts';

interface ChatResponse {
  readonly choices?: readonly {
    readonly message?: {
      readonly content?: string | null;
      readonly reasoning_content?: string | null;
      readonly reasoning?: string | null;
    };
    readonly finish_reason?: string;
  }[];
  readonly usage?: ResponseUsage;
}

/**
 * An OpenAI-compatible /v1/chat/completions server: generate_until only. The server applies the
 * model's chat template, so requests go as their `messages` (system prompt, few-shot turns, the
 * question); a request made without --apply_chat_template goes as one user turn.
 * Chat APIs give no prompt log-probabilities, so log-likelihood tasks are refused by the
 * capability check before any request is sent.
 */
export class OpenAiChatBackend implements Backend {
  readonly id: string;
  readonly info;
  readonly capabilities: ReadonlySet<Capability> = new Set(['generateUntil', 'chat']);
  readonly maxLength: number;

  constructor(private readonly session: ApiSession) {
    const { args } = session;
    this.maxLength = args.maxLength;
    const settings = { model: args.model, maxLength: args.maxLength };
    this.id = `openai-chat:${JSON.stringify(settings)}`;
    this.info = { backend: 'openai-chat', modelId: args.model, settings, details: session.details };
  }

  async loglikelihood(reqs: readonly unknown[]): Promise<LoglikelihoodResult[]> {
    return this.refuse(reqs.length, 'loglikelihood');
  }

  async loglikelihoodRolling(reqs: readonly unknown[]): Promise<LoglikelihoodRollingResult[]> {
    return this.refuse(reqs.length, 'loglikelihood_rolling');
  }

  private refuse(count: number, kind: string): never[] {
    if (count === 0) return [];
    throw new UserError(
      `openai-chat cannot compute ${kind}: chat APIs return no prompt log-probabilities`,
      { field: '--model' },
      'run the generative variant of the task with --apply_chat_template, or use openai-completions',
    );
  }

  async generateUntil(reqs: readonly GenerateRequest[], o?: CallOptions): Promise<GenerateResult[]> {
    const { args, client, usage } = this.session;
    const results: GenerateResult[] = new Array(reqs.length);
    await runJobs(
      reqs.length,
      jobLoops(args.numConcurrent),
      async (i) => {
        const r = reqs[i]!;
        let result: GenerateResult;
        if (r.settings.maxGenToks <= 0) result = { text: '', tokens: 0, hitMaxTokens: true, truncated: false };
        else {
          const messages: readonly ChatMessage[] = r.messages ?? [{ role: 'user', content: r.context }];
          const body = { ...samplingFields(args.model, r.settings), messages };
          const response = (await client.post('/chat/completions', body, o?.signal)) as ChatResponse;
          usage.add(response.usage);
          const choice = response.choices?.[0];
          const message = choice?.message;
          if (!message)
            throw new UserError(`${args.baseUrl}/chat/completions answered without choices[0].message`, {
              field: '--model_args base_url',
            });
          result = toGenerateResult(
            r,
            {
              content: message.content ?? '',
              // vLLM's and DeepSeek's reasoning parsers return the thinking apart from the answer.
              reasoning: message.reasoning_content ?? message.reasoning ?? undefined,
              finishReason: choice?.finish_reason,
              completionTokens: response.usage?.completion_tokens,
            },
            undefined,
            false,
          );
          if (result.hitMaxTokens) usage.hitMaxTokens();
        }
        results[i] = result;
        reportResult(o, i, result.tokens, result);
      },
      o?.signal,
    );
    return results;
  }

  /**
   * The chat as text, for the samples file and the cache key only (the server renders the real
   * template): one `<|role|>` header per turn, and an open assistant turn when asked.
   */
  applyChatTemplate(messages: readonly ChatMessage[], addGenerationPrompt: boolean): string {
    const turns = messages.map((m) => `<|${m.role}|>\n${m.content}\n`).join('');
    return addGenerationPrompt ? `${turns}<|assistant|>\n` : turns;
  }

  usage(): Readonly<Record<string, unknown>> {
    return this.session.usage.toJSON();
  }

  async close(): Promise<void> {
    this.session.client.close();
  }
}

export async function createOpenAiChat(o: BackendFactoryOptions): Promise<Backend> {
  return new OpenAiChatBackend(openApiSession(parseOpenAiArgs('openai-chat', o, CHAT_KEYS)));
}
