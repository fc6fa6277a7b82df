/**
 * `run --repeats N`: the whole evaluation N times with seeds S … S+N−1. One run's number hides how
 * much of it is the few-shot draw, the prompt assignment or the sampling seed; the spread across
 * runs shows it. This module summarises the per-run results into the report's `repeated_runs`.
 */
import { z } from 'zod';

const statsSchema = z.object({
  /** One value per run, in run order. */
  values: z.array(z.number()),
  mean: z.number(),
  /** Sample standard deviation across runs (n − 1); 0 for one run. */
  std: z.number(),
  min: z.number(),
  max: z.number(),
});

export const repeatedRunsSchema = z.object({
  count: z.number().int().positive(),
  /** Per run: the random (sampling) and few-shot seeds it used. */
  seeds: z.array(z.object({ random: z.number().int(), fewshot: z.number().int() })),
  /** Task → "metric,filter" → its values across runs. */
  metrics: z.record(z.string(), z.record(z.string(), statsSchema)),
  /** Task → per run, the samples file holding that run's per-item values (null: not logged). */
  samples: z.record(z.string(), z.array(z.string().nullable())),
});

export type RepeatedRuns = z.infer<typeof repeatedRunsSchema>;
export type RunStats = z.infer<typeof statsSchema>;

export interface RepeatedRun {
  readonly seeds: { readonly random: number; readonly fewshot: number };
  /** The run's `results` section: task → "metric,filter" → value. */
  readonly results: Readonly<Record<string, Readonly<Record<string, number | string | null>>>>;
  /** Task → the samples file of this run, when samples were logged. */
  readonly samples: Readonly<Record<string, string>>;
}

/** Metric keys whose value is a score (not its stderr, not the alias). */
function scoreKeys(entries: Readonly<Record<string, unknown>>): string[] {
  return Object.keys(entries).filter(
    (key) => key !== 'alias' && key.includes(',') && !key.split(',')[0]!.endsWith('_stderr'),
  );
}

export function runStats(values: readonly number[]): RunStats {
  const n = values.length;
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const variance = n > 1 ? values.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1) : 0;
  return { values: [...values], mean, std: Math.sqrt(variance), min: Math.min(...values), max: Math.max(...values) };
}

/**
 * Per task and metric, the values across runs with their mean, std, min and max. A metric that is
 * not numeric in every run (a failed aggregation, "N/A") is left out rather than summarised from
 * fewer runs than `count` says.
 */
export function summariseRepeats(runs: readonly RepeatedRun[]): RepeatedRuns {
  const metrics: RepeatedRuns['metrics'] = {};
  const samples: RepeatedRuns['samples'] = {};
  const first = runs[0];
  if (!first) throw new Error('summariseRepeats needs at least one run');
  for (const [task, entries] of Object.entries(first.results)) {
    const perMetric: Record<string, RunStats> = {};
    for (const key of scoreKeys(entries)) {
      const values = runs.map((run) => run.results[task]?.[key]);
      if (values.every((v): v is number => typeof v === 'number' && Number.isFinite(v)))
        perMetric[key] = runStats(values);
    }
    metrics[task] = perMetric;
    samples[task] = runs.map((run) => run.samples[task] ?? null);
  }
  return { count: runs.length, seeds: runs.map((run) => ({ ...run.seeds })), metrics, samples };
}

/** Run r's samples file beside run 0's: samples_<task>_<ts>.run<r>.jsonl (readers of run 0's name skip it). */
export function repeatSamplesPath(run0Path: string, run: number): string {
  return run0Path.replace(/\.jsonl$/, `.run${run}.jsonl`);
}

/** The terminal table printed after the results: one row per task and metric. */
export function repeatsTable(repeated: RepeatedRuns): string {
  const fmt = (v: number) => v.toFixed(4);
  const lines = [`|Tasks|Metric|Runs|  Mean|   Std|   Min|   Max|`, `|-----|------|---:|-----:|-----:|-----:|-----:|`];
  for (const [task, metrics] of Object.entries(repeated.metrics))
    for (const [key, s] of Object.entries(metrics))
      lines.push(`|${task}|${key}|${s.values.length}|${fmt(s.mean)}|${fmt(s.std)}|${fmt(s.min)}|${fmt(s.max)}|`);
  return lines.join('\n');
}
