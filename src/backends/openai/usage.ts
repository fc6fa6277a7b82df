import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { UserError } from '../../errors.ts';
import type { ApiClient } from './client.ts';

/** Dollars per million tokens, one entry per model name. */
export interface ModelPrice {
  readonly input_per_million: number;
  readonly output_per_million: number;
}

export const DEFAULT_PRICES_FILE = fileURLToPath(new URL('./prices.yaml', import.meta.url));

/** The price of `model` in a prices YAML (model name → input_per_million, output_per_million), or null. */
export function readModelPrice(file: string, model: string): ModelPrice | null {
  let parsed: unknown;
  try {
    parsed = parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new UserError(`cannot read prices: ${(e as Error).message.split('\n')[0]}`, {
      file,
      field: 'model_args.prices',
    });
  }
  const entry = (parsed as Record<string, unknown> | null)?.[model];
  if (entry === undefined) return null;
  const { input_per_million: input, output_per_million: output } = (entry ?? {}) as Record<string, unknown>;
  if (typeof input !== 'number' || typeof output !== 'number' || input < 0 || output < 0)
    throw new UserError(
      `price of "${model}" needs non-negative input_per_million and output_per_million`,
      { file, field: model },
      'e.g. input_per_million: 0.15',
    );
  return { input_per_million: input, output_per_million: output };
}

/** The `usage` object of an OpenAI response (completions or chat). */
export interface ResponseUsage {
  readonly prompt_tokens?: number;
  readonly completion_tokens?: number;
  readonly completion_tokens_details?: { readonly reasoning_tokens?: number };
}

/**
 * Tokens the server billed in this run (responses answered from the request cache cost nothing
 * and are not counted), and their cost at the model's price. Recorded in the results file as timing.usage: it
 * changes between identical runs (retries, cache hits), so it stays out of config.
 */
export class UsageMeter {
  private prompt = 0;
  private completion = 0;
  private reasoning = 0;
  private generationsAtMaxTokens = 0;

  constructor(
    private readonly client: ApiClient,
    private readonly price: ModelPrice | null,
  ) {}

  add(usage: ResponseUsage | undefined): void {
    this.prompt += usage?.prompt_tokens ?? 0;
    this.completion += usage?.completion_tokens ?? 0;
    this.reasoning += usage?.completion_tokens_details?.reasoning_tokens ?? 0;
  }

  /** A generation stopped by max_tokens: for a reasoning model, a thinking budget that ran out. */
  hitMaxTokens(): void {
    this.generationsAtMaxTokens++;
  }

  /** Plain JSON for the results file's timing.usage. */
  toJSON(): Record<string, unknown> {
    const { requests, retries, failedAttempts } = this.client.stats();
    const cost = this.price
      ? (this.prompt * this.price.input_per_million + this.completion * this.price.output_per_million) / 1e6
      : null;
    return {
      requests,
      retries,
      failed_attempts: failedAttempts,
      prompt_tokens: this.prompt,
      completion_tokens: this.completion,
      reasoning_tokens: this.reasoning,
      generations_at_max_tokens: this.generationsAtMaxTokens,
      price_per_million: this.price,
      cost_usd: cost,
    };
  }
}
