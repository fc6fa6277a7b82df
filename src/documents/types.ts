import type { Doc } from '../task/types.ts';

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
