import type { Command } from 'commander';
import { DEFAULT_MODEL } from '../backends/index.ts';
import { openBackend } from '../cache/index.ts';
import { resolveDataDir } from '../documents/data-dir.ts';
import { UserError } from '../errors.ts';
import {
  ANSWER_TASKS,
  type AnswerTask,
  defaultModelName,
  type GeneratedAnswers,
  generateAnswers,
  isAnswerTask,
} from '../judges/answers/generate.ts';
import { positiveInteger } from './compare.ts';

interface GenerateFlags {
  tasks: string;
  model: string;
  model_args?: string;
  model_name?: string;
  output_path: string;
  questions?: string;
  limit?: string;
  max_gen_toks?: string;
  batch_size: string;
  seed: string;
  use_cache?: string;
  no_cache?: boolean;
  data_dir?: string;
}

const OPTIONS: readonly (readonly [string, string, string?])[] = [
  ['--tasks <list>', `comma-separated: ${ANSWER_TASKS.join(', ')}`],
  ['--model <backend>', 'backend: llamacpp, openai-chat, openai-completions, dummy', DEFAULT_MODEL],
  ['--model_args <args>', 'key=value,… for the backend, as for run'],
  ['--model_name <name>', 'the model’s name in the answer files (default: model_args’ model, or the GGUF’s name)'],
  ['--output_path <dir>', 'folder for the answer files, each in its benchmark’s own layout'],
  ['--questions <file>', 'questions file (one task only; default: the benchmark’s file in the data folder)'],
  ['--limit <n>', 'answer only the first N questions of each benchmark'],
  ['--max_gen_toks <n>', 'answer length limit (default: the benchmark’s published generation config)'],
  ['--batch_size <n>', 'batch size', '1'],
  ['--seed <n>', 'seed', '0'],
  ['--use_cache <path>', 'request cache file (default: under $EVALBOARD_CACHE)'],
  ['--no_cache', 'do not read or write the request cache'],
  ['--data_dir <dir>', 'dataset folder (default: $EVALBOARD_DATA_DIR or ../shared/datasets)'],
];

/** `evalboard generate`: a model's answers to a judge benchmark's questions, for `evalboard judge`. */
export function registerGenerate(program: Command): void {
  const command = program
    .command('generate')
    .description('answer Arena-Hard, MT-Bench or AlpacaEval questions in the benchmark’s own answer format');
  for (const [flag, help, fallback] of OPTIONS) command.option(flag, help, fallback);
  command.action(async (flags: GenerateFlags) => {
    await executeGenerate(flags);
  });
}

export async function executeGenerate(flags: GenerateFlags): Promise<GeneratedAnswers[]> {
  if (!flags.tasks)
    throw new UserError('say which benchmarks to answer', { field: '--tasks' }, ANSWER_TASKS.join(', '));
  if (!flags.output_path) throw new UserError('say where the answers go', { field: '--output_path' });
  const tasks = flags.tasks.split(',').map((t) => t.trim());
  for (const task of tasks)
    if (!isAnswerTask(task))
      throw new UserError(`unknown answer task "${task}"`, { field: '--tasks' }, `use ${ANSWER_TASKS.join(', ')}`);
  if (flags.questions && tasks.length > 1)
    throw new UserError('--questions names one benchmark’s file', { field: '--questions' }, 'give one task');
  const opened = await openBackend({
    model: flags.model,
    modelArgs: flags.model_args,
    batchSize: flags.batch_size === 'auto' ? 'auto' : positiveInteger(flags.batch_size, '--batch_size'),
    seed: positiveInteger(flags.seed, '--seed', true),
    cache: flags.no_cache ? false : { path: flags.use_cache, taskNames: tasks.map((t) => `generate:${t}`) },
  });
  const written: GeneratedAnswers[] = [];
  try {
    const model = { backend: opened.backend, ...(opened.chatTemplate ? { chatTemplate: opened.chatTemplate } : {}) };
    const modelName = flags.model_name ?? defaultModelName(flags.model, opened.modelArgs);
    for (const task of tasks as AnswerTask[]) {
      const result = await generateAnswers(model, task, {
        modelName,
        outputDir: flags.output_path,
        questions: flags.questions,
        dataDir: resolveDataDir(flags.data_dir),
        limit: flags.limit === undefined ? undefined : positiveInteger(flags.limit, '--limit'),
        maxTokens: flags.max_gen_toks === undefined ? undefined : positiveInteger(flags.max_gen_toks, '--max_gen_toks'),
      });
      written.push(result);
      const capped = result.hitMaxTokens
        ? ` (${result.hitMaxTokens} of ${result.generations} generations stopped at the token limit)`
        : '';
      process.stdout.write(`${task}: ${result.questions} answers${capped} → ${result.path}\n`);
    }
    const stats = opened.cache?.stats();
    if (stats)
      process.stderr.write(`request cache: ${stats.hits} hits, ${stats.fresh} fresh (${opened.cache!.path})\n`);
  } finally {
    await opened.close();
  }
  return written;
}
