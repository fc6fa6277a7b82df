/** Suites on the board: the suite YAMLs' benchmarks become the board's task columns. */
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { UserError } from '../errors.ts';
import { randomBaseline } from '../suites/normalise.ts';
import type { SuiteDefinition } from '../suites/definition.ts';
import type { Db } from './db/open.ts';
import { suites, suiteTasks } from './db/schema.ts';

export interface BoardTask {
  readonly id: string;
  readonly name: string;
  readonly domain: string;
  /** Null where the benchmark normalises each subtask against its own baseline. */
  readonly random_baseline: number | null;
  readonly num_fewshot: number | null;
  readonly gold_public: boolean;
}

export interface BoardSuite {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly sha256: string;
  readonly tasks: readonly BoardTask[];
  readonly domains: readonly string[];
}

/** Inserts or updates a suite and its tasks from its YAML definition. */
export async function syncSuite(db: Db, suite: SuiteDefinition, o: { readonly position?: number } = {}): Promise<void> {
  await db.transaction(async (tx) => {
    await tx
      .insert(suites)
      .values({
        id: suite.suite,
        name: suite.suite,
        description: suite.description,
        sha256: suite.sha256,
        position: o.position ?? 0,
        definition: { ...suite },
      })
      .onConflictDoUpdate({
        target: suites.id,
        set: { description: suite.description, sha256: suite.sha256, definition: { ...suite } },
      });
    // Re-syncing (every `serve` start) keeps which tasks an admin made public.
    const publicTasks = new Set(
      (
        await tx
          .select({ task: suiteTasks.taskId })
          .from(suiteTasks)
          .where(and(eq(suiteTasks.suiteId, suite.suite), eq(suiteTasks.goldPublic, true)))
      ).map((r) => r.task),
    );
    await tx.delete(suiteTasks).where(eq(suiteTasks.suiteId, suite.suite));
    await tx.insert(suiteTasks).values(
      suite.benchmarks.map((b, position) => ({
        goldPublic: publicTasks.has(b.task),
        suiteId: suite.suite,
        taskId: b.task,
        name: b.name,
        domain: b.domain ?? 'general',
        randomBaseline: b.subtasks ? null : randomBaseline(b.choices),
        numFewshot: b.num_fewshot,
        position,
      })),
    );
    await tx.execute(sql`UPDATE board_state SET version = version + 1 WHERE id = 1`);
  });
}

export async function listSuites(db: Db): Promise<BoardSuite[]> {
  const suiteRows = await db.select().from(suites).orderBy(asc(suites.position), asc(suites.id));
  const taskRows = await db.select().from(suiteTasks).orderBy(asc(suiteTasks.suiteId), asc(suiteTasks.position));
  return suiteRows.map((s) => {
    const tasks = taskRows
      .filter((t) => t.suiteId === s.id)
      .map((t) => ({
        id: t.taskId,
        name: t.name,
        domain: t.domain,
        random_baseline: t.randomBaseline,
        num_fewshot: t.numFewshot,
        gold_public: t.goldPublic,
      }));
    return {
      id: s.id,
      name: s.name,
      description: s.description,
      sha256: s.sha256,
      tasks,
      domains: [...new Set(tasks.map((t) => t.domain))],
    };
  });
}

/** Bumps the board's version: every server's cached view reloads on its next query. */
export async function touchBoard(db: Db): Promise<void> {
  await db.execute(sql`UPDATE board_state SET version = version + 1 WHERE id = 1`);
}

/**
 * Marks tasks of a suite public (their gold answers appear in the sample viewer) or hidden again.
 * Unknown task ids are an error naming them; nothing changes then.
 */
export async function setGoldPublic(db: Db, suiteId: string, taskIds: readonly string[], goldPublic: boolean) {
  const known = new Set(
    (await db.select({ id: suiteTasks.taskId }).from(suiteTasks).where(eq(suiteTasks.suiteId, suiteId))).map(
      (r) => r.id,
    ),
  );
  const unknown = taskIds.filter((t) => !known.has(t));
  if (known.size === 0) throw new UserError(`no suite ${suiteId} with tasks`, { field: 'SUITE' });
  if (unknown.length > 0)
    throw new UserError(`suite ${suiteId} has no task ${unknown.join(', ')} (tasks: ${[...known].join(', ')})`, {
      field: 'TASKS',
    });
  await db
    .update(suiteTasks)
    .set({ goldPublic })
    .where(and(eq(suiteTasks.suiteId, suiteId), inArray(suiteTasks.taskId, [...taskIds])));
}
