import { UserError } from '../errors.ts';
import type { GroupDefinition, TaskDefinition } from './types.ts';

/** A lazily built set of tasks and groups (a folder of YAML): definitions are built on get(). */
export interface TaskSource {
  list(): readonly { readonly name: string; readonly kind: 'task' | 'group' | 'tag' }[];
  get(name: string): TaskDefinition | GroupDefinition;
}

/** Every task and group known to a run: built-ins plus YAML folders. */
export class TaskCatalog {
  private readonly tasks = new Map<string, TaskDefinition>();
  private readonly groups = new Map<string, GroupDefinition>();
  /** Names defined by sources, resolved on first use so a broken YAML only fails when asked for. */
  private readonly lazy = new Map<string, { source: TaskSource; kind: 'task' | 'group' }>();

  addSource(source: TaskSource): void {
    for (const entry of source.list()) {
      if (this.tasks.has(entry.name) || this.groups.has(entry.name)) continue;
      this.lazy.set(entry.name, { source, kind: entry.kind === 'task' ? 'task' : 'group' });
    }
  }

  addTask(task: TaskDefinition): void {
    this.tasks.set(task.name, task);
  }

  addGroup(group: GroupDefinition): void {
    this.groups.set(group.name, group);
  }

  taskNames(): string[] {
    return [...this.tasks.keys(), ...this.lazyNames('task')].sort();
  }

  groupNames(): string[] {
    return [...this.groups.keys(), ...this.lazyNames('group')].sort();
  }

  getTask(name: string): TaskDefinition | undefined {
    this.materialize(name);
    return this.tasks.get(name);
  }

  getGroup(name: string): GroupDefinition | undefined {
    this.materialize(name);
    return this.groups.get(name);
  }

  private lazyNames(kind: 'task' | 'group'): string[] {
    return [...this.lazy].filter(([, v]) => v.kind === kind).map(([k]) => k);
  }

  private materialize(name: string): void {
    const entry = this.lazy.get(name);
    if (!entry) return;
    this.lazy.delete(name);
    const definition = entry.source.get(name);
    if (entry.kind === 'task') this.tasks.set(name, definition as TaskDefinition);
    else this.groups.set(name, definition as GroupDefinition);
  }

  /**
   * Names from the CLI → the tasks to run (each once, in order of first mention) and the
   * groups to aggregate. Unknown names fail together, with the closest known names.
   */
  resolve(names: readonly string[], unknownHint?: string): { tasks: TaskDefinition[]; groups: GroupDefinition[] } {
    const tasks = new Map<string, TaskDefinition>();
    const groups = new Map<string, GroupDefinition>();
    const unknown: string[] = [];
    const visit = (name: string, stack: readonly string[], parent?: GroupDefinition): void => {
      const group = this.getGroup(name);
      if (group) {
        if (stack.includes(name))
          throw new UserError(`group cycle: ${[...stack, name].join(' → ')}`, parent?.locateTask?.(name) ?? {});
        // lm-eval expands a tag into its tasks in place: no group of its own, so no empty row.
        if (group.isTag) {
          for (const sub of group.tasks) visit(sub, stack, parent);
          return;
        }
        // A tag from another folder is listed by name in the group file: its tasks are the group's.
        const tagOf = (sub: string) => {
          const tag = this.getGroup(sub);
          return tag?.isTag ? tag : undefined;
        };
        const members = group.tasks.flatMap((sub) => tagOf(sub)?.tasks ?? [sub]);
        groups.set(name, group.tasks.some((sub) => tagOf(sub)) ? { ...group, tasks: members } : group);
        for (const sub of group.tasks) visit(sub, [...stack, name], group);
        return;
      }
      const task = this.getTask(name);
      if (task) tasks.set(name, task);
      else if (parent) {
        // A group file's typo: point at the group file, not at --tasks.
        const near = this.closest(name);
        throw new UserError(
          `group ${parent.name} lists unknown task "${name}"`,
          parent.locateTask?.(name) ?? { field: 'task' },
          near.length > 0 ? `did you mean ${near.join(' / ')}?` : '`evalboard tasks` lists them all',
        );
      } else unknown.push(name);
    };
    for (const name of names) visit(name, []);
    if (unknown.length > 0) {
      // Only names with a close match get a suggestion; the others are left to the full list.
      const suggestions = unknown.flatMap((u) => {
        const near = this.closest(u);
        return near.length > 0 ? [`${u} → ${near.join(' / ')}`] : [];
      });
      const hints = [
        ...(suggestions.length > 0 ? [`did you mean: ${suggestions.join('; ')}`] : []),
        ...(unknownHint ? [unknownHint] : []),
        '`evalboard tasks` lists them all',
      ];
      throw new UserError(
        `unknown task${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}`,
        { field: '--tasks' },
        hints.join('; '),
      );
    }
    return { tasks: [...tasks.values()], groups: [...groups.values()] };
  }

  private closest(name: string): string[] {
    const all = [...this.taskNames(), ...this.groupNames()];
    return all
      .map((n) => ({ n, d: editDistance(name.toLowerCase(), n.toLowerCase()) }))
      .filter((x) => x.d <= Math.max(2, Math.floor(name.length / 3)))
      .sort((a, b) => a.d - b.d || a.n.localeCompare(b.n))
      .slice(0, 3)
      .map((x) => x.n);
  }
}

/** Levenshtein distance, for did-you-mean hints. */
export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length]!;
}
