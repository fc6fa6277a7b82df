import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { UserError } from '../errors.ts';

/** The suites that ship with evalboard (`run --suite NAME` reads `<SUITES_DIR>/NAME.yaml`). */
export const SUITES_DIR = join(new URL('../../', import.meta.url).pathname, 'suites');

const choices = z.number().int().min(2);

const benchmarkSchema = z.strictObject({
  /** As the leaderboard names the column ("MMLU-PRO"). */
  name: z.string().min(1),
  /** The task or group to run. */
  task: z.string().min(1),
  /** The ability it measures, for the board's per-domain view ("reasoning", "math"). */
  domain: z.string().min(1).optional(),
  /** Metric names, or "metric,filter" keys (filter "none" when left out); the raw score is their mean. */
  metrics: z.array(z.string().min(1)).min(1),
  /** Baseline 1/choices for the whole benchmark; left out with no subtasks: a generation task, baseline 0. */
  choices: choices.optional(),
  /** Per-subtask baselines: each subtask is normalised on its own, then the normalised scores are averaged. */
  subtasks: z.record(z.string(), z.strictObject({ choices })).optional(),
  num_fewshot: z.number().int().nonnegative(),
  /** Documents in the full benchmark (all subtasks): a different count means different data. */
  docs: z.number().int().positive(),
});

const suiteSchema = z.strictObject({
  suite: z.string().min(1),
  description: z.string(),
  total: z.literal('mean'),
  setup: z.strictObject({
    limit: z.null(),
    system_instruction: z.null(),
    gen_kwargs: z.null(),
    max_gen_toks: z.null(),
    apply_chat_template: z.union([z.boolean(), z.literal('any')]),
    /** Tasks with several prompts: each doc with its own prompt (MERA's protocol) or with all of them. */
    prompts: z.enum(['spread', 'all']).optional(),
    /** The oldest evalboard whose prompts and metrics give this suite's numbers ("0.1.0"). */
    min_evalboard_version: z
      .string()
      .regex(/^\d+\.\d+\.\d+$/)
      .optional(),
  }),
  benchmarks: z.array(benchmarkSchema).min(1),
});

export type SuiteBenchmark = z.infer<typeof benchmarkSchema>;

export interface SuiteDefinition extends z.infer<typeof suiteSchema> {
  readonly file: string;
  readonly sha256: string;
}

/** A shipped suite by name, or a suite file by path. */
export async function loadSuite(nameOrPath: string): Promise<SuiteDefinition> {
  const isPath = nameOrPath.endsWith('.yaml') || nameOrPath.includes('/');
  const file = isPath ? nameOrPath : join(SUITES_DIR, `${nameOrPath}.yaml`);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new UserError(
      `no suite ${nameOrPath}`,
      { field: '--suite' },
      isPath ? 'give a suite YAML file' : `shipped suites are the .yaml files in ${SUITES_DIR}`,
    );
  }
  return parseSuite(text, file);
}

export function parseSuite(text: string, file: string): SuiteDefinition {
  let value: unknown;
  try {
    value = parse(text);
  } catch (e) {
    throw new UserError(`invalid YAML: ${(e as Error).message.split('\n')[0]}`, { file });
  }
  const parsed = suiteSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new UserError(issue.message, { file, field: issue.path.join('.') || undefined });
  }
  for (const b of parsed.data.benchmarks)
    if (b.choices !== undefined && b.subtasks)
      throw new UserError(`benchmark ${b.name}: give choices or subtasks, not both`, { file, field: 'benchmarks' });
  const sha256 = createHash('sha256').update(text).digest('hex');
  return { ...parsed.data, file, sha256 };
}

/** "acc_norm" → "acc_norm,none": the results file's key for a metric. */
export function metricKey(metric: string): string {
  return metric.includes(',') ? metric : `${metric},none`;
}
