import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chownSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { UserError } from '../errors.ts';
import { classify, type ProcessEnd } from './classify.ts';
import { DEFAULT_LIMITS, type CodeRunner, type ExecutionOutcome, type ResourceLimits } from './types.ts';

export interface SandboxOptions {
  readonly limits?: Partial<ResourceLimits>;
  /** Executions at once (default: one per core). */
  readonly workers?: number;
  /** Run without namespaces where they are unavailable (--allow_unsafe_code). */
  readonly allowUnsafe?: boolean;
  /** false: do not use namespaces even where they work (default: use them when the probe succeeds). */
  readonly isolate?: boolean;
  /** The Python interpreter (default: the system's python3, which the sandbox user can execute). */
  readonly python?: string;
}

/**
 * Each worker slot runs programs as its own unprivileged uid, so the process-count limit counts
 * only that execution's processes and nothing it starts can touch another's files.
 */
const SANDBOX_UID_BASE = 61_000;
/** Executions remembered by program, so pass@1, pass@5 and pass@10 of a doc run each completion once. */
const MEMO_ENTRIES = 20_000;
const STDERR_KEEP = 4096;

/**
 * The wrapper that runs as pid 1 of fresh network, pid and mount namespaces (as root): it enters
 * the work folder, hides every world-writable folder behind a small private tmpfs, then drops to
 * the slot's uid under the resource limits and runs the program. When it exits, the kernel kills
 * everything left in the pid namespace, setsid()-escaped processes included.
 */
const NAMESPACE_WRAPPER = `
cd "$1" || exit 125
mount --make-rprivate / || exit 125
for d in /tmp /var/tmp /dev/shm /run/lock; do
  if [ -d "$d" ]; then mount -t tmpfs -o size=8m,mode=1777,nosuid,nodev tmpfs "$d" || exit 125; fi
done
shift
uid="$1"; shift
prlimit "$@" -- setpriv --reuid="$uid" --regid="$uid" --clear-groups --inh-caps=-all --bounding-set=-all --no-new-privs -- "$PYTHON" -I -B - < main.py
`;

function prlimitArgs(limits: ResourceLimits): string[] {
  return [
    `--as=${limits.memoryBytes}`,
    `--cpu=${limits.cpuSeconds}:${limits.cpuSeconds + 1}`,
    `--nproc=${limits.processes}`,
    `--fsize=${limits.fileBytes}`,
    '--core=0',
    '--nofile=256',
  ];
}

/** Namespaces need root (or CAP_SYS_ADMIN) and util-linux's unshare; probe rather than guess. */
function namespacesAvailable(): boolean {
  if (process.getuid?.() !== 0) return false;
  const probe = spawnSync('unshare', ['--net', '--pid', '--fork', '--mount', '--kill-child', 'true'], {
    stdio: 'ignore',
    timeout: 10_000,
  });
  return probe.status === 0;
}

function defaultPython(): string {
  for (const path of ['/usr/bin/python3', '/usr/local/bin/python3']) if (existsSync(path)) return path;
  const found = spawnSync('python3', ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' });
  const path = found.stdout?.trim();
  if (found.status !== 0 || !path) throw new UserError('python3 not found; code execution needs it');
  return path;
}

/** A bounded set of worker slots: run() waits for a free one. */
class Slots {
  private readonly free: number[];
  private readonly waiting: ((slot: number) => void)[] = [];
  constructor(count: number) {
    this.free = Array.from({ length: count }, (_, i) => i);
  }
  async take(): Promise<number> {
    const slot = this.free.pop();
    if (slot !== undefined) return slot;
    return new Promise((resolve) => this.waiting.push(resolve));
  }
  give(slot: number): void {
    const next = this.waiting.shift();
    if (next) next(slot);
    else this.free.push(slot);
  }
}

/**
 * The code sandbox: every execution in a fresh temp folder, in new network, pid and mount
 * namespaces, as an unprivileged uid, under CPU, wall, memory, process, file-size and output
 * limits, on a pool of workers sized to the cores. Refuses to start without isolation unless
 * `allowUnsafe` is set.
 */
export function createSandbox(o: SandboxOptions = {}): CodeRunner {
  const limits: ResourceLimits = { ...DEFAULT_LIMITS, ...o.limits };
  const isolated = o.isolate !== false && namespacesAvailable();
  if (!isolated && !o.allowUnsafe)
    throw new UserError(
      'cannot isolate code execution here: network, pid and mount namespaces need root and `unshare`',
      { field: '--confirm_run_unsafe_code' },
      'run as root where `unshare -n` works, or add --allow_unsafe_code to run model code with resource limits only',
    );
  const python = o.python ?? defaultPython();
  const slots = new Slots(Math.max(1, o.workers ?? availableParallelism()));
  const memo = new Map<string, Promise<ExecutionOutcome>>();
  const isolation = isolated ? 'namespaces' : 'none';

  const execute = async (program: string, wallSeconds: number, captureStdout: boolean, signal?: AbortSignal) => {
    const slot = await slots.take();
    try {
      signal?.throwIfAborted();
      return await executeOnce(program, { ...limits, wallSeconds }, { isolated, python, slot, signal, captureStdout });
    } finally {
      slots.give(slot);
    }
  };

  return {
    isolation,
    limits,
    run(program, options = {}) {
      const wallSeconds = options.wallSeconds ?? limits.wallSeconds;
      const captureStdout = options.captureStdout === true;
      const key = createHash('sha256').update(`${wallSeconds}\0${captureStdout}\0${program}`).digest('hex');
      const known = memo.get(key);
      if (known) return known;
      const outcome = execute(program, wallSeconds, captureStdout, options.signal);
      memo.set(key, outcome);
      // An aborted or broken execution must run again next time, not replay the failure.
      outcome.catch(() => memo.delete(key));
      if (memo.size > MEMO_ENTRIES) memo.delete(memo.keys().next().value!);
      return outcome;
    },
  };
}

interface ExecuteContext {
  readonly isolated: boolean;
  readonly python: string;
  readonly slot: number;
  readonly signal: AbortSignal | undefined;
  /** Keep what the program prints (MERA's code tasks read their per-test outputs from it). */
  readonly captureStdout?: boolean;
}

function executeOnce(program: string, limits: ResourceLimits, c: ExecuteContext): Promise<ExecutionOutcome> {
  const dir = mkdtempSync(join(tmpdir(), 'evalboard-sandbox-'));
  writeFileSync(join(dir, 'main.py'), program);
  const uid = SANDBOX_UID_BASE + c.slot;
  const env = { PATH: '/usr/bin:/bin', LANG: 'C.UTF-8', HOME: '/tmp', TMPDIR: '/tmp', PYTHON: c.python };
  let command: string;
  let args: string[];
  if (c.isolated) {
    chownSync(dir, uid, uid);
    command = 'unshare';
    const wrapperArgs = [dir, String(uid), ...prlimitArgs(limits)];
    args = [
      '--net',
      '--pid',
      '--fork',
      '--mount',
      '--kill-child',
      '--',
      '/bin/sh',
      '-c',
      NAMESPACE_WRAPPER,
      'sh',
      ...wrapperArgs,
    ];
  } else {
    command = 'prlimit';
    args = [...prlimitArgs(limits), '--', c.python, '-I', '-B', 'main.py'];
  }
  return new Promise<ExecutionOutcome>((resolve, reject) => {
    const child = spawn(command, args, { cwd: dir, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let wallTimeout = false;
    let outputExceeded = false;
    let outputBytes = 0;
    let stderrHead = '';
    let stderrTail = '';
    const stdoutChunks: Buffer[] = [];
    // The child leads its own process group; killing the group takes the wrapper and, through
    // --kill-child and the pid namespace, everything inside.
    const killTree = () => {
      try {
        if (child.pid) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    };
    const countOutput = (chunk: Buffer) => {
      outputBytes += chunk.length;
      if (outputBytes > limits.outputBytes && !outputExceeded) {
        outputExceeded = true;
        killTree();
      }
    };
    child.stdout.on('data', (chunk: Buffer) => {
      countOutput(chunk);
      if (c.captureStdout && !outputExceeded) stdoutChunks.push(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      countOutput(chunk);
      if (stderrHead.length < STDERR_KEEP) stderrHead += chunk.toString('utf8', 0, STDERR_KEEP - stderrHead.length);
      stderrTail = (stderrTail + chunk.toString('utf8', Math.max(0, chunk.length - STDERR_KEEP))).slice(-STDERR_KEEP);
    });
    const timer = setTimeout(() => {
      wallTimeout = true;
      killTree();
    }, limits.wallSeconds * 1000);
    const onAbort = () => killTree();
    c.signal?.addEventListener('abort', onAbort, { once: true });
    const finish = (end: ProcessEnd | Error) => {
      clearTimeout(timer);
      c.signal?.removeEventListener('abort', onAbort);
      rmSync(dir, { recursive: true, force: true });
      if (end instanceof Error) reject(end);
      else if (c.signal?.aborted) reject(c.signal.reason);
      else if (end.code === 125) reject(new Error(`sandbox setup failed: ${end.stderrHead.trim()}`));
      else if (c.captureStdout) resolve({ ...classify(end), stdout: Buffer.concat(stdoutChunks).toString('utf8') });
      else resolve(classify(end));
    };
    child.on('error', (e) => finish(new Error(`cannot start the sandbox (${command}): ${e.message}`)));
    // Without namespaces a setsid()-escaped grandchild can hold the pipes open after the program
    // exits; stop reading shortly after the exit rather than wait for it.
    child.on('exit', () => {
      setTimeout(() => {
        child.stdout.destroy();
        child.stderr.destroy();
      }, 200).unref();
    });
    child.on('close', (code, signal) => finish({ code, signal, wallTimeout, outputExceeded, stderrHead, stderrTail }));
  });
}
