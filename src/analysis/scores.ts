/**
 * The view analyses take of a set of runs: one score per run and task (the named metric, else the
 * task's primary one), and runs grouped into checkpoint series.
 */
import { basename } from 'node:path';
import { type MetricValue, primaryMetric, type RunResults } from './read-results.ts';

/** The run's score on a task: `metric` when given (absent if the task lacks it), else the primary metric. */
export function scoreOf(run: RunResults, task: string, metric?: string): MetricValue | undefined {
  const metrics = run.tasks.get(task);
  if (!metrics) return undefined;
  const name = metric ?? primaryMetric(metrics);
  return name === undefined ? undefined : metrics.get(name);
}

/** Tasks with a score in at least one run, sorted. */
export function taskNames(runs: readonly RunResults[], metric?: string): string[] {
  const names = new Set<string>();
  for (const run of runs) for (const task of run.tasks.keys()) if (scoreOf(run, task, metric)) names.add(task);
  return [...names].sort();
}

export interface Series {
  /** Model and setting (`EleutherAI/pythia-v1.1-70m 0-shot`), or the CSV file for a table of checkpoints. */
  readonly name: string;
  readonly model: string;
  /** Sorted by step. */
  readonly runs: readonly (RunResults & { step: number })[];
}

/**
 * Runs with a step, grouped by model and setting. A leaderboard CSV with a step column is one
 * series: its rows usually name each checkpoint differently (`…-step-50K`, `…-step-240k`).
 */
export function checkpointSeries(runs: readonly RunResults[]): Series[] {
  const groups = new Map<string, (RunResults & { step: number })[]>();
  for (const run of runs) {
    if (run.step === undefined) continue;
    const name = run.format === 'leaderboard-csv' ? basename(run.file) : `${run.model} ${run.setting}`.trim();
    const list = groups.get(name) ?? [];
    list.push(run as RunResults & { step: number });
    groups.set(name, list);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, list]) => ({ name, model: list[0]!.model, runs: list.sort((a, b) => a.step - b.step) }));
}

/**
 * One run per model for cross-model analyses: the last checkpoint of each series, and every run
 * without a step as it is.
 */
export function finalRuns(runs: readonly RunResults[]): RunResults[] {
  const finals = checkpointSeries(runs).map((s) => s.runs.at(-1)!);
  return [...finals, ...runs.filter((r) => r.step === undefined)];
}

/** The label a run gets in tables: its model, with the series setting when there is one. */
export function runLabel(run: RunResults): string {
  return run.setting ? `${run.model} ${run.setting}` : run.model;
}

/** Parameter count in millions from a name such as `pythia-1.4b` or `pythia-70m`; undefined if none. */
export function sizeFromName(model: string): { millions: number; family: string } | undefined {
  const match = /(?:^|[-_/])(\d+(?:\.\d+)?)([mb])(?=$|[-_/])/i.exec(model);
  if (!match) return undefined;
  const millions = Number(match[1]) * (match[2]!.toLowerCase() === 'b' ? 1000 : 1);
  return { millions, family: model.replace(`${match[1]}${match[2]}`, '*') };
}
