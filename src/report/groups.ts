import { aggregateSubtasks, pooledStderr } from '../aggregate/index.ts';
import type { GroupDefinition } from '../task/types.ts';
import type { MetricEntries } from './schema.ts';

/**
 * The group part of lm-eval's results (v0.4.9.2 evaluator_utils.py: consolidate_group_results,
 * prepare_print_tasks, get_subtask_list): group scores over leaf tasks, the table's order and
 * indented aliases, and `group_subtasks`.
 */

/** One task's row of `results` as the group aggregation reads it. */
export interface TaskRow {
  readonly name: string;
  /** lm-eval's task_alias; the name when unset. */
  readonly alias: string;
  /** "metric,filter" → value and "metric_stderr,filter" → stderr or "N/A". */
  readonly scores: MetricEntries;
  /** Documents behind each "metric,filter" value (lm-eval's per-task `samples`). */
  readonly sizes: ReadonlyMap<string, number>;
  readonly higherIsBetter: Readonly<Record<string, boolean>>;
}

export interface GroupedResults {
  /** Every task and group, in lm-eval's table order, each with its indented `alias`. */
  readonly results: Record<string, MetricEntries>;
  /** The groups that aggregate (an `aggregate_metric_list`), in the same order. */
  readonly groups: Record<string, MetricEntries>;
  /** Each group's direct subtasks and subgroups; a task run on its own lists nothing. */
  readonly groupSubtasks: Record<string, string[]>;
  readonly groupHigherIsBetter: Record<string, Record<string, boolean>>;
}

interface Node {
  readonly name: string;
  readonly group?: GroupDefinition;
  readonly children: readonly Node[];
}

/** What lm-eval writes for a group with no aggregate_metric_list: a blank row under its label. */
const NO_SCORE: MetricEntries = { ' ': ' ' };

/**
 * Tasks in the order they were requested (first mention), groups as resolved (tags excluded:
 * their tasks stand alone). A task or group inside no other group is a top-level entry.
 */
export function groupResults(tasks: readonly TaskRow[], groups: readonly GroupDefinition[]): GroupedResults {
  const rows = new Map(tasks.map((t) => [t.name, t]));
  const byName = new Map(groups.filter((g) => !g.isTag).map((g) => [g.name, g]));
  const nodeOf = (name: string): Node => {
    const group = byName.get(name);
    if (!group) return { name, children: [] };
    return { name, group, children: group.tasks.filter((t) => byName.has(t) || rows.has(t)).map(nodeOf) };
  };
  const listed = new Set([...byName.values()].flatMap((g) => g.tasks));
  const order = new Map(tasks.map((t, i) => [t.name, i]));
  const firstLeaf = (n: Node): number =>
    n.group ? Math.min(Number.POSITIVE_INFINITY, ...n.children.map(firstLeaf)) : (order.get(n.name) ?? 0);
  const roots = [...byName.keys(), ...tasks.map((t) => t.name)]
    .filter((name) => !listed.has(name))
    .map(nodeOf)
    .sort((a, b) => firstLeaf(a) - firstLeaf(b));

  const groupScores = new Map<string, MetricEntries>();
  const groupHigherIsBetter: Record<string, Record<string, boolean>> = {};
  const aggregateBelow = (n: Node): void => {
    if (!n.group || groupScores.has(n.name)) return;
    n.children.forEach(aggregateBelow);
    const leaves = leafNames(n).map((name) => rows.get(name)!);
    groupScores.set(n.name, aggregateGroup(n.group, leaves));
    groupHigherIsBetter[n.name] = higherIsBetterOver(leaves);
  };
  roots.forEach(aggregateBelow);

  const results: Record<string, MetricEntries> = {};
  const scoredGroups: Record<string, MetricEntries> = {};
  // prepare_print_tasks: depth-first, siblings sorted by name, "- " after one space per level.
  const printOrder = (nodes: readonly Node[], depth: number): void => {
    for (const n of [...nodes].sort((a, b) => pythonCompare(a.name, b.name))) {
      if (n.name in results) continue;
      const indent = depth > 0 ? `${' '.repeat(depth)}- ` : '';
      if (n.group) {
        const scores = groupScores.get(n.name)!;
        // lm-eval adds a group's alias after its scores, so it is the entry's last key.
        results[n.name] = { ...scores, alias: indent + (n.group.alias ?? n.name) };
        if (scores !== NO_SCORE) scoredGroups[n.name] = results[n.name]!;
        printOrder(n.children, depth + 1);
      } else {
        const row = rows.get(n.name)!;
        results[n.name] = { alias: indent + row.alias, ...row.scores };
      }
    }
  };
  printOrder(roots, 0);
  return { results, groups: scoredGroups, groupSubtasks: subtaskLists(roots), groupHigherIsBetter };
}

function leafNames(n: Node): string[] {
  return n.group ? n.children.flatMap(leafNames) : [n.name];
}

/**
 * consolidate_group_results: every "metric,filter" that some leaf task reports and that the
 * group's aggregate_metric_list names (metric and one of its filter_list) is averaged over the
 * leaf tasks that report it — over leaves, not over subgroups' scores, so a nested group with
 * weight_by_size: false weighs each leaf task alike. The stderr is pooled (N/A if any is).
 */
function aggregateGroup(group: GroupDefinition, leaves: readonly TaskRow[]): MetricEntries {
  if (group.aggregateMetrics.length === 0) return NO_SCORE;
  const keys = new Set<string>();
  for (const leaf of leaves)
    for (const k of Object.keys(leaf.scores)) if (k.includes(',') && !k.includes('_stderr')) keys.add(k);
  const out: MetricEntries = {};
  for (const k of [...keys].sort(pythonCompare)) {
    const comma = k.indexOf(',');
    const [metric, filter] = [k.slice(0, comma), k.slice(comma + 1)];
    // When several entries name the same metric and filter, lm-eval keeps the last one's result.
    const config = group.aggregateMetrics.findLast(
      (a) => a.metric === metric && (a.filterList ?? ['none']).includes(filter),
    );
    if (!config) continue;
    const parts = leaves.filter((leaf) => typeof leaf.scores[k] === 'number');
    if (parts.length === 0) continue;
    const sizes = parts.map((p) => p.sizes.get(k) ?? 0);
    const stderrKey = `${metric}_stderr,${filter}`;
    const stderrs = parts.map((p) => p.scores[stderrKey]);
    out[k] = aggregateSubtasks(
      parts.map((p) => p.scores[k] as number),
      sizes,
      config.weightBySize,
    );
    out[stderrKey] = stderrs.every((s): s is number => typeof s === 'number') ? pooledStderr(stderrs, sizes) : 'N/A';
  }
  return out;
}

/** A group's metric is better when higher if its leaf tasks agree on that (lm-eval: None otherwise). */
function higherIsBetterOver(leaves: readonly TaskRow[]): Record<string, boolean> {
  const votes = new Map<string, boolean[]>();
  for (const leaf of leaves)
    for (const [metric, better] of Object.entries(leaf.higherIsBetter))
      votes.set(metric, [...(votes.get(metric) ?? []), better]);
  const out: Record<string, boolean> = {};
  for (const [metric, v] of [...votes].sort(([a], [b]) => pythonCompare(a, b)))
    out[metric] = v.every((x) => x === v[0]) ? v[0]! : true;
  return out;
}

/**
 * get_subtask_list as lm-eval writes it (`dict(reversed(...))`): lm-eval's task dict holds the
 * requested names last-first, each group before its subgroups; the file lists that order reversed.
 */
function subtaskLists(roots: readonly Node[]): Record<string, string[]> {
  const entries: [string, string[]][] = [];
  const preorder = (n: Node): void => {
    if (!n.group) return;
    entries.push([n.name, n.children.map((c) => c.name)]);
    n.children.forEach(preorder);
  };
  for (const root of [...roots].reverse()) {
    if (root.group) preorder(root);
    else entries.push([root.name, []]);
  }
  const out: Record<string, string[]> = {};
  for (const [name, subtasks] of entries.reverse()) if (!(name in out)) out[name] = subtasks;
  return out;
}

/** Python's str ordering (code points), which prepare_print_tasks sorts by. */
function pythonCompare(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = x[i]!.codePointAt(0)! - y[i]!.codePointAt(0)!;
    if (d !== 0) return d;
  }
  return x.length - y.length;
}
