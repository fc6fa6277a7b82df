import { UserError } from '../errors.ts';
import type { GroupDefinition, TaskDefinition } from './types.ts';

/** Every task and group known to a run: built-ins plus YAML folders. */
export class TaskCatalog {
  private readonly tasks = new Map<string, TaskDefinition>();
  private readonly groups = new Map<string, GroupDefinition>();

  addTask(task: TaskDefinition): void {
    this.tasks.set(task.name, task);
  }

  addGroup(group: GroupDefinition): void {
    this.groups.set(group.name, group);
  }

  taskNames(): string[] {
    return [...this.tasks.keys()].sort();
  }

  groupNames(): string[] {
    return [...this.groups.keys()].sort();
  }

  getTask(name: string): TaskDefinition | undefined {
    return this.tasks.get(name);
  }

  getGroup(name: string): GroupDefinition | undefined {
    return this.groups.get(name);
  }

  /**
   * Names from the CLI → the tasks to run (each once, in order of first mention) and the
   * groups to aggregate. Unknown names fail together, with the closest known names.
   */
  resolve(names: readonly string[]): { tasks: TaskDefinition[]; groups: GroupDefinition[] } {
    const tasks = new Map<string, TaskDefinition>();
    const groups = new Map<string, GroupDefinition>();
    const unknown: string[] = [];
    const visit = (name: string, stack: readonly string[]): void => {
      const group = this.groups.get(name);
      if (group) {
        if (stack.includes(name)) throw new UserError(`group cycle: ${[...stack, name].join(' → ')}`);
        groups.set(name, group);
        for (const sub of group.tasks) visit(sub, [...stack, name]);
        return;
      }
      const task = this.tasks.get(name);
      if (task) tasks.set(name, task);
      else unknown.push(name);
    };
    for (const name of names) visit(name, []);
    if (unknown.length > 0) {
      const hints = unknown.map((u) => `${u} → ${this.closest(u).join(' / ') || '?'}`).join('; ');
      throw new UserError(
        `unknown task${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}`,
        { field: '--tasks' },
        `did you mean: ${hints}; \`evalboard tasks\` lists them all`,
      );
    }
    return { tasks: [...tasks.values()], groups: [...groups.values()] };
  }

  private closest(name: string): string[] {
    const all = [...this.tasks.keys(), ...this.groups.keys()];
    return all
      .map((n) => ({ n, d: editDistance(name.toLowerCase(), n.toLowerCase()) }))
      .filter((x) => x.d <= Math.max(2, Math.floor(name.length / 3)))
      .sort((a, b) => a.d - b.d || a.n.localeCompare(b.n))
      .slice(0, 3)
      .map((x) => x.n);
  }
}

function editDistance(a: string, b: string): number {
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
