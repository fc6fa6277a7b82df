import { UserError } from '../../errors.ts';
import { checkArgKeys, intArg } from '../model-args.ts';
import type { BackendFactoryOptions } from '../types.ts';

export const COMPLETIONS_KEYS = [
  'base_url',
  'model',
  'api_key_env',
  'tokenizer',
  'num_concurrent',
  'max_retries',
  'timeout',
  'max_length',
  'prices',
] as const;

/** The chat backend never tokenizes: it has no log-likelihoods to split, and the server applies the template. */
export const CHAT_KEYS = COMPLETIONS_KEYS.filter((k) => k !== 'tokenizer');

export interface OpenAiArgs {
  readonly baseUrl: string;
  readonly model: string;
  /** The key itself, read from the environment variable named by api_key_env; never recorded. */
  readonly apiKey: string | undefined;
  readonly apiKeyEnv: string | undefined;
  /** A GGUF whose tokenizer matches the served model, or undefined for tokenizer=none. */
  readonly tokenizerPath: string | undefined;
  readonly numConcurrent: number;
  readonly maxRetries: number;
  readonly timeoutMs: number;
  readonly maxLength: number;
  /** Prompts per completions request (--batch_size). */
  readonly promptsPerRequest: number;
  readonly pricesFile: string | undefined;
}

export function parseOpenAiArgs(backend: string, o: BackendFactoryOptions, keys: readonly string[]): OpenAiArgs {
  const { args } = o;
  checkArgKeys(backend, args, keys);
  const required = (k: 'base_url' | 'model'): string => {
    const v = args[k];
    if (!v)
      throw new UserError(
        `${backend} needs ${k}`,
        { field: `--model_args ${k}` },
        'e.g. --model_args base_url=http://localhost:8000/v1,model=NAME',
      );
    return v;
  };
  const baseUrl = required('base_url');
  if (!/^https?:\/\//.test(baseUrl))
    throw new UserError(`base_url=${baseUrl} is not an http(s) URL`, { field: '--model_args base_url' });
  const apiKeyEnv = args.api_key_env;
  if (apiKeyEnv !== undefined && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(apiKeyEnv))
    throw new UserError(
      `api_key_env=${apiKeyEnv} is not an environment variable name`,
      { field: '--model_args api_key_env' },
      'name the variable holding the key (api_key_env=OPENAI_API_KEY), never the key itself',
    );
  const apiKey = apiKeyEnv === undefined ? undefined : process.env[apiKeyEnv];
  if (apiKeyEnv !== undefined && !apiKey)
    throw new UserError(`environment variable ${apiKeyEnv} is not set`, { field: '--model_args api_key_env' });
  const tokenizer = args.tokenizer ?? 'none';
  const timeoutSeconds = args.timeout === undefined ? 300 : Number(args.timeout);
  if (!(timeoutSeconds > 0))
    throw new UserError(`timeout=${args.timeout} is not a positive number of seconds`, {
      field: '--model_args timeout',
    });
  return {
    baseUrl,
    model: required('model'),
    apiKey,
    apiKeyEnv,
    tokenizerPath: tokenizer === 'none' ? undefined : tokenizer,
    numConcurrent: intArg(args, 'num_concurrent') ?? 1,
    maxRetries: intArg(args, 'max_retries', 0) ?? 5,
    timeoutMs: timeoutSeconds * 1000,
    maxLength: intArg(args, 'max_length') ?? 2048,
    promptsPerRequest: o.batchSize === 'auto' ? 1 : o.batchSize,
    pricesFile: args.prices,
  };
}
