import { type DataFiles, resolveDataset } from '../../documents/resolve.ts';
import type { Doc, LoadedRows, TaskDocs } from '../../documents/types.ts';
import { type ErrorLocation, UserError } from '../../errors.ts';
import { importFunction } from './functions.ts';
import type { TaskConfig } from './schema.ts';
import type { TaskLoadOptions } from './types.ts';
import { FunctionRef, type ResolvedConfig } from './yaml-file.ts';

/** Human labels for docs ("doc 12 (test split)"), so template errors can say which doc failed. */
export type DocLabels = WeakMap<object, string>;

/**
 * lm-eval's split rules: evaluate test_split, else validation_split. Few-shot examples come
 * from fewshot_split, else fewshot_config.samples (not passed through process_docs), else
 * training_split, else validation_split, else the test split. process_docs runs per split.
 */
export async function createDocsLoader(
  config: TaskConfig,
  resolved: ResolvedConfig,
  options: TaskLoadOptions,
  labels: DocLabels,
  context: { dir: string; at: (...path: (string | number)[]) => ErrorLocation },
): Promise<(o?: { readonly fewshot?: boolean }) => Promise<TaskDocs>> {
  const { at } = context;
  const evalSplit = config.test_split ?? config.validation_split;
  if (!evalSplit) throw new UserError('a task needs test_split or validation_split', at('task'));
  const processDocs = config.process_docs
    ? await importFunction(config.process_docs, at('process_docs'), { datasetArg: true })
    : undefined;
  const samples = config.fewshot_config?.samples;
  const samplesFn =
    samples instanceof FunctionRef
      ? await importFunction(samples, at('fewshot_config', 'samples'), { pythonTakesNoArgs: true })
      : undefined;
  if (!config.dataset_path) throw new UserError('dataset_path is missing', at('task'));
  const datasetPath = config.dataset_path;
  const datasetName = config.dataset_name == null ? undefined : String(config.dataset_name);
  const dataFiles = config.dataset_kwargs?.data_files as DataFiles | undefined;
  type Sources = Record<string, { sha256: string; rows: number }>;

  const loadSplit = async (split: string, role: string, sources: Sources): Promise<Doc[]> => {
    let loaded: LoadedRows;
    const read = () => resolveDataset(datasetPath, datasetName, dataFiles, split, { ...options, baseDir: context.dir });
    try {
      // Unprocessed rows are the task's documents as read, so tasks reading the same split can share them.
      const key = JSON.stringify([
        datasetPath,
        datasetName ?? null,
        dataFiles ?? null,
        split,
        dataFiles ? context.dir : '',
      ]);
      loaded = await (processDocs ? read() : readSplitOnce(options, key, read));
    } catch (e) {
      if (e instanceof UserError && !e.location.file) {
        // Point at the key the loader blames (dataset_kwargs.data_files...), else at the split.
        const field = e.location.field?.split('.') ?? [role];
        throw new UserError(`${config.task}: ${e.message}`, at(...field), e.hint);
      }
      throw e;
    }
    for (const [file, source] of Object.entries(loaded.sources)) sources[file] = source;
    const docs = processDocs ? await processDocs(loaded.rows) : loaded.rows;
    if (!Array.isArray(docs)) throw new UserError('process_docs must return an array of docs', at('process_docs'));
    docs.forEach((doc: Doc, i: number) => {
      labels.set(doc, `doc ${i} (${split} split)`);
    });
    return docs;
  };

  const splitKey = config.test_split ? 'test_split' : 'validation_split';
  // One load per mode: a zero-shot run need not read (or have) the few-shot split.
  const loadFewshot = async (
    evalDocs: Doc[],
    sources: Sources,
  ): Promise<{ fewshot?: Doc[]; fewshotSplit?: string }> => {
    if (config.fewshot_split) {
      const split = config.fewshot_split;
      return {
        fewshotSplit: split,
        fewshot: split === evalSplit ? evalDocs : await loadSplit(split, 'fewshot_split', sources),
      };
    }
    if (samples) {
      const list = samplesFn ? await samplesFn({ config: resolved.config, dataDir: options.dataDir }) : samples;
      if (!Array.isArray(list))
        throw new UserError('fewshot_config.samples must give a list of docs', at('fewshot_config'));
      list.forEach((doc, i) => {
        labels.set(doc, `few-shot sample ${i}`);
      });
      return { fewshotSplit: 'fewshot_config.samples', fewshot: list as Doc[] };
    }
    const fallback = [config.training_split, config.validation_split, config.test_split].find(Boolean);
    if (!fallback) return {};
    const fewshot =
      fallback === evalSplit ? evalDocs : await loadSplit(fallback, fallbackKey(config, fallback), sources);
    return { fewshotSplit: fallback, fewshot };
  };
  // One load per mode: a zero-shot run neither reads nor needs the few-shot split.
  const pending = new Map<boolean, Promise<TaskDocs>>();
  const load = async (withFewshot: boolean): Promise<TaskDocs> => {
    const sources: Sources = {};
    const evalDocs = await loadSplit(evalSplit, splitKey, sources);
    const { fewshot, fewshotSplit } = withFewshot ? await loadFewshot(evalDocs, sources) : {};
    return { eval: evalDocs, fewshot, evalSplit, fewshotSplit, sources };
  };
  return (o) => {
    const withFewshot = o?.fewshot ?? true;
    let docs = pending.get(withFewshot);
    if (!docs) {
      docs = load(withFewshot).catch((e) => {
        pending.delete(withFewshot);
        throw e;
      });
      pending.set(withFewshot, docs);
    }
    return docs;
  };
}

/**
 * Dataset splits already read, per catalog (its load options): the tasks that read one split
 * without process_docs share its rows, so MMLU's four variants read each subject's file once and
 * hold one copy of its documents. A failed read is forgotten, so a later load tries again.
 */
const sharedSplits = new WeakMap<TaskLoadOptions, Map<string, Promise<LoadedRows>>>();

function readSplitOnce(options: TaskLoadOptions, key: string, read: () => Promise<LoadedRows>): Promise<LoadedRows> {
  let splits = sharedSplits.get(options);
  if (!splits) {
    splits = new Map();
    sharedSplits.set(options, splits);
  }
  let rows = splits.get(key);
  if (!rows) {
    const pending = read();
    pending.catch(() => splits.delete(key));
    splits.set(key, pending);
    rows = pending;
  }
  return rows;
}

function fallbackKey(config: TaskConfig, split: string): string {
  if (config.training_split === split) return 'training_split';
  if (config.validation_split === split) return 'validation_split';
  return 'test_split';
}
