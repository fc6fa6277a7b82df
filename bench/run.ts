/**
 * `npm run bench -- <name> [args]` runs bench/<name>.bench.ts's default export with the
 * remaining args; with no name it lists the benchmarks. Benchmarks are plain modules (no
 * framework) so each can time exactly the phases it cares about.
 */
import { readdirSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

type Benchmark = (args: string[]) => Promise<void>;

const BENCH_DIR = fileURLToPath(new URL('.', import.meta.url));
const SUFFIX = '.bench.ts';

function available(): string[] {
  return readdirSync(BENCH_DIR)
    .filter((f) => f.endsWith(SUFFIX))
    .map((f) => f.slice(0, -SUFFIX.length))
    .sort();
}

async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  const names = available();
  if (!name) {
    process.stdout.write(`usage: npm run bench -- <name> [args]\nbenchmarks: ${names.join(', ') || '(none)'}\n`);
    return 0;
  }
  if (!names.includes(name)) {
    process.stderr.write(`unknown benchmark "${name}" (available: ${names.join(', ') || 'none'})\n`);
    return 2;
  }
  const mod = (await import(pathToFileURL(`${BENCH_DIR}${name}${SUFFIX}`).href)) as { default?: unknown };
  if (typeof mod.default !== 'function') {
    process.stderr.write(`bench/${name}${SUFFIX} has no default export function\n`);
    return 2;
  }
  await (mod.default as Benchmark)(args);
  return 0;
}

process.exitCode = await main(process.argv.slice(2));
