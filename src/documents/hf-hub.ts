import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { UserError } from '../errors.ts';
import { readParquet } from './parquet-rows.ts';
import type { Doc, LoadedRows } from './types.ts';

export interface HfHubOptions {
  /** e.g. https://huggingface.co (HF_ENDPOINT); tests point it at 127.0.0.1. */
  readonly endpoint: string;
  /** Root cache folder; files go under <cacheDir>/datasets/<owner>--<name>/<config>/<split>/. */
  readonly cacheDir: string;
  /** Bearer token for gated datasets (HF_TOKEN), if the caller has one. */
  readonly token?: string;
}

/**
 * Loads one split of a hub dataset through its Parquet conversion. The file list comes from
 * `GET /api/datasets/{repo}/parquet/{config}/{split}`; if that endpoint is missing we list the
 * `refs/convert/parquet` branch instead. Files are cached with a manifest that keeps their order
 * (rows must stay in HF order: few-shot sampling depends on it), so later runs work offline.
 */
export async function loadHfDataset(
  repo: string,
  config: string | undefined,
  split: string,
  options: HfHubOptions,
): Promise<LoadedRows> {
  const configName = config ?? 'default';
  const dir = join(options.cacheDir, 'datasets', repo.replace('/', '--'), configName, split);
  const manifestPath = join(dir, 'manifest.json');
  let files = await readManifest(manifestPath);
  if (!files) {
    const urls = await listParquetUrls(repo, configName, split, options);
    await mkdir(dir, { recursive: true });
    files = [];
    for (const [i, url] of urls.entries()) {
      const name = `${String(i).padStart(5, '0')}.parquet`;
      await download(url, join(dir, name), options);
      files.push(name);
    }
    await writeFile(manifestPath, JSON.stringify({ repo, config: configName, split, urls, files }, null, 2));
  }
  const rows: Doc[] = [];
  const sources: LoadedRows['sources'] = {};
  for (const name of files) {
    const loaded = await readParquet(join(dir, name));
    rows.push(...loaded.rows);
    Object.assign(sources, loaded.sources);
  }
  return { rows, sources };
}

async function readManifest(path: string): Promise<string[] | undefined> {
  try {
    const manifest = JSON.parse(await readFile(path, 'utf8')) as { files?: unknown };
    return Array.isArray(manifest.files) ? manifest.files.map(String) : undefined;
  } catch {
    return undefined;
  }
}

async function listParquetUrls(repo: string, config: string, split: string, options: HfHubOptions): Promise<string[]> {
  const base = options.endpoint.replace(/\/$/, '');
  const api = `${base}/api/datasets/${repo}/parquet/${encodeURIComponent(config)}/${encodeURIComponent(split)}`;
  const listed = await getJson(api, options);
  if (Array.isArray(listed) && listed.every((u) => typeof u === 'string') && listed.length > 0) return listed;
  // Fallback: the tree of the parquet-conversion branch, files sorted by name (0000.parquet, 0001...).
  const tree = await getJson(`${base}/api/datasets/${repo}/tree/refs%2Fconvert%2Fparquet/${config}/${split}`, options);
  if (Array.isArray(tree)) {
    const paths = tree
      .filter((e): e is { type: string; path: string } => typeof e?.path === 'string' && e.type === 'file')
      .map((e) => e.path)
      .filter((p) => p.endsWith('.parquet'))
      .sort();
    if (paths.length > 0) return paths.map((p) => `${base}/datasets/${repo}/resolve/refs%2Fconvert%2Fparquet/${p}`);
  }
  throw new UserError(`hub dataset ${repo} (config ${config}) has no parquet files for split "${split}"`, {});
}

async function getJson(url: string, options: HfHubOptions): Promise<unknown> {
  const response = await request(url, options);
  if (response.status === 404) return undefined;
  if (!response.ok) throw new UserError(`hub request failed: HTTP ${response.status} for ${url}`, {});
  return response.json();
}

async function download(url: string, path: string, options: HfHubOptions): Promise<void> {
  const response = await request(url, options);
  if (!response.ok) throw new UserError(`download failed: HTTP ${response.status} for ${url}`, {});
  const partial = `${path}.partial`;
  await writeFile(partial, new Uint8Array(await response.arrayBuffer()));
  await rename(partial, path); // a crash mid-download never leaves a truncated file behind
}

async function request(url: string, options: HfHubOptions): Promise<Response> {
  try {
    return await fetch(url, { headers: options.token ? { authorization: `Bearer ${options.token}` } : {} });
  } catch (e) {
    throw new UserError(`cannot reach the dataset hub: ${(e as Error).message}`, {}, `url ${url}`);
  }
}
