/**
 * Evaluation requests, votes, approval into the real pg-boss queue (no worker runs here, so jobs
 * wait and have queue positions), rejections, job state, and maintainers' picks; on PGlite and
 * PostgreSQL, with 401/403/409 where a user may not act.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../src/service/app.ts';
import { createUser } from '../src/service/auth.ts';
import { models, scores, submissions } from '../src/service/db/schema.ts';
import { openJobQueue, type PgBossJobQueue } from '../src/service/jobs/pgboss-queue.ts';
import { syncSuite, touchBoard } from '../src/service/suites.ts';
import { parseSuite } from '../src/suites/definition.ts';
import { LCS_SUITE_YAML } from './service-fixtures.ts';
import { DATABASE_KINDS, openTestDatabase, type TestDatabase, testApp } from './service-helpers.ts';

describe.each(DATABASE_KINDS)('requests on %s', (kind) => {
  let database: TestDatabase;
  let queue: PgBossJobQueue;
  let app: App;
  const tokens: Record<string, string> = {};
  const call = (method: 'GET' | 'POST', url: string, who?: string, payload?: object) =>
    app.inject({
      method,
      url,
      ...(payload ? { payload } : {}),
      headers: who ? { authorization: `Bearer ${tokens[who]}` } : {},
    });

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    await syncSuite(database.db, parseSuite(LCS_SUITE_YAML, 'lcs_test.yaml'));
    for (const [name, role] of [
      ['alice', 'user'],
      ['bob', 'user'],
      ['mia', 'maintainer'],
    ] as const)
      tokens[name] = (await createUser(database.db, name, role)).token;
    queue = await openJobQueue(database.pglite ? { pglite: database.pglite } : { connectionString: database.url! });
    app = await testApp(database, { jobQueue: queue });
  });
  afterAll(async () => {
    await app?.close();
    await queue?.close();
    await database?.close();
  });

  it('takes requests from users only, with a model spec it can run', async () => {
    const body = { model: 'hf:org/model/model.Q4_K_M.gguf', suite: 'lcs_test' };
    expect((await call('POST', '/api/requests', undefined, body)).statusCode).toBe(401);
    const bad = await call('POST', '/api/requests', 'alice', { model: 'rm -rf /', suite: 'lcs_test' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message).toContain('model');
    expect((await call('POST', '/api/requests', 'alice', { ...body, suite: 'nope' })).statusCode).toBe(400);
    expect((await call('POST', '/api/requests', 'alice', body)).statusCode).toBe(201);
    const second = await call('POST', '/api/requests', 'bob', { model: '/models/stories260K.gguf', suite: 'lcs_test' });
    expect(second.json()).toEqual({ id: 2 });
  });

  it('counts one vote per user and orders requests by votes', async () => {
    expect((await call('POST', '/api/requests/2/vote', 'alice')).json()).toEqual({ votes: 1 });
    expect((await call('POST', '/api/requests/2/vote', 'bob')).json()).toEqual({ votes: 2 });
    const again = await call('POST', '/api/requests/2/vote', 'bob');
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('conflict');
    expect((await call('POST', '/api/requests/9/vote', 'bob')).statusCode).toBe(404);
    const list = (await call('GET', '/api/requests', 'alice')).json();
    expect(list.map((r: { id: number }) => r.id)).toEqual([2, 1]);
    expect(list[0]).toMatchObject({ votes: 2, voted_by_me: true, status: 'pending', requested_by: 'bob' });
    expect(list[1]).toMatchObject({ votes: 0, voted_by_me: false });
  });

  it('lets maintainers approve into the job queue, ordered by votes, and reject', async () => {
    const denied = await call('POST', '/api/requests/2/approve', 'alice');
    expect(denied.statusCode).toBe(403);
    expect(denied.json().error.code).toBe('forbidden');
    expect((await call('POST', '/api/requests/2/approve')).statusCode).toBe(401);
    const approved = await call('POST', '/api/requests/2/approve', 'mia');
    expect(approved.json()).toMatchObject({ status: 'approved', job_id: expect.any(String) });
    expect((await call('POST', '/api/requests/2/approve', 'mia')).statusCode).toBe(409);
    await call('POST', '/api/requests/1/approve', 'mia');
    const list = (await call('GET', '/api/requests')).json();
    expect(list.map((r: { queue_position: number }) => r.queue_position)).toEqual([1, 2]);
    const job = (await call('GET', `/api/jobs/${approved.json().job_id}`)).json();
    expect(job).toMatchObject({ request_id: 2, state: 'created', attempts: 0, submission_id: null, error: null });
    expect((await call('GET', '/api/jobs/00000000-0000-0000-0000-000000000000')).statusCode).toBe(404);
    expect((await call('POST', '/api/requests/1/reject', 'mia')).json().status).toBe('rejected');
    const after = (await call('GET', '/api/requests')).json();
    expect(after.find((r: { id: number }) => r.id === 1)).toMatchObject({ status: 'rejected', queue_position: null });
  });

  it("lets maintainers set picks, which the board's picks filter shows", async () => {
    await call('POST', '/api/requests', 'alice', { model: 'hf:a/b/c.gguf', suite: 'lcs_test' });
    const model = 'org/picked-model';
    await database.db.insert(models).values({ id: model, name: 'picked-model', org: 'org' });
    const [sub] = await database.db
      .insert(submissions)
      .values({ modelId: model, suiteId: 'lcs_test', status: 'scored', total: 12 })
      .returning();
    await database.db.insert(scores).values({ submissionId: sub!.id, taskId: 'lcs', metric: 'score', raw: 0.2 });
    await touchBoard(database.db);
    expect((await call('POST', '/api/picks', 'alice', { model_id: model, pick: true })).statusCode).toBe(403);
    expect((await call('POST', '/api/picks', 'mia', { model_id: 'no/such', pick: true })).statusCode).toBe(404);
    const before = (await call('GET', '/api/leaderboard?picks=true&limit=1')).json().total;
    expect((await call('POST', '/api/picks', 'mia', { model_id: model, pick: true })).json()).toEqual({
      model_id: model,
      pick: true,
    });
    const board = (await call('GET', `/api/leaderboard?picks=true&search=${encodeURIComponent(model)}`)).json();
    expect(board.rows.map((r: { model_id: string }) => r.model_id)).toEqual([model]);
    expect((await call('GET', '/api/leaderboard?picks=true&limit=1')).json().total).toBe(before + 1);
    await call('POST', '/api/picks', 'mia', { model_id: model, pick: false });
    expect((await call('GET', '/api/leaderboard?picks=true&limit=1')).json().total).toBe(before);
  });
});
