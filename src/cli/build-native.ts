import { spawnSync } from 'node:child_process';
import type { Command } from 'commander';

/**
 * Builds llama.cpp from the source node-llama-cpp ships (a git bundle inside the package, so no
 * download), with -march=native: about 2x the prebuilt generic binary on CPUs here. Needs only
 * cmake and a C++ compiler. node-llama-cpp picks the local build up automatically afterwards.
 */
export function registerBuildNative(program: Command): void {
  program
    .command('build-native')
    .description("build node-llama-cpp's bundled llama.cpp for this CPU (one-time, a few minutes)")
    .option('--force', 'rebuild even if a native build exists')
    .action(async (flags: { force?: boolean }) => {
      const current = await currentBuild();
      if (current === 'localBuild' && !flags.force) {
        process.stdout.write('native llama.cpp build already present (use --force to rebuild)\n');
        return;
      }
      process.stdout.write('building llama.cpp natively from the source bundled with node-llama-cpp...\n');
      const r = spawnSync('npx', ['--no', 'node-llama-cpp', 'source', 'download', '--gpu', 'false'], {
        stdio: 'inherit',
      });
      if (r.status !== 0) {
        process.stderr.write('native build failed; evalboard will use the prebuilt binary (about half the speed)\n');
        process.exitCode = 1;
        return;
      }
      process.stdout.write(`native build ready: ${await currentBuild()}\n`);
    });
}

async function currentBuild(): Promise<string> {
  const { getLlama, LlamaLogLevel } = await import('node-llama-cpp');
  const llama = await getLlama({ gpu: false, build: 'never', logLevel: LlamaLogLevel.error });
  const kind = llama.buildType;
  await llama.dispose();
  return kind;
}
