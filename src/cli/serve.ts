import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { sql } from 'drizzle-orm';
import { resolveDataDir } from '../documents/data-dir.ts';
import { UserError } from '../errors.ts';
import { buildApp } from '../service/app.ts';
import { defaultDbDir, openDatabase, queryRows } from '../service/db/open.ts';
import { DEMO_CSV, importOpenLlmLeaderboard } from '../service/demo-import.ts';
import { loadSuite } from '../suites/definition.ts';
import { syncSuite } from '../service/suites.ts';
import { openJobQueue } from '../service/jobs/pgboss-queue.ts';
import { positiveInteger } from './compare.ts';
import { startInProcessWorker } from './worker.ts';

interface ServeFlags {
  port: string;
  host: string;
  db_dir?: string;
  data_dir?: string;
  demo?: boolean;
  suites: string;
}

/**
 * `evalboard serve`: the leaderboard API and web UI. The database is embedded PGlite in --db_dir,
 * or PostgreSQL when DATABASE_URL is set; --demo fills a fresh embedded database with the Open
 * LLM Leaderboard v2 table.
 */
export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('serve the leaderboard API and web UI')
    .option('--port <n>', 'port to listen on', '8080')
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .option('--db_dir <dir>', `embedded database folder (default ${defaultDbDir()}; DATABASE_URL selects PostgreSQL)`)
    .option('--data_dir <dir>', 'datasets folder (the demo table is read from it)')
    .option('--demo', 'import the Open LLM Leaderboard v2 table into a fresh embedded database and serve it')
    .option('--suites <names>', 'suites the board shows, first is the default', 'openllm_v2')
    .action(async (flags: ServeFlags) => {
      const port = positiveInteger(flags.port, '--port');
      const url = process.env.DATABASE_URL;
      let target: { databaseUrl: string } | { dbDir: string };
      if (flags.demo) {
        if (url) throw new UserError('--demo fills a fresh embedded database', { field: 'DATABASE_URL' }, 'unset it');
        target = { dbDir: flags.db_dir ?? mkdtempSync(join(tmpdir(), 'evalboard-demo-')) };
      } else target = url ? { databaseUrl: url } : { dbDir: flags.db_dir ?? defaultDbDir() };
      const database = await openDatabase(target);
      const names = flags.suites.split(',').filter(Boolean);
      for (const [position, name] of names.entries()) await syncSuite(database.db, await loadSuite(name), { position });
      if (flags.demo) {
        const dataDir = resolveDataDir(flags.data_dir);
        if (!dataDir) throw new UserError('no datasets folder for the demo table', { field: '--data_dir' });
        const imported = await queryRows<{ n: number }>(
          database.db,
          sql`SELECT count(*)::int AS n FROM submissions WHERE source = 'import'`,
        );
        if ((imported[0]?.n ?? 0) > 0) process.stderr.write(`demo: already imported (${imported[0]!.n} rows)\n`);
        else {
          const summary = await importOpenLlmLeaderboard(database.db, join(dataDir, DEMO_CSV));
          process.stderr.write(`demo: ${summary.submissions} submissions of ${summary.models} models imported\n`);
        }
      }
      // Approved requests become pg-boss jobs in the same database; with the embedded database
      // this process also runs the one worker (nothing else can reach a PGlite folder).
      const queue = await openJobQueue(
        database.pglite
          ? { pglite: database.pglite }
          : { connectionString: (target as { databaseUrl: string }).databaseUrl },
      );
      const worker = database.pglite
        ? await startInProcessWorker(queue, { workDir: mkdtempSync(join(tmpdir(), 'evalboard-jobs-')) })
        : null;
      const app = await buildApp({ db: database.db, jobQueue: queue });
      const close = async () => {
        await app.close();
        await worker?.stop(true);
        await queue.close();
        await database.close();
        process.exit(0);
      };
      process.once('SIGINT', close);
      process.once('SIGTERM', close);
      const address = await app.listen({ port, host: flags.host });
      const where = 'dbDir' in target ? target.dbDir : 'PostgreSQL (DATABASE_URL)';
      process.stderr.write(`evalboard serving ${address} (database: ${where}; API docs at ${address}/docs)\n`);
    });
}
