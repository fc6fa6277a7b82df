import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../../errors.ts';
import { readGgufInfo, summarizeGguf } from '../../gguf/read.ts';
import { resolveModelLocation } from '../model-location.ts';
import { checkArgKeys, intArg } from '../model-args.ts';
import type { Backend, BackendFactoryOptions } from '../types.ts';
import { ROLLING_BOS_VALUES, type RollingBos } from './options.ts';

const KNOWN_ARGS = ['pretrained', 'path', 'n_ctx', 'n_batch', 'n_threads', 'seed', 'flash_attn', 'rolling_bos'];

/**
 * `--model llamacpp --model_args pretrained=…`: resolve the file (local, cache, model path, hub),
 * validate its GGUF header in TypeScript — a corrupt file gets one clear line instead of a native
 * abort — and start the backend.
 */
export async function createLlamaCppFromArgs(o: BackendFactoryOptions): Promise<Backend> {
  const { args } = o;
  checkArgKeys('llamacpp', args, KNOWN_ARGS);
  const spec = args.pretrained ?? args.path;
  if (!spec) throw new UserError('no model given', { field: '--model_args' }, 'pass pretrained=/path/to/model.gguf');
  const modelPath = await resolveModelLocation(spec, {
    modelPath: defaultModelPath(),
    onProgress: downloadProgress(spec),
  });
  const gguf = summarizeGguf(await readGgufInfo(modelPath));
  const nCtx = intArg(args, 'n_ctx');
  const nBatch = intArg(args, 'n_batch');
  const nThreads = intArg(args, 'n_threads');
  const seed = intArg(args, 'seed', 0) ?? o.seed;
  const flashAttention = booleanArg(args.flash_attn, 'flash_attn');
  const rollingBos = rollingBosArg(args.rolling_bos);
  if (nCtx !== undefined && gguf.contextLength !== null && nCtx > gguf.contextLength * 4)
    throw new UserError(
      `n_ctx=${nCtx} is far beyond the model's training context (${gguf.contextLength})`,
      { field: '--model_args n_ctx' },
      `use n_ctx ≤ ${gguf.contextLength}`,
    );
  // node-llama-cpp loads only after the file passed the cheap checks above.
  const { createLlamaCppBackend } = await import('./index.ts');
  const backend = await createLlamaCppBackend({
    modelPath,
    seed,
    batchSize: o.batchSize,
    verbose: o.verbose,
    ...(nCtx !== undefined ? { nCtx } : {}),
    ...(nBatch !== undefined ? { nBatch } : {}),
    ...(nThreads !== undefined ? { nThreads } : {}),
    ...(flashAttention !== undefined ? { flashAttention } : {}),
    ...(rollingBos !== undefined ? { rollingBos } : {}),
    extraDetails: { gguf },
  });
  const { binary, gpu, scorer, scorerFallbackReason } = backend.info.details as {
    binary?: string;
    gpu?: unknown;
    scorer?: string;
    scorerFallbackReason?: string;
  };
  if (binary === 'prebuilt' && gpu === false) process.stderr.write(PREBUILT_NOTICE);
  if (scorer === 'naive') process.stderr.write(naiveScorerNotice(scorerFallbackReason ?? 'no native helper'));
  return backend;
}

/** Measured in bench/README.md (benchmark 1): the prebuilt CPU binary is generic, without OpenMP. */
export const PREBUILT_NOTICE =
  "notice: llama.cpp is node-llama-cpp's prebuilt CPU binary, about half the speed of a native build " +
  '(235 vs 436 tok/s here); `npm run build:native` makes one once (~7 min, needs build-essential and cmake)\n';

/**
 * Without the native helper, log-likelihoods are scored one request at a time through
 * node-llama-cpp (scoring/naive-reference.ts): the same numbers, much slower. The factor is
 * measured by `npm run bench -- naive` (bench/README.md, section 2b): 12–20× on multiple choice
 * with a 49,152-token vocabulary, where node-llama-cpp hands over every continuation token's whole
 * distribution; only ~2× on a toy 512-token vocabulary.
 */
export function naiveScorerNotice(reason: string): string {
  return (
    `notice: log-likelihoods run on the naive path (${reason}): the same numbers, but roughly 10–20× slower ` +
    'than the packed scorer; install a C++ compiler (g++) so the native helper can be built\n'
  );
}

/** EVALBOARD_MODEL_PATH folders, then ../shared/models beside the checkout when it exists. */
function defaultModelPath(): string[] {
  const fromEnv = (process.env.EVALBOARD_MODEL_PATH ?? '').split(':').filter(Boolean);
  const sibling = join(new URL('../../../', import.meta.url).pathname, '../shared/models');
  return existsSync(sibling) ? [...fromEnv, sibling] : fromEnv;
}

/** A line per 10 % downloaded: enough to show life without flooding a log. */
function downloadProgress(spec: string): (done: number, total: number) => void {
  let lastTenth = -1;
  return (done, total) => {
    const tenth = total > 0 ? Math.floor((10 * done) / total) : -1;
    if (tenth === lastTenth) return;
    lastTenth = tenth;
    const mb = (n: number) => (n / 1e6).toFixed(1);
    process.stderr.write(`downloading ${spec}: ${mb(done)}${total > 0 ? ` / ${mb(total)}` : ''} MB\n`);
  };
}

function rollingBosArg(v: string | undefined): RollingBos | undefined {
  if (v === undefined) return undefined;
  const value = ROLLING_BOS_VALUES.find((x) => x === v);
  if (!value)
    throw new UserError(
      `rolling_bos=${v} is not one of ${ROLLING_BOS_VALUES.join(', ')}`,
      { field: '--model_args rolling_bos' },
      "'scored' is lm-eval's HF backend (the default); 'context' scores the text's own tokens only",
    );
  return value;
}

function booleanArg(v: string | undefined, name: string): boolean | undefined {
  if (v === undefined) return undefined;
  if (/^(1|true|yes|on)$/i.test(v)) return true;
  if (/^(0|false|no|off)$/i.test(v)) return false;
  throw new UserError(`${name}=${v} is not a boolean`, { field: `--model_args ${name}` }, 'use true or false');
}
