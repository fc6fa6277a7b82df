/**
 * Submissions end to end, on PGlite and PostgreSQL: an upload answers 202 once stored and checked
 * for safety, and the pg-boss scoring queue scores it (queued → scoring → scored/rejected); MERA
 * ZIPs scored on hidden gold with per-item samples (gold shown for public tasks only), a real
 * evalboard run uploaded as a tar.gz, every validation error type, hostile archives, tokens and
 * roles, private visibility, rate limits and the size cap.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../src/service/app.ts';
import { createUser } from '../src/service/auth.ts';
import { loadMeraGold } from '../src/service/ingest/mera.ts';
import { setGoldPublic, syncSuite } from '../src/service/suites.ts';
import { parseSuite } from '../src/suites/definition.ts';
import {
  LCS_SUITE_YAML,
  MERA_BAD_ZIP,
  meraGold,
  meraTaskFile,
  readSampleTask,
  storiesRunArchive,
  tarGzOf,
  zipOf,
} from './service-fixtures.ts';
import {
  DATABASE_KINDS,
  multipart,
  openTestDatabase,
  settled,
  type TestDatabase,
  testApp,
  testServer,
} from './service-helpers.ts';

let stories: Awaited<ReturnType<typeof storiesRunArchive>>;
let gold: ReturnType<typeof meraGold>;
const rwsd = readSampleTask('RWSD.json');
const chegeka = readSampleTask('CheGeKa.json');

beforeAll(async () => {
  stories = await storiesRunArchive();
  gold = meraGold();
}, 300_000);

describe.each(DATABASE_KINDS)('submissions on %s', (kind) => {
  let database: TestDatabase;
  let app: App;
  let server: Awaited<ReturnType<typeof testServer>>;
  const tokens: Record<string, string> = {};
  const upload = (token: string | null, fields: Record<string, string>, path?: string) => {
    const body = multipart(fields, path ? { path } : undefined);
    return app.inject({
      method: 'POST',
      url: '/api/submissions',
      payload: body.payload,
      headers: { ...body.headers, ...(token ? { authorization: `Bearer ${token}` } : {}) },
    });
  };
  const get = (url: string, who?: string) =>
    app.inject({ method: 'GET', url, headers: who ? { authorization: `Bearer ${tokens[who]}` } : {} });
  const mera = { suite: 'mera', visibility: 'public' };

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    await syncSuite(database.db, parseSuite(LCS_SUITE_YAML, 'lcs_test.yaml'));
    await loadMeraGold(database.db, gold.dir);
    for (const [name, role] of [
      ['alice', 'user'],
      ['bob', 'user'],
      ['mia', 'maintainer'],
    ] as const)
      tokens[name] = (await createUser(database.db, name, role)).token;
    server = await testServer(database, { submissionsPerDay: 100 });
    app = server.app;
  });
  afterAll(async () => {
    await server?.close();
    await database?.close();
  });

  it('queues a MERA ZIP, scores it on hidden gold and shows it on the board at once, with the right filters', async () => {
    const filtered = '/api/leaderboard?suite=mera&type=chat&params_max=8';
    // The board's answer is memoised before the upload: scoring must replace it, not wait for a timer.
    expect((await get(filtered)).json().total).toBe(0);
    const zip = await zipOf({ 'RWSD.json': meraTaskFile(rwsd), 'CheGeKa.json': meraTaskFile(chegeka) });
    const r = await upload(tokens.alice!, { ...mera, model_id: 'alice/ru-model', type: 'chat', params_b: '7' }, zip);
    expect(r.statusCode, r.body).toBe(202);
    const { id, status } = r.json();
    expect(status).toBe('queued');
    const s = await settled(app, id, tokens.alice!);
    expect(s.statusesSeen[0]).toMatch(/^(queued|scoring|scored)$/);
    expect(s.status).toBe('scored');
    // RWSD's gold is the sample's own answers; CheGeKa's are markers no answer matches.
    expect(s.scores.RWSD.value).toBe(100);
    expect(s.scores.CheGeKa.value).toBe(0);
    const board = (await get(filtered)).json();
    expect(board.rows.map((x: { submission_id: number }) => x.submission_id)).toContain(id);
    expect((await get('/api/leaderboard?suite=mera&type=pretrained')).json().total).toBe(0);
    const mine = (await get('/api/my/submissions', 'alice')).json();
    expect(mine.map((x: { id: number }) => x.id)).toContain(id);
  });

  it("keeps a MERA upload's per-item outputs for the viewer, with gold only for tasks made public", async () => {
    const zip = await zipOf({ 'RWSD.json': meraTaskFile(rwsd), 'CheGeKa.json': meraTaskFile(chegeka) });
    const r = await upload(tokens.alice!, { ...mera, model_id: 'alice/ru-viewer' }, zip);
    const s = await settled(app, r.json().id, tokens.alice!);
    const rows = (await get(`/api/submissions/${s.id}/samples?task=RWSD&limit=1000`)).json();
    expect(rows.total).toBe(rwsd.length);
    const first = rows.rows.find((x: { item_id: string }) => x.item_id === JSON.stringify(rwsd[0]!.meta.id));
    expect(first).toMatchObject({ extracted: rwsd[0]!.outputs, metric: { name: 'acc', value: 1 }, correct: true });
    expect(rows.rows.some((x: object) => 'gold' in x)).toBe(false);

    await setGoldPublic(database.db, 'mera', ['RWSD'], true);
    const shown = (await get(`/api/submissions/${s.id}/samples?task=RWSD&limit=1000`)).json();
    // RWSD's gold is the sample's own answers: each item's gold equals what it answered.
    for (const row of shown.rows) expect(row.gold, row.item_id).toBe(row.extracted);
    const hidden = (await get(`/api/submissions/${s.id}/samples?task=CheGeKa&limit=1000`)).json();
    expect(hidden.total).toBe(chegeka.length);
    // CheGeKa's gold are markers no answer matches: every item scores SQuAD F1 0.
    expect(
      hidden.rows.every(
        (x: { metric: { name: string; value: number } }) => x.metric.name === 'f1' && x.metric.value === 0,
      ),
    ).toBe(true);
    expect(hidden.rows.some((x: object) => 'gold' in x)).toBe(false);
    // Reloading the gold keeps the choice; hiding the task again removes the gold.
    await loadMeraGold(database.db, gold.dir);
    expect((await get(`/api/submissions/${s.id}/samples?task=RWSD`)).json().rows[0]).toHaveProperty('gold');
    await setGoldPublic(database.db, 'mera', ['RWSD'], false);
    expect((await get(`/api/submissions/${s.id}/samples?task=RWSD`)).json().rows[0]).not.toHaveProperty('gold');
  });

  it('scores an uploaded evalboard run through its suite; a --limit run is non-standard and hidden by default', async () => {
    const r = await upload(tokens.alice!, { suite: 'lcs_test', model_id: 'local/stories260K' }, stories.archive);
    expect(r.statusCode, r.body).toBe(202);
    const s = await settled(app, r.json().id, tokens.alice!);
    const acc = (stories.results as { results: { lcs: Record<string, number> } }).results.lcs['acc,none']!;
    expect(s.scores.lcs.raw).toBe(acc);
    expect(s.scores.lcs.value).toBeCloseTo((Math.max(0, acc - 1 / 11) / (1 - 1 / 11)) * 100, 9);
    expect(s.standard_setup).toBe(false);
    expect(s.validation.warnings[0].message).toContain('--limit 10');
    expect((await get('/api/leaderboard?suite=lcs_test')).json().total).toBe(0);
    expect((await get('/api/leaderboard?suite=lcs_test&standard=all')).json().total).toBe(1);
    const samples = (await get(`/api/submissions/${s.id}/samples?task=lcs`)).json();
    expect(samples.total).toBe(10);
    expect(samples.rows[0].prompt).toContain('longest common subsequence');
    expect(samples.rows[0]).not.toHaveProperty('gold');
    const wrong = (await get(`/api/submissions/${s.id}/samples?task=lcs&correct=false`)).json();
    expect(wrong.total).toBe(10 - Math.round(acc * 10));
    expect(wrong.rows.every((x: { correct: boolean }) => x.correct === false)).toBe(true);
  });

  it('rejects every validation error type after queueing, naming task and item id in the stored report', async () => {
    const cases: [string, Record<string, string>, RegExp][] = [
      ['no_task', { 'RWSD.json': meraTaskFile(rwsd) }, /CheGeKa/],
      ['unreadable_file', { 'RWSD.json': '{"data": [', 'CheGeKa.json': meraTaskFile(chegeka) }, /RWSD/],
      [
        'duplicate_id',
        { 'RWSD.json': meraTaskFile([...rwsd, rwsd[0]]), 'CheGeKa.json': meraTaskFile(chegeka) },
        /RWSD/,
      ],
      [
        'unknown_id',
        {
          'RWSD.json': meraTaskFile([...rwsd, { outputs: '1', meta: { id: 987654 } }]),
          'CheGeKa.json': meraTaskFile(chegeka),
        },
        /RWSD/,
      ],
      [
        'doc_output_type_error',
        {
          'RWSD.json': meraTaskFile(rwsd.map((x, i) => (i === 0 ? { ...x, outputs: 7 } : x))),
          'CheGeKa.json': meraTaskFile(chegeka),
        },
        /RWSD/,
      ],
    ];
    for (const [type, files, task] of cases) {
      const r = await upload(tokens.bob!, { ...mera, model_id: `bob/${type}` }, await zipOf(files));
      expect(r.statusCode, `${type}: ${r.body}`).toBe(202);
      const body = await settled(app, r.json().id, tokens.bob!);
      expect(body.status).toBe('rejected');
      expect(body.scores).toEqual({});
      const error = body.validation.errors.find((e: { message: string }) => e.message.startsWith(`${type}:`));
      expect(error, `${type}: ${JSON.stringify(body.validation.errors)}`).toBeDefined();
      expect(error.task).toMatch(task);
      if (type === 'unknown_id') expect(error.id).toBe('987654');
      if (type === 'duplicate_id' || type === 'doc_output_type_error') expect(error.id).toBe(String(rwsd[0]!.meta.id));
    }
    const bad = await upload(tokens.bob!, { ...mera, model_id: 'bob/sample-bad' }, MERA_BAD_ZIP);
    expect(bad.statusCode).toBe(202);
    expect((await settled(app, bad.json().id, tokens.bob!)).validation.errors.length).toBeGreaterThan(0);
    const missingResults = await upload(
      tokens.bob!,
      { suite: 'lcs_test', model_id: 'bob/x' },
      await zipOf({ 'a.txt': 'x' }),
    );
    const missing = await settled(app, missingResults.json().id, tokens.bob!);
    expect(missing.status).toBe('rejected');
    expect(missing.validation.errors[0].message).toContain('no results*.json');
  });

  it('refuses hostile archives with 422 and stores nothing', async () => {
    const before = (await get('/api/my/submissions', 'bob')).json().length;
    for (const entries of [
      [{ name: '../escape.json', data: '{}' }],
      [{ name: 'RWSD.json', type: 'symlink' as const, linkname: '/etc/passwd' }],
      [{ name: '/abs/RWSD.json', data: '{}' }],
    ]) {
      const r = await upload(tokens.bob!, { ...mera, model_id: 'bob/hostile' }, await tarGzOf(entries));
      expect(r.statusCode, r.body).toBe(422);
      expect(r.json().error.code).toBe('hostile_archive');
    }
    expect((await get('/api/my/submissions', 'bob')).json()).toHaveLength(before);
  });

  it('answers 401 without or with a bad token, and hides private submissions from all but owner and maintainers', async () => {
    expect((await upload(null, { ...mera, model_id: 'x/y' })).statusCode).toBe(401);
    const badToken = await get('/api/leaderboard', undefined);
    expect(badToken.statusCode).toBe(200);
    const forged = await app.inject({
      method: 'GET',
      url: '/api/me',
      headers: { authorization: `Bearer eb_${'0'.repeat(16)}_${'1'.repeat(64)}` },
    });
    expect(forged.statusCode).toBe(401);
    expect(forged.json().error.code).toBe('unauthorized');
    expect((await get('/api/me')).statusCode).toBe(401);
    expect((await get('/api/me', 'mia')).json().user).toMatchObject({ name: 'mia', role: 'maintainer' });

    const zip = await zipOf({ 'RWSD.json': meraTaskFile(rwsd), 'CheGeKa.json': meraTaskFile(chegeka) });
    const r = await upload(tokens.alice!, { ...mera, model_id: 'alice/secret-model', visibility: 'private' }, zip);
    const id = r.json().id;
    expect((await settled(app, id, tokens.alice!)).status).toBe('scored');
    expect((await get(`/api/submissions/${id}`, 'alice')).statusCode).toBe(200);
    expect((await get(`/api/submissions/${id}`, 'mia')).statusCode).toBe(200);
    expect((await get(`/api/submissions/${id}`, 'bob')).statusCode).toBe(404);
    expect((await get(`/api/submissions/${id}`)).statusCode).toBe(404);
    expect((await get(`/api/submissions/${id}/samples`, 'bob')).statusCode).toBe(404);
    expect((await get('/api/leaderboard?suite=mera&search=secret')).json().total).toBe(0);
    expect((await get('/api/models/alice%2Fsecret-model', 'bob')).json().submissions).toHaveLength(0);
    expect((await get('/api/models/alice%2Fsecret-model', 'alice')).json().submissions).toHaveLength(1);
  });

  it('limits requests per IP, submissions per user per day, and upload size', async () => {
    const limited = await testApp(database, { rateLimitPerMinute: 5 });
    const codes = [];
    for (let i = 0; i < 7; i++) codes.push((await limited.inject({ method: 'GET', url: '/healthz' })).statusCode);
    expect(codes.slice(0, 5)).toEqual([200, 200, 200, 200, 200]);
    const over = await limited.inject({ method: 'GET', url: '/healthz' });
    expect(over.statusCode).toBe(429);
    expect(over.json().error.code).toBe('rate_limited');
    await limited.close();

    const daily = await testApp(database, { submissionsPerDay: 1 });
    const body = multipart(
      { ...mera, model_id: 'alice/again' },
      { path: await zipOf({ 'RWSD.json': meraTaskFile(rwsd) }) },
    );
    const again = await daily.inject({
      method: 'POST',
      url: '/api/submissions',
      payload: body.payload,
      headers: { ...body.headers, authorization: `Bearer ${tokens.alice}` },
    });
    expect(again.statusCode).toBe(429);
    expect(again.json().error.message).toContain('limit is 1');
    await daily.close();

    const noQueue = await testApp(database);
    const refused = multipart({ ...mera, model_id: 'bob/no-queue' }, { path: MERA_BAD_ZIP });
    const unavailable = await noQueue.inject({
      method: 'POST',
      url: '/api/submissions',
      payload: refused.payload,
      headers: { ...refused.headers, authorization: `Bearer ${tokens.bob}` },
    });
    expect(unavailable.statusCode).toBe(503);
    expect(unavailable.json().error.code).toBe('unavailable');
    await noQueue.close();

    const small = await testApp(database, { maxUploadBytes: 1000, jobQueue: server.queue });
    const big = multipart({ ...mera, model_id: 'bob/big' }, { path: MERA_BAD_ZIP });
    const tooLarge = await small.inject({
      method: 'POST',
      url: '/api/submissions',
      payload: big.payload,
      headers: { ...big.headers, authorization: `Bearer ${tokens.bob}` },
    });
    expect(tooLarge.statusCode).toBe(413);
    expect(tooLarge.json().error.code).toBe('too_large');
    await small.close();
  });
});
