/**
 * `evalboard report`: one self-contained HTML page for one or more results files — per-task scores
 * with 95 % CI bars, per-group breakdowns (MMLU by category and subject), and for several files
 * the models side by side with significant differences marked.
 */
import { intervalChart } from './charts.ts';
import { type ComparisonRow, compareRuns } from './compare.ts';
import { type Cell, fixed, type HtmlSection, htmlPage, htmlTable, note } from './format.ts';
import { primaryMetric, type RunResults } from './read-results.ts';
import type { TaskSamples } from './read-samples.ts';
import { runLabel } from './scores.ts';
import type { VariantsReport } from './variants.ts';
import { variantsSection } from './variants-output.ts';

export interface ReportRun {
  readonly results: RunResults;
  /** Per-item values when the run logged samples; null otherwise. */
  readonly samples: readonly TaskSamples[] | null;
}

export interface ReportOptions {
  readonly metric?: string;
  readonly seed?: number;
  readonly alpha?: number;
  /** The runs' benchmark variants compared (`evalboard variants`), shown after the side-by-side table. */
  readonly variants?: VariantsReport;
}

const Z95 = 1.959963984540054;

interface Score {
  readonly metric: string;
  readonly value: number;
  readonly stderr?: number;
}

function scoreFor(run: RunResults, task: string, metric?: string): Score | undefined {
  const metrics = run.tasks.get(task);
  const name = metrics && (metric && metrics.has(metric) ? metric : primaryMetric(metrics));
  const value = name === undefined ? undefined : metrics!.get(name);
  return value && name ? { metric: name, ...value } : undefined;
}

/** Tasks and groups that are no group's member: what a reader looks at first. */
function topLevel(run: RunResults): string[] {
  const members = new Set([...run.groups.values()].flat());
  return [...run.tasks.keys()].filter((t) => !members.has(t)).sort();
}

function scoreChart(run: RunResults, tasks: readonly string[], title: string, metric?: string): string {
  const points = tasks.flatMap((task) => {
    const s = scoreFor(run, task, metric);
    if (!s) return [];
    const half = s.stderr === undefined ? 0 : Z95 * s.stderr;
    return [{ label: `${task} (${s.metric})`, value: s.value, low: s.value - half, high: s.value + half }];
  });
  return points.length > 0 ? intervalChart(points, { title }) : '';
}

function scoreTable(run: RunResults, tasks: readonly string[], metric?: string): string {
  const rows: Cell[][] = tasks.flatMap((task) => {
    const s = scoreFor(run, task, metric);
    return s ? [[task, s.metric, fixed(s.value), s.stderr === undefined ? 'n/a' : fixed(Z95 * s.stderr)]] : [];
  });
  return htmlTable(['task', 'metric', 'score', '±95%'], rows);
}

function runSections(run: RunResults, metric?: string): HtmlSection[] {
  const label = runLabel(run);
  const tasks = topLevel(run);
  const sections: HtmlSection[] = [
    {
      heading: `Scores: ${label}`,
      html: `${note(`${run.file}; bars are ±1.96 standard errors where the results give one.`)}\n${scoreChart(run, tasks, 'score with 95% CI', metric)}\n${scoreTable(run, tasks, metric)}`,
    },
  ];
  for (const [group, members] of [...run.groups.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    sections.push({
      heading: `${group}: ${label}`,
      html: `${scoreChart(run, members, `${group} by subtask`, metric)}\n${scoreTable(run, [...members].sort(), metric)}`,
    });
  }
  return sections;
}

/**
 * Each later run against the first: the paired test's Holm flag when both runs logged samples for
 * the task, else whether the two 95 % CIs are disjoint (a conservative check, labelled as such).
 */
function sideBySide(runs: readonly ReportRun[], options: ReportOptions): HtmlSection {
  const [first, ...others] = runs;
  const paired = new Map<string, ComparisonRow>();
  const withSamples = runs.filter((r) => r.samples !== null);
  if (first!.samples && withSamples.length >= 2) {
    const labels = runs.map((r, i) => `${i + 1}. ${runLabel(r.results)}`);
    const report = compareRuns(
      runs.flatMap((r, i) => (r.samples ? [{ label: labels[i]!, samples: r.samples }] : [])),
      {
        ...(options.seed === undefined ? {} : { seed: options.seed }),
        ...(options.alpha === undefined ? {} : { alpha: options.alpha }),
      },
    );
    for (const row of report.rows) paired.set(`${row.other}\u0000${row.task}\u0000${row.metric}`, row);
  }
  const tasks = [...new Set(runs.flatMap((r) => [...r.results.tasks.keys()]))].sort();
  const headers = [
    'task',
    'metric',
    `1. ${runLabel(first!.results)}`,
    ...others.flatMap((r, i) => [`${i + 2}. ${runLabel(r.results)}`, 'vs 1 (basis)']),
  ];
  const marked: boolean[] = [];
  const rows = tasks.map((task) => {
    const base = scoreFor(first!.results, task, options.metric);
    const cells: Cell[] = [task, base?.metric ?? '', base ? fixed(base.value) : ''];
    let any = false;
    others.forEach((run, i) => {
      const s = scoreFor(run.results, task, base?.metric ?? options.metric);
      cells.push(s ? fixed(s.value) : '');
      const row = paired.get(`${i + 2}. ${runLabel(run.results)}\u0000${task}\u0000${base?.metric}`);
      if (row) {
        cells.push(`${row.significant ? 'significant' : 'n.s.'} (paired, p=${fixed(row.adjustedP, 3)})`);
        any ||= row.significant;
      } else if (base?.stderr !== undefined && s?.stderr !== undefined) {
        const disjoint = Math.abs(s.value - base.value) > Z95 * (s.stderr + base.stderr);
        cells.push(disjoint ? 'CIs disjoint (CI overlap)' : 'CIs overlap (CI overlap)');
        any ||= disjoint;
      } else cells.push('n/a');
    });
    marked.push(any);
    return cells;
  });
  return {
    heading: 'Models side by side',
    html: `${note(
      'Highlighted rows differ significantly from run 1. "paired": McNemar exact or sign-flip permutation test on the items both runs scored, Holm–Bonferroni over tasks and metrics (p shown is Holm-adjusted). "CI overlap": no samples, so the two 95% CIs are compared; disjoint CIs mean a difference, overlapping ones do not rule one out.',
    )}\n${htmlTable(headers, rows, marked)}`,
  };
}

export function reportHtml(runs: readonly ReportRun[], options: ReportOptions = {}): string {
  if (runs.length === 0) throw new Error('a report needs at least one results file');
  const sections: HtmlSection[] = [];
  if (runs.length > 1) sections.push(sideBySide(runs, options));
  if (options.variants) sections.push(variantsSection(options.variants));
  for (const run of runs) sections.push(...runSections(run.results, options.metric));
  const title =
    runs.length === 1 ? `evalboard report: ${runLabel(runs[0]!.results)}` : `evalboard report: ${runs.length} runs`;
  return htmlPage(title, sections);
}
