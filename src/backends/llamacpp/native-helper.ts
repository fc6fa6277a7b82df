import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { LlamaContext, LlamaModel } from 'node-llama-cpp';

/** The helper's functions (native/kv-helper.cc); `context` is node-llama-cpp's AddonContext. */
export interface KvHelper {
  scoreRows(context: object, rows: Int32Array, targets: Int32Array, logprobs: Float64Array, isArgmax: Uint8Array): void;
  argmaxRows(context: object, rows: Int32Array, out: Int32Array): void;
  copySequence(context: object, source: number, destination: number): void;
  contextSize(context: object): number;
  /** llama_model_n_ctx_train of node-llama-cpp's AddonModel. */
  modelTrainContextSize(model: object): number;
  /** `model` is node-llama-cpp's AddonModel; returns a handle that scoreRows and argmaxRows accept too. */
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
const SOURCE = fileURLToPath(new URL('./native/kv-helper.cc', import.meta.url));
const PROJECT_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

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

let loading: Promise<KvHelper | null> | undefined;

/**
 * Compiles (once, with the system C++ compiler) and loads the helper; null when that is not
 * possible (no compiler, other platform, EVALBOARD_NATIVE_HELPER=0), and the backend then reads
 * logits through node-llama-cpp's sampler instead: the same numbers within float32 rounding, slower.
 */
export function loadKvHelper(): Promise<KvHelper | null> {
  loading ??= (async () => {
    if (process.env.EVALBOARD_NATIVE_HELPER === '0' || process.platform !== 'linux') return null;
    try {
      const path = helperPath();
      if (!existsSync(path)) {
        mkdirSync(dirname(path), { recursive: true });
        const temporary = `${path}.${process.pid}.tmp`;
        await promisify(execFile)(process.env.CXX ?? 'g++', compileArgs(temporary), { timeout: 120_000 });
        renameSync(temporary, path); // atomic: parallel test processes may compile at once
      }
      return require(path) as KvHelper;
    } catch (e) {
      if (process.env.EVALBOARD_NATIVE_HELPER === '1') throw e;
      return null;
    }
  })();
  return loading;
}

/** node-llama-cpp's native model behind a LlamaModel (internal, pinned at 3.21.1). */
export function addonModelOf(model: LlamaModel): object {
  const native = (model as unknown as { _model?: object })._model;
  if (!native) throw new Error('node-llama-cpp internals changed: no AddonModel');
  return native;
}

/** node-llama-cpp's native context behind a LlamaContext (internal, pinned at 3.21.1). */
export function addonContextOf(context: LlamaContext): AddonContextApi {
  const native = (context as unknown as { _ctx?: AddonContextApi })._ctx;
  if (!native || typeof native.addToBatch !== 'function')
    throw new Error('node-llama-cpp internals changed: no AddonContext batch API');
  return native;
}

/** The part of node-llama-cpp's AddonContext (bindings/AddonTypes.d.ts) the scheduler drives. */
export interface AddonContextApi {
  initBatch(size: number): void;
  addToBatch(sequenceId: number, firstPosition: number, tokens: Uint32Array, logitIndexes: Uint32Array): Uint32Array;
  decodeBatch(): Promise<void>;
  removeTokenCellsFromSequence(sequenceId: number, startPos: number, endPos: number): boolean;
  getContextSize(): number;
}

/** Checks that the helper sees the same llama_model as node-llama-cpp (guards against a layout mismatch). */
export function checkHelperMatchesModel(helper: KvHelper, model: LlamaModel): boolean {
  try {
    return helper.modelTrainContextSize(addonModelOf(model)) === model.trainContextSize;
  } catch {
    return false;
  }
}

/** Checks that the helper sees the same llama_context as the addon (guards against a layout mismatch). */
export function checkHelperMatches(helper: KvHelper, native: AddonContextApi): boolean {
  try {
    return helper.contextSize(native) === native.getContextSize();
  } catch {
    return false;
  }
}
