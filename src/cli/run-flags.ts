import { type Command, Option } from 'commander';
import { DEFAULT_MODEL, DEFAULT_MODEL_ARGS } from '../backends/index.ts';
import { UserError } from '../errors.ts';
import { UNSAFE_CODE_OPTIONS, type UnsafeCodeFlags } from './unsafe-code.ts';

export interface RunFlags extends UnsafeCodeFlags {
  model: string;
  model_args?: string;
  tasks: string;
  num_fewshot?: string;
  batch_size: string;
  limit?: string;
  samples?: string;
  output_path?: string;
  log_samples?: boolean;
  seed: string;
  bootstrap_iters: string;
  include_path?: string[];
  data_dir?: string;
  allow_network?: boolean;
  python?: string;
  use_cache?: string;
  no_cache?: boolean;
  apply_chat_template?: boolean;
  /** true, or the text after it (`--fewshot_as_multiturn false`), as lm-eval main reads it. */
  fewshot_as_multiturn?: boolean | string;
  system_instruction?: string;
  prompts?: string;
  gen_kwargs?: string;
  write_out?: boolean;
  suite?: string;
  show_config?: boolean;
  verbose?: boolean;
  quiet?: boolean;
  think: string;
  think_tags?: string;
  max_gen_toks?: string;
  repeats?: string;
  predict_only?: boolean;
  wandb_args?: string;
  hf_hub_log_args?: string;
  trust_remote_code?: boolean;
  device?: string;
}

/** A flag of `run`: lm-eval's own where it has one, with its answer here when it does not apply. */
interface RunFlagSpec {
  /** Commander syntax: '--limit <n>'. */
  readonly flags: string;
  readonly description: string;
  readonly defaultValue?: string;
  /** Set for lm-eval flags evalboard does not support: what to use instead (the flag exits 2). */
  readonly instead?: string;
}

const RUN_FLAGS: readonly RunFlagSpec[] = [
  { flags: '--model <name>', description: 'backend: llamacpp, dummy', defaultValue: DEFAULT_MODEL },
  {
    flags: '--model_args <args>',
    description: `backend arguments, key=value,... (llamacpp default: ${DEFAULT_MODEL_ARGS})`,
  },
  {
    flags: '--tasks <names>',
    description: 'comma-separated tasks or groups (see `evalboard tasks`), or task .yaml files and folders',
    defaultValue: 'synthetic',
  },
  { flags: '--num_fewshot <n>', description: 'few-shot examples per prompt (default: each task’s own)' },
  { flags: '--batch_size <n>', description: 'requests evaluated together, or "auto"', defaultValue: '16' },
  { flags: '--limit <n>', description: 'first N docs per task (or a fraction < 1)' },
  {
    flags: '--samples <json>',
    description: 'only these docs, per task, as JSON or a JSON file: \'{"arc_easy":[0,5,7]}\' (not with --limit)',
  },
  { flags: '--output_path <dir>', description: 'write results (and samples) under this folder' },
  { flags: '--log_samples', description: 'write per-doc samples JSONL next to the results' },
  { flags: '--write_out', description: "print each task's first prompt before running" },
  { flags: '--show_config', description: "print each task's resolved config after the results" },
  {
    flags: '--seed <seeds>',
    description: 'one seed, or random,numpy,torch,fewshot as lm-eval',
    defaultValue: '0,1234,1234,1234',
  },
  {
    flags: '--repeats <n>',
    description: 'run the whole evaluation N times with seeds S … S+N−1; adds mean, std, min, max per metric',
  },
  { flags: '--bootstrap_iters <n>', description: 'bootstrap resamples for non-mean stderrs', defaultValue: '1000' },
  { flags: '--include_path <dir...>', description: 'extra folders of task YAML' },
  { flags: '--data_dir <dir>', description: 'local dataset folder (default $EVALBOARD_DATA_DIR)' },
  {
    flags: '--python <path>',
    description: "interpreter for lm-eval hooks in a task's utils.py (default $EVALBOARD_PYTHON, else python3)",
  },
  { flags: '--allow_network', description: 'download datasets missing from --data_dir from the Hugging Face hub' },
  {
    flags: '--use_cache <path>',
    description: 'request cache file (default: one per model and tasks under $EVALBOARD_CACHE)',
  },
  { flags: '--no_cache', description: 'do not read or write the request cache' },
  { flags: '--apply_chat_template', description: "wrap prompts in the model's chat template" },
  {
    flags: '--fewshot_as_multiturn [bool]',
    description: 'few-shot examples as chat turns: on by default with --apply_chat_template; "false" turns it off',
  },
  {
    flags: '--system_instruction <text>',
    description: 'system prompt: a system turn with --apply_chat_template, else prepended',
  },
  {
    flags: '--gen_kwargs <args>',
    description: 'generation settings over every generate_until task’s: key=value,... or JSON',
  },
  ...UNSAFE_CODE_OPTIONS.map(([flags, description]) => ({ flags, description })),
  {
    flags: '--prompts <mode>',
    description: 'tasks with several prompts: spread (doc k gets prompt k mod P) or all (every doc with every prompt)',
    defaultValue: 'spread',
  },
  {
    flags: '--suite <name>',
    description: 'run a suite (openllm_v2, or a suite YAML file) instead of --tasks; adds normalised scores',
  },
  {
    flags: '--think <mode>',
    description: 'reasoning blocks in generations: strip (before filters and metrics) or keep',
    defaultValue: 'strip',
  },
  { flags: '--think_tags <open,close>', description: 'reasoning markers', defaultValue: '<think>,</think>' },
  { flags: '--max_gen_toks <n>', description: "cap on every generation's tokens (overrides the tasks')" },
  { flags: '--predict_only', description: 'save model outputs (needs --log_samples) without computing metrics' },
  { flags: '--quiet', description: 'no progress output' },
  { flags: '-v, --verbose', description: 'stack traces and backend logs' },
  {
    flags: '--wandb_args <args>',
    description: '',
    instead: 'evalboard does not log to Weights & Biases; upload the results JSON that --output_path writes',
  },
  {
    flags: '--hf_hub_log_args <args>',
    description: '',
    instead:
      'evalboard does not push to the Hugging Face Hub; upload the --output_path folder yourself, e.g. with huggingface-cli upload',
  },
  {
    flags: '--trust_remote_code',
    description: '',
    instead: 'evalboard runs no dataset or model Python code, so there is nothing to trust; leave it out',
  },
  {
    flags: '--device <device>',
    description: '',
    instead:
      'llamacpp uses the GPU its build supports and the CPU otherwise; leave it out; n_threads in --model_args sets CPU threads',
  },
];

/** Adds every run flag, the unsupported lm-eval ones hidden from --help. */
export function addRunFlags(command: Command): Command {
  for (const spec of RUN_FLAGS) {
    const option = new Option(spec.flags, spec.description);
    if (spec.defaultValue !== undefined) option.default(spec.defaultValue);
    command.addOption(spec.instead ? option.hideHelp() : option);
  }
  return command;
}

/** An lm-eval flag evalboard answers instead of running: one line saying what to use. */
export function refuseUnsupportedFlags(flags: RunFlags): void {
  for (const spec of RUN_FLAGS) {
    if (!spec.instead) continue;
    const name = spec.flags.split(' ')[0]!;
    if ((flags as unknown as Record<string, unknown>)[name.slice(2)] !== undefined)
      throw new UserError('not supported', { field: name }, spec.instead);
  }
}
