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

const DIGITS = String.raw`\d(?:_?\d)*`;
/** What Python's float() accepts: underscores between digits, "inf", "nan", surrounding spaces. */
const PYTHON_FLOAT = new RegExp(
  String.raw`^\s*[+-]?(?:(?:${DIGITS}\.(?:${DIGITS})?|\.${DIGITS}|${DIGITS})(?:[eE][+-]?${DIGITS})?|inf(?:inity)?|nan)\s*$`,
  'i',
);

/** lm-eval's handle_arg_string: true/false (any case), digits → int, float() → float, else the text. */
function pythonArgValue(text: string): string | number | boolean {
  if (text.toLowerCase() === 'true') return true;
  if (text.toLowerCase() === 'false') return false;
  if (/^\d+$/.test(text)) return Number(text);
  if (!PYTHON_FLOAT.test(text)) return text;
  const plain = text.trim().replace(/_/g, '').toLowerCase();
  if (plain.endsWith('nan')) return Number.NaN;
  if (plain.endsWith('inf') || plain.endsWith('infinity')) return plain.startsWith('-') ? -Infinity : Infinity;
  return Number(plain);
}

/**
 * --gen_kwargs as lm-eval reads it: JSON when it contains "{", else simple_parse_args_string
 * (key=value pairs split on commas, values as handle_arg_string types them).
 */
export function parseGenKwargs(text: string): Record<string, unknown> {
  if (text.includes('{')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (e) {
      throw new UserError(`not JSON: ${(e as Error).message}`, { field: '--gen_kwargs' });
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
      throw new UserError('JSON --gen_kwargs must be an object', { field: '--gen_kwargs' });
    return parsed as Record<string, unknown>;
  }
  const kwargs: Record<string, unknown> = {};
  for (const arg of text.trim().split(',').filter(Boolean)) {
    const [key, ...value] = arg.split('=');
    kwargs[key!] = pythonArgValue(value.join('='));
  }
  return kwargs;
}

/**
 * --samples: per task, the doc ids to evaluate, as JSON text or the path of a JSON file (lm-eval
 * tries the file first).
 */
export function parseSamples(text: string, readFile: (path: string) => string | undefined): Record<string, number[]> {
  const source = readFile(text) ?? text;
  let parsed: unknown;
  try {
    parsed = JSON.parse(source);
  } catch (e) {
    throw new UserError(
      `not JSON or a JSON file: ${(e as Error).message}`,
      { field: '--samples' },
      `e.g. '{"arc_easy":[0,5,7]}'`,
    );
  }
  const valid =
    typeof parsed === 'object' &&
    parsed !== null &&
    !Array.isArray(parsed) &&
    Object.values(parsed).every((ids) => Array.isArray(ids) && ids.every((id) => Number.isInteger(id) && id >= 0));
  if (!valid)
    throw new UserError(
      'must map task names to lists of doc ids',
      { field: '--samples' },
      `e.g. '{"arc_easy":[0,5,7]}'`,
    );
  return parsed as Record<string, number[]>;
}
