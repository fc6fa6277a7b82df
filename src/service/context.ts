/** What every route module is handed: the database, the board cache, token checks and limits. */
import type { TokenVerifier } from './auth.ts';
import type { BoardCache } from './board/view.ts';
import type { Db } from './db/open.ts';
import type { JobQueue } from './jobs/types.ts';

export interface AppContext {
  readonly db: Db;
  readonly board: BoardCache;
  readonly tokens: TokenVerifier;
  readonly jobQueue: JobQueue | null;
  readonly maxUploadBytes: number;
  readonly submissionsPerDay: number;
  readonly tmpDir: string | undefined;
}
