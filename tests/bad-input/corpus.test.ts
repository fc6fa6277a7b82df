/**
 * The bad-input corpus: every folder here holding a case.json is one broken input, run through
 * the real CLI. Each must fail the way a user can act on: exit code 2, exactly one stderr line
 * `error: …` matching `expect` (file:line:col and field where they exist), no stack, nothing on
 * stdout, nothing under --output_path, and done within CASE_TIMEOUT_MS.
 *
 * case.json: { description, args, expect, env? }. In args and env, {dir} is the case folder,
 * {models} the shared model folder. `run` commands get `--output_path <empty temp dir>` appended.
 * Binary and 20 MB inputs are written by make-binary-cases.ts into a temp copy of the folders.
 */
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listFiles, MODEL_DIR, tempDir } from '../helpers.ts';
import { runEvalboard } from '../process-helpers.ts';
import { makeBinaryCases } from './make-binary-cases.ts';

interface Case {
  readonly description: string;
  readonly args: readonly string[];
  readonly expect: string;
  readonly env?: Readonly<Record<string, string>>;
}

interface Outcome {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly timedOut: boolean;
  readonly seconds: number;
  readonly outputFiles: readonly string[];
}

const HERE = fileURLToPath(new URL('.', import.meta.url));
const CASE_TIMEOUT_MS = 30_000;
/** The CLI is CPU-bound for ~0.5 s at start; a few at a time keep 2 cores busy without starving. */
const CONCURRENCY = 4;
/** One clear line: a message that echoes a 20 MB input line is not one. */
const MAX_LINE = 1000;

const names = readdirSync(HERE, { withFileTypes: true })
  .filter((e) => e.isDirectory() && existsSync(join(HERE, e.name, 'case.json')))
  .map((e) => e.name)
  .sort();

let workDir: string;
const outcomes = new Map<string, Promise<Outcome>>();
let passed = 0;
let failed = 0;

beforeAll(() => {
  workDir = tempDir('evalboard-bad-input-');
  cpSync(HERE, join(workDir, 'cases'), { recursive: true });
  makeBinaryCases(join(workDir, 'cases'));
  // All started here, a few at a time, so each `it` only waits for its own result.
  const slot = limiter(CONCURRENCY);
  for (const name of names) {
    outcomes.set(
      name,
      slot(() => runCase(name)),
    );
  }
});

afterAll(async () => {
  await Promise.allSettled(outcomes.values());
  rmSync(workDir, { recursive: true, force: true }); // ~60 MB of generated long lines
  console.log(`bad-input corpus: ${passed} passed, ${failed} failed`);
});

function limiter(size: number): <T>(task: () => Promise<T>) => Promise<T> {
  let active = 0;
  const waiting: (() => void)[] = [];
  return async (task) => {
    if (active >= size) await new Promise<void>((resolve) => waiting.push(resolve));
    active++;
    try {
      return await task();
    } finally {
      active--;
      waiting.shift()?.();
    }
  };
}

function readCase(name: string): Case {
  return JSON.parse(readFileSync(join(HERE, name, 'case.json'), 'utf8')) as Case;
}

async function runCase(name: string): Promise<Outcome> {
  const spec = readCase(name);
  const dir = join(workDir, 'cases', name);
  const fill = (s: string) => s.replaceAll('{dir}', dir).replaceAll('{models}', MODEL_DIR);
  const output = join(workDir, 'out', name);
  mkdirSync(output, { recursive: true });
  const args = spec.args.map(fill);
  if (args[0] === 'run') args.splice(1, 0, '--output_path', output);
  const env = Object.fromEntries(Object.entries(spec.env ?? {}).map(([k, v]) => [k, fill(v)]));
  const r = await runEvalboard(args, {
    env: { EVALBOARD_CACHE: join(workDir, 'cache', name), ...env },
    timeoutMs: CASE_TIMEOUT_MS,
  }).catch((e: Error) => ({ code: null, stdout: '', stderr: `spawn failed: ${e.message}`, timedOut: false, ms: 0 }));
  return {
    status: r.code,
    stdout: r.stdout,
    stderr: r.stderr,
    timedOut: r.timedOut,
    seconds: r.ms / 1000,
    outputFiles: listFiles(output),
  };
}

describe('bad-input corpus', () => {
  it('has at least 25 cases', () => {
    expect(names.length).toBeGreaterThanOrEqual(25);
  });

  it.each(names)('%s', async (name) => {
    let ok = false;
    try {
      const spec = readCase(name);
      const r = await outcomes.get(name)!;
      const report = `${spec.description}\n--- stderr (${r.seconds.toFixed(1)} s) ---\n${r.stderr.slice(0, 4000)}\n--- stdout ---\n${r.stdout.slice(0, 2000)}`;
      expect(r.timedOut, `no result within ${CASE_TIMEOUT_MS / 1000} s\n${report}`).toBe(false);
      expect(r.status, report).toBe(2);
      expect(r.stderr, report).not.toMatch(/^\s+at /m);
      const lines = r.stderr.replace(/\n$/, '').split('\n');
      expect(lines, report).toHaveLength(1);
      expect(lines[0]!.length, report).toBeLessThanOrEqual(MAX_LINE);
      expect(lines[0], report).toMatch(/^error: /);
      expect(lines[0], report).toMatch(new RegExp(spec.expect));
      expect(r.stdout, report).toBe('');
      expect(r.outputFiles, report).toEqual([]);
      ok = true;
    } finally {
      if (ok) passed++;
      else failed++;
    }
  });
});
