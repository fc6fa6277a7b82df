/**
 * lm-eval's `!function utils.fn` hooks run as they are, in one Python process per evalboard run.
 *
 * Hook call sites are synchronous (a doc_to_text is called while a prompt is built), so requests go
 * over two FIFOs that this side reads with blocking reads: a reply is a line on the reply FIFO, and
 * a Python process that dies closes it, which reads as end-of-file rather than a hang. Each call
 * carries a batch of argument lists, so a caller that has a whole split pays one round trip.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UserError } from '../../../errors.ts';

const SERVER = join(dirname(fileURLToPath(import.meta.url)), 'server.py');
/**
 * A hook that runs longer than this for one batch (or a module whose import does) is stopped
 * (SIGALRM inside Python); EVALBOARD_HOOK_TIMEOUT_S shortens it where a hang must not cost ten minutes.
 */
const callTimeoutS = () => Number(process.env.EVALBOARD_HOOK_TIMEOUT_S) || 600;

let interpreter = process.env.EVALBOARD_PYTHON ?? 'python3';
let shared: PythonHookProcess | undefined;

/** `--python PATH`: the interpreter hooks run in (the user's, with the packages their hooks import). */
export function setPythonInterpreter(path: string): void {
  if (shared && path !== interpreter) {
    shared.close();
    shared = undefined;
  }
  interpreter = path;
}

export function pythonHooks(): PythonHookProcess {
  // A process that died (a hook called os._exit) is replaced for the hooks loaded after it.
  if (!shared || shared.isClosed) shared = new PythonHookProcess(interpreter);
  return shared;
}

export class PythonHookError extends Error {
  constructor(
    message: string,
    readonly where: string | undefined,
    readonly missingModule: string | undefined,
  ) {
    super(message);
  }
}

interface Reply {
  readonly ok?: boolean;
  readonly results?: unknown[];
  readonly object?: number;
  readonly callables?: string[];
  readonly error?: string;
  readonly where?: string;
  readonly missing_module?: string;
}

export class PythonHookProcess {
  private readonly child: ChildProcess;
  private readonly dir: string;
  private readonly requests: number;
  private readonly replies: number;
  private pending = Buffer.alloc(0);
  private readonly stderrPath: string;
  private closed = false;
  private readonly loaded = new Map<string, readonly string[]>();

  constructor(readonly python: string) {
    const probe = spawnSync(python, ['-c', 'import sys; print(sys.version_info >= (3, 8))'], { encoding: 'utf8' });
    if (probe.error || probe.stdout.trim() !== 'True')
      throw new UserError(
        `cannot run Python hooks with "${python}"${probe.error ? `: ${probe.error.message}` : ''}`,
        { field: '--python' },
        'give --python PATH to a Python 3.8+ interpreter (lm-eval task hooks in utils.py need one)',
      );
    this.dir = mkdtempSync(join(tmpdir(), 'evalboard-hooks-'));
    const requestsPath = join(this.dir, 'requests');
    const repliesPath = join(this.dir, 'replies');
    const fifo = spawnSync('mkfifo', [requestsPath, repliesPath]);
    if (fifo.status !== 0) throw new Error(`mkfifo failed: ${fifo.stderr?.toString()}`);
    // Python's stderr goes to a file, not a pipe: this side blocks in readSync while a hook runs, so
    // nothing would drain a pipe, and a hook that warns 64 KiB's worth would block both processes.
    this.stderrPath = join(this.dir, 'stderr');
    const stderr = openSync(this.stderrPath, 'w');
    this.child = spawn(python, ['-u', SERVER, requestsPath, repliesPath], { stdio: ['ignore', 'ignore', stderr] });
    closeSync(stderr);
    this.child.unref();
    // Python opens the reply FIFO first, then the request FIFO; opening in the same order here
    // pairs them without either side waiting on the other's second open.
    this.replies = openSync(repliesPath, 'r');
    this.requests = openSync(requestsPath, 'w');
    process.once('exit', () => this.close());
  }

  /** Imports utils.py (once); a missing import becomes one line naming the module. */
  load(path: string): readonly string[] {
    const known = this.loaded.get(path);
    if (known) return known;
    const reply = this.send({ op: 'load', path, folder: dirname(path), timeout_s: callTimeoutS() });
    const callables = reply.callables ?? [];
    this.loaded.set(path, callables);
    return callables;
  }

  /** Calls `name` once per argument list; `datasetArg` wraps the first argument in the Dataset stand-in. */
  call(path: string, name: string, batch: readonly (readonly unknown[])[], datasetArg = false): unknown[] {
    this.load(path);
    const reply = this.send({ op: 'call', path, name, batch, dataset_arg: datasetArg, timeout_s: callTimeoutS() });
    return (reply.results ?? []).map(revive);
  }

  /**
   * Scores (gold, result, multipleTarget) triples with a `metric: !function` the way lm-eval's
   * process_results calls one; each result is {metric name: value}.
   */
  metric(
    path: string,
    name: string,
    batch: readonly (readonly [unknown, unknown, boolean])[],
    kwargs: Readonly<Record<string, unknown>>,
  ): Record<string, unknown>[] {
    this.load(path);
    const reply = this.send({ op: 'metric', path, name, batch, kwargs, timeout_s: callTimeoutS() });
    return (reply.results ?? []).map(revive) as Record<string, unknown>[];
  }

  /** Constructs a hook class (a custom filter) and returns a handle for `method`. */
  construct(path: string, name: string, kwargs: Readonly<Record<string, unknown>>): number {
    this.load(path);
    return this.send({ op: 'new', path, name, kwargs, timeout_s: callTimeoutS() }).object!;
  }

  method(object: number, method: string, batch: readonly (readonly unknown[])[]): unknown[] {
    return (this.send({ op: 'method', object, method, batch, timeout_s: callTimeoutS() }).results ?? []).map(revive);
  }

  get isClosed(): boolean {
    return this.closed;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      closeSync(this.requests);
      closeSync(this.replies);
    } catch {
      // already closed by a failed call
    }
    this.child.kill();
    rmSync(this.dir, { recursive: true, force: true });
  }

  private send(message: Record<string, unknown>): Reply {
    if (this.closed) throw new Error('the Python hook process is closed');
    writeSync(this.requests, `${JSON.stringify(message)}\n`);
    const reply = JSON.parse(this.readLine()) as Reply;
    if (reply.error !== undefined) throw new PythonHookError(reply.error, reply.where, reply.missing_module);
    return reply;
  }

  private lastStderrLine(): string {
    try {
      return readFileSync(this.stderrPath, 'utf8').trim().split('\n').at(-1) ?? '';
    } catch {
      return '';
    }
  }

  private readLine(): string {
    // Bytes, not text, until a whole line is in: a read may end inside a multi-byte character.
    // Chunks are joined once, when the newline arrives: joining per read copied a 100 MB reply
    // (a process_docs over a big split) ~1,600 times.
    const chunks = [this.pending];
    let found = this.pending.indexOf(0x0a);
    while (found < 0) {
      const chunk = Buffer.alloc(1 << 20);
      const n = readSync(this.replies, chunk, 0, chunk.length, null);
      if (n === 0) {
        const lastLine = this.lastStderrLine();
        this.close();
        throw new PythonHookError(
          `the Python hook process (${this.python}) exited${lastLine ? `: ${lastLine}` : ''}`,
          undefined,
          undefined,
        );
      }
      const at = chunk.subarray(0, n).indexOf(0x0a);
      if (at >= 0) found = chunks.reduce((size, c) => size + c.length, 0) + at;
      chunks.push(chunk.subarray(0, n));
    }
    const all = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
    this.pending = all.subarray(found + 1);
    return all.toString('utf8', 0, found);
  }
}

/** JSON back to values: a Dataset as its rows, non-finite floats as numbers. */
function revive(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(revive);
  if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    if ('__dataset__' in record && Object.keys(record).length === 1) return record.__dataset__;
    if ('__float__' in record && Object.keys(record).length === 1)
      return record.__float__ === 'nan' ? Number.NaN : record.__float__ === 'inf' ? Infinity : -Infinity;
    return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, revive(v)]));
  }
  return value;
}
