import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UserError } from '../src/errors.ts';

export const ROOT = new URL('..', import.meta.url).pathname;
export const MODEL_DIR = process.env.EVALBOARD_MODEL_PATH ?? join(ROOT, '../shared/models');
export const STORIES = join(MODEL_DIR, 'stories260K.gguf');

export const STORIES_TASKS: readonly string[] = ['bps', 'lcs', 'simplear'];
export const STORIES_LIMIT = 40;

/** A real-model run long enough to interrupt mid-way: 560 requests, 40 of them generations. */
export const STORIES_WORKLOAD: readonly string[] = [
  'run',
  '--model',
  'llamacpp',
  '--model_args',
  `pretrained=${STORIES}`,
  '--tasks',
  STORIES_TASKS.join(','),
  '--limit',
  String(STORIES_LIMIT),
  '--log_samples',
];

export interface CliResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs bin/evalboard.js as a user would, with a private cache dir unless one is given. */
export function evalboard(args: readonly string[], env: Record<string, string> = {}): CliResult {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin/evalboard.js'), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, EVALBOARD_CACHE: env.EVALBOARD_CACHE ?? tempDir('cache-'), ...env },
    timeout: 300_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

export function tempDir(prefix = 'evalboard-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** The one results file under an --output_path folder, parsed. */
export function readResults(outputPath: string): Record<string, unknown> & { timing: unknown } {
  const files = listFiles(outputPath).filter((f) => /results_.*\.json$/.test(f));
  if (files.length !== 1) throw new Error(`expected one results file in ${outputPath}, found ${files.length}`);
  return JSON.parse(readFileSync(files[0]!, 'utf8'));
}

export function listFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name));
}

/**
 * The results file's bytes without its `timing` field and lm-eval's `date` (when the run started):
 * what must match between identical runs.
 */
export function withoutTiming(outputPath: string): string {
  const file = listFiles(outputPath).find((f) => /results_.*\.json$/.test(f))!;
  const parsed = JSON.parse(readFileSync(file, 'utf8'));
  delete parsed.timing;
  delete parsed.date;
  return JSON.stringify(parsed);
}

/** The UserError `fn` throws; any other outcome fails the test. */
export function userErrorOf(fn: () => unknown): UserError {
  try {
    fn();
  } catch (e) {
    if (e instanceof UserError) return e;
    throw e;
  }
  throw new Error('expected a UserError');
}
