import type { Command } from 'commander';
import { UserError } from '../errors.ts';
import { createUser } from '../service/auth.ts';
import { defaultDbDir, openDatabase } from '../service/db/open.ts';
import { ROLES, type Role } from '../service/db/schema.ts';
import { loadMeraGold, MERA_SUITE } from '../service/ingest/mera.ts';
import { setGoldPublic } from '../service/suites.ts';

interface DbFlags {
  db_dir?: string;
}

/** The service's database: PostgreSQL when DATABASE_URL is set, else the embedded one in --db_dir. */
async function open(flags: DbFlags) {
  const url = process.env.DATABASE_URL;
  return openDatabase(url ? { databaseUrl: url } : { dbDir: flags.db_dir ?? defaultDbDir() });
}

/** `evalboard admin create-user NAME --role R`, `load-gold SUITE DIR` and `public-gold SUITE TASKS`. */
export function registerAdmin(program: Command): void {
  const admin = program.command('admin').description('manage the leaderboard service: users, hidden gold');
  admin
    .command('create-user <name>')
    .description('create a user and print their API token (shown once; only its scrypt hash is stored)')
    .option('--role <role>', `one of ${ROLES.join(', ')}`, 'user')
    .option('--db_dir <dir>', 'embedded database folder (DATABASE_URL selects PostgreSQL)')
    .action(async (name: string, flags: DbFlags & { role: string }) => {
      if (!(ROLES as readonly string[]).includes(flags.role))
        throw new UserError(`no role ${flags.role} (${ROLES.join(', ')})`, { field: '--role' });
      const database = await open(flags);
      try {
        const { user, token } = await createUser(database.db, name, flags.role as Role);
        process.stderr.write(`user ${user.name} (${user.role}, id ${user.id}) created; the token is shown once:\n`);
        process.stdout.write(`${token}\n`);
      } finally {
        await database.close();
      }
    });
  admin
    .command('load-gold <suite> <dir>')
    .description("load a suite's hidden gold answers into the database (MERA: one <Task>.json per task)")
    .option('--db_dir <dir>', 'embedded database folder (DATABASE_URL selects PostgreSQL)')
    .action(async (suite: string, dir: string, flags: DbFlags) => {
      if (suite !== MERA_SUITE)
        throw new UserError(`hidden gold is scored for suite ${MERA_SUITE} only`, { field: 'SUITE' });
      const database = await open(flags);
      try {
        const loaded = await loadMeraGold(database.db, dir);
        process.stderr.write(
          `${loaded.items} gold items of ${loaded.tasks.length} tasks loaded: ${loaded.tasks.join(', ')}\n`,
        );
      } finally {
        await database.close();
      }
    });
  admin
    .command('public-gold <suite> <tasks>')
    .description('show the gold answers of these tasks (comma-separated) in the sample viewer; --hide hides them again')
    .option('--hide', 'make the tasks hidden again')
    .option('--db_dir <dir>', 'embedded database folder (DATABASE_URL selects PostgreSQL)')
    .action(async (suite: string, tasks: string, flags: DbFlags & { hide?: boolean }) => {
      const taskIds = tasks.split(',').filter(Boolean);
      const database = await open(flags);
      try {
        await setGoldPublic(database.db, suite, taskIds, !flags.hide);
        process.stderr.write(`${suite}: gold of ${taskIds.join(', ')} is now ${flags.hide ? 'hidden' : 'public'}\n`);
      } finally {
        await database.close();
      }
    });
}
