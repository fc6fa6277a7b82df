/**
 * Databases for the service tests: every test file runs its cases on embedded PGlite and on the
 * real PostgreSQL server (a database of its own, `evalboard_test_<random>`, dropped afterwards).
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { type App, type AppOptions, buildApp } from '../src/service/app.ts';
import { type Database, openDatabase } from '../src/service/db/open.ts';
import { DEMO_CSV } from '../src/service/demo-import.ts';
import { openJobQueue, type PgBossJobQueue } from '../src/service/jobs/pgboss-queue.ts';
import { ROOT } from './helpers.ts';

export const POSTGRES_URL = process.env.EVALBOARD_TEST_POSTGRES ?? 'postgres://postgres@127.0.0.1:5432';
export const DEMO_TABLE = join(process.env.EVALBOARD_DATA_DIR ?? join(ROOT, '../shared/datasets'), DEMO_CSV);

export interface TestDatabase extends Database {
  readonly label: string;
  /** The PostgreSQL database's URL (null on PGlite). */
  readonly url: string | null;
}

export const DATABASE_KINDS = ['pglite', 'postgres'] as const;

export async function openTestDatabase(kind: (typeof DATABASE_KINDS)[number]): Promise<TestDatabase> {
  if (kind === 'pglite') return { ...(await openDatabase({ memory: true })), label: kind, url: null };
  const name = `evalboard_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: `${POSTGRES_URL}/postgres` });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const database = await openDatabase({ databaseUrl: `${POSTGRES_URL}/${name}` });
  return {
    ...database,
    label: kind,
    url: `${POSTGRES_URL}/${name}`,
    close: async () => {
      await database.close();
      const drop = new pg.Client({ connectionString: `${POSTGRES_URL}/postgres` });
      await drop.connect();
      await drop.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await drop.end();
    },
  };
}

export async function testApp(database: Database, o: Partial<AppOptions> = {}): Promise<App> {
  return buildApp({ db: database.db, rateLimitPerMinute: false, webDir: '/nonexistent', ...o });
}

/** An app with the real pg-boss queue in the same database: uploads are scored by its in-process worker, as under `serve`. */
export async function testServer(database: TestDatabase, o: Partial<AppOptions> = {}) {
  const queue: PgBossJobQueue = await openJobQueue(
    database.pglite ? { pglite: database.pglite } : { connectionString: database.url! },
  );
  const app = await testApp(database, { jobQueue: queue, ...o });
  return {
    app,
    queue,
    close: async () => {
      await app.close();
      await queue.close();
    },
  };
}

/** Polls GET /api/submissions/:id until its scoring is over; answers the submission as the API shows it. */
export async function settled(app: App, id: number, token: string, timeoutMs = 60_000) {
  const seen: string[] = [];
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = await app.inject({
      method: 'GET',
      url: `/api/submissions/${id}`,
      headers: { authorization: `Bearer ${token}` },
    });
    const body = r.json();
    if (seen.at(-1) !== body.status) seen.push(body.status);
    if (body.status === 'scored' || body.status === 'rejected') return { ...body, statusesSeen: seen };
    if (Date.now() > deadline) throw new Error(`submission ${id} still ${body.status} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A multipart/form-data body with text fields and, optionally, one file. */
export function multipart(fields: Record<string, string>, file?: { path: string; field?: string }) {
  const boundary = `----evalboard${Math.random().toString(16).slice(2)}`;
  const parts: Buffer[] = [];
  for (const [k, v] of Object.entries(fields))
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  if (file)
    parts.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${file.field ?? 'archive'}"; filename="upload"\r\nContent-Type: application/octet-stream\r\n\r\n`,
      ),
      readFileSync(file.path),
      Buffer.from('\r\n'),
    );
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(parts), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}
