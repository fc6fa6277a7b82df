/** One dataset row as the task's templates and functions see it. */
export type Doc = Readonly<Record<string, unknown>>;

/** What was read from one data file, for the report's provenance record. */
export interface SourceFile {
  readonly sha256: string;
  /** Rows this file contributed (after any split filtering). */
  readonly rows: number;
}

/** Every loader returns the rows in file order plus where they came from. */
export interface LoadedRows {
  readonly rows: Doc[];
  /** file path → content hash and row count */
  readonly sources: Record<string, SourceFile>;
}

/** What a task's loadDocs gives: its documents by role, and where they came from. */
export interface TaskDocs {
  /** The evaluated documents, in order; doc_id = index. */
  readonly eval: readonly Doc[];
  /** Where few-shot examples come from; undefined = no separate split. */
  readonly fewshot?: readonly Doc[];
  /** Name of each split, for the report. */
  readonly evalSplit: string;
  readonly fewshotSplit?: string;
  /** Content hashes of the data files read (file → sha256), for the report. */
  readonly sources?: Readonly<Record<string, SourceFile>>;
}
