/**
 * The peers of the `peers` benchmark: llama.cpp's own `llama-perplexity` and `llama-server`, built
 * from the llama.cpp source node-llama-cpp ships (no download), cached under
 * node_modules/.cache/evalboard/peers-<key>/ beside the kv helper.
 *
 * Where node-llama-cpp has a local build (`npm run build:native`), the peers link against its shared
 * libraries (libggml*, libllama, libllama-common): only the two tools' own code is compiled (server,
 * multimodal library, HTTP library; a few minutes on 2 cores instead of the whole of llama.cpp), and
 * peer and evalboard then run the very same kernels, which is what a ratio between them should
 * compare. Without a local build the two targets are built in full, with node-llama-cpp's defaults
 * (GGML_NATIVE, OpenMP).
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const NLC = join(PROJECT_ROOT, 'node_modules/node-llama-cpp/llama');
const SOURCE = join(NLC, 'llama.cpp');
const TARGETS = ['llama-perplexity', 'llama-server'];
/** Part of the cache key: bump it when a change here must rebuild the peers. */
const RECIPE = 'peers recipe 1';

/**
 * Options of the peer build. The common-library options (LLAMA_OPENSSL, LLAMA_SUBPROCESS) are
 * node-llama-cpp's own, so that the headers compiled here declare what its libllama-common.so holds;
 * the web UI is neither built with npm nor downloaded.
 */
const CMAKE_FLAGS = [
  '-G',
  'Ninja',
  '-DCMAKE_BUILD_TYPE=Release',
  '-DBUILD_SHARED_LIBS=ON',
  '-DGGML_NATIVE=ON',
  '-DGGML_OPENMP=ON',
  '-DLLAMA_BUILD_COMMON=ON',
  '-DLLAMA_BUILD_TOOLS=ON',
  '-DLLAMA_BUILD_SERVER=ON',
  '-DLLAMA_BUILD_TESTS=OFF',
  '-DLLAMA_BUILD_EXAMPLES=OFF',
  '-DLLAMA_BUILD_APP=OFF',
  '-DLLAMA_BUILD_UI=OFF',
  '-DLLAMA_USE_PREBUILT_UI=OFF',
  '-DLLAMA_OPENSSL=OFF',
  '-DLLAMA_SUBPROCESS=ON',
  '-DLLAMA_CURL=OFF',
];

export interface Peers {
  readonly perplexity: string;
  readonly server: string;
  /** LD_LIBRARY_PATH for both: node-llama-cpp's local build, or the peers' own. */
  readonly libraryPath: string;
  /** 'node-llama-cpp localBuild libraries' or 'own full build'. */
  readonly linkedTo: string;
}

/** node-llama-cpp's local build's shared libraries, by the name CMake gives each target here. */
function localBuildLibraries(): Map<string, string> | null {
  const root = join(NLC, 'localBuilds', `${process.platform}-${process.arch}`);
  for (const sub of ['Release', 'bin']) {
    const dir = join(root, sub);
    if (!existsSync(dir)) continue;
    const files = readdirSync(dir);
    const found = new Map<string, string>();
    for (const target of ['ggml-base', 'ggml-cpu', 'ggml', 'llama', 'llama-common']) {
      // node-llama-cpp names some of them libggml.v0.4.0.so; CMake's own build libggml.so.
      const file = files.find((f) => new RegExp(`^lib${target}(\\.v[0-9.]+)?\\.so$`).test(f));
      if (file) found.set(target, join(dir, file));
    }
    if (found.size === 5) return found;
  }
  return null;
}

function cacheKey(libraries: Map<string, string> | null): string {
  const version = JSON.parse(readFileSync(join(NLC, '../package.json'), 'utf8')).version;
  const hash = createHash('sha256')
    .update(readFileSync(join(NLC, 'llama.cpp.info.json')))
    .update(`${version}|${CMAKE_FLAGS.join(' ')}|${process.arch}`)
    .update(RECIPE);
  for (const [name, path] of libraries ?? []) hash.update(`${name}:${statSync(path).size}:${statSync(path).mtimeMs}`);
  return hash.digest('hex').slice(0, 16);
}

function run(command: string, args: string[], cwd: string): void {
  const r = spawnSync('nice', ['-n', '10', command, ...args], { cwd, stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) throw new Error(`peer build: ${command} ${args.join(' ')} exited with ${r.status}`);
}

/** What a command of `ninja -t commands` writes: its -o argument, or an archive's name. */
function outputOf(command: string): string | undefined {
  return / -o (\S+)/.exec(command)?.[1] ?? /\bar qc (\S+)/.exec(command)?.[1];
}

/** The targets node-llama-cpp's libraries stand in for: their objects and their links. */
function providedByLocalBuild(output: string): string | undefined {
  // llama-common-base (the build-info strings) is a static library that consumers link again: built here.
  if (/^(ggml|src)\//.test(output) || /^common\/CMakeFiles\/llama-common\.dir\//.test(output)) return 'object';
  return /^bin\/lib(ggml-base|ggml-cpu|ggml|llama|llama-common)\.so/.exec(output)?.[1];
}

/** Runs compile commands two at a time; anything else (archives, links, generators) waits for them. */
async function runCommands(commands: string[], cwd: string): Promise<void> {
  const running = new Set<Promise<void>>();
  const start = (command: string): Promise<void> => {
    const child: ChildProcess = spawn('nice', ['-n', '10', 'sh', '-c', command], { cwd, stdio: 'inherit' });
    const done: Promise<void> = new Promise((resolve, reject) => {
      child.on('exit', (code) =>
        code === 0 ? resolve() : reject(new Error(`peer build: exit ${code}: ${command.slice(0, 300)}`)),
      );
    });
    return done;
  };
  let finished = 0;
  for (const command of commands) {
    const isCompile = / -c /.test(command);
    // An object of an interrupted earlier build (gcc removes a half-written output when it fails).
    const output = outputOf(command);
    if (isCompile && output && existsSync(join(cwd, output))) continue;
    if (!isCompile) {
      await Promise.all(running);
      running.clear();
      await start(command);
    } else {
      while (running.size >= 2) await Promise.race(running);
      const job = start(command).finally(() => {
        running.delete(job);
        finished++;
        if (finished % 10 === 0) process.stderr.write(`peer build: ${finished} objects compiled\n`);
      });
      running.add(job);
    }
  }
  await Promise.all(running);
}

/** Where the peers for the installed node-llama-cpp (and its local build) are cached. */
export function peersDir(): string {
  return join(PROJECT_ROOT, 'node_modules/.cache/evalboard', `peers-${cacheKey(localBuildLibraries())}`);
}

/**
 * Builds (once) and returns the two peers. `needed` names the binaries the caller will run: where
 * those exist (a run that only needs llama-perplexity while llama-server still builds elsewhere),
 * nothing is built.
 */
export async function ensurePeers(
  needed: readonly ('perplexity' | 'server')[] = ['perplexity', 'server'],
): Promise<Peers> {
  const libraries = localBuildLibraries();
  const dir = peersDir();
  const build = join(dir, 'build');
  const peers: Peers = {
    perplexity: join(build, 'bin/llama-perplexity'),
    server: join(build, 'bin/llama-server'),
    libraryPath: libraries ? dirname([...libraries.values()][0]!) : join(build, 'bin'),
    linkedTo: libraries ? "node-llama-cpp's localBuild libraries" : 'own full build',
  };
  if (existsSync(join(dir, 'built')) || needed.every((name) => existsSync(peers[name]))) return peers;
  process.stderr.write(`building llama-perplexity and llama-server in ${dir} (once; minutes)\n`);
  mkdirSync(build, { recursive: true });
  run('cmake', ['-S', SOURCE, '-B', build, ...CMAKE_FLAGS], dir);
  if (!libraries) run('ninja', ['-j2', ...TARGETS], build);
  else {
    const listed = spawnSync('ninja', ['-t', 'commands', ...TARGETS], { cwd: build, encoding: 'utf8' });
    if (listed.status !== 0) throw new Error(`peer build: ninja -t commands failed: ${listed.stderr}`);
    const commands: string[] = [];
    for (const command of listed.stdout.split('\n').filter((line) => line.trim() !== '')) {
      const output = outputOf(command);
      const provided = output && providedByLocalBuild(output);
      if (!provided) commands.push(command);
      else if (provided !== 'object') {
        // The link of one of node-llama-cpp's libraries: stand its file in under every name the
        // peers' link lines and CMake's symlinks use (libllama.so, libllama.so.0, libllama.so.0.4.0).
        mkdirSync(join(build, 'bin'), { recursive: true });
        const base = `bin/lib${provided}.so`;
        for (const name of new Set([output, base, ...versionNames(output!, base)])) {
          const path = join(build, name);
          rmSync(path, { force: true });
          symlinkSync(libraries.get(provided)!, path);
        }
      }
    }
    await runCommands(commands, build);
  }
  for (const binary of [peers.perplexity, peers.server])
    if (!existsSync(binary)) throw new Error(`peer build: ${binary} was not produced`);
  writeFileSync(join(dir, 'built'), `${new Date().toISOString()}\n`);
  return peers;
}

/** libllama.so.0 between libllama.so and libllama.so.0.4.0. */
function versionNames(output: string, base: string): string[] {
  const suffix = output.slice(base.length); // '.0.4.0' or ''
  const parts = suffix.split('.').filter((p) => p !== '');
  return parts.map((_, i) => `${base}.${parts.slice(0, i + 1).join('.')}`);
}
