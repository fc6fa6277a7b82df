/**
 * Running untrusted code (model completions with a problem's tests) and what came of it. The
 * pass@k metric asks a `CodeRunner`; the sandbox (sandbox.ts) is the one implementation.
 */

/** How one execution ended. `killed` means a resource limit stopped it (see `reason`). */
export type ExecutionStatus = 'passed' | 'failed' | 'error' | 'timeout' | 'killed';

export interface ExecutionOutcome {
  readonly status: ExecutionStatus;
  /** killed: memory, output, processes, file_size or the signal; timeout: wall or cpu. */
  readonly reason?: string;
  /** error: the exception's type ("NameError"); failed: "AssertionError". */
  readonly exception?: string;
  /** The first lines of stderr, for a reader to see why it failed. */
  readonly stderr?: string;
  /** What the program printed (up to the output limit), where the caller asked for it (captureStdout). */
  readonly stdout?: string;
}

export interface ResourceLimits {
  /** Wall-clock seconds before the whole process tree is killed. */
  readonly wallSeconds: number;
  readonly cpuSeconds: number;
  /** Address space per process. */
  readonly memoryBytes: number;
  readonly processes: number;
  /** Largest file a process may write. */
  readonly fileBytes: number;
  /** stdout + stderr bytes before the tree is killed. */
  readonly outputBytes: number;
}

/** Executes Python programs; results are memoised by program and limits. */
export interface CodeRunner {
  /** How programs are isolated ("namespaces" or "none"), recorded with every outcome. */
  readonly isolation: string;
  readonly limits: ResourceLimits;
  run(
    program: string,
    o?: { readonly signal?: AbortSignal; readonly wallSeconds?: number; readonly captureStdout?: boolean },
  ): Promise<ExecutionOutcome>;
}

/** Small limits: enough for HumanEval and MBPP tests, quick to hit for hostile code. */
export const DEFAULT_LIMITS: ResourceLimits = {
  wallSeconds: 10,
  cpuSeconds: 10,
  memoryBytes: 512 * 2 ** 20,
  processes: 64,
  fileBytes: 2 ** 20,
  outputBytes: 2 ** 20,
};
