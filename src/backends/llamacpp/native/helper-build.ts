import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

/**
 * The helper's functions (kv-helper.cc). `model` is node-llama-cpp's AddonModel, as returned by
 * addonModelOf (node-llama-internals.ts); `context` is a handle from createScoringContext.
 */
export interface KvHelper {
  scoreRows(context: object, rows: Int32Array, targets: Int32Array, logprobs: Float64Array, isArgmax: Uint8Array): void;
  /** llama_model_n_ctx_train of node-llama-cpp's AddonModel: the startup check of its layout. */
  modelTrainContextSize(model: object): number;
  createScoringContext(
    model: object,
    contextSize: number,
    batchSize: number,
    sequences: number,
    threads: number,
    flashAttention: boolean,
  ): object;
  freeScoringContext(context: object): void;
  decodeBatch(
    context: object,
    tokens: Int32Array,
    positions: Int32Array,
    sequenceCounts: Int32Array,
    sequenceIds: Int32Array,
    outputs: Uint8Array,
  ): Promise<void>;
  removeCells(context: object, sequence: number, from: number, to: number): boolean;
  copyCells(context: object, source: number, destination: number, from: number, to: number): void;
  clearCells(context: object): void;
}

const require = createRequire(import.meta.url);
const SOURCE = fileURLToPath(new URL('./kv-helper.cc', import.meta.url));
const PROJECT_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

/** A package's folder, found from its entry point (node-llama-cpp does not export package.json). */
function packageDir(name: string): string {
  let dir = dirname(require.resolve(name));
  while (!existsSync(join(dir, 'package.json')) || !dir.endsWith(name)) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`cannot find the folder of ${name}`);
    dir = parent;
  }
  return dir;
}

/**
 * Compiler flags of node-llama-cpp's own addon build (its CMakeLists: NAPI_VERSION=7, -fexceptions),
 * so AddonContext has the same layout here as in the loaded addon.
 */
function compileArgs(output: string): string[] {
  const nlc = join(packageDir('node-llama-cpp'), 'llama');
  const includes = [
    packageDir('node-addon-api'),
    join(dirname(process.execPath), '../include/node'),
    join(nlc, 'addon'),
    join(nlc, 'llama.cpp/include'),
    join(nlc, 'llama.cpp/ggml/include'),
    join(nlc, 'llama.cpp/common'),
  ];
  return [
    '-std=c++17',
    '-O2',
    '-fPIC',
    '-shared',
    '-fexceptions',
    '-DNAPI_VERSION=7',
    // A std::exception thrown by the helper becomes a JS Error (by default only Napi::Error does,
    // and anything else terminates the process).
    '-DNODE_ADDON_API_CPP_EXCEPTIONS_ALL',
    '-DBUILDING_NODE_EXTENSION',
    ...includes.map((dir) => `-I${dir}`),
    SOURCE,
    '-o',
    output,
    '-ldl',
  ];
}

/** One file per (source, flags, node-llama-cpp version, Node ABI): a changed input never loads a stale helper. */
function helperPath(): string {
  const version = JSON.parse(readFileSync(join(packageDir('node-llama-cpp'), 'package.json'), 'utf8')).version;
  const key = createHash('sha256')
    .update(readFileSync(SOURCE))
    .update(compileArgs('').join(' '))
    .update(`${version}|${process.versions.modules}|${process.arch}|${process.platform}`)
    .digest('hex')
    .slice(0, 16);
  // Beside node_modules' other build caches rather than $EVALBOARD_CACHE: tests run with throwaway
  // caches and would otherwise recompile (~5 s) in every process.
  return join(PROJECT_ROOT, 'node_modules/.cache/evalboard', `kv-helper-${key}.node`);
}

/** The helper, or why there is none (the backend then scores on the naive path). */
export type HelperLoad = { readonly helper: KvHelper } | { readonly helper: null; readonly reason: string };

let compiling: Promise<HelperLoad> | undefined;

/**
 * Compiles (once, with the system C++ compiler: $CXX or g++) and loads the helper. Without it
 * (EVALBOARD_NATIVE_HELPER=0, no compiler, not Linux) the result says why; EVALBOARD_NATIVE_HELPER=1
 * turns a failed build into an error instead.
 */
export function loadKvHelper(): Promise<HelperLoad> {
  // Read per call, not cached: one process (a test) may ask for both paths.
  if (process.env.EVALBOARD_NATIVE_HELPER === '0')
    return Promise.resolve({ helper: null, reason: 'EVALBOARD_NATIVE_HELPER=0' });
  if (process.platform !== 'linux')
    return Promise.resolve({ helper: null, reason: `the native helper is built on Linux only (${process.platform})` });
  compiling ??= compileAndLoad();
  return compiling.then((load) => {
    if (!load.helper && process.env.EVALBOARD_NATIVE_HELPER === '1') throw new Error(load.reason);
    return load;
  });
}

async function compileAndLoad(): Promise<HelperLoad> {
  try {
    const path = helperPath();
    if (!existsSync(path)) {
      mkdirSync(dirname(path), { recursive: true });
      const temporary = `${path}.${process.pid}.tmp`;
      await promisify(execFile)(process.env.CXX ?? 'g++', compileArgs(temporary), { timeout: 120_000 });
      renameSync(temporary, path); // atomic: parallel test processes may compile at once
    }
    return { helper: require(path) as KvHelper };
  } catch (e) {
    const message = (e instanceof Error ? e.message : String(e)).split('\n')[0];
    return { helper: null, reason: `the native helper could not be built: ${message}` };
  }
}
