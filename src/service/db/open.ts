/**
 * One way to open the service's database: embedded PGlite in a folder of its own, or PostgreSQL
 * through a node-postgres pool when a URL is given. Both run the versioned migrations in drizzle/.
 */
import { mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import { drizzle as drizzleNodePg } from 'drizzle-orm/node-postgres';
import { migrate as migrateNodePg } from 'drizzle-orm/node-postgres/migrator';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import pg from 'pg';
import { UserError } from '../../errors.ts';
import * as schema from './schema.ts';

export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;

export interface Database {
  readonly db: Db;
  readonly kind: 'pglite' | 'postgres';
  /** The PGlite instance (embedded mode), for pg-boss's `db` adapter and in-process workers. */
  readonly pglite: PGlite | null;
  /** The node-postgres pool (PostgreSQL mode). */
  readonly pool: pg.Pool | null;
  close(): Promise<void>;
}

export type DatabaseTarget = { readonly dbDir: string } | { readonly databaseUrl: string } | { readonly memory: true };

export const MIGRATIONS_DIR = new URL('../../../drizzle', import.meta.url).pathname;

/** `--db_dir`'s default: a folder of its own, apart from the datasets folder (`--data_dir`). */
export function defaultDbDir(): string {
  return join(process.env.XDG_DATA_HOME ?? join(homedir(), '.local', 'share'), 'evalboard', 'db');
}

export async function openDatabase(target: DatabaseTarget): Promise<Database> {
  let database: Database;
  if ('databaseUrl' in target) {
    const pool = new pg.Pool({ connectionString: target.databaseUrl, max: 20 });
    // A connection the server ends (a restart, pg_terminate_backend, a dropped database) is reported as an
    // 'error' on the pool; without a listener Node would end the whole process. The pool reconnects on demand.
    pool.on('error', (e) => process.stderr.write(`database: ${e.message}\n`));
    try {
      await pool.query('SELECT 1');
    } catch (e) {
      await pool.end();
      throw new UserError(
        `cannot connect to PostgreSQL: ${(e as Error).message}`,
        { field: 'DATABASE_URL' },
        'check the URL and that the server is running',
      );
    }
    const db = drizzleNodePg(pool, { schema });
    await migrateNodePg(db, { migrationsFolder: MIGRATIONS_DIR });
    database = { db: db as unknown as Db, kind: 'postgres', pglite: null, pool, close: () => pool.end() };
  } else {
    let client: PGlite;
    if ('dbDir' in target) {
      mkdirSync(target.dbDir, { recursive: true });
      client = new PGlite(target.dbDir);
    } else client = new PGlite();
    await client.waitReady;
    const db = drizzlePglite(client, { schema });
    await migratePglite(db, { migrationsFolder: MIGRATIONS_DIR });
    database = { db: db as unknown as Db, kind: 'pglite', pglite: client, pool: null, close: () => client.close() };
  }
  await database.db.execute(sql`INSERT INTO board_state (id, version) VALUES (1, 0) ON CONFLICT DO NOTHING`);
  return database;
}

/** Rows of a raw query, whichever driver ran it. */
export async function queryRows<T>(db: Db, query: ReturnType<typeof sql>): Promise<T[]> {
  const result = (await db.execute(query)) as unknown as { rows: T[] };
  return result.rows;
}
