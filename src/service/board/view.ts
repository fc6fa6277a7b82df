/**
 * The board's denormalised view: every scored public submission of a suite with its model's
 * metadata and its task scores, held in memory and rebuilt when the database's board version
 * moves. Filtering and sorting 10,000 rows in memory is faster than a pivot over the scores table
 * per request, and a query's result is memoised per snapshot.
 */
import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../db/open.ts';
import { queryRows } from '../db/open.ts';
import { models, picks, scores, submissions } from '../db/schema.ts';
import type { BoardSuite } from '../suites.ts';
import { listSuites } from '../suites.ts';

export interface TaskScore {
  readonly raw: number;
  readonly normalised: number | null;
  readonly stderr: number | null;
  readonly ciLow: number | null;
  readonly ciHigh: number | null;
  readonly normalisedStderr: number | null;
  readonly normalisedCiLow: number | null;
  readonly normalisedCiHigh: number | null;
}

export interface ViewRow {
  readonly submissionId: number;
  readonly modelId: string;
  readonly name: string;
  readonly org: string;
  readonly type: string;
  readonly openness: string;
  readonly precision: string | null;
  readonly paramsB: number | null;
  readonly architecture: string | null;
  readonly license: string | null;
  readonly chatTemplate: boolean | null;
  readonly mode: string | null;
  readonly pick: boolean;
  readonly standardSetup: boolean;
  /** YYYY-MM-DD, or null where unknown. */
  readonly submittedAt: string | null;
  readonly total: number | null;
  readonly totalRaw: number | null;
  readonly scores: ReadonlyMap<string, TaskScore>;
  /** Lower-cased model id, for search. */
  readonly searchKey: string;
}

export interface SuiteView {
  readonly suite: BoardSuite;
  readonly rows: readonly ViewRow[];
}

export interface BoardSnapshot {
  readonly version: number;
  readonly suites: readonly BoardSuite[];
  readonly views: ReadonlyMap<string, SuiteView>;
}

/** The metric holding a task's board score (the suite's benchmark score). */
export const BOARD_METRIC = 'score';

export async function boardVersion(db: Db): Promise<number> {
  const rows = await queryRows<{ version: number }>(db, sql`SELECT version FROM board_state WHERE id = 1`);
  return rows[0]?.version ?? 0;
}

const visibleOnBoard = and(eq(submissions.status, 'scored'), eq(submissions.visibility, 'public'));

export async function loadSnapshot(db: Db): Promise<BoardSnapshot> {
  const version = await boardVersion(db);
  const suiteList = await listSuites(db);
  const subs = await db
    .select({
      id: submissions.id,
      suiteId: submissions.suiteId,
      modelId: submissions.modelId,
      precision: submissions.precision,
      mode: submissions.mode,
      chatTemplate: submissions.chatTemplate,
      standardSetup: submissions.standardSetup,
      submittedAt: submissions.submittedAt,
      total: submissions.total,
      totalRaw: submissions.totalRaw,
      name: models.name,
      org: models.org,
      type: models.type,
      declaredType: submissions.modelType,
      openness: models.openness,
      paramsB: models.paramsB,
      declaredParamsB: submissions.paramsB,
      architecture: models.architecture,
      license: models.license,
      pick: picks.modelId,
    })
    .from(submissions)
    .innerJoin(models, eq(models.id, submissions.modelId))
    .leftJoin(picks, eq(picks.modelId, submissions.modelId))
    .where(visibleOnBoard);
  const scoreRows = await db
    .select({
      submissionId: scores.submissionId,
      taskId: scores.taskId,
      raw: scores.raw,
      normalised: scores.normalised,
      stderr: scores.stderr,
      ciLow: scores.ciLow,
      ciHigh: scores.ciHigh,
      normalisedStderr: scores.normalisedStderr,
      normalisedCiLow: scores.normalisedCiLow,
      normalisedCiHigh: scores.normalisedCiHigh,
    })
    .from(scores)
    .innerJoin(submissions, eq(submissions.id, scores.submissionId))
    .where(and(eq(scores.metric, BOARD_METRIC), visibleOnBoard));
  const bySubmission = new Map<number, Map<string, TaskScore>>();
  for (const { submissionId, taskId, ...score } of scoreRows) {
    let m = bySubmission.get(submissionId);
    if (!m) {
      m = new Map();
      bySubmission.set(submissionId, m);
    }
    m.set(taskId, score);
  }
  const views = new Map<string, { suite: BoardSuite; rows: ViewRow[] }>(
    suiteList.map((s) => [s.id, { suite: s, rows: [] }]),
  );
  for (const s of subs) {
    views.get(s.suiteId)?.rows.push({
      submissionId: s.id,
      modelId: s.modelId,
      name: s.name,
      org: s.org,
      type: s.declaredType ?? s.type,
      openness: s.openness,
      precision: s.precision,
      paramsB: s.declaredParamsB ?? s.paramsB,
      architecture: s.architecture,
      license: s.license,
      chatTemplate: s.chatTemplate,
      mode: s.mode,
      pick: s.pick !== null,
      standardSetup: s.standardSetup,
      submittedAt: s.submittedAt ? s.submittedAt.toISOString().slice(0, 10) : null,
      total: s.total,
      totalRaw: s.totalRaw,
      scores: bySubmission.get(s.id) ?? new Map(),
      searchKey: s.modelId.toLowerCase(),
    });
  }
  for (const v of views.values()) v.rows.sort((a, b) => a.submissionId - b.submissionId);
  return { version, suites: suiteList, views };
}

/**
 * The current snapshot, reloaded when the database's board version has moved. The version is
 * checked at most once per `recheckMs`, so a write by another process (a worker on another
 * machine) shows within that time; while that reload runs (seconds at 10,000 submissions) queries
 * keep answering from the previous snapshot. A write through this process (`invalidate`) makes
 * the next query wait for the reload, so its writer reads its own write.
 */
export class BoardCache {
  private snapshot: BoardSnapshot | null = null;
  private loading: Promise<BoardSnapshot> | null = null;
  private checkedAt = 0;
  private mustWait = false;
  private readonly results = new Map<string, unknown>();
  /** Writes of this process under way (whileWriting): their commit may already be visible. */
  private writers = 0;

  constructor(
    private readonly db: Db,
    private readonly recheckMs = 1000,
  ) {}

  async get(): Promise<BoardSnapshot> {
    if (this.snapshot && !this.mustWait && this.writers === 0 && Date.now() - this.checkedAt < this.recheckMs)
      return this.snapshot;
    if (this.snapshot && !this.mustWait && this.writers > 0) {
      // A write here is committing: whoever already sees its result (a submission now `scored`)
      // must see it on the board too, so the version is read now rather than at the next recheck.
      if ((await boardVersion(this.db)) === this.snapshot.version) return this.snapshot;
      this.mustWait = true;
    }
    if (this.loading) {
      if (!this.mustWait) return this.snapshot ?? this.loading;
      // The reload in flight may have started before this process's write: wait for it, then reload.
      await this.loading.catch(() => undefined);
      return this.get();
    }
    const wait = this.mustWait || !this.snapshot;
    this.mustWait = false;
    this.loading = this.refresh().finally(() => {
      this.loading = null;
    });
    // A background reload that fails is retried on the next query; only waiting callers see the error.
    this.loading.catch(() => undefined);
    return wait ? this.loading : this.snapshot!;
  }

  private async refresh(): Promise<BoardSnapshot> {
    const version = await boardVersion(this.db);
    if (!this.snapshot || this.snapshot.version !== version) {
      this.snapshot = await loadSnapshot(this.db);
      this.results.clear();
    }
    this.checkedAt = Date.now();
    return this.snapshot;
  }

  /** A query's result on the current snapshot, computed once per snapshot. */
  memo<T>(snapshot: BoardSnapshot, key: string, compute: () => T): T {
    if (snapshot !== this.snapshot) return compute();
    if (this.results.has(key)) return this.results.get(key) as T;
    const value = compute();
    if (this.results.size >= 1000) this.results.clear();
    this.results.set(key, value);
    return value;
  }

  /**
   * Runs a write of this process that changes the board (scoring an upload) whose outcome others
   * can read before it returns: meanwhile each query compares the board version with its snapshot's;
   * afterwards the next query reloads.
   */
  async whileWriting<T>(write: () => Promise<T>): Promise<T> {
    this.writers++;
    try {
      return await write();
    } finally {
      this.writers--;
      this.invalidate();
    }
  }

  /** After a write through this process: the next query reloads. */
  invalidate(): void {
    this.checkedAt = 0;
    this.mustWait = true;
  }
}
