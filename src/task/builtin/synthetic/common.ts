import { createHash } from 'node:crypto';
import type { Doc, TaskDocs } from '../../../documents/types.ts';
import type { FilterPipelineSpec, MetricSpec, TaskDefinition } from '../../types.ts';
import { PythonRandom } from '../../../python/random.ts';
import { stableStringify } from '../../../util/stable-json.ts';

/**
 * Shared machinery for the data-free `synthetic` tasks: one seeded PythonRandom stream per task
 * yields the few-shot pool first and the eval docs after it, skipping any prompt already seen,
 * so the two splits are disjoint and duplicate-free by construction.
 */

export const EVAL_DOCS = 1000;
export const FEWSHOT_DOCS = 100;
/** Bump when any generator changes its output; the docs' sha256 in `sources` also changes. */
export const GENERATOR_VERSION = 1;

export const ANSWER_SUFFIX = '\nAnswer:';

/** Exact match on a generated number: `until: ["\n"]` cuts the line, the regex drops spaces around it. */
export const EXACT_MATCH: MetricSpec = {
  metric: 'exact_match',
  aggregation: 'mean',
  higherIsBetter: true,
  kwargs: { ignore_case: true, ignore_punctuation: false, regexes_to_ignore: ['^\\s+|\\s+$'] },
};
export const ACC: MetricSpec = { metric: 'acc', aggregation: 'mean', higherIsBetter: true };
export const ACC_NORM: MetricSpec = { metric: 'acc_norm', aggregation: 'mean', higherIsBetter: true };

const TAKE_FIRST: FilterPipelineSpec = { name: 'none', steps: [{ function: 'take_first' }] };

interface CommonSpec<D extends object> {
  readonly name: string;
  readonly seed: number;
  /** MERA's shot count for the matching task. */
  readonly defaultNumFewshot: number;
  /** One item; `index` counts accepted docs in the split, so a rejected duplicate is redrawn with the same index. */
  readonly generate: (rng: PythonRandom, index: number) => D;
  readonly docToText: (doc: D) => string;
  /** Plain-text template of the prompt, for the report's config. */
  readonly promptTemplate: string;
  readonly metrics: readonly MetricSpec[];
}

export interface GenerateSpec<D extends object> extends CommonSpec<D> {
  readonly outputType: 'generate_until';
  readonly docToTarget: (doc: D) => string;
  readonly maxGenToks: number;
}

export interface ChoiceSpec<D extends object> extends CommonSpec<D> {
  readonly outputType: 'multiple_choice';
  readonly choices: readonly string[];
  readonly docToTarget: (doc: D) => number;
}

export function generateSplits<D extends object>(spec: CommonSpec<D>): { eval: D[]; fewshot: D[] } {
  const rng = new PythonRandom(spec.seed);
  const seen = new Set<string>();
  const fill = (count: number): D[] => {
    const docs: D[] = [];
    while (docs.length < count) {
      const doc = spec.generate(rng, docs.length);
      const key = spec.docToText(doc);
      if (seen.has(key)) continue;
      seen.add(key);
      docs.push(doc);
    }
    // Generators may alternate labels by index for exact class balance; shuffling hides the pattern.
    rng.shuffle(docs);
    return docs;
  };
  const fewshot = fill(FEWSHOT_DOCS);
  return { fewshot, eval: fill(EVAL_DOCS) };
}

export function sha256OfDocs(docs: { eval: readonly object[]; fewshot: readonly object[] }): string {
  return createHash('sha256').update(stableStringify(docs)).digest('hex');
}

export function syntheticTask<D extends object>(spec: GenerateSpec<D> | ChoiceSpec<D>): TaskDefinition {
  // Docs are our own generator's output, so the cast only restores the type we created them with.
  const typed = (doc: Doc): D => doc as unknown as D;
  let docs: TaskDocs | undefined;
  const loadDocs = async (): Promise<TaskDocs> => {
    if (!docs) {
      const splits = generateSplits(spec);
      docs = {
        eval: splits.eval as unknown as Doc[],
        fewshot: splits.fewshot as unknown as Doc[],
        evalSplit: 'test',
        fewshotSplit: 'fewshot',
        sources: {
          [`builtin:synthetic/${spec.name}`]: { sha256: sha256OfDocs(splits), rows: EVAL_DOCS + FEWSHOT_DOCS },
        },
      };
    }
    return docs;
  };
  const generate = spec.outputType === 'generate_until';
  const common = {
    name: spec.name,
    version: GENERATOR_VERSION,
    outputType: spec.outputType,
    loadDocs,
    docToText: (doc: Doc) => spec.docToText(typed(doc)),
    docToTarget: (doc: Doc) => spec.docToTarget(typed(doc)),
    description: () => '',
    targetDelimiter: ' ',
    fewshotDelimiter: '\n\n',
    defaultNumFewshot: spec.defaultNumFewshot,
    fewshotSampler: 'default' as const,
    // The few-shot pool is its own split, disjoint from the eval docs: no extra draw to drop.
    fewshotDrawsExtra: false,
    filters: generate ? [TAKE_FIRST] : [],
    metrics: spec.metrics,
    repeats: 1,
    config: configOf(spec),
  };
  if (spec.outputType === 'multiple_choice') return { ...common, docToChoice: () => spec.choices };
  return { ...common, generation: { until: ['\n'], maxGenToks: spec.maxGenToks, temperature: 0, doSample: false } };
}

/** lm-eval-shaped config for the report: what a YAML for this task would say. */
function configOf<D extends object>(spec: GenerateSpec<D> | ChoiceSpec<D>): Record<string, unknown> {
  const config: Record<string, unknown> = {
    task: spec.name,
    tag: ['synthetic'],
    dataset_path: 'builtin:synthetic',
    generator: {
      seed: spec.seed,
      version: GENERATOR_VERSION,
      num_eval_docs: EVAL_DOCS,
      num_fewshot_docs: FEWSHOT_DOCS,
    },
    test_split: 'test',
    fewshot_split: 'fewshot',
    output_type: spec.outputType,
    doc_to_text: spec.promptTemplate,
    doc_to_target: spec.outputType === 'multiple_choice' ? 'index of the answer in doc_to_choice' : 'answer',
    description: '',
    target_delimiter: ' ',
    fewshot_delimiter: '\n\n',
    num_fewshot: spec.defaultNumFewshot,
    fewshot_config: { sampler: 'default' },
    metric_list: spec.metrics.map((m) => ({
      metric: m.metric,
      aggregation: m.aggregation,
      higher_is_better: m.higherIsBetter,
      ...m.kwargs,
    })),
    repeats: 1,
    metadata: { version: GENERATOR_VERSION },
  };
  if (spec.outputType === 'multiple_choice') config.doc_to_choice = [...spec.choices];
  else {
    config.generation_kwargs = { until: ['\n'], max_gen_toks: spec.maxGenToks, do_sample: false, temperature: 0 };
    config.filter_list = [{ name: 'none', filter: [{ function: 'take_first' }] }];
  }
  return config;
}
