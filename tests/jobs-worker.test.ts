/**
 * Evaluation jobs end to end: pg-boss on a real PostgreSQL database with real `evalboard worker`
 * processes evaluating stories260K, and on PGlite with the in-process worker `evalboard serve` runs.
 * Killing a worker with SIGKILL mid-job must leave the job to expire and be resumed (from the
 * request cache) by another worker, with scores identical to an uninterrupted run.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import { fromPglite, PgBoss } from 'pg-boss';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { startInProcessWorker } from '../src/cli/worker.ts';
import { buildApp } from '../src/service/app.ts';
import { type Database, openDatabase } from '../src/service/db/open.ts';
import { evaluationRequests, scores as scores_, submissions, users } from '../src/service/db/schema.ts';
import { sanitizeModelName } from '../src/report/write.ts';
import { syncSuite } from '../src/service/suites.ts';
import { loadSuite } from '../src/suites/definition.ts';
import { jobIdFor, openJobQueue, type PgBossJobQueue } from '../src/service/jobs/pgboss-queue.ts';
import { submitToService } from '../src/worker/submit.ts';
import { type SubmissionMeta, uploadAsSubmission } from '../src/worker/upload.ts';
import { ROOT, STORIES, tempDir } from './helpers.ts';
import { cacheRows } from './process-helpers.ts';
import { expectVoteOrder, scores, settled, waitFor, writeSuite, zipEntries } from './jobs-helpers.ts';

const SERVER = process.env.EVALBOARD_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432';
/** Short enough that the killed worker's job is retried within seconds (10 s is pg-boss's floor). */
const TIMING = { heartbeatSeconds: 10, superviseIntervalSeconds: 1, retryDelaySeconds: 1 } as const;
/** Per task: 3 synthetic tasks, about 70 requests, several seconds on stories260K on a loaded machine. */
const LIMIT = 5;

interface WorkerProcess {
  readonly child: ChildProcess;
  log(): string;
}

describe('evaluation jobs on PostgreSQL, run by `evalboard worker` processes', () => {
  const database = `evalboard_test_jobs_${process.pid}_${Date.now()}`;
  const dir = tempDir('jobs-pg-');
  const workDir = join(dir, 'work');
  // Requests name the suite by id; the workers find its YAML with --suites_dir.
  const suiteFile = writeSuite(dir);
  const suite = 'worker_smoke';
  const workers: WorkerProcess[] = [];
  let queue: PgBossJobQueue;
  /** The service's side of the same database: where workers' results land as submissions. */
  let service: Database;
  let requester: number;

  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: `${SERVER}/postgres` });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };

  const startWorker = (): WorkerProcess => {
    let log = '';
    const child = spawn(
      process.execPath,
      [
        join(ROOT, 'bin/evalboard.js'),
        'worker',
        '--suites_dir',
        dir,
        '--work_dir',
        workDir,
        '--limit',
        String(LIMIT),
        '--poll_interval',
        '0.5',
      ],
      {
        cwd: ROOT,
        env: { ...process.env, DATABASE_URL: `${SERVER}/${database}`, EVALBOARD_CACHE: join(dir, 'home-cache') },
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    child.stderr!.on('data', (chunk: Buffer) => {
      log += chunk.toString();
    });
    const worker = { child, log: () => log };
    workers.push(worker);
    return worker;
  };

  beforeAll(async () => {
    await admin(`CREATE DATABASE ${database}`);
    service = await openDatabase({ databaseUrl: `${SERVER}/${database}` });
    await syncSuite(service.db, await loadSuite(suiteFile));
    const [user] = await service.db.insert(users).values({ name: 'requester' }).returning({ id: users.id });
    requester = user!.id;
    await service.db.insert(evaluationRequests).values(
      [1, 2, 3].map((id) => ({
        id,
        model: STORIES,
        suiteId: suite,
        requestedBy: requester,
        status: 'approved' as const,
      })),
    );
    queue = await openJobQueue({ connectionString: `${SERVER}/${database}` }, TIMING);
  }, 60_000);

  afterAll(async () => {
    for (const w of workers) if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGKILL');
    await queue?.close();
    await service?.close();
    await admin(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  }, 60_000);

  it('keeps one job per request and orders the waiting ones by votes', () => expectVoteOrder(queue, suite));

  let referenceScores: Record<string, unknown>;

  it('a worker evaluates stories260K; the request enqueued twice with two workers waiting runs once', async () => {
    startWorker();
    startWorker();
    const request = { requestId: 1, model: STORIES, modelArgs: null, suite, priority: 1 };
    const id = await queue.enqueue(request);
    expect(await queue.enqueue(request)).toBe(id);
    const job = await waitFor('request 1 to finish', settled(queue, id), 120_000);
    expect(job, workers.map((w) => w.log()).join('\n')).toMatchObject({ state: 'completed', attempts: 1, error: null });
    expect(job.progress!.total).toBeGreaterThan(0);
    expect(job.progress!.done).toBe(job.progress!.total);
    // Exactly one of the two workers ever started it.
    expect(workers.filter((w) => w.log().includes(`started job ${id}`))).toHaveLength(1);
    const resultsPath = await queue.resultsPath(id);
    const results = JSON.parse(readFileSync(resultsPath!, 'utf8'));
    expect(Object.keys(results.results).sort()).toEqual(['bps', 'lcs', 'simplear']);
    expect(results.config.limit).toBe(LIMIT);
    expect(results.suite.setup.matched).toBe(false);
    referenceScores = scores(resultsPath!);
    // Uploaded through the service's submission path: scored, owned by the requester, on the board.
    const [submission] = await service.db.select().from(submissions).where(eq(submissions.id, job.submissionId!));
    expect(submission).toMatchObject({
      ownerId: requester,
      modelId: 'local/stories260K',
      suiteId: suite,
      status: 'scored',
      source: 'job',
      standardSetup: false,
    });
    const app = await buildApp({ db: service.db, rateLimitPerMinute: false, webDir: '/nonexistent' });
    try {
      const board = (await app.inject(`/api/leaderboard?suite=${suite}&standard=all`)).json();
      expect(board.rows.map((r: { model_id: string; submission_id: number }) => [r.model_id, r.submission_id])).toEqual(
        [['local/stories260K', job.submissionId]],
      );
      // The board's raw BPS score is the results file's.
      expect(board.rows[0].scores.bps?.raw ?? board.rows[0].scores.BPS?.raw).toBe(results.results.bps['acc,none']);
    } finally {
      await app.close();
    }
  }, 150_000);

  it('a worker killed mid-job: the job expires, the other worker resumes it from the request cache, same scores', async () => {
    const id = await queue.enqueue({ requestId: 2, model: STORIES, modelArgs: null, suite, priority: 1 });
    const cache = join(workDir, 'request-2', 'cache.sqlite');
    // Mid-job: the worker has reported its plan, and a quarter of it is journaled in the request
    // cache (read directly: the queue's progress is written every 2 s, too coarse to aim a kill).
    const running = await waitFor(
      'request 2 to report its plan',
      async () => {
        const job = await queue.getJob(id);
        return job?.progress ? job : undefined;
      },
      120_000,
    );
    expect(running).toMatchObject({ state: 'active', attempts: 1 });
    const total = running.progress!.total;
    await waitFor(
      'a quarter of request 2 journaled',
      async () => (cacheRows(cache) >= total / 4 ? true : undefined),
      120_000,
      20,
    );
    const taker = workers.find((w) => w.log().includes(`started job ${id}`))!;
    const survivor = workers.find((w) => w !== taker && w.child.exitCode === null)!;
    taker.child.kill('SIGKILL');
    await new Promise((r) => taker.child.once('exit', r));
    const journaled = cacheRows(cache);
    expect(journaled).toBeGreaterThan(0);
    expect(journaled).toBeLessThan(total);

    const seen = new Set<string>();
    const killedAt = Date.now();
    const job = await waitFor(
      'request 2 to be retried and finish',
      async () => {
        const j = await queue.getJob(id);
        if (j) seen.add(j.state);
        return j && ['completed', 'failed', 'expired'].includes(j.state) ? j : undefined;
      },
      120_000,
    );
    console.log(
      `killed with ${journaled} of ${total} requests journaled; ` +
        `states seen after: ${[...seen].join(' → ')}; finished ${((Date.now() - killedAt) / 1000).toFixed(1)} s after the kill`,
    );
    expect(job, survivor.log()).toMatchObject({ state: 'completed', attempts: 2, error: null });
    expect(survivor.log()).toContain(`started job ${id} (request 2: ${STORIES} on ${suite}, attempt 2)`);
    const resultsPath = (await queue.resultsPath(id))!;
    // The retry answered what the killed attempt had journaled from the cache and computed the rest.
    const timing = JSON.parse(readFileSync(resultsPath, 'utf8')).timing.cache;
    expect(timing.hits).toBe(journaled);
    expect(timing.fresh).toBe(total - journaled);
    expect(scores(resultsPath)).toEqual(referenceScores);
    // And the service stored the same scores for both requests' submissions.
    const stored = async (submissionId: number) =>
      (await service.db.select().from(scores_).where(eq(scores_.submissionId, submissionId)))
        .map((r) => `${r.taskId} ${r.metric} ${r.raw}`)
        .sort();
    const first = (await queue.getJob(jobIdFor(1)))!.submissionId!;
    expect(job.submissionId).not.toBe(first);
    expect(await stored(job.submissionId!)).toEqual(await stored(first));
    expect((await stored(first)).length).toBeGreaterThan(0);
  }, 180_000);

  it('Ctrl-C stops a worker mid-job: the job goes back to the queue for a retry, and the worker exits', async () => {
    const id = await queue.enqueue({ requestId: 3, model: STORIES, modelArgs: null, suite, priority: 1 });
    const worker = workers.find((w) => w.child.exitCode === null && w.child.signalCode === null)!;
    await waitFor('request 3 to start', async () => ((await queue.getJob(id))?.progress ? true : undefined), 60_000);
    worker.child.kill('SIGINT');
    const code = await new Promise((r) => worker.child.once('exit', r));
    expect(code, worker.log()).toBe(0);
    const job = await queue.getJob(id);
    expect(job, worker.log()).toMatchObject({ state: 'retry', attempts: 1 });
    expect(job!.error).toMatch(/^interrupted; \d+ new results saved in .*; retry 1 of 3 pending$/);
  }, 90_000);
});

describe('evaluation jobs on PGlite (the service’s embedded database), run by the in-process worker', () => {
  const dir = tempDir('jobs-pglite-');
  const suiteFile = writeSuite(dir);
  const suite = 'worker_smoke';
  let service: Database;
  let db: PGlite;
  let queue: PgBossJobQueue;

  beforeAll(async () => {
    // As `evalboard serve` opens it: Drizzle and pg-boss on one PGlite instance.
    service = await openDatabase({ dbDir: join(dir, 'db') });
    db = service.pglite!;
    await syncSuite(service.db, await loadSuite(suiteFile));
    const [user] = await service.db.insert(users).values({ name: 'requester' }).returning({ id: users.id });
    await service.db.insert(evaluationRequests).values(
      [1, 2, 3].map((id) => ({
        id,
        model: STORIES,
        suiteId: suite,
        requestedBy: user!.id,
        status: 'approved' as const,
      })),
    );
    queue = await openJobQueue({ pglite: db }, TIMING);
  }, 60_000);

  afterAll(async () => {
    await queue?.close();
    await service?.close();
  });

  it('keeps one job per request and orders the waiting ones by votes', () => expectVoteOrder(queue, suite));

  it('evaluates a request and uploads its output folder; a model that does not exist fails at once, to the dead letters', async () => {
    const submitted: { entries: string[]; meta: SubmissionMeta }[] = [];
    const submit = submitToService(service.db);
    const upload = uploadAsSubmission(async (archive, meta) => {
      submitted.push({ entries: await zipEntries(archive), meta });
      return submit(archive, meta);
    });
    const worker = await startInProcessWorker(queue, {
      workDir: join(dir, 'work'),
      limit: 2,
      suitesDirs: [dir],
      pollingIntervalSeconds: 0.5,
      upload,
    });
    try {
      const id = await queue.enqueue({ requestId: 1, model: STORIES, modelArgs: null, suite, priority: 1 });
      expect(await queue.enqueue({ requestId: 1, model: STORIES, modelArgs: null, suite, priority: 1 })).toBe(id);
      const job = await waitFor('the PGlite job to finish', settled(queue, id), 120_000);
      expect(job).toMatchObject({ state: 'completed', attempts: 1, error: null });
      const [submission] = await service.db.select().from(submissions).where(eq(submissions.id, job.submissionId!));
      expect(submission).toMatchObject({
        modelId: 'local/stories260K',
        suiteId: suite,
        status: 'scored',
        source: 'job',
      });
      // The upload is the run's output folder as a user would zip it: the results file and a samples file per task.
      expect(submitted).toHaveLength(1);
      expect(submitted[0]!.meta).toEqual({ modelId: 'local/stories260K', suite, requestId: 1 });
      const names = submitted[0]!.entries.map((e) => e.replace(/_\d{4}-\d\d-\d\dT[\d.-]+\.json/, '_<time>.json'));
      expect(names.sort()).toEqual(
        ['results_<time>.json', ...['bps', 'lcs', 'simplear'].map((t) => `samples_${t}_<time>.jsonl`)].map(
          (f) => `${sanitizeModelName(STORIES.replace(/\.gguf$/, ''))}/${f}`,
        ),
      );
      const results = JSON.parse(readFileSync((await queue.resultsPath(id))!, 'utf8'));
      // 2 docs per task; every request the run planned was reported done.
      expect(Object.values(results['n-samples']).map((n) => (n as { effective: number }).effective)).toEqual([2, 2, 2]);
      expect(job.progress!.done).toBe(job.progress!.total);

      const missing = join(dir, 'no-such-model.gguf');
      const bad = await queue.enqueue({ requestId: 2, model: missing, modelArgs: null, suite, priority: 1 });
      const failed = await waitFor('the bad request to fail', settled(queue, bad), 60_000);
      // No retry: a wrong path fails the same way every time.
      expect(failed).toMatchObject({ state: 'failed', attempts: 1 });
      expect(failed.error).toContain(missing);
      const { rows } = await db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'evaluation_dead' AND data->>'requestId' = '2'`,
      );
      expect(rows[0]!.n).toBe(1);
      expect(existsSync(join(dir, 'work', 'request-1', 'cache.sqlite'))).toBe(true);
    } finally {
      await worker.stop();
    }
  }, 180_000);

  it('a job whose worker dies with no retry left is `expired`, with the reason', async () => {
    const strict = await openJobQueue(
      { pglite: db },
      { expireInSeconds: 1, retryLimit: 0, superviseIntervalSeconds: 1 },
    );
    // A bare pg-boss client claims the job and never settles it: a worker that died holding it.
    const dying = new PgBoss({ db: fromPglite(db), backend: 'pglite', supervise: false, registerInstance: false });
    try {
      await dying.start();
      const id = await strict.enqueue({ requestId: 3, model: STORIES, modelArgs: null, suite, priority: 1 });
      const [claimed] = await dying.fetch('evaluation');
      expect(claimed!.id).toBe(id);
      expect(await queue.getJob(id)).toMatchObject({ state: 'active', attempts: 1 });
      const job = await waitFor('the claimed job to expire', settled(queue, id), 30_000);
      expect(job).toMatchObject({ state: 'expired', attempts: 1 });
      expect(job.error).toMatch(/^job timed out: the worker stopped answering/);
    } finally {
      await dying.stop({ graceful: false });
      await strict.close();
    }
  }, 60_000);
});
