/**
 * An evalboard output folder (results JSON + samples JSONL) as a submission: the suite's scores
 * from the results file (suites/ normalises them), every difference from the suite's setup, and
 * the samples for the viewer. Samples keep the prompt, output and metric, never the target.
 */
import { basename } from 'node:path';
import { parseResults, readSamplesFile } from '../../report/read.ts';
import type { ResultsReport, SampleRow } from '../../report/schema.ts';
import { metricKey, type SuiteDefinition } from '../../suites/definition.ts';
import { scoreSuite } from '../../suites/score.ts';
import type { TaskScore } from '../board/view.ts';
import type { ValidationIssue } from '../db/schema.ts';
import { fromLmEval, isLmEvalResults } from './lm-eval.ts';

/** One stored score: a task and metric with the board's value fields. */
export interface ScoreRow extends TaskScore {
  readonly taskId: string;
  readonly metric: string;
}

/** A submission whose results file says nothing about how it was run (a rejection, a MERA ZIP). */
export const UNKNOWN_SETUP = {
  mode: null,
  chatTemplate: null,
  systemPrompt: null,
  fewshotAsMultiturn: null,
  harnessVersion: null,
  configHash: null,
} as const;

export interface SampleOut {
  readonly taskId: string;
  readonly itemId: string;
  readonly prompt: string | null;
  readonly messages: { role: string; content: string }[] | null;
  readonly output: string;
  readonly extracted: string | null;
  readonly metricName: string;
  readonly metricValue: number | null;
  readonly correct: boolean | null;
  readonly promptId: string | null;
}

export interface ScoredUpload {
  readonly errors: ValidationIssue[];
  readonly warnings: ValidationIssue[];
  readonly scores: ScoreRow[];
  readonly subScores: { taskId: string; subcategory: string; raw: number; normalised: number | null }[];
  readonly samples: SampleOut[];
  readonly total: number | null;
  readonly totalRaw: number | null;
  readonly standardSetup: boolean;
  readonly setup: Record<string, unknown>;
  readonly meta: {
    readonly mode: 'loglikelihood' | 'generative' | null;
    readonly chatTemplate: boolean | null;
    readonly systemPrompt: string | null;
    readonly fewshotAsMultiturn: boolean | null;
    readonly harnessVersion: string | null;
    readonly configHash: string | null;
  };
}

/** Results files are named results*.json; the newest (last by name) wins when a folder has several. */
export function findResultsFiles(files: readonly { path: string; absolutePath: string }[]) {
  return files.filter((f) => /^results.*\.json$/.test(basename(f.path))).sort((a, b) => a.path.localeCompare(b.path));
}

export function scoreResultsUpload(
  suite: SuiteDefinition,
  json: unknown,
  resultsPath: string,
  samplesFiles: readonly { path: string; absolutePath: string }[],
): ScoredUpload {
  const errors: ValidationIssue[] = [];
  const warnings: ValidationIssue[] = [];
  let report: ResultsReport;
  const lmEval = isLmEvalResults(json);
  try {
    report = parseResults(lmEval ? fromLmEval(json as Record<string, unknown>) : json, resultsPath);
  } catch (e) {
    return emptyUpload([{ task: null, id: null, message: `${resultsPath}: ${(e as Error).message}` }], false);
  }
  const section = scoreSuite(suite, report);
  for (const line of section.missing) {
    const task = suite.benchmarks.find((b) => line.startsWith(`${b.name} (`))?.task ?? null;
    errors.push({ task, id: null, message: `missing task: ${line}` });
  }
  const scores: ScoreRow[] = [];
  const subScores: ScoredUpload['subScores'] = [];
  for (const b of suite.benchmarks) {
    const s = section.benchmarks[b.name];
    if (!s || s.raw === null || s.normalised === null) continue;
    const entries = report.groups[b.task] ?? report.results[b.task] ?? {};
    const single = b.metrics.length === 1 ? metricKey(b.metrics[0]!) : null;
    const stderrValue = single ? entries[single.replace(',', '_stderr,')] : undefined;
    const stderr = typeof stderrValue === 'number' ? stderrValue : null;
    const ci = single ? (report.evalboard.ci?.[b.task]?.[single] ?? null) : null;
    // A linear rescaling (one baseline) carries the stderr and interval over; per-subtask baselines do not.
    const scale = s.baseline === null ? null : 100 / (1 - s.baseline);
    const norm = (v: number | null) => (v === null || scale === null ? null : Math.max(0, (v - s.baseline!) * scale));
    scores.push({
      taskId: b.task,
      metric: 'score',
      raw: s.raw,
      normalised: s.normalised,
      stderr,
      ciLow: ci?.[0] ?? null,
      ciHigh: ci?.[1] ?? null,
      normalisedStderr: stderr === null || scale === null ? null : stderr * scale,
      normalisedCiLow: norm(ci?.[0] ?? null),
      normalisedCiHigh: norm(ci?.[1] ?? null),
    });
    for (const [name, sub] of Object.entries(s.subtasks ?? {}))
      subScores.push({ taskId: b.task, subcategory: name, raw: sub.raw, normalised: sub.normalised });
  }
  const samples: SampleOut[] = [];
  for (const file of samplesFiles) {
    const task = /^samples_(.+?)(_\d{4}-.*)?\.jsonl$/.exec(basename(file.path))?.[1];
    if (!task) continue;
    let rows: SampleRow[];
    try {
      rows = readSamplesFile(file.absolutePath);
    } catch (e) {
      // lm-eval's samples vary across its versions: without them the scores still stand.
      (lmEval ? warnings : errors).push({
        task,
        id: null,
        message: `malformed samples file ${file.path}: ${(e as Error).message}`,
      });
      continue;
    }
    for (const row of rows) samples.push(sampleOf(task, row));
  }
  const mismatches = section.setup.mismatches;
  for (const m of mismatches) warnings.push({ task: null, id: null, message: `non-standard setup: ${m}` });
  const normalisedScores = scores.map((s) => s.normalised!);
  const c = report.config;
  return {
    errors,
    warnings,
    scores,
    subScores,
    samples,
    total: section.total,
    totalRaw: scores.length > 0 ? scores.reduce((a, s) => a + s.raw, 0) / scores.length : null,
    standardSetup: mismatches.length === 0 && normalisedScores.length === suite.benchmarks.length,
    setup: {
      suite_sha256: suite.sha256,
      num_fewshot: report['n-shot'],
      limit: c.limit,
      apply_chat_template: c.apply_chat_template,
      fewshot_as_multiturn: c.fewshot_as_multiturn ?? null,
      system_instruction: c.system_instruction !== null,
      gen_kwargs: c.gen_kwargs,
      model: c.backend.modelId,
      mismatches,
    },
    meta: {
      mode: lmEval ? null : modeOf(report),
      chatTemplate: c.apply_chat_template,
      systemPrompt: c.system_instruction,
      fewshotAsMultiturn: c.fewshot_as_multiturn ?? null,
      harnessVersion: c.evalboard_version,
      configHash: Object.values(report.evalboard.tasks)[0]?.task_hash ?? null,
    },
  };
}

/** A submission with no scores: only its errors, and whether its setup counts as standard. */
export function emptyUpload(errors: ValidationIssue[], standardSetup: boolean): ScoredUpload {
  return {
    errors,
    warnings: [],
    scores: [],
    subScores: [],
    samples: [],
    total: null,
    totalRaw: null,
    standardSetup,
    setup: {},
    meta: UNKNOWN_SETUP,
  };
}

/** Generative when any task generated text (a generation count above zero), else log-likelihood. */
function modeOf(report: ResultsReport): 'loglikelihood' | 'generative' {
  const generated = Object.values(report.evalboard.tasks).some((t) => t.generatedTokens > 0);
  return generated ? 'generative' : 'loglikelihood';
}

function sampleOf(task: string, row: SampleRow): SampleOut {
  const args = Object.values(row.arguments);
  const context = args[0]?.arg_0;
  const messages = Array.isArray(context) ? (context as { role: string; content: string }[]) : null;
  const metricName = row.metrics[0] ?? 'none';
  const value = (row as Record<string, unknown>)[metricName];
  const metricValue = typeof value === 'number' ? value : typeof value === 'boolean' ? Number(value) : null;
  const chosen = chosenContinuation(row, args);
  const typed = row.evalboard.filtered_resps;
  const filtered = Array.isArray(typed) ? typed[0] : typed;
  return {
    taskId: task,
    itemId: String(row.doc_id),
    prompt: typeof context === 'string' ? context : null,
    messages,
    output: chosen ?? text(row.evalboard.resps[0]),
    extracted: chosen ?? (filtered === undefined ? null : text(filtered)),
    metricName,
    metricValue,
    correct: metricValue === null ? null : metricValue === 1 ? true : metricValue === 0 ? false : null,
    promptId: typeof (row as Record<string, unknown>).prompt_id === 'string' ? String(row.prompt_id) : null,
  };
}

/** A multiple-choice item's answer: the continuation the model gave the highest log-likelihood. */
function chosenContinuation(row: SampleRow, args: readonly Record<string, unknown>[]): string | null {
  // A generation task's filtered_resps is the filtered text itself, not a list of (loglik, greedy) pairs.
  const typed = row.evalboard.filtered_resps;
  if (!Array.isArray(typed)) return null;
  const scores = typed.map((r) => (Array.isArray(r) && typeof r[0] === 'number' ? r[0] : Number.NaN));
  if (scores.length !== args.length || scores.some(Number.isNaN)) return null;
  const best = scores.indexOf(Math.max(...scores));
  const continuation = args[best]?.arg_1;
  return typeof continuation === 'string' ? continuation.trim() : null;
}

function text(v: unknown): string {
  if (typeof v === 'string') return v;
  if (Array.isArray(v) && v.length === 1) return text(v[0]);
  return JSON.stringify(v);
}
