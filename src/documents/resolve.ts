import { existsSync } from 'node:fs';
import { isAbsolute, join, resolve as resolvePath } from 'node:path';
import { UserError } from '../errors.ts';
import { readCsv } from './csv-rows.ts';
import { loadHfDataset } from './hf-hub.ts';
import { readJson, readJsonl } from './json-rows.ts';
import { localDatasetRules } from './local-datasets.ts';
import { readParquet } from './parquet-rows.ts';
import type { Doc, LoadedRows } from './types.ts';

/** lm-eval's `dataset_kwargs.data_files`: one path, a list, or per-split paths. */
export type DataFiles = string | readonly string[] | Readonly<Record<string, string | readonly string[]>>;

export interface DatasetOptions {
  /** Root of local dataset copies (resolveDataDir); undefined: none. */
  readonly dataDir?: string;
  /** EVALBOARD_CACHE: hub downloads go to <cacheDir>/datasets. */
  readonly cacheDir?: string;
  /** Whether the hub may be contacted when nothing local exists (default: false). */
  readonly allowNetwork?: boolean;
  readonly hfEndpoint?: string;
  readonly hfToken?: string;
  /** Folder that relative data_files are resolved against first (the task YAML's folder). */
  readonly baseDir?: string;
}

const BUILDER_READERS: Record<string, (path: string) => Promise<LoadedRows>> = {
  json: (p) => (p.endsWith('.jsonl') ? readJsonl(p) : readJsonOrLines(p)),
  csv: (p) => readCsv(p, { inferTypes: true }),
  parquet: readParquet,
};

/**
 * Loads one split of the dataset an lm-eval task names, from local files when we have them:
 * 1. `json`/`csv`/`parquet` + data_files → those files;
 * 2. the explicit table of datasets we ship copies of (local-datasets.ts);
 * 3. the generic layout `<dataDir>/<dataset_path>/<dataset_name>/<split>.{jsonl,json,csv,parquet}`;
 * 4. the HF hub (parquet conversion), when network is allowed.
 */
export async function resolveDataset(
  datasetPath: string,
  datasetName: string | undefined,
  dataFiles: DataFiles | undefined,
  split: string,
  options: DatasetOptions = {},
): Promise<LoadedRows> {
  const { dataDir } = options;
  const reader = BUILDER_READERS[datasetPath];
  if (reader) {
    if (dataFiles === undefined) throw new UserError(`dataset_path "${datasetPath}" needs dataset_kwargs.data_files`);
    const files = filesForSplit(dataFiles, split);
    if (!files) {
      const splits = typeof dataFiles === 'string' || Array.isArray(dataFiles) ? ['train'] : Object.keys(dataFiles);
      throw new UserError(
        `data_files has no split "${split}"`,
        { field: 'dataset_kwargs.data_files' },
        `it has: ${splits.join(', ')}`,
      );
    }
    return concatLoaded(await Promise.all(files.map((f) => reader(locateFile(f, options.baseDir, dataDir)))));
  }
  const looked: string[] = [];
  if (dataDir) {
    const rule = localDatasetRules.find((r) => r.hfPaths.includes(datasetPath));
    const local = rule ? await rule.load(dataDir, datasetName ?? undefined, split) : undefined;
    if (local) return local;
    const stem = join(dataDir, datasetPath, ...(datasetName ? [datasetName] : []), split);
    for (const [ext, read] of GENERIC_READERS) {
      if (existsSync(stem + ext)) return read(stem + ext);
      looked.push(stem + ext);
    }
  }
  if (options.allowNetwork) {
    const endpoint = options.hfEndpoint ?? process.env.HF_ENDPOINT ?? 'https://huggingface.co';
    const cacheDir = options.cacheDir ?? process.env.EVALBOARD_CACHE ?? join(process.cwd(), '.cache');
    return loadHfDataset(datasetPath, datasetName, split, { endpoint, cacheDir, token: options.hfToken });
  }
  throw new UserError(
    `dataset ${datasetPath}${datasetName ? ` (${datasetName})` : ''} split "${split}" is not available locally`,
    { field: 'dataset_path' },
    dataDir
      ? `looked in ${looked[0] ?? dataDir} and similar; allow network access to fetch it from the hub`
      : 'set --data_dir or EVALBOARD_DATA_DIR, or allow network access',
  );
}

const GENERIC_READERS: readonly [string, (path: string) => Promise<LoadedRows>][] = [
  ['.jsonl', readJsonl],
  ['.json', (p) => readJsonOrLines(p)],
  ['.csv', (p) => readCsv(p, { inferTypes: true })],
  ['.parquet', readParquet],
];

/** HF's json builder accepts both a JSON document and JSON Lines under a .json name. */
async function readJsonOrLines(path: string): Promise<LoadedRows> {
  try {
    return await readJson(path);
  } catch (e) {
    if (e instanceof UserError && e.message.startsWith('bad JSON')) return readJsonl(path);
    throw e;
  }
}

/** A bare path or list is HF's "train" split; a mapping names the splits. */
function filesForSplit(dataFiles: DataFiles, split: string): readonly string[] | undefined {
  if (typeof dataFiles === 'string') return split === 'train' ? [dataFiles] : undefined;
  if (Array.isArray(dataFiles)) return split === 'train' ? (dataFiles as readonly string[]) : undefined;
  const entry = (dataFiles as Record<string, string | readonly string[]>)[split];
  return entry === undefined ? undefined : typeof entry === 'string' ? [entry] : entry;
}

function locateFile(file: string, baseDir: string | undefined, dataDir: string | undefined): string {
  if (isAbsolute(file)) return file;
  const dirs = [baseDir, dataDir].filter((d): d is string => !!d);
  for (const dir of dirs) {
    if (existsSync(join(dir, file))) return join(dir, file);
  }
  // Without this, the read error would name the file under the current directory, where nobody looked for it.
  if (!existsSync(file)) {
    throw new UserError(
      `data file not found: ${file}`,
      { field: 'dataset_kwargs.data_files' },
      `looked in ${[...dirs, 'the current directory'].join(', ')}`,
    );
  }
  return resolvePath(file);
}

function concatLoaded(parts: readonly LoadedRows[]): LoadedRows {
  const rows: Doc[] = [];
  const sources: LoadedRows['sources'] = {};
  for (const part of parts) {
    rows.push(...part.rows);
    Object.assign(sources, part.sources);
  }
  return { rows, sources };
}
