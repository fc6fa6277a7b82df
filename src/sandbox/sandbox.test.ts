import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pass_at_1 } from '../metrics/pass-at-k.ts';
import type { UserError } from '../errors.ts';
import { createSandbox } from './sandbox.ts';
import type { ExecutionOutcome } from './types.ts';

// Small limits keep hostile programs fast and harmless.
const sandbox = createSandbox({
  workers: 2,
  limits: {
    wallSeconds: 4,
    cpuSeconds: 2,
    memoryBytes: 256 * 2 ** 20,
    processes: 64,
    fileBytes: 2 ** 20,
    outputBytes: 2 ** 20,
  },
});

/** A folder outside the sandbox that anyone may write to: only the sandbox's mounts protect it. */
const sentinelDir = mkdtempSync(join(tmpdir(), 'evalboard-sentinel-'));
const sentinel = join(sentinelDir, 'keep-me');
writeFileSync(sentinel, 'x');
chmodSync(sentinelDir, 0o777);

let server: Server;
let connections = 0;
let port = 0;
beforeAll(async () => {
  server = createServer((socket) => {
    connections++;
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as { port: number }).port;
});
afterAll(() => server.close());

/** Processes of the sandbox's uids still alive (none may outlive its execution). */
function sandboxProcesses(): string[] {
  const ps = execFileSync('ps', ['-eo', 'uid=,pid=,args='], { encoding: 'utf8' });
  return ps.split('\n').filter((line) => {
    const uid = Number(line.trim().split(/\s+/)[0]);
    return uid >= 61_000 && uid < 61_100;
  });
}

/**
 * Scores one completion with pass@1 through the metric, as a task would, and checks it ended as
 * a failed sample with the expected outcome; returns that outcome.
 */
async function failedExecution(completion: string, expected: Partial<ExecutionOutcome>): Promise<ExecutionOutcome> {
  const result = await pass_at_1.score(
    {
      doc: {},
      target: 'assert f() == 1',
      response: { kind: 'text', texts: [completion] },
      filteredAll: [completion],
      kwargs: {},
    },
    { codeRunner: sandbox },
  );
  expect(result.value).toBe(0);
  const execution = (result.details.executions as ExecutionOutcome[])[0]!;
  expect(execution).toMatchObject(expected);
  return execution;
}

describe('the sandbox', () => {
  it('runs a passing program and reports assertion failures and exceptions apart', async () => {
    expect(sandbox.isolation).toBe('namespaces');
    expect(await sandbox.run('assert 1 + 1 == 2')).toEqual({ status: 'passed' });
    expect(await sandbox.run('assert 1 == 2')).toMatchObject({ status: 'failed', exception: 'AssertionError' });
    const error = await sandbox.run('def f():\n    return undefined_name\nf()');
    expect(error).toMatchObject({ status: 'error', exception: 'NameError' });
    expect(error.stderr).toMatch(/^Traceback/);
  });

  it('hands back what a program printed only when asked, and remembers the two apart', async () => {
    const program = 'print("per-test outputs")';
    expect(await sandbox.run(program)).toEqual({ status: 'passed' });
    expect(await sandbox.run(program, { captureStdout: true })).toEqual({
      status: 'passed',
      stdout: 'per-test outputs\n',
    });
  });

  // Each hostile completion defines f() to do harm, then the tests call it: a failed sample with its reason.
  const hostile: [name: string, body: string, expected: Partial<ExecutionOutcome>][] = [
    // CPU or wall limit, whichever a busy machine reaches first.
    ['an infinite loop', 'while True: pass', { status: 'timeout' }],
    ['a sleeping program', 'import time; time.sleep(60)', { status: 'timeout', reason: 'wall' }],
    ['a fork bomb', 'import os\n    while True: os.fork()', { status: 'killed', reason: 'processes' }],
    [
      'rm -rf outside its folder',
      `import shutil; shutil.rmtree(${JSON.stringify(sentinelDir)})`,
      { status: 'error', exception: 'FileNotFoundError' },
    ],
    [
      'writing outside its folder',
      "open('/etc/evalboard-sandbox-escape', 'w')",
      { status: 'error', exception: 'PermissionError' },
    ],
    ['allocating 10 GB', 'x = bytearray(10 * 2**30)', { status: 'killed', reason: 'memory' }],
    [
      'printing 1 GB',
      "import sys\n    for _ in range(2**14): sys.stdout.write('x' * 2**16)",
      { status: 'killed', reason: 'output' },
    ],
    [
      'writing a 10 GB file',
      "f = open('big', 'wb')\n    for _ in range(10 * 2**10): f.write(b'x' * 2**20)",
      { status: 'killed', reason: 'file_size' },
    ],
    [
      'killing its parent',
      'import os, signal; os.kill(os.getppid(), signal.SIGKILL)',
      { status: 'error', exception: 'PermissionError' },
    ],
    // In its own pid namespace, as its own uid, there is nothing else it may signal.
    [
      'killing every process it can',
      'import os, signal; os.kill(-1, signal.SIGKILL)',
      { status: 'error', exception: 'ProcessLookupError' },
    ],
  ];
  for (const [name, body, expected] of hostile)
    it(`fails ${name} with its reason`, async () => {
      await failedExecution(`def f():\n    ${body}\n    return 1\n`, expected);
    });

  it('cannot open a socket to 127.0.0.1', async () => {
    const execution = await failedExecution(
      `def f():\n    import socket\n    socket.create_connection(('127.0.0.1', ${port}), timeout=2)\n    return 1\n`,
      { status: 'error', exception: 'OSError' },
    );
    expect(execution.stderr).toContain('Network is unreachable');
    expect(connections).toBe(0);
  });

  it('kills processes that escape with os.setsid when the execution ends', async () => {
    const setsidEscape = [
      'def f():',
      '    import os, time',
      '    if os.fork() == 0:',
      '        os.setsid()',
      '        if os.fork() == 0:',
      '            time.sleep(30)',
      '        os._exit(0)',
      '    time.sleep(0.5)',
      '    return 0',
    ].join('\n');
    await failedExecution(setsidEscape, { status: 'failed', exception: 'AssertionError' });
    expect(sandboxProcesses()).toEqual([]);
  });

  it('leaves the machine as it was', () => {
    expect(existsSync(sentinel)).toBe(true);
    expect(existsSync('/etc/evalboard-sandbox-escape')).toBe(false);
    expect(sandboxProcesses()).toEqual([]);
  });
});

describe('without namespaces', () => {
  it('refuses to run code unless --allow_unsafe_code allows it', () => {
    expect(() => createSandbox({ isolate: false })).toThrow(/cannot isolate code execution/);
    try {
      createSandbox({ isolate: false });
    } catch (e) {
      expect((e as UserError).format()).toContain('--allow_unsafe_code');
    }
  });

  it('then still applies the resource limits', async () => {
    const unisolated = createSandbox({ isolate: false, allowUnsafe: true, workers: 2, limits: { wallSeconds: 3 } });
    expect(unisolated.isolation).toBe('none');
    expect(await unisolated.run('assert True')).toEqual({ status: 'passed' });
    expect(await unisolated.run('import time; time.sleep(60)')).toMatchObject({ status: 'timeout', reason: 'wall' });
    expect(await unisolated.run('x = bytearray(10 * 2**30)')).toMatchObject({ status: 'killed', reason: 'memory' });
  });
});
