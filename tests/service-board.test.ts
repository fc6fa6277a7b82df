/**
 * The board on the demo data (the Open LLM Leaderboard v2 table), on PGlite and PostgreSQL. The
 * expected counts and values come from the table's SOURCE.md (its own column statistics and its
 * Qwen2.5-72B-Instruct example), not from this code's output.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCsv } from '../src/analysis/read-leaderboard.ts';
import { eq } from 'drizzle-orm';
import type { App } from '../src/service/app.ts';
import { picks } from '../src/service/db/schema.ts';
import { touchBoard } from '../src/service/suites.ts';
import { importOpenLlmLeaderboard } from '../src/service/demo-import.ts';
import { tempDir } from './helpers.ts';
import { DATABASE_KINDS, DEMO_TABLE, openTestDatabase, type TestDatabase, testApp } from './service-helpers.ts';

interface Row {
  model_id: string;
  type: string;
  precision: string;
  params_b: number | null;
  chat_template: boolean;
  pick: boolean;
  submitted_at: string | null;
  average: number;
  scores: Record<string, { value: number; raw: number }>;
  [k: string]: unknown;
}
interface Board {
  total: number;
  columns: string[];
  rows: Row[];
}

describe.each(DATABASE_KINDS)('board on %s', (kind) => {
  let database: TestDatabase;
  let app: App;
  const board = async (query: string): Promise<Board> => {
    const r = await app.inject({ method: 'GET', url: `/api/leaderboard?${query}` });
    expect(r.statusCode, r.body).toBe(200);
    return r.json() as Board;
  };

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    const summary = await importOpenLlmLeaderboard(database.db, DEMO_TABLE);
    expect(summary).toEqual({ submissions: 3827, models: 3753, picks: expect.any(Number) });
    app = await testApp(database);
  });
  afterAll(async () => {
    await app?.close();
    await database?.close();
  });

  it('imports every row, with the type, precision, chat-template and official-provider counts of the table', async () => {
    expect((await board('limit=1')).total).toBe(3827);
    expect((await board('type=chat&limit=1')).total).toBe(697);
    expect((await board('type=pretrained,continuously-pretrained&limit=1')).total).toBe(232 + 48);
    expect((await board('precision=4bit&limit=1')).total).toBe(2);
    expect((await board('chat_template=true&limit=1')).total).toBe(1942);
    expect((await board('picks=true&limit=1')).total).toBe(459);
  });

  it("keeps the leaderboard's raw and normalised scores", async () => {
    const { rows } = await board('search=qwen2.5-72b-instruct&limit=10');
    const qwen = rows.find((r) => r.model_id === 'Qwen/Qwen2.5-72B-Instruct' && r.precision === 'bfloat16')!;
    expect(qwen.type).toBe('chat');
    expect(qwen.params_b).toBeCloseTo(72.706, 6);
    expect(qwen.chat_template).toBe(true);
    expect(qwen.pick).toBe(true);
    expect(qwen.submitted_at).toBe('2024-10-16');
    expect(qwen.average).toBeCloseTo(38.21208126161476, 9);
    expect(qwen.scores.leaderboard_ifeval!.value).toBeCloseTo(86.3837949972739, 9);
    expect(qwen.scores.leaderboard_gpqa!.value).toBeCloseTo(16.666666666666664, 9);
    expect(qwen.scores.leaderboard_gpqa!.raw).toBe(0.375);
    const raw = (await board('search=qwen2.5-72b-instruct&normalised=false&limit=10')).rows.find(
      (r) => r.submission_id === qwen.submission_id,
    )!;
    expect(raw.scores.leaderboard_mmlu_pro!.value).toBeCloseTo(0.5625831117021277, 12);
  });

  it('sorts by the average (top 52.02) and by any task, and pages', async () => {
    const top = await board('limit=20');
    expect(top.rows[0]!.average).toBeCloseTo(52.02, 2);
    const averages = top.rows.map((r) => r.average);
    expect(averages).toEqual([...averages].sort((a, b) => b - a));
    const gpqa = (await board('sort=leaderboard_gpqa&order=asc&limit=200')).rows.map(
      (r) => r.scores.leaderboard_gpqa!.value,
    );
    expect(gpqa.slice(0, 179).every((v) => v === 0)).toBe(true);
    expect(gpqa).toEqual([...gpqa].sort((a, b) => a - b));
    const page2 = await board('limit=10&offset=10');
    expect(page2.rows.map((r) => r.submission_id)).toEqual(top.rows.slice(10, 20).map((r) => r.submission_id));
  });

  it('filters by size, date and search, and narrows columns to a task or a domain', async () => {
    const sized = await board('params_min=7&params_max=8&submitted_after=2025-01-01&limit=5000');
    expect(sized.total).toBeGreaterThan(0);
    for (const r of sized.rows) {
      expect(r.params_b).toBeGreaterThanOrEqual(7);
      expect(r.params_b).toBeLessThanOrEqual(8);
      expect(r.submitted_at! >= '2025-01-01').toBe(true);
    }
    const searched = await board('search=LLAMA&limit=5000');
    expect(searched.rows.every((r) => r.model_id.toLowerCase().includes('llama'))).toBe(true);
    const knowledge = await board('domain=knowledge&limit=3');
    expect(knowledge.columns).toEqual(['average', 'leaderboard_gpqa', 'leaderboard_mmlu_pro']);
    const k = knowledge.rows[0]!;
    expect(k.average).toBeCloseTo((k.scores.leaderboard_gpqa!.value + k.scores.leaderboard_mmlu_pro!.value) / 2, 9);
    expect((await board('task=leaderboard_bbh&limit=1')).columns).toEqual(['average', 'leaderboard_bbh']);
  });

  it('exports exactly the rows of the filtered board, in order, as CSV and JSON', async () => {
    const query = 'type=chat,fine-tuned&params_max=14&sort=leaderboard_musr&limit=300';
    const shown = await board(query);
    const json = await app.inject({ method: 'GET', url: `/api/leaderboard/export?format=json&${query}` });
    expect(json.headers['content-disposition']).toMatch(/^attachment; filename=".*\.json"$/);
    expect(json.json()).toEqual(shown.rows);
    const csv = await app.inject({ method: 'GET', url: `/api/leaderboard/export?format=csv&${query}` });
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    const [header, ...cells] = parseCsv(csv.body).filter((r) => r.length > 1);
    expect(header!.slice(12)).toEqual(shown.columns.slice(1));
    expect(cells).toHaveLength(shown.rows.length);
    cells.forEach((c, i) => {
      const r = shown.rows[i]!;
      expect(c[0]).toBe(r.model_id);
      expect(c[2]).toBe(r.type);
      expect(Number(c[11])).toBe(r.average);
      shown.columns.slice(1).forEach((t, k) => {
        expect(Number(c[12 + k])).toBe(r.scores[t]!.value);
      });
    });
  });

  it('sends the memoised answer gzipped to a client that takes it, and 304 to one holding its tag', async () => {
    const query = 'type=chat&sort=leaderboard_bbh&limit=200';
    for (const url of [`/api/leaderboard?${query}`, `/api/leaderboard/export?format=csv&${query}`]) {
      const plain = await app.inject({ method: 'GET', url });
      const gz = await app.inject({ method: 'GET', url, headers: { 'accept-encoding': 'gzip, deflate, br' } });
      expect(plain.headers['content-encoding']).toBeUndefined();
      expect(gz.headers['content-encoding']).toBe('gzip');
      expect(gunzipSync(gz.rawPayload).equals(plain.rawPayload), url).toBe(true);
      expect(gz.rawPayload.length).toBeLessThan(plain.rawPayload.length / 2);
      expect(gz.headers.etag).toBe(plain.headers.etag);
      const held = await app.inject({ method: 'GET', url, headers: { 'if-none-match': String(plain.headers.etag) } });
      expect(held.statusCode).toBe(304);
      expect(held.rawPayload.length).toBe(0);
    }
    // A write elsewhere moves the board version: the same bytes get a new tag once the view reloads.
    const url = `/api/leaderboard?${query}`;
    const before = (await app.inject({ method: 'GET', url })).headers.etag;
    await touchBoard(database.db);
    const deadline = Date.now() + 20_000;
    let after = before;
    while (after === before && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      after = (await app.inject({ method: 'GET', url })).headers.etag;
    }
    expect(after).not.toBe(before);
  });

  it('answers errors as JSON with the right status', async () => {
    const bad = await app.inject({ method: 'GET', url: '/api/leaderboard?sort=nope' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('bad_request');
    expect(bad.json().error.message).toContain('nope');
    expect((await app.inject({ method: 'GET', url: '/api/leaderboard?limit=abc' })).statusCode).toBe(400);
    expect((await app.inject({ method: 'GET', url: '/api/leaderboard?suite=none' })).json().error.code).toBe(
      'not_found',
    );
    expect((await app.inject({ method: 'GET', url: '/api/models/no%2Fsuch' })).statusCode).toBe(404);
  });

  it('serves a model page and a comparison', async () => {
    const page = await app.inject({ method: 'GET', url: '/api/models/Qwen%2FQwen2.5-72B-Instruct' });
    expect(page.statusCode).toBe(200);
    const model = page.json();
    expect(model.model).toMatchObject({ model_id: 'Qwen/Qwen2.5-72B-Instruct', org: 'Qwen', pick: true });
    expect(model.submissions).toHaveLength(1);
    expect(model.latest.domains.knowledge.value).toBeCloseTo((16.666666666666664 + 51.39812352245864) / 2, 9);
    const cmp = await app.inject({
      method: 'GET',
      url: '/api/compare?models=Qwen/Qwen2.5-72B-Instruct,01-ai/Yi-1.5-34B',
    });
    expect(cmp.statusCode).toBe(200);
    const ifeval = cmp.json().tasks.find((t: { task: string }) => t.task === 'leaderboard_ifeval');
    expect(ifeval.pairs[0]).toMatchObject({ method: 'ci_overlap', significant: false });
    expect(ifeval.pairs[0].diff).toBeCloseTo(86.3837949972739 - 28.411725333226947, 9);
    expect((await app.inject({ method: 'GET', url: '/api/compare?models=a' })).statusCode).toBe(400);
  });

  it("shows another process's write within the version recheck, answering from the old view meanwhile", async () => {
    const model = '0-hero/Matter-0.2-7B-DPO';
    const before = (await board('picks=true&limit=1')).total;
    // As a worker on another machine would: straight into the database, then the version bump.
    await database.db.insert(picks).values({ modelId: model });
    await touchBoard(database.db);
    expect([before, before + 1]).toContain((await board('picks=true&limit=1')).total);
    const deadline = Date.now() + 10_000;
    let now = before;
    while (now === before && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 250));
      now = (await board('picks=true&limit=1')).total;
    }
    expect(now).toBe(before + 1);
    await database.db.delete(picks).where(eq(picks.modelId, model));
    await touchBoard(database.db);
  });

  it('serves the web build with an SPA fallback, and JSON 404s under /api/', async () => {
    const webDir = tempDir('web-');
    writeFileSync(join(webDir, 'index.html'), '<!doctype html><title>evalboard</title>');
    const web = await testApp(database, { webDir });
    expect((await web.inject({ method: 'GET', url: '/' })).body).toContain('<title>evalboard</title>');
    const deep = await web.inject({ method: 'GET', url: '/models/Qwen%2FQwen2.5-72B-Instruct?tab=tasks' });
    expect(deep.statusCode).toBe(200);
    expect(deep.headers['content-type']).toMatch(/^text\/html/);
    const api = await web.inject({ method: 'GET', url: '/api/nope' });
    expect(api.statusCode).toBe(404);
    expect(api.json().error.code).toBe('not_found');
    await web.close();
  });

  it('lists suites and documents every route in /openapi.json', async () => {
    const suites = (await app.inject({ method: 'GET', url: '/api/suites' })).json();
    expect(suites[0].tasks).toHaveLength(6);
    const doc = (await app.inject({ method: 'GET', url: '/openapi.json' })).json();
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/api/leaderboard', '/api/leaderboard/export', '/api/models/{id}', '/api/compare']),
    );
    expect((await app.inject({ method: 'GET', url: '/healthz' })).json()).toEqual({ ok: true });
  });
});
