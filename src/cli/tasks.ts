import type { Command } from 'commander';
import { resolveDataDir } from '../documents/data-dir.ts';
import { UserError } from '../errors.ts';
import { loadCatalog } from '../task/index.ts';

export function registerTasks(program: Command): void {
  program
    .command('tasks')
    .description('list tasks and groups')
    .option('--include_path <dir...>', 'extra folders of task YAML')
    .action(async (flags: { include_path?: string[] }) => {
      const { catalog, warnings } = await loadCatalog({
        includePaths: flags.include_path ?? [],
        dataDir: resolveDataDir(),
      });
      // Only files that did not load: a listing has no room for every ignored key of a big tree.
      for (const w of warnings.filter((w) => w.brokenFile))
        process.stderr.write(`warning: ${new UserError(w.message, w.location).format()}\n`);
      const lines = ['Groups:'];
      for (const name of catalog.groupNames()) {
        const group = tryGet(() => catalog.getGroup(name));
        lines.push(`  ${name}: ${group ? group.tasks.join(', ') : '(failed to load)'}`);
      }
      lines.push('', 'Tasks:');
      for (const name of catalog.taskNames()) {
        lines.push(`  ${name}`);
      }
      process.stdout.write(`${lines.join('\n')}\n`);
    });
}

function tryGet<T>(get: () => T): T | undefined {
  try {
    return get();
  } catch {
    return undefined;
  }
}
