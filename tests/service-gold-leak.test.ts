/**
 * Hidden gold never leaves the server: after scored, private and rejected MERA submissions whose
 * gold answers are unmistakable marker strings, every route /openapi.json lists is called with
 * every role and every id there is, and no response body, header or log line may contain a marker.
 */
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../src/service/app.ts';
import { createUser } from '../src/service/auth.ts';
import { loadMeraGold } from '../src/service/ingest/mera.ts';
import { meraGold, meraTaskFile, readSampleTask, zipOf } from './service-fixtures.ts';
import {
  DATABASE_KINDS,
  multipart,
  openTestDatabase,
  settled,
  type TestDatabase,
  testServer,
} from './service-helpers.ts';

const gold = meraGold();
const rwsd = readSampleTask('RWSD.json');
const chegeka = readSampleTask('CheGeKa.json');
/** Every marker, and the pieces all markers share: a leak of any one shows. */
const needles = [...gold.markers, 'goldmarker', 'qzxv'];

describe.each(DATABASE_KINDS)('gold-leak crawl on %s', (kind) => {
  let database: TestDatabase;
  let app: App;
  let server: Awaited<ReturnType<typeof testServer>>;
  const logs: string[] = [];
  const tokens: Record<string, string> = {};
  const ids = { submissions: [] as number[], requests: [] as number[], jobs: ['0'] as string[] };

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    await loadMeraGold(database.db, gold.dir);
    for (const [name, role] of [
      ['alice', 'user'],
      ['mia', 'maintainer'],
      ['root', 'admin'],
    ] as const)
      tokens[name] = (await createUser(database.db, name, role)).token;
    const stream = new Writable({
      write(chunk, _encoding, done) {
        logs.push(String(chunk));
        done();
      },
    });
    // With the scoring queue and its in-process worker: the scorer's own log lines are checked too.
    server = await testServer(database, { logger: { level: 'info', stream } });
    app = server.app;
    const uploads: [Record<string, string>, Record<string, string>][] = [
      [{ visibility: 'public' }, { 'RWSD.json': meraTaskFile(rwsd), 'CheGeKa.json': meraTaskFile(chegeka) }],
      [{ visibility: 'private' }, { 'RWSD.json': meraTaskFile(rwsd), 'CheGeKa.json': meraTaskFile(chegeka) }],
      // Every record's answer has the wrong type: the errors describe it against the gold's type.
      [
        { visibility: 'public' },
        { 'RWSD.json': meraTaskFile(rwsd), 'CheGeKa.json': meraTaskFile(chegeka.map((r) => ({ ...r, outputs: 5 }))) },
      ],
      [{ visibility: 'public' }, { 'CheGeKa.json': meraTaskFile([...chegeka, { outputs: 'x', meta: { id: 1e9 } }]) }],
    ];
    for (const [fields, files] of uploads) {
      const body = multipart({ suite: 'mera', model_id: 'alice/model', ...fields }, { path: await zipOf(files) });
      const r = await app.inject({
        method: 'POST',
        url: '/api/submissions',
        payload: body.payload,
        headers: { ...body.headers, authorization: `Bearer ${tokens.alice}` },
      });
      expect(r.statusCode, r.body).toBe(202);
      ids.submissions.push(r.json().id);
    }
    for (const id of ids.submissions) await settled(app, id, tokens.mia!);
    const req = await app.inject({
      method: 'POST',
      url: '/api/requests',
      payload: { model: 'hf:a/b/c.gguf', suite: 'mera' },
      headers: { authorization: `Bearer ${tokens.alice}` },
    });
    ids.requests.push(req.json().id);
  });
  afterAll(async () => {
    await server?.close();
    await database?.close();
  });

  it('the uploads were scored against the gold (so it was read) and one was rejected', async () => {
    const statuses = [];
    for (const id of ids.submissions) {
      const r = await app.inject({
        method: 'GET',
        url: `/api/submissions/${id}`,
        headers: { authorization: `Bearer ${tokens.mia}` },
      });
      statuses.push(r.json().status);
    }
    expect(statuses).toEqual(['scored', 'scored', 'rejected', 'rejected']);
  });

  it('no route, with any role, answers with a gold string, and no log line holds one', async () => {
    const doc = (await app.inject({ method: 'GET', url: '/openapi.json' })).json() as {
      paths: Record<string, Record<string, { parameters?: { name: string; in: string }[] }>>;
    };
    const paths = Object.keys(doc.paths);
    expect(paths.length).toBeGreaterThanOrEqual(15);
    const values: Record<string, string[]> = {
      id: [...ids.submissions, ...ids.requests, 'alice%2Fmodel', ...ids.jobs].map(String),
    };
    const queries = [
      '',
      '?suite=mera',
      '?suite=mera&standard=all&format=csv&limit=5000',
      '?suite=mera&format=json&normalised=false',
      '?models=alice/model,alice/model2&suite=mera',
      '?task=CheGeKa&correct=false',
    ];
    let calls = 0;
    for (const path of paths) {
      for (const [method, op] of Object.entries(doc.paths[path]!)) {
        const urls = path.includes('{id}') ? values.id!.map((v) => path.replace('{id}', v)) : [path];
        const hasQuery = (op.parameters ?? []).some((p) => p.in === 'query');
        for (const url of urls)
          for (const who of [undefined, 'alice', 'mia', 'root'])
            for (const query of method === 'post'
              ? ['']
              : path.includes('{id}')
                ? queries.slice(-1)
                : hasQuery
                  ? queries
                  : ['']) {
              const r = await app.inject({
                method: method.toUpperCase() as 'GET' | 'POST',
                url: `${url}${query}`,
                headers: who ? { authorization: `Bearer ${tokens[who]}` } : {},
                ...(method === 'post'
                  ? { payload: { model_id: 'alice/model', pick: true, model: 'x', suite: 'mera' } }
                  : {}),
              });
              calls++;
              const text = `${JSON.stringify(r.headers)}\n${r.body}`;
              for (const needle of needles)
                expect(text.includes(needle), `${method} ${url}${query} as ${who}`).toBe(false);
            }
      }
    }
    expect(calls).toBeGreaterThan(150);
    expect(logs.length).toBeGreaterThan(0);
    for (const needle of needles) expect(logs.some((l) => l.includes(needle))).toBe(false);
  });
});
