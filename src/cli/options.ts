import type { Command } from 'commander';
import { UserError } from '../errors.ts';
import type { ThinkOptions } from '../responses/think.ts';

/** lm-eval's --seed: one value for all, or "random,numpy,torch,fewshot" (default 0,1234,1234,1234). */
export function parseSeeds(text: string): { random: number; fewshot: number } {
  const parts = text.split(',').map((s) => s.trim());
  const nums = parts.map((p) => (p === 'None' ? Number.NaN : Number(p)));
  if (nums.some((n) => !Number.isInteger(n)) || (parts.length !== 1 && parts.length !== 4))
    throw new UserError(
      `"${text}" is not a seed`,
      { field: '--seed' },
      'give one integer, or four: random,numpy,torch,fewshot',
    );
  return parts.length === 1 ? { random: nums[0]!, fewshot: nums[0]! } : { random: nums[0]!, fewshot: nums[3]! };
}

export function parseLimit(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0)
    throw new UserError(
      `"${text}" is not a positive number`,
      { field: '--limit' },
      'an item count (50) or a fraction (0.1)',
    );
  return n;
}

export function parseBatchSize(text: string): number | 'auto' {
  if (text === 'auto' || text.startsWith('auto:')) return 'auto';
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1)
    throw new UserError(`"${text}" is not a batch size`, { field: '--batch_size' }, 'a positive integer or "auto"');
  return n;
}

export function parseNonNegativeInt(text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0) throw new UserError(`"${text}" is not a non-negative integer`, { field: flag });
  return n;
}

/** --num-fewshot → --num_fewshot: lm-eval's underscore flags are canonical, dashes are aliases. */
export function normalizeFlags(argv: readonly string[]): string[] {
  return argv.map((a) => {
    if (!a.startsWith('--')) return a;
    const eq = a.indexOf('=');
    const name = eq < 0 ? a : a.slice(0, eq);
    return `--${name.slice(2).replace(/-/g, '_')}${eq < 0 ? '' : a.slice(eq)}`;
  });
}

export function parseThink(mode: string, tags = '<think>,</think>'): ThinkOptions {
  if (mode !== 'strip' && mode !== 'keep') throw new UserError(`"${mode}" is not strip or keep`, { field: '--think' });
  const parts = tags.split(',');
  if (parts.length !== 2 || !parts[0] || !parts[1])
    throw new UserError(
      `"${tags}" is not OPEN,CLOSE`,
      { field: '--think_tags' },
      'e.g. --think_tags "<think>,</think>"',
    );
  return { mode, open: parts[0], close: parts[1] };
}

/** Where results go, the seeds and bootstrap, and where tasks and data come from: `run` and `score` alike. */
export function addReportAndDataOptions(command: Command): Command {
  return command
    .option('--output_path <dir>', 'write results (and samples) under this folder')
    .option('--log_samples', 'write per-doc samples JSONL next to the results')
    .option('--seed <seeds>', 'one seed, or random,numpy,torch,fewshot as lm-eval', '0,1234,1234,1234')
    .option('--bootstrap_iters <n>', 'bootstrap resamples for non-mean stderrs', '1000')
    .option('--include_path <dir...>', 'extra folders of task YAML')
    .option('--data_dir <dir>', 'local dataset folder (default $EVALBOARD_DATA_DIR)')
    .option('--allow_network', 'download datasets missing from --data_dir from the Hugging Face hub');
}
