/**
 * The top-level keys lm-eval's EvaluationTracker and simple_evaluate add to a results file
 * (GeneralConfigTracker, add_env_info, add_tokenizer_info, task_hashes), filled from what evalboard
 * knows, so tools that read lm-eval's results files find them. Clock values other than `date`
 * stay in `timing`, the part that differs between identical runs.
 */
import { sha256Hex } from './hashes.ts';
import type { LmEvalHeader, SampleRow } from './schema.ts';

/** The lm-eval release whose files (and, where docs/lm-eval-differences.md says nothing else, numbers) evalboard follows. */
export const LM_EVAL_COMPATIBLE_VERSION = '0.4.9.2';

/** What a backend can say about its tokenizer, lm-eval's way: [token text, str(token id)]. */
export interface TokenizerFacts {
  readonly pad_token: readonly [string, string] | null;
  readonly eos_token: readonly [string, string] | null;
  readonly bos_token: readonly [string, string] | null;
  readonly eot_token_id: number | null;
  /** The model's chat template text, when it has one. */
  readonly chat_template: string | null;
}

export interface LmEvalHeaderInput {
  /** --model, lm-eval's model_source ("hf" there, "llamacpp" here). */
  readonly modelSource: string;
  /** lm-eval's model_name: the pretrained= (or peft=, path=, …) argument as given. */
  readonly modelName: string;
  /** The folder name the files went to (lm-eval's model_name_sanitized). */
  readonly modelNameSanitized: string;
  readonly systemInstruction: string | null;
  readonly fewshotAsMultiturn: boolean;
  readonly applyChatTemplate: boolean;
  readonly tokenizer: TokenizerFacts | null;
  readonly maxLength: number | null;
  readonly gitHash: string | null;
  readonly evalboardVersion: string;
  /** When the run started (lm-eval's `date`: time.time()). */
  readonly started: Date;
  /** Per task, its samples rows in file order (null without --log_samples: lm-eval then writes {}). */
  readonly samples: Readonly<Record<string, readonly SampleRow[]>> | null;
}

export function lmEvalHeader(input: LmEvalHeaderInput): LmEvalHeader {
  const tokenizer = input.tokenizer;
  const chatTemplate = input.applyChatTemplate ? (tokenizer?.chat_template ?? null) : null;
  return {
    task_hashes: taskHashes(input.samples),
    model_source: input.modelSource,
    model_name: input.modelName,
    model_name_sanitized: input.modelNameSanitized,
    system_instruction: input.systemInstruction,
    system_instruction_sha: input.systemInstruction === null ? null : sha256Hex(input.systemInstruction),
    fewshot_as_multiturn: input.fewshotAsMultiturn,
    chat_template: chatTemplate,
    chat_template_sha: chatTemplate === null ? null : sha256Hex(chatTemplate),
    git_hash: input.gitHash === null ? null : input.gitHash.slice(0, 7),
    date: input.started.getTime() / 1000,
    tokenizer_pad_token: tokenizer?.pad_token ? [...tokenizer.pad_token] : null,
    tokenizer_eos_token: tokenizer?.eos_token ? [...tokenizer.eos_token] : null,
    tokenizer_bos_token: tokenizer?.bos_token ? [...tokenizer.bos_token] : null,
    eot_token_id: tokenizer?.eot_token_id ?? null,
    max_length: input.maxLength,
    // A PEP 440 version (parseable by lm-eval's tooling) that still says which program wrote the file.
    lm_eval_version: `${LM_EVAL_COMPATIBLE_VERSION}+evalboard.${input.evalboardVersion.replace(/[^A-Za-z0-9]+/g, '.')}`,
  };
}

/**
 * lm-eval's task_hashes: sha256 of every row's doc_hash + prompt_hash + target_hash, joined in the
 * order the samples file has them. Two runs over the same docs, prompts and targets agree.
 */
export function taskHashes(samples: LmEvalHeaderInput['samples']): Record<string, string> {
  if (samples === null) return {};
  return Object.fromEntries(
    Object.entries(samples).map(([task, rows]) => [
      task,
      sha256Hex(rows.map((r) => r.doc_hash + r.prompt_hash + r.target_hash).join('')),
    ]),
  );
}

/** The tokenizer facts a backend recorded under `details.tokenizer` (llamacpp does), or null. */
export function tokenizerFacts(details: Readonly<Record<string, unknown>>): TokenizerFacts | null {
  const t = details.tokenizer as Partial<TokenizerFacts> | undefined;
  if (!t || typeof t !== 'object') return null;
  return {
    pad_token: t.pad_token ?? null,
    eos_token: t.eos_token ?? null,
    bos_token: t.bos_token ?? null,
    eot_token_id: t.eot_token_id ?? null,
    chat_template: t.chat_template ?? null,
  };
}
