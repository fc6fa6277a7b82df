import { aggregateTask, type MetricSummary } from '../aggregate/index.ts';
import type { Backend } from '../backends/types.ts';
import { buildInstances, type ChatFormat, effectiveDocCount } from '../instances/build.ts';
import type { DocInstance } from '../instances/types.ts';
import type { Result } from '../requests/types.ts';
import { toDocResponse } from '../responses/collect.ts';
import { DEFAULT_THINK, splitThinking, type ThinkOptions } from '../responses/think.ts';
import type { DocResponse } from '../responses/types.ts';
import type { TaskDocs } from '../documents/types.ts';
import { PythonRandom } from '../python/random.ts';
import { memoryScoreCache } from '../scoring/cache.ts';
import { createMetricScorer } from '../scoring/metric-scorer.ts';
import { ScoringQueue } from '../scoring/run.ts';
import type { ScoreCache, ScoreContext, ScoredDoc, TaskScorer } from '../scoring/types.ts';
import type { TaskDefinition } from '../task/types.ts';
import { checkCapabilities } from './capabilities.ts';
import { runDialogues } from './dialogue.ts';
import { type DispatchProgress, dispatchRequests } from './dispatch.ts';

/** Documents scored at once: enough to keep a sandbox pool or a judge endpoint busy. */
const DEFAULT_SCORE_CONCURRENCY = 8;

export interface EvaluateOptions {
  readonly backend: Backend;
  readonly tasks: readonly TaskDefinition[];
  /** Overrides each task's default number of few-shot examples. */
  readonly numFewshot?: number;
  readonly limit?: number;
  /** Per task name, the only documents to evaluate, by index (lm-eval's --samples); excludes limit. */
  readonly samples?: Readonly<Record<string, readonly number[]>>;
  readonly fewshotSeed: number;
  readonly bootstrapIters: number;
  /** Sends prompts as chats rendered by the model's template (--apply_chat_template). */
  readonly chat?: ChatFormat;
  /** lm-eval's --system_instruction: a system turn under a chat template, else prepended to the prompt. */
  readonly systemInstruction?: string;
  /** What to do with reasoning blocks in generations (default: strip `<think>…</think>`). */
  readonly think?: ThinkOptions;
  readonly maxGenToks?: number;
  /** Collect responses (and filter them) without scoring: lm-eval's --predict_only. */
  readonly predictOnly?: boolean;
  /** A task's scorer in place of the default (filters + metric registry), e.g. a judge. */
  readonly scorerFor?: (task: TaskDefinition) => TaskScorer | undefined;
  /** Documents scored at once (default 8). */
  readonly scoreConcurrency?: number;
  /** Where expensive per-document values are memoised (default: in memory, for this run). */
  readonly scoreCache?: ScoreCache;
  /** Runs model code for metrics that execute it (pass@k); absent unless the run allowed it. */
  readonly codeRunner?: ScoreContext['codeRunner'];
  /** Tasks with several prompts ask every doc with each (--prompts all), not doc k with prompt k mod P. */
  readonly allPrompts?: boolean;
  /** Seeds sampled generations: repeat j of doc i gets a seed derived from it (batching-independent). */
  readonly samplingSeed?: number;
  /** Stops the run between backend batches (Ctrl-C); finished results stay in the cache. */
  readonly signal?: AbortSignal;
  /** Last look at what will run, after docs are loaded and before any request (reproduce checks hashes here). */
  readonly beforeDispatch?: (prepared: readonly PreparedTask[], backend: Backend) => void;
  /** Each document as soon as it is scored, in completion order (samples are streamed from here). */
  readonly onDocScored?: (task: PreparedTask, doc: DocOutcome) => void;
  /** Settings evalboard overrode as lm-eval would (a task that fixes num_fewshot: 0...). */
  readonly onWarning?: (message: string) => void;
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

/** One document, evaluated and scored: a samples-file row per filter. */
export interface DocOutcome {
  readonly instance: DocInstance;
  readonly results: readonly (readonly Result[])[];
  readonly scored: readonly ScoredDoc[];
  readonly thinking: ThinkingStats;
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

/**
 * Task configs → documents → instances → requests → backend → responses → scoring (filters,
 * metrics) → aggregates. Each document is scored as soon as its last result arrives, on a
 * bounded queue, so slow scorers overlap the model's work.
 */
export async function evaluate(o: EvaluateOptions): Promise<TaskOutcome[]> {
  checkCapabilities(o.backend.info.backend, o.backend.capabilities, o.tasks);
  // Scorers look metrics and filters up now, so a typo fails before the first request.
  const scorers = o.tasks.map(
    (task) => o.scorerFor?.(task) ?? createMetricScorer(task, { predictOnly: !!o.predictOnly }),
  );

  const think = o.think ?? DEFAULT_THINK;
  const prepared: PreparedTask[] = [];
  const shared = {
    ...(o.limit !== undefined ? { limit: o.limit } : {}),
    ...(o.chat ? { chat: o.chat } : {}),
    ...(o.systemInstruction !== undefined ? { systemInstruction: o.systemInstruction } : {}),
    ...(o.maxGenToks !== undefined ? { maxGenToks: o.maxGenToks } : {}),
    ...(o.samplingSeed !== undefined ? { samplingSeed: o.samplingSeed } : {}),
    ...(o.allPrompts ? { allPrompts: true } : {}),
    ...(think.mode === 'strip' ? { reasoning: { open: think.open, close: think.close } } : {}),
  };
  for (const task of o.tasks) {
    const numFewshot = fewshotFor(task, o.numFewshot, o.onWarning);
    const docs = await task.loadDocs({ fewshot: numFewshot > 0 });
    // A dialogue's prompts need the model's earlier answers: its instances are built as it runs.
    const instances = task.dialogue
      ? []
      : buildInstances(task, docs, {
          ...shared,
          numFewshot,
          ...(o.samples?.[task.name] ? { docIds: o.samples[task.name] } : {}),
          rnd: new PythonRandom(o.fewshotSeed),
        });
    prepared.push({ task, docs, numFewshot, instances });
  }

  o.beforeDispatch?.(prepared, o.backend);
  const allInstances = prepared.flatMap((p) => p.instances);
  // A dialogue's requests are built as it runs: one per choice (or repeat) of each of its turns.
  const dialogueRequests = prepared.reduce((n, p) => {
    if (!p.task.dialogue) return n;
    const first = p.docs.eval[0];
    const perDoc = first && p.task.docToChoice ? p.task.docToChoice(first).length : p.task.repeats;
    return n + effectiveDocCount(p.docs.eval.length, o.limit) * perDoc;
  }, 0);
  o.progress?.onPlanned(
    allInstances.reduce((n, i) => n + i.requests.reduce((m, r) => m + r.length, 0), 0) + dialogueRequests,
  );

  // Where instance k of the whole run sits: its task and its index in that task.
  const owner = prepared.flatMap((p, t) => p.instances.map((_, i) => [t, i] as const));
  const outcomes = prepared.map((p) => new Array<DocOutcome>(p.instances.length));
  const queue = new ScoringQueue(o.scoreConcurrency ?? DEFAULT_SCORE_CONCURRENCY);
  const context = {
    cache: o.scoreCache ?? memoryScoreCache(),
    ...(o.signal ? { signal: o.signal } : {}),
    ...(o.codeRunner ? { codeRunner: o.codeRunner } : {}),
  };
  const onInstanceDone = (k: number, results: readonly (readonly Result[])[]) => {
    const [t, i] = owner[k]!;
    scoreInstance(t, i, results);
  };
  const scoreInstance = (t: number, i: number, results: readonly (readonly Result[])[]) => {
    const p = prepared[t]!;
    const instance = p.instances[i]!;
    queue.add(async () => {
      const raw = toDocResponse(p.task.outputType, instance, results);
      const { response, stats } = applyThinking(raw, think, o.backend);
      const scored = await scorers[t]!.scoreDoc(instance, response, context);
      const doc: DocOutcome = { instance, results, scored, thinking: stats };
      outcomes[t]![i] = doc;
      o.onDocScored?.(p, doc);
    });
  };
  const dispatch = {
    ...(o.progress ? { progress: o.progress } : {}),
    ...(o.signal ? { signal: o.signal } : {}),
  };
  const dialogues = async () => {
    for (const [t, p] of prepared.entries()) {
      const task = p.task;
      if (!task.dialogue) continue;
      const instances = p.instances as DocInstance[];
      await runDialogues({ ...task, dialogue: task.dialogue }, p.docs.eval, {
        ...shared,
        backend: o.backend,
        dispatch,
        onInstanceDone: (instance, results) => {
          const promptId = task.docPromptId?.(instance.doc);
          instances.push(promptId === undefined ? instance : { ...instance, promptId });
          scoreInstance(t, instances.length - 1, results);
        },
      });
    }
  };
  await dispatchRequests(o.backend, allInstances, { ...dispatch, onInstanceDone })
    .then(dialogues)
    .catch(async (e) => {
      // Scoring in flight finishes first, so whatever it writes is complete; the run's error wins.
      await queue.drain().catch(() => undefined);
      throw e;
    });
  await queue.drain();

  return prepared.map((p, t) => {
    const docs = outcomes[t]!;
    const scored = docs.map((d) => d.scored);
    // lm-eval seeds bootstrap chunk i with random.Random(i) whatever --seed says: seed 0 keeps its stderrs.
    const summaries = aggregateTask(scorers[t]!.metrics, scored, { bootstrapIters: o.bootstrapIters, seed: 0 });
    return {
      ...p,
      results: docs.map((d) => d.results),
      scored,
      summaries,
      thinking: docs.map((d) => d.thinking),
    };
  });
}

/** --num_fewshot overrides each task's default, except where the task's file fixes it at 0 (lm-eval). */
function fewshotFor(task: TaskDefinition, requested: number | undefined, warn?: (message: string) => void): number {
  if (requested === undefined) return task.defaultNumFewshot;
  if (task.zeroShotOnly && requested !== 0) {
    warn?.(`${task.name} sets num_fewshot: 0 in its config; --num_fewshot ${requested} is ignored for it (as lm-eval)`);
    return 0;
  }
  return requested;
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
