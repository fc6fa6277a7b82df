/**
 * Which shipped tasks are variants of which benchmark, and reading each model's per-item outcomes
 * for them from results files and the samples files written beside them (through report/'s
 * validated readers). Variants are recognised by their leaf tasks, so a run of a few subjects
 * (mmlu_anatomy with mmlu_helm_anatomy) compares on exactly those items.
 */
import { readdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { UserError } from '../errors.ts';
import { readResultsFile, readSamplesFile } from '../report/read.ts';
import type { ResultsReport, SampleRow } from '../report/schema.ts';
import type { VariantItems } from './variants.ts';

export interface VariantSpec {
  readonly benchmark: string;
  /** The name tables show: the task family, with `:metric` where one family gives two variants. */
  readonly variant: string;
  /** Leaf tasks (those with samples files) that belong to this variant. */
  readonly leaf: RegExp;
  readonly metric: string;
  readonly filter: string;
}

const OTHER_MMLU = '(?!original_|helm_|fulltext_|pro_|pro$)';

/** The shipped variants (tasks/mmlu/*, tasks/arc/*): each family's task names and scoring metric. */
export const KNOWN_VARIANTS: readonly VariantSpec[] = [
  {
    benchmark: 'mmlu',
    variant: 'mmlu',
    leaf: new RegExp(`^mmlu_${OTHER_MMLU}[a-z_]+$`),
    metric: 'acc',
    filter: 'none',
  },
  {
    benchmark: 'mmlu',
    variant: 'mmlu_original',
    leaf: /^mmlu_original_[a-z_]+$/,
    metric: 'acc_letter_prob',
    filter: 'none',
  },
  {
    benchmark: 'mmlu',
    variant: 'mmlu_helm',
    leaf: /^mmlu_helm_[a-z_]+$/,
    metric: 'exact_match',
    filter: 'first_letter',
  },
  { benchmark: 'mmlu', variant: 'mmlu_fulltext', leaf: /^mmlu_fulltext_[a-z_]+$/, metric: 'acc', filter: 'none' },
  {
    benchmark: 'mmlu',
    variant: 'mmlu_fulltext:acc_norm',
    leaf: /^mmlu_fulltext_[a-z_]+$/,
    metric: 'acc_norm',
    filter: 'none',
  },
  { benchmark: 'arc_challenge', variant: 'arc_challenge', leaf: /^arc_challenge$/, metric: 'acc', filter: 'none' },
  {
    benchmark: 'arc_challenge',
    variant: 'arc_challenge:acc_norm',
    leaf: /^arc_challenge$/,
    metric: 'acc_norm',
    filter: 'none',
  },
  {
    benchmark: 'arc_challenge',
    variant: 'arc_challenge_letter',
    leaf: /^arc_challenge_letter$/,
    metric: 'acc',
    filter: 'none',
  },
];

const RESULTS_NAME = /^results_(.+)\.json$/;

/**
 * Every known variant in each results file, per model. One model may come from several files (one
 * run per variant); the same variant twice for one model is refused, as it could not be paired.
 */
export function loadVariantItems(files: readonly string[], specs = KNOWN_VARIANTS): VariantItems[] {
  const found: (VariantItems & { file: string })[] = [];
  for (const file of files) {
    const stamp = RESULTS_NAME.exec(basename(file))?.[1];
    if (!stamp) throw new UserError('expected a results_<timestamp>.json file', { file });
    const results = readResultsFile(file);
    const model = modelLabel(results);
    const samples = samplesFiles(file, stamp);
    // Two variants may read one task's samples (acc and acc_norm of mmlu_fulltext): parse each file once.
    const rows = new Map<string, SampleRow[]>();
    const rowsOf = (path: string) => rows.get(path) ?? rows.set(path, readSamplesFile(path)).get(path)!;
    for (const spec of specs) {
      const leaves = [...samples.keys()].filter((task) => spec.leaf.test(task)).sort();
      const items = new Map<string, number>();
      for (const task of leaves) readOutcomes(samples.get(task)!, rowsOf(samples.get(task)!), spec, items);
      if (items.size === 0) continue;
      const twice = found.find((f) => f.model === model && f.variant === spec.variant);
      if (twice) {
        throw new UserError(
          `${spec.variant} for ${model} is also in ${twice.file}`,
          { file },
          'give one run per model and variant',
        );
      }
      found.push({ model, benchmark: spec.benchmark, variant: spec.variant, metric: metricKey(spec), items, file });
    }
  }
  if (found.length === 0) {
    const known = [...new Set(specs.map((s) => s.variant.split(':')[0]))].join(', ');
    throw new UserError('no known variant in these results', { file: files[0] ?? '' }, `run some of: ${known}`);
  }
  return found.map(({ file: _, ...items }) => items);
}

function metricKey(spec: VariantSpec): string {
  return `${spec.metric},${spec.filter}`;
}

/** The samples files of one run (same folder, same timestamp): task → path. */
function samplesFiles(resultsFile: string, stamp: string): Map<string, string> {
  const folder = dirname(resultsFile);
  const suffix = `_${stamp}.jsonl`;
  const files = readdirSync(folder).filter((f) => f.startsWith('samples_') && f.endsWith(suffix));
  if (files.length === 0) {
    throw new UserError('no samples files next to this results file', { file: resultsFile }, 'run with --log_samples');
  }
  return new Map(files.map((f) => [f.slice('samples_'.length, -suffix.length), join(folder, f)]));
}

/**
 * The spec's metric per document, keyed by document hash (a repeated hash gets #2, #3 in doc order,
 * the same in every variant, since variants of one benchmark read the same documents).
 */
function readOutcomes(file: string, rows: readonly SampleRow[], spec: VariantSpec, into: Map<string, number>): void {
  const seen = new Map<string, number>();
  for (const [line, row] of rows.entries()) {
    // Rows of other filters, and tasks that do not log this metric (acc_norm), are not this variant.
    if (row.filter !== spec.filter || !row.metrics.includes(spec.metric)) continue;
    const value = (row as Record<string, unknown>)[spec.metric];
    if (value !== 0 && value !== 1) {
      throw new UserError(
        `${spec.metric} is ${JSON.stringify(value)}; variants compares right (1) and wrong (0) per item`,
        { file, line: line + 1, field: spec.metric },
      );
    }
    const occurrence = (seen.get(row.doc_hash) ?? 0) + 1;
    seen.set(row.doc_hash, occurrence);
    into.set(occurrence === 1 ? row.doc_hash : `${row.doc_hash}#${occurrence}`, value);
  }
}

/** What a reader calls the model: the pretrained= file or name, else the backend and its arguments. */
function modelLabel(results: ResultsReport): string {
  const { model, model_args: args } = results.config;
  const pretrained = /(?:^|,)pretrained=([^,]+)/.exec(args)?.[1];
  if (pretrained) return pretrained;
  return args ? `${model} (${args})` : model;
}
