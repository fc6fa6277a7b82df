import type { Command } from 'commander';
import { resolveDataDir } from '../documents/data-dir.ts';
import { loadCatalog } from '../task/index.ts';

export function registerTasks(program: Command): void {
  program
    .command('tasks')
    .description('list tasks and groups')
    .option('--include_path <dir...>', 'extra folders of task YAML')
    .action(async (flags: { include_path?: string[] }) => {
      const { catalog } = await loadCatalog({ includePaths: flags.include_path ?? [], dataDir: resolveDataDir() });
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
