import type { DatasetOptions } from '../../documents/resolve.ts';
import type { ErrorLocation } from '../../errors.ts';
import type { Doc } from '../../documents/types.ts';
import type { GroupDefinition, TaskDefinition } from '../types.ts';

/**
 * What a YAML task adds to TaskDefinition (a subtype, so it is usable wherever a
 * TaskDefinition is). The extra fields carry lm-eval behaviour the shared type has no slot for.
 */
export interface YamlTaskDefinition extends TaskDefinition {
  readonly file: string;
  readonly alias?: string;
  readonly tags: readonly string[];
  /** fewshot_config.doc_to_text/doc_to_target/doc_to_choice: used for examples only. */
  readonly fewshotDocToText?: (doc: Doc) => string | number;
  readonly fewshotDocToTarget?: (doc: Doc) => string | number | readonly string[];
  readonly fewshotDocToChoice?: (doc: Doc) => readonly string[];
  /** gen_prefix, rendered per doc. */
  readonly genPrefix?: (doc: Doc) => string;
  /**
   * lm-eval draws num_fewshot + 1 examples (then drops the evaluated doc) exactly when
   * config.fewshot_split == config.test_split, both possibly unset.
   */
  readonly fewshotDrawsExtra: boolean;
  readonly docToDecontaminationQuery?: (doc: Doc) => string;
}

export interface YamlGroupDefinition extends GroupDefinition {
  readonly file?: string;
  readonly alias?: string;
  readonly aggregateMetrics: readonly {
    metric: string;
    weightBySize: boolean;
    /** Filter pipelines whose scores are aggregated (lm-eval default "none"). */
    filterList: readonly string[];
  }[];
  /** true for a `tag:` collection: its tasks run, but nothing is aggregated. */
  readonly isTag: boolean;
}

export interface TaskLoadOptions extends Omit<DatasetOptions, 'baseDir'> {}

export interface TaskWarning {
  readonly message: string;
  readonly location: ErrorLocation;
}
