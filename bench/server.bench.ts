/**
 * `npm run bench -- server [--submissions 10000] [--tasks 30] [--connections 200] [--seconds 10] [--workers 1]`:
 * the leaderboard service under autocannon on loopback. A database (PostgreSQL from DATABASE_URL
 * or 127.0.0.1:5432, then embedded PGlite) is seeded with N submissions × T task scores; a real
 * `evalboard serve` child process serves it; autocannon (in this process) measures the filtered
 * board query and its CSV export. Also timed in-process: the cold view load and a cold query.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import pg from 'pg';
import { runBoardQuery } from '../src/service/board/query.ts';
import { loadSnapshot } from '../src/service/board/view.ts';
import { type Database, openDatabase } from '../src/service/db/open.ts';
import { MODEL_TYPES, models, scores, submissions } from '../src/service/db/schema.ts';
import { syncSuite, touchBoard } from '../src/service/suites.ts';
import { parseSuite } from '../src/suites/definition.ts';

const ROOT = new URL('..', import.meta.url).pathname;
const FILTER =
  'suite=bench&type=chat,fine-tuned,merge&params_min=3&params_max=70&precision=bfloat16&sort=task_07&limit=50';

function flag(args: string[], name: string, fallback: number): number {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
}

function suiteYaml(tasks: number): string {
  const benchmarks = Array.from({ length: tasks }, (_, i) => {
    const id = `task_${String(i).padStart(2, '0')}`;
    return `  - {name: ${id}, task: ${id}, domain: d${i % 5}, metrics: [acc], choices: 4, num_fewshot: 0, docs: 1000}`;
  });
  return `suite: bench\ndescription: synthetic\ntotal: mean\nsetup: {limit: null, system_instruction: null, gen_kwargs: null, max_gen_toks: null, apply_chat_template: any}\nbenchmarks:\n${benchmarks.join('\n')}\n`;
}

/** A deterministic pseudo-random stream, so both databases hold the same rows. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

async function seed(database: Database, n: number, tasks: number): Promise<number> {
  const t0 = performance.now();
  await syncSuite(database.db, parseSuite(suiteYaml(tasks), 'bench.yaml'));
  const rand = lcg(42);
  const chunk = 1000;
  for (let start = 0; start < n; start += chunk) {
    const count = Math.min(chunk, n - start);
    const ms = Array.from({ length: count }, (_, k) => ({
      id: `org${(start + k) % 300}/model-${start + k}`,
      name: `model-${start + k}`,
      org: `org${(start + k) % 300}`,
      type: MODEL_TYPES[Math.floor(rand() * 5)]!,
      paramsB: Math.round(rand() * 1000) / 10,
    }));
    await database.db.insert(models).values(ms);
    const subs = await database.db
      .insert(submissions)
      .values(
        ms.map((m) => ({
          modelId: m.id,
          suiteId: 'bench',
          status: 'scored' as const,
          precision: rand() < 0.7 ? 'bfloat16' : 'float16',
          chatTemplate: rand() < 0.5,
          total: rand() * 100,
          totalRaw: rand(),
          submittedAt: new Date(Date.UTC(2024, 0, 1) + rand() * 400 * 86400_000),
        })),
      )
      .returning({ id: submissions.id });
    const rows = subs.flatMap(({ id }) =>
      Array.from({ length: tasks }, (_, t) => {
        const raw = 0.25 + rand() * 0.75;
        return {
          submissionId: id,
          taskId: `task_${String(t).padStart(2, '0')}`,
          metric: 'score',
          raw,
          normalised: ((raw - 0.25) / 0.75) * 100,
          stderr: 0.01,
          normalisedStderr: 1.333,
        };
      }),
    );
    for (let i = 0; i < rows.length; i += 5000) await database.db.insert(scores).values(rows.slice(i, i + 5000));
  }
  await touchBoard(database.db);
  return performance.now() - t0;
}

interface Server {
  readonly url: string;
  /** The serve process's CPU time so far (user + system, ms): per answer, a figure the machine's load does not inflate. */
  readonly cpuMs: () => number;
  readonly stop: () => void;
}

/** utime + stime of a process from /proc (Linux; clock ticks of 10 ms), in ms. */
function processCpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

async function serve(env: Record<string, string>, args: string[]): Promise<Server> {
  const port = 18000 + Math.floor(Math.random() * 1000);
  const child = spawn(
    process.execPath,
    [join(ROOT, 'bin/evalboard.js'), 'serve', '--port', String(port), '--rate_limit', '0', ...args],
    { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => {
    stderr += String(d);
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 600; i++) {
    if (child.exitCode !== null) throw new Error(`serve exited: ${stderr}`);
    if (
      await fetch(`${url}/healthz`).then(
        (r) => r.ok,
        () => false,
      )
    )
      return { url, cpuMs: () => processCpuMs(child.pid!), stop: () => child.kill('SIGTERM') };
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`serve did not start: ${stderr}`);
}

/** The load average now, as bench/README.md records it beside each figure. */
const load1 = () => loadavg()[0]!.toFixed(1);

async function load(server: Server, path: string, o: Opts, seconds: number, gzip = true) {
  const url = `${server.url}${path}`;
  await fetch(url); // the first answer builds the view and memoises the query
  const cpu0 = server.cpuMs();
  // As a browser asks (gzip): the server keeps each memoised answer gzipped as well.
  const headers: Record<string, string> = gzip ? { 'accept-encoding': 'gzip' } : {};
  // --workers > 1 spreads autocannon over worker threads: one thread parsing 200 connections' answers
  // saturates before the server does on this machine (the server's CPU per answer is printed).
  const r = await autocannon({
    url,
    connections: o.connections,
    duration: seconds,
    headers,
    ...(o.workers > 1 ? { workers: o.workers } : {}),
  });
  return {
    p50: r.latency.p50,
    p99: r.latency.p99,
    rps: r.requests.average,
    cpuPerAnswer: (server.cpuMs() - cpu0) / Math.max(1, r.requests.total),
    kb: r.throughput.average / Math.max(1, r.requests.average) / 1024,
    errors: r.errors + r.non2xx,
    load: load1(),
  };
}

async function measure(label: string, database: Database, env: Record<string, string>, args: string[], o: Opts) {
  const seedMs = await seed(database, o.submissions, o.tasks);
  const t0 = performance.now();
  const snapshot = await loadSnapshot(database.db);
  const viewMs = performance.now() - t0;
  const t1 = performance.now();
  const result = runBoardQuery(snapshot, Object.fromEntries(new URLSearchParams(FILTER)));
  const queryMs = performance.now() - t1;
  await database.close();
  const server = await serve(env, args);
  try {
    // Unmeasured: JIT and the collection of the view load's garbage would land in the first figure.
    await load(server, `/api/leaderboard?${FILTER}`, o, 3);
    const board = await load(server, `/api/leaderboard?${FILTER}`, o, o.seconds);
    const identity = await load(server, `/api/leaderboard?${FILTER}`, o, o.seconds, false);
    const csv = await load(server, `/api/leaderboard/export?format=csv&${FILTER}`, o, o.seconds);
    const line = (name: string, r: Awaited<ReturnType<typeof load>>) =>
      `  ${name}: p50 ${r.p50} ms, p99 ${r.p99} ms, ${r.rps.toFixed(0)} req/s, server CPU ${r.cpuPerAnswer.toFixed(3)} ms/answer, ${r.kb.toFixed(1)} KiB/answer on the wire, errors ${r.errors}, load ${r.load}\n`;
    process.stdout.write(
      `${label}: seeded ${o.submissions} × ${o.tasks} in ${(seedMs / 1000).toFixed(1)} s; cold view load ${viewMs.toFixed(0)} ms, cold filtered query ${queryMs.toFixed(1)} ms (${result.total} rows match)\n` +
        line('board (gzip)', board) +
        line('board (identity)', identity) +
        line('csv (gzip)', csv),
    );
  } finally {
    server.stop();
  }
}

interface Opts {
  submissions: number;
  tasks: number;
  connections: number;
  seconds: number;
  workers: number;
}

export default async function server(args: string[]): Promise<void> {
  const o: Opts = {
    submissions: flag(args, 'submissions', 10_000),
    tasks: flag(args, 'tasks', 30),
    connections: flag(args, 'connections', 200),
    seconds: flag(args, 'seconds', 10),
    workers: flag(args, 'workers', 1),
  };
  process.stdout.write(`filter: ${FILTER}\nload average at start: ${load1()}\n`);
  const base = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const name = `evalboard_bench_${process.pid}`;
  const admin = new pg.Client({ connectionString: `${base.replace(/\/[^/]*$/, '')}/postgres` });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = `${base.replace(/\/[^/]*$/, '')}/${name}`;
  try {
    await measure('PostgreSQL', await openDatabase({ databaseUrl: url }), { DATABASE_URL: url }, [], o);
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
  const dir = mkdtempSync(join(tmpdir(), 'evalboard-bench-'));
  try {
    const env = { DATABASE_URL: '' };
    await measure('PGlite', await openDatabase({ dbDir: dir }), env, ['--db_dir', dir], o);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
