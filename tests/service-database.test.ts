import pg from 'pg';
import { expect, it } from 'vitest';
import { openDatabase } from '../src/service/db/open.ts';
import { openTestDatabase, POSTGRES_URL } from './service-helpers.ts';

/**
 * A PostgreSQL connection the server ends (a restart, pg_terminate_backend) must not end the
 * service's process: node-postgres reports it as an 'error' on the pool, which kills a process
 * that has no listener. The next query opens a new connection.
 */
it('survives PostgreSQL terminating its connections, and the next query reconnects', async () => {
  const test = await openTestDatabase('postgres');
  const database = await openDatabase({ databaseUrl: test.url! });
  const admin = new pg.Client({ connectionString: `${POSTGRES_URL}/postgres` });
  await admin.connect();
  try {
    await database.pool!.query('SELECT 1');
    const name = new URL(test.url!).pathname.slice(1);
    const killed = await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [
      name,
    ]);
    expect(killed.rowCount).toBeGreaterThan(0);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await database.pool!.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
  } finally {
    await admin.end();
    await database.close();
    await test.close();
  }
});
