/**
 * Sandbox throughput: HumanEval's 164 canonical solutions (with their tests) through the sandbox's
 * worker pool, and what isolation costs per execution against a bare `python3 -c pass`.
 *
 *   npm run bench -- sandbox [--reps 3] [--workers N]
 *
 * "pool" runs all 164 programs at once on a fresh sandbox (no memo hits), `--workers` at a time
 * (default: one per core). "bare pass" and "sandboxed pass" run one process at a time, so their
 * difference is the per-execution overhead of namespaces, the private tmpfs mounts, prlimit and
 * setpriv, the temp folder and the supervisor.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { resolveDataDir } from '../src/documents/data-dir.ts';
import { programFor } from '../src/metrics/pass-at-k.ts';
import { createSandbox } from '../src/sandbox/sandbox.ts';

const PASS_RUNS = 40;

function humanEvalPrograms(): string[] {
  const dataDir = resolveDataDir();
  if (!dataDir) throw new Error('no data folder: set EVALBOARD_DATA_DIR (needs humaneval/HumanEval.jsonl)');
  const file = join(dataDir, 'humaneval/HumanEval.jsonl');
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const doc = JSON.parse(line) as Record<string, string>;
      const target = `${doc.test}\ncheck(${doc.entry_point})`;
      const input = { doc, target, response: { kind: 'text' as const, texts: [] }, kwargs: { prompt_field: 'prompt' } };
      return programFor(input, doc.canonical_solution!);
    });
}

function option(args: string[], name: string): string | undefined {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : undefined;
}

export default async function sandboxBench(args: string[]): Promise<void> {
  const reps = Number(option(args, '--reps') ?? 3);
  const workers = Number(option(args, '--workers') ?? availableParallelism());
  const programs = humanEvalPrograms();
  process.stdout.write(
    `HumanEval canonical: ${programs.length} programs, ${workers} workers, load ${loadavg()[0]!.toFixed(2)}\n`,
  );

  for (let rep = 0; rep < reps; rep++) {
    const sandbox = createSandbox({ workers });
    const started = performance.now();
    const outcomes = await Promise.all(programs.map((p) => sandbox.run(p)));
    const seconds = (performance.now() - started) / 1000;
    const passed = outcomes.filter((o) => o.status === 'passed').length;
    process.stdout.write(
      `pool (${sandbox.isolation}): ${(programs.length / seconds).toFixed(1)} executions/s, ${passed}/${programs.length} passed\n`,
    );
  }

  const python = createSandbox({ workers: 1 });
  const bare: number[] = [];
  const boxed: number[] = [];
  for (let i = 0; i < PASS_RUNS; i++) {
    let t = performance.now();
    spawnSync('/usr/bin/python3', ['-c', 'pass'], { stdio: 'ignore' });
    bare.push(performance.now() - t);
    t = performance.now();
    // A distinct comment per run: the sandbox's memo would otherwise answer repeats at once.
    await python.run(`pass  # ${i}`);
    boxed.push(performance.now() - t);
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  process.stdout.write(
    `one at a time, median of ${PASS_RUNS}: bare python3 -c pass ${median(bare).toFixed(1)} ms, sandboxed ${median(boxed).toFixed(1)} ms, overhead ${(median(boxed) - median(bare)).toFixed(1)} ms per execution\n`,
  );
}
