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
  readonly tags: readonly string[];
  readonly docToDecontaminationQuery?: (doc: Doc) => string;
}

export interface YamlGroupDefinition extends GroupDefinition {
  readonly file?: string;
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
  /** The file could not be read or parsed: its tasks fail when asked for, the others load. */
  readonly brokenFile?: boolean;
}
