import { constants } from 'node:os';
import type { ExecutionOutcome } from './types.ts';

/** What the supervisor saw of one finished execution. */
export interface ProcessEnd {
  /** Exit code of the program (the wrapper shell reports a signal death as 128 + signal). */
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** The supervisor killed the tree at the wall-time limit. */
  readonly wallTimeout: boolean;
  /** The supervisor killed the tree when stdout + stderr passed the output limit. */
  readonly outputExceeded: boolean;
  /** The first bytes of stderr, and its last bytes (where Python prints the exception). */
  readonly stderrHead: string;
  readonly stderrTail: string;
}

const STDERR_LINES = 8;
const STDERR_CHARS = 800;

/** The first lines of stderr, short enough for a samples row. */
export function stderrExcerpt(head: string): string {
  return head.split('\n').slice(0, STDERR_LINES).join('\n').slice(0, STDERR_CHARS).trimEnd();
}

/** Signal number → name ("SIGXCPU"), for exit codes 128 + n. */
function signalName(n: number): string | undefined {
  return Object.entries(constants.signals).find(([, value]) => value === n)?.[0];
}

/** The exception type on the traceback's last line: "ValueError: ..." → "ValueError". */
function exceptionOf(stderrTail: string): string | undefined {
  const lines = stderrTail
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const last = lines.at(-1);
  const match = last && /^([A-Za-z_][\w.]*)(?::|$)/.exec(last);
  return match ? match[1] : undefined;
}

/**
 * Sorts an execution into passed / failed (an assertion) / error (another exception) / timeout /
 * killed (a resource limit: memory, output, processes, file size, or a signal).
 */
export function classify(end: ProcessEnd): ExecutionOutcome {
  const stderr = stderrExcerpt(end.stderrHead);
  const withStderr = stderr ? { stderr } : {};
  if (end.outputExceeded) return { status: 'killed', reason: 'output', ...withStderr };
  if (end.wallTimeout) return { status: 'timeout', reason: 'wall', ...withStderr };
  if (end.code === 0 && !end.signal) return { status: 'passed' };

  const signal = end.signal ?? (end.code !== null && end.code > 128 ? signalName(end.code - 128) : undefined);
  if (signal === 'SIGXCPU') return { status: 'timeout', reason: 'cpu', ...withStderr };
  if (signal === 'SIGXFSZ') return { status: 'killed', reason: 'file_size', ...withStderr };
  const text = `${end.stderrHead}\n${end.stderrTail}`;
  const exception = exceptionOf(end.stderrTail);
  if (exception === 'MemoryError' || /Cannot allocate memory|MemoryError/.test(text))
    return { status: 'killed', reason: 'memory', exception: 'MemoryError', ...withStderr };
  if (/\[Errno 11\] Resource temporarily unavailable/.test(text))
    return { status: 'killed', reason: 'processes', ...(exception ? { exception } : {}), ...withStderr };
  if (/\[Errno 27\] File too large/.test(text))
    return { status: 'killed', reason: 'file_size', ...(exception ? { exception } : {}), ...withStderr };
  if (signal) return { status: 'killed', reason: signal, ...withStderr };
  if (exception === 'AssertionError') return { status: 'failed', exception, ...withStderr };
  return { status: 'error', ...(exception ? { exception } : {}), ...withStderr };
}
