/**
 * Writes a llama model with random weights, for tests and benchmarks:
 *   npx tsx src/gguf/make-model.ts --preset smollm2-135m --out /tmp/smollm2-135m-random.gguf [--type Q8_0 --layers 4 ...]
 */
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { isUserError, UserError } from '../errors.ts';
import { GGML_TYPE_CODE } from './format.ts';
import { type LlamaModelOptions, type WeightType, writeLlamaGguf } from './write.ts';

const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** A shared model folder: EVALBOARD_MODEL_PATH entries first, then ../shared/models beside the project. */
function sharedModelFile(name: string): string {
  const folders = [
    ...(process.env.EVALBOARD_MODEL_PATH ?? '').split(delimiter),
    join(PROJECT_ROOT, '../shared/models'),
  ];
  const found = folders
    .filter(Boolean)
    .map((folder) => join(folder, name))
    .find((path) => existsSync(path));
  if (!found) {
    throw new UserError(
      `cannot find ${name}`,
      { field: '--preset' },
      `looked in ${folders.filter(Boolean).join(', ')}`,
    );
  }
  return found;
}

const PRESETS: Record<string, () => LlamaModelOptions> = {
  // SmolLM2-135M's shape (its config.json) with random weights.
  'smollm2-135m': () => ({
    nLayer: 30,
    nEmbd: 576,
    nHead: 9,
    nHeadKv: 3,
    nFf: 1536,
    nCtx: 2048,
    ropeFreqBase: 1e5,
    rmsEps: 1e-5,
    tiedEmbeddings: true,
    tensorType: 'F16',
    std: 0.02,
    tokenizer: { from: 'hf', dir: sharedModelFile('bpe-49152') },
    name: 'SmolLM2-135M shape, random weights',
  }),
  // Fast to write and load: stories260K's 512-token vocabulary.
  tiny: () => ({
    nLayer: 2,
    nEmbd: 64,
    nHead: 4,
    nFf: 128,
    nCtx: 256,
    tensorType: 'F32',
    tokenizer: { from: 'gguf', path: sharedModelFile('stories260K.gguf') },
    name: 'tiny random llama',
  }),
};

const FLAGS = {
  preset: { type: 'string' },
  out: { type: 'string' },
  type: { type: 'string' },
  layers: { type: 'string' },
  embd: { type: 'string' },
  heads: { type: 'string' },
  'kv-heads': { type: 'string' },
  ff: { type: 'string' },
  ctx: { type: 'string' },
  'rope-base': { type: 'string' },
  'rms-eps': { type: 'string' },
  seed: { type: 'string' },
  std: { type: 'string' },
  tied: { type: 'boolean' },
  untied: { type: 'boolean' },
  'tokenizer-gguf': { type: 'string' },
  'tokenizer-hf': { type: 'string' },
  help: { type: 'boolean' },
} as const;

const USAGE = `usage: make-model --preset ${Object.keys(PRESETS).join('|')} --out FILE
  [--type F32|F16|Q8_0] [--layers N] [--embd N] [--heads N] [--kv-heads N] [--ff N] [--ctx N]
  [--rope-base X] [--rms-eps X] [--seed N] [--std X] [--tied|--untied] [--tokenizer-gguf FILE | --tokenizer-hf DIR]`;

const HELP_HINT = 'run with --help for usage';

export async function main(argv: readonly string[]): Promise<void> {
  let values: ReturnType<typeof parseArgs<{ options: typeof FLAGS; args: string[] }>>['values'];
  try {
    ({ values } = parseArgs({ args: [...argv], options: FLAGS, strict: true, allowPositionals: false }));
  } catch (error) {
    throw new UserError((error as Error).message, {}, HELP_HINT);
  }
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const makePreset = PRESETS[values.preset ?? ''];
  if (!makePreset)
    throw new UserError(
      `unknown preset ${JSON.stringify(values.preset)}`,
      { field: '--preset' },
      `presets: ${Object.keys(PRESETS).join(', ')}`,
    );
  if (!values.out) throw new UserError('missing output file', { field: '--out' }, HELP_HINT);
  const preset = makePreset();
  const number = (flag: keyof typeof FLAGS, fallback: number | undefined) => {
    const text = values[flag];
    if (typeof text !== 'string') return fallback;
    const parsed = Number(text);
    if (text.trim() === '' || !Number.isFinite(parsed))
      throw new UserError(`not a number: ${text}`, { field: `--${flag}` });
    return parsed;
  };
  if (values.type !== undefined && !(values.type in GGML_TYPE_CODE)) {
    throw new UserError(`unknown type ${values.type}`, { field: '--type' }, 'use F32, F16 or Q8_0');
  }
  const options: LlamaModelOptions = {
    ...preset,
    nLayer: number('layers', preset.nLayer)!,
    nEmbd: number('embd', preset.nEmbd)!,
    nHead: number('heads', preset.nHead)!,
    nHeadKv: number('kv-heads', preset.nHeadKv),
    nFf: number('ff', preset.nFf)!,
    nCtx: number('ctx', preset.nCtx)!,
    ropeFreqBase: number('rope-base', preset.ropeFreqBase),
    rmsEps: number('rms-eps', preset.rmsEps),
    seed: number('seed', preset.seed),
    std: number('std', preset.std),
    tiedEmbeddings: values.tied ? true : values.untied ? false : preset.tiedEmbeddings,
    tensorType: (values.type as WeightType | undefined) ?? preset.tensorType,
    tokenizer: values['tokenizer-gguf']
      ? { from: 'gguf', path: values['tokenizer-gguf'] }
      : values['tokenizer-hf']
        ? { from: 'hf', dir: values['tokenizer-hf'] }
        : preset.tokenizer,
  };
  const started = performance.now();
  const written = await writeLlamaGguf(values.out, options);
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(
    `wrote ${written.path}: ${written.parameterCount.toLocaleString('en')} parameters, ${written.bytes.toLocaleString('en')} bytes in ${seconds} s`,
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    if (!isUserError(error)) throw error;
    console.error(`error: ${error.format()}`);
    process.exitCode = 2;
  });
}
