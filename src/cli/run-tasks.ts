import { existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { UserError } from '../errors.ts';
import type { PreparedTask } from '../evaluator/evaluate.ts';
import type { Request } from '../requests/types.ts';
import { tasksDefinedAt } from '../task/yaml/index.ts';
import type { TaskDefinition } from '../task/types.ts';

/** A --tasks entry that names a path rather than a task: a .yaml file, or anything with a slash. */
function isTaskPath(entry: string): boolean {
  return entry.endsWith('.yaml') || entry.includes('/');
}

/**
 * --tasks entries → task names, with the folders of entries that are paths to index too: a .yaml
 * file runs the task or group it defines, a folder every one defined by its own .yaml files, as
 * lm-eval's --tasks does. Other entries are names.
 */
export async function expandTaskPaths(
  entries: readonly string[],
): Promise<{ names: string[]; includePaths: string[] }> {
  const names: string[] = [];
  const includePaths: string[] = [];
  for (const entry of entries) {
    if (!isTaskPath(entry)) {
      names.push(entry);
      continue;
    }
    if (!existsSync(entry))
      throw new UserError(
        `no such task file or folder: ${entry}`,
        { field: '--tasks' },
        'give a task name, a .yaml file or a folder',
      );
    const folder = statSync(entry).isDirectory() ? resolve(entry) : dirname(resolve(entry));
    if (!includePaths.includes(folder)) includePaths.push(folder);
    const defined = await tasksDefinedAt(entry);
    if (defined.length === 0)
      throw new UserError(`${entry} defines no task or group`, { field: '--tasks' }, 'its files need a `task:` name');
    names.push(...defined);
  }
  return { names, includePaths };
}

/** An existing folder given as a bare name: one hint for an unknown-task error. */
export function folderHint(entries: readonly string[]): string | undefined {
  const folder = entries.find((e) => !isTaskPath(e) && existsSync(e) && statSync(e).isDirectory());
  return folder && `for the folder ${folder}, write --tasks ./${folder}`;
}

const GENERATION_KEYS = ['until', 'max_gen_toks', 'temperature', 'do_sample'];

/**
 * --gen_kwargs over a generate_until task's generation_kwargs, as lm-eval's set_config(update=True):
 * given keys replace the task's, the others stay. The recorded config shows the result.
 */
export function withGenKwargs(task: TaskDefinition, kwargs: Readonly<Record<string, unknown>>): TaskDefinition {
  if (task.outputType !== 'generate_until' || !task.generation) return task;
  const unknown = Object.keys(kwargs).filter((k) => !GENERATION_KEYS.includes(k));
  if (unknown.length > 0)
    throw new UserError(
      `${unknown.join(', ')} cannot be applied by evalboard's backends`,
      { field: '--gen_kwargs' },
      `use ${GENERATION_KEYS.join(', ')}`,
    );
  const { until, max_gen_toks, temperature, do_sample } = kwargs;
  const g = task.generation;
  const checked = {
    until:
      until === undefined
        ? g.until
        : typeof until === 'string'
          ? [until]
          : Array.isArray(until) && until.every((u) => typeof u === 'string')
            ? until
            : badGenKwarg('until', 'a string or a list of strings'),
    maxGenToks:
      max_gen_toks === undefined
        ? g.maxGenToks
        : Number.isInteger(max_gen_toks) && (max_gen_toks as number) > 0
          ? (max_gen_toks as number)
          : badGenKwarg('max_gen_toks', 'a positive integer'),
    temperature:
      temperature === undefined
        ? g.temperature
        : typeof temperature === 'number' && temperature >= 0
          ? temperature
          : badGenKwarg('temperature', 'a number ≥ 0'),
    doSample:
      do_sample === undefined
        ? g.doSample
        : typeof do_sample === 'boolean'
          ? do_sample
          : badGenKwarg('do_sample', 'true or false'),
  };
  const recorded = (task.config.generation_kwargs ?? {}) as Record<string, unknown>;
  return {
    ...task,
    generation: checked,
    config: { ...task.config, generation_kwargs: { ...recorded, ...kwargs } },
  };
}

function badGenKwarg(key: string, expected: string): never {
  throw new UserError(`${key} must be ${expected}`, { field: '--gen_kwargs' });
}

/** lm-eval's --write_out: each task's first document, its prompt, target and requests. */
export function writeOutPrompts(prepared: readonly PreparedTask[], write: (text: string) => void): void {
  for (const { task, instances } of prepared) {
    const first = instances[0];
    if (!first) continue;
    const lines = [
      `Task: ${task.name}; document ${first.docId}; context prompt (starting on next line):`,
      first.context,
      '(end of prompt on previous line)',
      'target string or answer choice index (starting on next line):',
      String(first.target),
      '(end of target on previous line)',
      ...(first.requests[0] ?? []).map((r) => `Request: ${describeRequest(r)}`),
    ];
    write(`${lines.join('\n')}\n`);
  }
}

function describeRequest(r: Request): string {
  switch (r.kind) {
    case 'loglikelihood':
      return `loglikelihood, continuation ${JSON.stringify(r.continuation)}`;
    case 'loglikelihoodRolling':
      return `loglikelihood_rolling of ${r.text.length} characters`;
    case 'generateUntil':
      return `generate_until ${JSON.stringify(r.settings.until)}, max_gen_toks ${r.settings.maxGenToks}, temperature ${r.settings.temperature}`;
  }
}
