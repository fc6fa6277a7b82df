/**
 * Benchmark 5, pipeline overhead: the `dummy` backend on full MMLU (14,042 docs × 4 requests),
 * from task load to report, in-process through the same modules `evalboard run` uses.
 * Goal ≥ 50,000 requests/s end to end (lm-eval does ≈ 1,700 at 0-shot).
 *
 *   npm run bench -- overhead [--shots 0,5] [--cache off,on] [--reps 3] [--tasks mmlu] [--limit N]
 *
 * Each configuration runs `--reps` times after one untimed warm-up (JIT, file cache); every run
 * starts from a fresh catalog so task load and doc load are timed too. "cache cold" runs against
 * an empty SQLite file (every result written), "cache warm" against the file the cold run left
 * (every request a hit). Phases are timed from outside with hooks, so the pipeline is unchanged:
 * doc load = time inside loadDocs; instance build = the rest of evaluate() before dispatch;
 * dispatch = the backend calls (cache lookups and writes included); scoring = evaluate() after
 * dispatch; report = buildReport + JSON.stringify.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { DummyBackend } from '../src/backends/dummy.ts';
import type { Backend } from '../src/backends/types.ts';
import { openCachedBackend } from '../src/cache/index.ts';
import { Progress } from '../src/cli/progress.ts';
import { evaluate } from '../src/evaluator/evaluate.ts';
import { buildReport } from '../src/report/build.ts';
import type { RunConfig } from '../src/report/schema.ts';
import { resolveDataDir } from '../src/documents/data-dir.ts';
import { loadCatalog } from '../src/task/index.ts';
import type { TaskDefinition } from '../src/task/types.ts';
import { stableStringify } from '../src/util/stable-json.ts';

const GOAL_RPS = 50_000;
const PHASES = ['taskLoad', 'docLoad', 'instances', 'dispatch', 'scoring', 'report'] as const;
type Phase = (typeof PHASES)[number];

interface RunResult {
  readonly requests: number;
  readonly totalMs: number;
  /** CPU time (user + system) of the process: less disturbed than wall time on a shared machine. */
  readonly cpuMs: number;
  readonly phases: Record<Phase, number>;
  /** Hash of the report's numbers: must not change when the pipeline is optimised. */
  readonly check: string;
  readonly hits: number;
}

interface Options {
  readonly shots: number[];
  readonly cache: ('off' | 'on')[];
  readonly reps: number;
  readonly tasks: string[];
  readonly limit: number | undefined;
}

function parseArgs(args: string[]): Options {
  const value = (flag: string): string | undefined => {
    const i = args.indexOf(flag);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const list = (flag: string, fallback: string) => (value(flag) ?? fallback).split(',').filter(Boolean);
  const cache = list('--cache', 'off,on');
  for (const c of cache) if (c !== 'off' && c !== 'on') throw new Error(`--cache: off or on, got "${c}"`);
  const limit = value('--limit');
  return {
    shots: list('--shots', '0,5').map(Number),
    cache: cache as ('off' | 'on')[],
    reps: Number(value('--reps') ?? 3),
    tasks: list('--tasks', 'mmlu'),
    limit: limit === undefined ? undefined : Number(limit),
  };
}

/** One `evalboard run --model dummy` as the CLI does it, minus argument parsing and file output. */
async function runOnce(o: Options, numFewshot: number, cachePath: string | undefined): Promise<RunResult> {
  const phases = Object.fromEntries(PHASES.map((p) => [p, 0])) as Record<Phase, number>;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const { catalog } = await loadCatalog({ includePaths: [], dataDir: resolveDataDir() });
  const { tasks, groups } = catalog.resolve(o.tasks);
  const t1 = performance.now();
  phases.taskLoad = t1 - t0;

  // Copies keep every field (YAML extras included) and the prototype; only loadDocs is timed.
  const timedTasks: TaskDefinition[] = tasks.map((task) =>
    Object.assign(Object.create(Object.getPrototypeOf(task)), task, {
      loadDocs: async (...args: Parameters<TaskDefinition['loadDocs']>) => {
        const start = performance.now();
        const docs = await task.loadDocs(...args);
        phases.docLoad += performance.now() - start;
        return docs;
      },
    }),
  );

  const inner = new DummyBackend({ seed: 0 });
  const cache = cachePath ? openCachedBackend(inner, { path: cachePath, taskNames: o.tasks }) : undefined;
  const backend = timedBackend(cache?.backend ?? inner, (ms) => {
    phases.dispatch += ms;
  });
  // What a non-TTY `evalboard run` reports through (CI logs, pipes); the lines go nowhere here.
  const progress = new Progress('lines', () => undefined);
  let dispatchStart = 0;
  let evaluateEnd = 0;
  let outcomes: Awaited<ReturnType<typeof evaluate>>;
  try {
    outcomes = await evaluate({
      backend,
      tasks: timedTasks,
      numFewshot,
      ...(o.limit !== undefined ? { limit: o.limit } : {}),
      fewshotSeed: 1234,
      bootstrapIters: 1000,
      progress,
      beforeDispatch: () => {
        dispatchStart = performance.now();
      },
    });
    evaluateEnd = performance.now();
  } finally {
    cache?.close();
    await inner.close();
  }
  phases.instances = dispatchStart - t1 - phases.docLoad;
  phases.scoring = evaluateEnd - dispatchStart - phases.dispatch;
  // Closing the cache (its last WAL work) belongs with dispatch.
  const reportStart = performance.now();
  phases.dispatch += reportStart - evaluateEnd;

  const report = buildReport(outcomes, groups, benchConfig(inner, numFewshot), {
    start_time: '',
    end_time: '',
    total_evaluation_time_seconds: 0,
    cache: { hits: cache?.stats().hits ?? 0, fresh: cache?.stats().fresh ?? 0, path: cachePath ?? null },
    tokens_per_second: 0,
    requests_per_second: 0,
  });
  JSON.stringify(report);
  const t2 = performance.now();
  phases.report = t2 - reportStart;

  const requests = outcomes.reduce((n, out) => n + out.instances.reduce((m, i) => m + i.requests[0]!.length, 0), 0);
  const check = createHash('sha256')
    .update(stableStringify({ results: report.results, groups: report.groups }))
    .digest('hex')
    .slice(0, 12);
  const cpu = process.cpuUsage(cpu0);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  return { requests, totalMs: t2 - t0, cpuMs, phases, check, hits: cache?.stats().hits ?? 0 };
}

/** Times every backend call (the dispatch phase) without changing what it does. */
function timedBackend(backend: Backend, add: (ms: number) => void): Backend {
  const timed =
    <A extends unknown[], R>(fn: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      const start = performance.now();
      try {
        return await fn(...args);
      } finally {
        add(performance.now() - start);
      }
    };
  return {
    id: backend.id,
    info: backend.info,
    capabilities: backend.capabilities,
    maxLength: backend.maxLength,
    loglikelihood: timed(backend.loglikelihood.bind(backend)),
    loglikelihoodRolling: timed(backend.loglikelihoodRolling.bind(backend)),
    generateUntil: timed(backend.generateUntil.bind(backend)),
    close: () => backend.close(),
  };
}

function benchConfig(backend: Backend, numFewshot: number): RunConfig {
  return {
    model: 'dummy',
    model_args: '',
    batch_size: 16,
    limit: null,
    bootstrap_iters: 1000,
    random_seed: 0,
    fewshot_seed: 1234,
    num_fewshot: numFewshot,
    apply_chat_template: false,
    system_instruction: null,
    gen_kwargs: null,
    think: 'strip <think>,</think>',
    max_gen_toks: null,
    predict_only: false,
    backend: { id: backend.id, ...backend.info },
    evalboard_version: 'bench',
    git_commit: null,
    argv: [],
  };
}

const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const fmt = (ms: number) => `${ms.toFixed(0).padStart(6)}`;
const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

function printRun(label: string, r: RunResult): void {
  const rps = (r.requests / r.totalMs) * 1000;
  const phases = PHASES.map((p) => `${p} ${fmt(r.phases[p])}`).join(' |');
  process.stdout.write(
    `  ${label.padEnd(8)} ${fmt(r.totalMs)} ms ${rps.toFixed(0).padStart(7)} req/s (cpu ${fmt(r.cpuMs)} ms) | ${phases} | check ${r.check}\n`,
  );
}

export default async function overhead(args: string[]): Promise<void> {
  const o = parseArgs(args);
  process.stdout.write(
    `overhead: tasks ${o.tasks.join(',')}, dummy backend, ${o.reps} reps after 1 warm-up; times in ms; load ${load()}\n`,
  );
  const summary: string[] = [];
  const tmp = mkdtempSync(join(tmpdir(), 'evalboard-bench-'));
  try {
    for (const shots of o.shots) {
      for (const cacheMode of o.cache) {
        const modes = cacheMode === 'off' ? ['no cache'] : ['cold', 'warm'];
        for (const mode of modes) {
          process.stdout.write(`${shots}-shot, ${cacheMode === 'off' ? 'no cache' : `cache ${mode}`}:\n`);
          const runs: RunResult[] = [];
          for (let rep = 0; rep <= o.reps; rep++) {
            let cachePath: string | undefined;
            if (cacheMode === 'on') {
              cachePath = join(tmp, `${shots}-shot-${rep}.sqlite`);
              // A warm run reads the file its cold twin wrote; fill it untimed first.
              if (mode === 'warm') await runOnce(o, shots, cachePath);
            }
            const r = await runOnce(o, shots, cachePath);
            if (mode === 'warm' && r.hits !== r.requests) throw new Error(`warm run: ${r.hits}/${r.requests} hits`);
            printRun(rep === 0 ? 'warm-up' : `rep ${rep}`, r);
            if (rep > 0) runs.push(r);
            if (cachePath) for (const suffix of ['', '-wal', '-shm']) rmSync(cachePath + suffix, { force: true });
          }
          const rps = median(runs.map((r) => (r.requests / r.totalMs) * 1000));
          const cpuRps = median(runs.map((r) => (r.requests / r.cpuMs) * 1000));
          const label = `${shots}-shot ${cacheMode === 'off' ? 'no cache  ' : `cache ${mode}`}`;
          const line = `${label}: median ${rps.toFixed(0).padStart(6)} req/s wall, ${cpuRps.toFixed(0).padStart(6)} req/s per CPU-second (${runs[0]?.requests} requests) ${rps >= GOAL_RPS ? '≥' : '<'} goal ${GOAL_RPS}`;
          summary.push(line);
        }
      }
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  process.stdout.write(`\n${summary.join('\n')}\nload ${load()}\n`);
}
