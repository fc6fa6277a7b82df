import type { Command } from 'commander';
import { loadCatalog } from '../task/index.ts';

export function registerTasks(program: Command): void {
  program
    .command('tasks')
    .description('list tasks and groups')
    .option('--include_path <dir...>', 'extra folders of task YAML')
    .action(async (flags: { include_path?: string[] }) => {
      const catalog = await loadCatalog({ includePaths: flags.include_path ?? [] });
      const lines = ['Groups:'];
      for (const name of catalog.groupNames()) lines.push(`  ${name}: ${catalog.getGroup(name)!.tasks.join(', ')}`);
      lines.push('', 'Tasks:');
      for (const name of catalog.taskNames()) {
        const t = catalog.getTask(name)!;
        lines.push(`  ${name.padEnd(32)} ${t.outputType}`);
      }
      process.stdout.write(`${lines.join('\n')}\n`);
    });
}
