import { readdir, readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { type ErrorLocation, UserError } from '../../errors.ts';
import type { GroupDefinition, TaskDefinition } from '../types.ts';
import { groupConfigSchema } from './schema.ts';
import { buildTask } from './task-builder.ts';
import type { TaskLoadOptions, TaskWarning, YamlGroupDefinition, YamlTaskDefinition } from './types.ts';
import { clearYamlCache, readYamlFile, resolveIncludes, type YamlFile } from './yaml-file.ts';

export interface TaskIndexEntry {
  readonly name: string;
  readonly kind: 'task' | 'group' | 'tag';
  readonly file?: string;
}

export interface TaskIndex {
  /** A task, a group, or a tag (a group that aggregates nothing); throws UserError if unknown or broken. */
  get(name: string): TaskDefinition | GroupDefinition;
  has(name: string): boolean;
  /** Every name, sorted. */
  list(): TaskIndexEntry[];
  /** Unknown/unsupported keys and similar, one per occurrence. */
  readonly warnings: readonly TaskWarning[];
}

type Entry =
  | { kind: 'task'; file: string; definition?: YamlTaskDefinition; error?: unknown }
  | { kind: 'group'; file: string; definition?: YamlGroupDefinition; error?: unknown }
  | { kind: 'tag'; definition: YamlGroupDefinition };

/**
 * Indexes every *.yaml under the folders (later folders override earlier ones, as lm-eval's
 * --include_path overrides its built-in tasks) and builds each task and group. A file that is
 * not valid YAML is reported as a warning; it, and a task whose config is wrong, fail only when
 * asked for.
 */
export async function loadTaskYamls(dirs: readonly string[], options: TaskLoadOptions = {}): Promise<TaskIndex> {
  clearYamlCache();
  const warnings: TaskWarning[] = [];
  const seenWarnings = new Set<string>();
  // A key in a shared template is reported once, not once per task that includes it.
  const warn = (w: TaskWarning) => {
    const key = `${w.location.file}:${w.location.line}:${w.message}`;
    if (!seenWarnings.has(key)) warnings.push(w);
    seenWarnings.add(key);
  };
  const entries = new Map<string, Entry>();
  const tags = new Map<string, string[]>();
  const taskFiles = new Map<string, YamlFile>();
  const groupFiles = new Map<string, YamlFile>();

  for (const dir of dirs) {
    const seenHere = new Set<string>();
    const paths = await yamlFilesUnder(resolve(dir));
    // Start every read now (readYamlFile caches the promise; failures surface below, in order):
    // one file at a time left the load waiting on ~170 sequential reads.
    for (const path of paths) void readYamlFile(path).catch(() => undefined);
    for (const path of paths) {
      let file: YamlFile;
      try {
        file = await readYamlFile(path);
      } catch (e) {
        if (!(e instanceof UserError)) throw e;
        // One broken file is reported once and blocks only the tasks that need it.
        warn({ message: e.hint ? `${e.message} (${e.hint})` : e.message, location: e.location, brokenFile: true });
        const name = await nameInBrokenFile(path);
        if (name !== undefined && !seenHere.has(name)) {
          seenHere.add(name);
          entries.set(name, { kind: 'task', file: path, error: e });
          taskFiles.delete(name);
          groupFiles.delete(name);
        }
        continue;
      }
      const name = definedName(file.value);
      if (name === undefined) continue; // e.g. a template only meant to be included
      if (seenHere.has(name)) {
        warn({ message: `duplicate task name "${name}" skipped`, location: file.locate(['task']) });
        continue;
      }
      seenHere.add(name);
      if ('class' in file.value) {
        entries.set(name, {
          kind: 'task',
          file: path,
          error: new UserError('python task classes (`class:`) are not supported', file.locate(['class'])),
        });
        continue;
      }
      if (Array.isArray(file.value.task)) {
        groupFiles.set(name, file);
        taskFiles.delete(name);
        entries.set(name, { kind: 'group', file: path });
        continue;
      }
      taskFiles.set(name, file);
      groupFiles.delete(name);
      entries.set(name, { kind: 'task', file: path });
      // Like lm-eval, tags come from the task file itself, not from its includes.
      const tagValue = file.value.tag;
      for (const tag of typeof tagValue === 'string' ? [tagValue] : Array.isArray(tagValue) ? tagValue : []) {
        const members = tags.get(String(tag)) ?? [];
        if (!members.includes(name)) members.push(name);
        tags.set(String(tag), members);
      }
    }
  }
  for (const [tag, members] of tags) {
    if (entries.has(tag)) {
      warn({ message: `tag "${tag}" is also a task or group name; the tag is ignored`, location: {} });
      continue;
    }
    entries.set(tag, {
      kind: 'tag',
      definition: { name: tag, tasks: members, aggregateMetrics: [], version: 0, isTag: true },
    });
  }
  for (const [name, file] of taskFiles) {
    const entry = entries.get(name)!;
    try {
      entry.definition = await buildTask(await resolveIncludes(file), options, warn);
    } catch (e) {
      if (!(e instanceof UserError)) throw e;
      (entry as { error?: unknown }).error = e;
    }
  }
  for (const [name, file] of groupFiles) {
    const entry = entries.get(name)!;
    try {
      entry.definition = await buildGroup(file, entries, tags, options, warn);
    } catch (e) {
      if (!(e instanceof UserError)) throw e;
      (entry as { error?: unknown }).error = e;
    }
  }

  return {
    warnings,
    has: (name) => entries.has(name),
    list: () =>
      [...entries.entries()]
        .map(([name, e]) => ({ name, kind: e.kind, ...('file' in e && { file: e.file }) }))
        .sort((a, b) => a.name.localeCompare(b.name)),
    get(name) {
      const entry = entries.get(name);
      if (!entry) throw new UserError(`unknown task or group "${name}"`, { field: 'task' });
      if ('error' in entry && entry.error) throw entry.error;
      return entry.definition!;
    },
  };
}

/** The task or group a file defines: `task: name`, or `group: name` over a `task:` list. */
function definedName(value: Record<string, unknown>): string | undefined {
  const { task, group } = value;
  return typeof group === 'string' && Array.isArray(task) ? group : typeof task === 'string' ? task : undefined;
}

/** A file that does not parse may still say which task it is, so asking for it names the file. */
async function nameInBrokenFile(path: string): Promise<string | undefined> {
  const text = await readFile(path, 'utf8').catch(() => '');
  // A task file's `task:` wins over a lm-eval v0.3 style `group:` tag; a group file has only `group:`.
  const named = (key: string) => new RegExp(`^(?:- )?${key}:[ \\t]*["']?([\\w.:-]+)["']?[ \\t]*$`, 'm').exec(text)?.[1];
  return named('task') ?? named('group');
}

/**
 * The task and group names to run for a --tasks entry that is a path: a .yaml file's own task or
 * group, or those of a folder's .yaml files (not its subfolders'), as lm-eval's --tasks reads them.
 * A broken file still gives its name when it states one, so running it reports the file.
 */
export async function tasksDefinedAt(path: string): Promise<string[]> {
  const files = (await stat(path)).isDirectory()
    ? (await readdir(path))
        .filter((name) => name.endsWith('.yaml'))
        .sort()
        .map((name) => join(resolve(path), name))
    : [resolve(path)];
  const names: string[] = [];
  for (const file of files) {
    let name: string | undefined;
    try {
      name = definedName((await readYamlFile(file)).value);
    } catch (e) {
      name = await nameInBrokenFile(file);
      if (name === undefined) throw e;
    }
    if (name !== undefined && !names.includes(name)) names.push(name);
  }
  return names;
}

async function yamlFilesUnder(dir: string): Promise<string[]> {
  let names: string[];
  try {
    names = (await readdir(dir)).sort();
  } catch (e) {
    throw new UserError(`cannot read task folder: ${(e as Error).message}`, { file: dir });
  }
  const skipped = new Set(['__pycache__', '.ipynb_checkpoints', 'node_modules']);
  const paths = names.filter((name) => !skipped.has(name)).map((name) => join(dir, name));
  // All stats at once, then in name order: the walk is sequential IO otherwise.
  const found = await Promise.all(
    paths.map(async (path) =>
      (await stat(path)).isDirectory() ? yamlFilesUnder(path) : path.endsWith('.yaml') ? [path] : [],
    ),
  );
  return found.flat();
}

/**
 * A group file: `task:` lists task, group or tag names (a tag expands to its tasks) or inline
 * task configs, which become tasks of their own name.
 */
async function buildGroup(
  file: YamlFile,
  entries: Map<string, Entry>,
  tags: ReadonlyMap<string, readonly string[]>,
  options: TaskLoadOptions,
  warn: (w: TaskWarning) => void,
): Promise<YamlGroupDefinition> {
  if (file.ambiguity) throw file.ambiguity;
  const parsed = groupConfigSchema.safeParse(file.value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new UserError(
      issue.message,
      file.locate(issue.path.filter((p) => typeof p !== 'symbol') as (string | number)[]),
    );
  }
  const config = parsed.data;
  const groupKeys = new Set(['group', 'group_alias', 'task', 'aggregate_metric_list', 'metadata']);
  const passedDown = Object.keys(file.value).filter((k) => !groupKeys.has(k));
  for (const key of passedDown) {
    warn({
      message: `"${key}" in a group file overrides its subtasks in lm-eval; evalboard does not apply it`,
      location: file.locate([key]),
    });
  }
  const tasks: string[] = [];
  const listedAt = new Map<string, ErrorLocation>();
  for (const [i, item] of config.task.entries()) {
    const where: ErrorLocation = file.locate(['task', i]);
    if (typeof item === 'string') {
      listedAt.set(item, where);
      tasks.push(...(entries.get(item)?.kind === 'tag' ? (tags.get(item) ?? []) : [item]));
      continue;
    }
    const name = item.task;
    if (typeof name !== 'string') throw new UserError('an inline task needs a `task:` name', where);
    if (entries.get(name)?.kind === 'tag') {
      tasks.push(...(tags.get(name) ?? []));
    } else if (entries.has(name)) {
      if (Object.keys(item).length > 1) {
        warn({ message: `overrides for "${name}" inside group "${config.group}" are not applied`, location: where });
      }
      tasks.push(name);
    } else {
      // A task defined inline in the group: its includes are relative to the group file.
      const inline: YamlFile = { path: file.path, value: item, locate: (p) => file.locate(['task', i, ...p]) };
      const entry: Entry = { kind: 'task', file: file.path };
      entries.set(name, entry);
      try {
        entry.definition = await buildTask(await resolveIncludes(inline), options, warn);
      } catch (e) {
        if (!(e instanceof UserError)) throw e;
        entry.error = e;
      }
      tasks.push(name);
    }
  }
  const aggregates = config.aggregate_metric_list;
  const list = aggregates == null ? [] : Array.isArray(aggregates) ? aggregates : [aggregates];
  const version = Number(config.metadata?.version ?? 0);
  return {
    name: config.group,
    tasks,
    aggregateMetrics: list.map((a) => ({
      metric: a.metric,
      weightBySize: a.weight_by_size ?? false,
      filterList: typeof a.filter_list === 'string' ? [a.filter_list] : (a.filter_list ?? ['none']),
    })),
    version: Number.isFinite(version) ? version : 0,
    file: file.path,
    alias: config.group_alias ?? undefined,
    isTag: false,
    locateTask: (name) => listedAt.get(name) ?? file.locate(['task']),
  };
}
