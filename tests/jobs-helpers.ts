/** Helpers for tests/jobs-worker.test.ts: a small suite, polling, the upload archive, the vote-order check. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import yauzl from 'yauzl';
import { jobIdFor, type PgBossJobQueue } from '../src/service/jobs/pgboss-queue.ts';
import { STORIES } from './helpers.ts';

/** A three-task suite of the built-in synthetic tasks (no dataset needed), written where the worker reads it. */
export function writeSuite(dir: string): string {
  const file = join(dir, 'worker_smoke.yaml');
  const benchmark = (name: string, task: string, metric: string, shots: number, choices?: number) =>
    [
      `  - name: ${name}`,
      `    task: ${task}`,
      `    metrics: [${metric}]`,
      ...(choices ? [`    choices: ${choices}`] : []),
      `    num_fewshot: ${shots}`,
      '    docs: 1000',
    ].join('\n');
  writeFileSync(
    file,
    [
      'suite: worker_smoke',
      'description: three synthetic skills, small enough for a worker test',
      'total: mean',
      'setup: { limit: null, system_instruction: null, gen_kwargs: null, max_gen_toks: null, apply_chat_template: false }',
      'benchmarks:',
      benchmark('BPS', 'bps', 'acc', 2, 2),
      benchmark('LCS', 'lcs', 'acc', 2, 2),
      benchmark('SimpleAr', 'simplear', 'exact_match', 5),
      '',
    ].join('\n'),
  );
  return file;
}

export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs: number,
  pollMs = 200,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, pollMs));
  }
}

export const settled = (queue: PgBossJobQueue, id: string) => async () => {
  const job = await queue.getJob(id);
  return job && ['completed', 'failed', 'expired'].includes(job.state) ? job : undefined;
};

/** The results file without its timing and `date` (start/end times, cache hits differ between identical runs). */
export function scores(resultsPath: string): Record<string, unknown> {
  const parsed = JSON.parse(readFileSync(resultsPath, 'utf8'));
  delete parsed.timing;
  delete parsed.date;
  return parsed;
}

export function zipEntries(archive: string): Promise<string[]> {
  return new Promise((done, fail) => {
    yauzl.open(archive, { lazyEntries: true }, (err, zip) => {
      if (err) return fail(err);
      const names: string[] = [];
      zip.on('entry', (e: yauzl.Entry) => {
        names.push(e.fileName);
        zip.readEntry();
      });
      zip.on('end', () => done(names));
      zip.on('error', fail);
      zip.readEntry();
    });
  });
}

/** One job per request, waiting jobs in vote order; the jobs are cancelled afterwards so no worker runs them. */
export async function expectVoteOrder(queue: PgBossJobQueue, suite: string): Promise<void> {
  const enqueue = (requestId: number, priority: number) =>
    queue.enqueue({ requestId, model: STORIES, modelArgs: null, suite, priority });
  const first = await enqueue(901, 1);
  expect(first).toBe(jobIdFor(901));
  // Approved twice (two maintainers at once, a retried HTTP call): still the one job.
  expect(await enqueue(901, 7)).toBe(first);
  await enqueue(902, 5);
  await enqueue(903, 3);
  expect([...(await queue.queuePositions())]).toEqual([
    [902, 1],
    [903, 2],
    [901, 3],
  ]);
  // New votes while it waits move a request up.
  await queue.setPriority(901, 9);
  expect((await queue.queuePositions()).get(901)).toBe(1);
  expect(await queue.getJob(first)).toMatchObject({ requestId: 901, state: 'created', attempts: 0, progress: null });
  expect(await queue.getJob('not-a-job-id')).toBeNull();
  // Rejected after approval: gone from the queue, and reported as failed with the reason.
  for (const id of [901, 902, 903]) await queue.cancel(id);
  expect((await queue.queuePositions()).size).toBe(0);
  expect(await queue.getJob(first)).toMatchObject({
    state: 'failed',
    error: 'cancelled: the request was rejected after approval',
  });
}
