import type { Backend } from '../backends/types.ts';
import { buildInstances } from '../instances/build.ts';
import type { DocInstance } from '../instances/types.ts';
import type { Result } from '../requests/types.ts';
import { toDocResponse } from '../responses/collect.ts';
import { DEFAULT_THINK, splitThinking, type ThinkOptions } from '../responses/think.ts';
import type { DocResponse } from '../responses/types.ts';
import type { GroupDefinition, TaskDefinition, TaskDocs } from '../task/types.ts';
import { PythonRandom } from '../util/python-random.ts';
import { checkCapabilities } from './capabilities.ts';
import { type DispatchProgress, dispatchRequests } from './dispatch.ts';
import { aggregateTask, checkFilters, type MetricSummary, resolveMetrics, type ScoredDoc, scoreDoc } from './score.ts';

export interface EvaluateOptions {
  readonly backend: Backend;
  readonly tasks: readonly TaskDefinition[];
  /** Overrides each task's default number of few-shot examples. */
  readonly numFewshot?: number;
  readonly limit?: number;
  readonly fewshotSeed: number;
  readonly bootstrapIters: number;
  /** Wraps each plain prompt, e.g. in the model's chat template. */
  readonly formatContext?: (context: string) => string;
  /** What to do with reasoning blocks in generations (default: strip `<think>…</think>`). */
  readonly think?: ThinkOptions;
  readonly maxGenToks?: number;
  /** Collect responses (and filter them) without scoring: lm-eval's --predict_only. */
  readonly predictOnly?: boolean;
  /** Last look at what will run, after docs are loaded and before any request (reproduce checks hashes here). */
  /** Stops the run between backend batches (Ctrl-C); finished results stay in the cache. */
  readonly signal?: AbortSignal;
  readonly beforeDispatch?: (prepared: readonly PreparedTask[], backend: Backend) => void;
  readonly progress?: {
    readonly onPlanned: (requests: number) => void;
  } & DispatchProgress;
}

export interface PreparedTask {
  readonly task: TaskDefinition;
  readonly docs: TaskDocs;
  readonly numFewshot: number;
  readonly instances: readonly DocInstance[];
}

export interface TaskOutcome {
  readonly task: TaskDefinition;
  readonly docs: TaskDocs;
  readonly numFewshot: number;
  readonly instances: readonly DocInstance[];
  readonly results: readonly (readonly (readonly Result[])[])[];
  readonly scored: readonly (readonly ScoredDoc[])[];
  readonly summaries: readonly MetricSummary[];
  /** Per instance: reasoning tokens removed (all repeats) and whether a block never closed. */
  readonly thinking: readonly ThinkingStats[];
}

export interface ThinkingStats {
  readonly reasoningTokens: number;
  readonly unterminated: boolean;
}

/** Task configs → documents → instances → requests → backend → responses → filters → metrics → aggregates. */
export async function evaluate(o: EvaluateOptions): Promise<TaskOutcome[]> {
  checkCapabilities(o.backend.info.backend, o.backend.capabilities, o.tasks);
  // --predict_only: model outputs only; metrics are neither looked up nor computed.
  const resolvedMetrics = o.tasks.map((t) => (o.predictOnly ? [] : resolveMetrics(t)));
  for (const task of o.tasks) checkFilters(task);

  const think = o.think ?? DEFAULT_THINK;
  const prepared: PreparedTask[] = [];
  for (const task of o.tasks) {
    const numFewshot = o.numFewshot ?? task.defaultNumFewshot;
    const docs = await task.loadDocs({ fewshot: numFewshot > 0 });
    const instances = buildInstances(task, docs, {
      numFewshot,
      ...(o.limit !== undefined ? { limit: o.limit } : {}),
      rnd: new PythonRandom(o.fewshotSeed),
      ...(o.formatContext ? { formatContext: o.formatContext } : {}),
      ...(o.maxGenToks !== undefined ? { maxGenToks: o.maxGenToks } : {}),
      ...(think.mode === 'strip' ? { reasoning: { open: think.open, close: think.close } } : {}),
    });
    prepared.push({ task, docs, numFewshot, instances });
  }

  o.beforeDispatch?.(prepared, o.backend);
  const allInstances = prepared.flatMap((p) => p.instances);
  o.progress?.onPlanned(allInstances.reduce((n, i) => n + i.requests.reduce((m, r) => m + r.length, 0), 0));
  const allResults = await dispatchRequests(o.backend, allInstances, o.progress, o.signal);

  let offset = 0;
  return prepared.map((p, t) => {
    const results = allResults.slice(offset, offset + p.instances.length);
    offset += p.instances.length;
    const resolved = resolvedMetrics[t]!;
    const thinking: ThinkingStats[] = [];
    const scored = p.instances.map((inst, i) => {
      const raw = toDocResponse(p.task.outputType, inst, results[i]!);
      const { response, stats } = applyThinking(raw, think, o.backend);
      thinking.push(stats);
      return scoreDoc(p.task, resolved, inst, response);
    });
    const summaries = aggregateTask(resolved, scored, { bootstrapIters: o.bootstrapIters, seed: o.fewshotSeed });
    return { ...p, results, scored, summaries, thinking };
  });
}

/** Generations lose their reasoning blocks before filters and metrics; the raw text stays in `results`. */
function applyThinking(
  response: DocResponse,
  think: ThinkOptions,
  backend: Backend,
): { response: DocResponse; stats: ThinkingStats } {
  if (response.kind !== 'text') return { response, stats: { reasoningTokens: 0, unterminated: false } };
  let reasoningTokens = 0;
  let unterminated = false;
  const texts = response.texts.map((text) => {
    const split = splitThinking(text, think);
    if (split.reasoning) reasoningTokens += backend.countTokens?.(split.reasoning) ?? 0;
    unterminated ||= split.unterminated;
    return split.answer;
  });
  return { response: { kind: 'text', texts }, stats: { reasoningTokens, unterminated } };
}

export type { GroupDefinition };
