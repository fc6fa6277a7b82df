import { describe, expect, it } from 'vitest';
import { syntheticTasks } from './builtin/synthetic/index.ts';
import { TaskCatalog } from './catalog.ts';
import type { GroupDefinition } from './types.ts';

/** The synthetic tasks, a tag over two of them, and groups that list the tag by name. */
function catalog(): TaskCatalog {
  const c = new TaskCatalog();
  for (const task of syntheticTasks()) c.addTask(task);
  const group = (name: string, tasks: string[], extra: Partial<GroupDefinition> = {}): GroupDefinition => ({
    name,
    tasks,
    aggregateMetrics: [{ metric: 'acc', weightBySize: false }],
    version: 1,
    ...extra,
  });
  c.addGroup(group('arith_tag', ['simplear', 'modar'], { aggregateMetrics: [], isTag: true }));
  c.addGroup(group('with_tag', ['bps', 'arith_tag', 'lcs']));
  c.addGroup(group('outer', ['with_tag', 'multiar']));
  return c;
}

describe('TaskCatalog.resolve with tags (lm-eval expands a tag in place)', () => {
  it('runs a requested tag as its tasks, with no group for it', () => {
    const { tasks, groups } = catalog().resolve(['arith_tag']);
    expect(tasks.map((t) => t.name)).toEqual(['simplear', 'modar']);
    expect(groups).toEqual([]);
  });

  it("puts a tag's tasks in the group that lists it, where the tag was listed, also one level down", () => {
    const { tasks, groups } = catalog().resolve(['outer']);
    expect(tasks.map((t) => t.name)).toEqual(['bps', 'simplear', 'modar', 'lcs', 'multiar']);
    expect(groups.map((g) => [g.name, g.tasks])).toEqual([
      ['outer', ['with_tag', 'multiar']],
      ['with_tag', ['bps', 'simplear', 'modar', 'lcs']],
    ]);
  });
});
