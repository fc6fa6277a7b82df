/**
 * A task, resolved once at load time: every lm-eval field that can take many shapes
 * (template, column name, list, function) is already a function here.
 * Built-in tasks and YAML tasks both produce this.
 */
import type { Doc, TaskDocs } from '../documents/types.ts';
import type { ErrorLocation } from '../errors.ts';

export type OutputType = 'loglikelihood' | 'loglikelihood_rolling' | 'multiple_choice' | 'generate_until';

export interface MetricSpec {
  /** Metric name as in lm-eval YAML: "acc", "exact_match"... */
  readonly metric: string;
  /** Aggregation name: "mean", "perplexity", "weighted_perplexity", "bits_per_byte"... */
  readonly aggregation?: string;
  readonly higherIsBetter?: boolean;
  readonly kwargs?: Readonly<Record<string, unknown>>;
  /** Where the task file names it, for errors. */
  readonly location?: ErrorLocation;
  /**
   * `metric: !function utils.fn`: scores one doc as lm-eval's process_results calls a callable
   * metric (generate_until), giving {name: value} (a dict-returning hook gives several names).
   */
  readonly hook?: (gold: unknown, result: unknown, multipleTarget: boolean) => Readonly<Record<string, unknown>>;
  /** `aggregation: !function utils.fn`: the per-doc items of this metric, all at once, to one number. */
  readonly aggregate?: (items: readonly unknown[]) => number;
}

/** A per-doc value: a number, or a pair such as (gold, prediction) for matthews_corrcoef. */
export type ProcessedValue = number | readonly [number, number];

export interface FilterStep {
  readonly function: string;
  readonly args?: Readonly<Record<string, unknown>>;
  /** Where the task file names it, for errors. */
  readonly location?: ErrorLocation;
  /**
   * A step the task supplies itself (lm-eval's `custom` filter_fn, or `function: !function
   * utils.SomeFilter`): one doc's responses in, its filtered responses out.
   */
  readonly apply?: (responses: readonly unknown[], doc: Doc) => unknown[];
}

export interface FilterPipelineSpec {
  readonly name: string;
  readonly steps: readonly FilterStep[];
}

export interface GenerationKwargs {
  readonly until: readonly string[];
  readonly maxGenToks: number;
  readonly temperature: number;
  readonly doSample: boolean;
  /** Nucleus sampling's top_p (with do_sample). */
  readonly topP?: number;
}

/** One of a task's prompts (a `prompts:` list): the doc's text written its own way. */
export interface TaskPrompt {
  readonly id: string;
  readonly docToText: (doc: Doc) => string;
}

/**
 * MERA's few-shot rule (its FewshotSampler): with examples, the first is written with its own
 * instruction, later ones and the evaluated doc without it; zero-shot prompts use docToText.
 */
export interface InstructionShots {
  readonly first: (doc: Doc) => string;
  readonly rest: (doc: Doc) => string;
}

/**
 * A dialogue task (MERA's ruTiE): docs are turns of dialogues, asked in order, and each turn's
 * prompt holds the model's own earlier answers in its dialogue (not the gold ones).
 */
export interface DialogueSpec {
  /** Which dialogue a doc belongs to, and its place in it (0-based). */
  readonly turnOf: (doc: Doc) => { readonly dialogue: string; readonly turn: number };
  /** The doc's prompt, given the dialogue's earlier turns and the answer the model gave to each. */
  readonly prompt: (doc: Doc, history: readonly { readonly doc: Doc; readonly answer: string }[]) => string;
  /**
   * Few-shot as chat turns (--fewshot_as_multiturn): each earlier turn a user question and the
   * model's answer as the assistant's, then the doc's question. Absent: the prompt as one user turn.
   */
  readonly chatTurns?: (
    doc: Doc,
    history: readonly { readonly doc: Doc; readonly answer: string }[],
  ) => {
    readonly examples: readonly { readonly question: string; readonly answer: string }[];
    readonly question: string;
  };
}

export interface TaskDefinition {
  readonly name: string;
  readonly version: number;
  readonly outputType: OutputType;
  /** `fewshot: false` lets a zero-shot run skip the few-shot split (mmlu_pro's is hub-only). */
  readonly loadDocs: (o?: { readonly fewshot?: boolean }) => Promise<TaskDocs>;
  readonly docToText: (doc: Doc) => string;
  /**
   * Where doc_to_text gives an index into the choices (winogrande): that index. lm-eval then treats
   * the task as "multiple input" when its first document does so: each choice becomes a context,
   * doc_to_target the continuation scored after it, and the index the gold.
   */
  readonly docToInputIndex?: (doc: Doc) => number | undefined;
  /** generate_until / loglikelihood: target string. multiple_choice: index into choices. */
  readonly docToTarget: (doc: Doc) => string | number | readonly string[];
  readonly docToChoice?: (doc: Doc) => readonly string[];
  /** Rendered per doc (lm-eval renders description as a template too). */
  readonly description: (doc: Doc) => string;
  readonly targetDelimiter: string;
  readonly fewshotDelimiter: string;
  readonly defaultNumFewshot: number;
  /**
   * The task's file sets `num_fewshot: 0`: lm-eval then ignores --num_fewshot for it (with a
   * warning), since such a task's prompt has no room for examples.
   */
  readonly zeroShotOnly?: boolean;
  readonly fewshotSampler: 'default' | 'first_n';
  /**
   * lm-eval draws num_fewshot + 1 examples (then drops the evaluated doc) exactly when the
   * task's fewshot_split equals its test_split, both possibly unset.
   */
  readonly fewshotDrawsExtra: boolean;
  /** fewshot_config.doc_to_text/doc_to_target/doc_to_choice: used for the examples only. */
  readonly fewshotDocToText?: (doc: Doc) => string | number;
  readonly fewshotDocToTarget?: (doc: Doc) => string | number | readonly string[];
  readonly fewshotDocToChoice?: (doc: Doc) => readonly string[];
  /** gen_prefix, rendered per doc: written after the target delimiter of the prompt and of each example. */
  readonly genPrefix?: (doc: Doc) => string;
  readonly generation?: GenerationKwargs;
  readonly filters: readonly FilterPipelineSpec[];
  readonly metrics: readonly MetricSpec[];
  /**
   * lm-eval's process_results: scores a doc from its results (generations: the filtered text;
   * log-likelihoods: [logprob, isGreedy] per request) in place of the metric registry. Its keys
   * are metric_list names; a doc may leave some out (per-category metrics).
   */
  readonly processResults?: (doc: Doc, results: readonly unknown[]) => Readonly<Record<string, ProcessedValue>>;
  readonly repeats: number;
  /** Several prompts: doc k is asked with prompt k mod P (or with each, under --prompts all). */
  readonly prompts?: readonly TaskPrompt[];
  /** A prompt id the doc itself carries (MERA records: which of the task's instructions it has). */
  readonly docPromptId?: (doc: Doc) => string;
  readonly instructionShots?: InstructionShots;
  /** The examples a doc's shots may be drawn from (MERA: the same meta.domain / meta.id_task); default all. */
  readonly fewshotPool?: (doc: Doc, pool: readonly Doc[]) => readonly Doc[];
  /** Multiple choice under a chat template keeps target_delimiter before each choice (MERA's lm-eval fork). */
  readonly chatKeepsTargetDelimiter?: boolean;
  readonly dialogue?: DialogueSpec;
  /**
   * Checked before any document is read: the data this task lacks, as a short phrase naming where
   * its files go (undefined when present), so a run can list every missing task in one line.
   */
  readonly missingData?: () => string | undefined;
  /** The task's metrics execute model code (lm-eval's unsafe_code): runs need --confirm_run_unsafe_code. */
  readonly unsafeCode?: boolean;
  /** Plain, JSON-serialisable config echoed into the report's `configs`. */
  readonly config: Readonly<Record<string, unknown>>;
  /** lm-eval's `task_alias`: the task's label in the results table and the results' `alias`. */
  readonly alias?: string;
}

export interface GroupDefinition {
  readonly name: string;
  /** Subtask or subgroup names (a tag listed in a group file is already expanded to its tasks). */
  readonly tasks: readonly string[];
  /**
   * lm-eval's `aggregate_metric_list`: each metric is averaged over the group's leaf tasks, for the
   * filter pipelines in filterList (lm-eval's default: "none"). Empty: the group only labels its
   * subtasks in the table and gets no score.
   */
  readonly aggregateMetrics: readonly { metric: string; weightBySize: boolean; filterList?: readonly string[] }[];
  readonly version: number;
  /** lm-eval's `group_alias`: the group's label in the results table. */
  readonly alias?: string;
  /** A `tag:` collection: its tasks run as if listed one by one; it gets no row and no score. */
  readonly isTag?: boolean;
  /** Where the group file lists a subtask, for errors. */
  readonly locateTask?: (name: string) => ErrorLocation;
}
