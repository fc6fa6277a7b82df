/**
 * MERA submission ZIPs scored on hidden gold. Gold lives in the database's `gold` table only
 * (`evalboard admin load-gold mera DIR`); for scoring it is written to a private temp folder
 * (mode 0700) that is removed as soon as the scorer returns.
 */
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { and, eq, sql } from 'drizzle-orm';
import { UserError } from '../../errors.ts';
import type { ArchiveLimits } from '../../submissions/archive.ts';
import { meraItemId } from '../../submissions/mera-prompts.ts';
import { type MeraSubmissionScore, readMeraGold, scoreMeraSubmission } from '../../submissions/mera-score.ts';
import { MERA_SUBMISSION_TASKS } from '../../submissions/mera-tasks.ts';
import type { Db } from '../db/open.ts';
import { gold, suites, suiteTasks } from '../db/schema.ts';
import { type SampleOut, type ScoredUpload, UNKNOWN_SETUP } from './results.ts';

export const MERA_SUITE = 'mera';

/** Loads a MERA gold folder (`<Task>.json` per task) into the private table and the suite's task list. */
export async function loadMeraGold(db: Db, goldDir: string): Promise<{ tasks: string[]; items: number }> {
  const parsed = await readMeraGold(goldDir);
  const rows: (typeof gold.$inferInsert)[] = [];
  for (const task of parsed.keys()) {
    const json = JSON.parse(await readFile(join(goldDir, `${task}.json`), 'utf8')) as { data: { test: unknown[] } };
    for (const record of json.data.test.flat()) {
      // ruTiE's records carry dialog_id and question_id instead of an id.
      const meta = (record as { meta: Record<string, unknown> }).meta;
      rows.push({ suiteId: MERA_SUITE, taskId: task, itemId: meraItemId(meta), answer: record });
    }
  }
  const tasks = MERA_SUBMISSION_TASKS.filter((t) => parsed.has(t.name));
  await db.transaction(async (tx) => {
    await tx
      .insert(suites)
      .values({
        id: MERA_SUITE,
        name: 'MERA',
        description: 'MERA (Russian LLM benchmark), scored on hidden gold',
        sha256: '',
        // After the suites `serve` lists, so loading gold never changes which board opens by default.
        position: 100,
      })
      .onConflictDoNothing();
    await tx.delete(gold).where(eq(gold.suiteId, MERA_SUITE));
    for (let i = 0; i < rows.length; i += 500) await tx.insert(gold).values(rows.slice(i, i + 500));
    // Reloading gold keeps which tasks an admin made public.
    const publicTasks = new Set(
      (
        await tx
          .select({ task: suiteTasks.taskId })
          .from(suiteTasks)
          .where(and(eq(suiteTasks.suiteId, MERA_SUITE), eq(suiteTasks.goldPublic, true)))
      ).map((r) => r.task),
    );
    await tx.delete(suiteTasks).where(eq(suiteTasks.suiteId, MERA_SUITE));
    await tx.insert(suiteTasks).values(
      tasks.map((t, position) => ({
        goldPublic: publicTasks.has(t.name),
        suiteId: MERA_SUITE,
        taskId: t.name,
        name: t.name,
        domain: t.useInTotal ? 'main' : 'diagnostic',
        randomBaseline: null,
        position,
      })),
    );
    await tx.execute(sql`UPDATE board_state SET version = version + 1 WHERE id = 1`);
  });
  return { tasks: tasks.map((t) => t.name), items: rows.length };
}

/** Writes the suite's gold to a private temp folder for the scorer; the caller removes it. */
async function goldFolder(db: Db, workDir: string): Promise<string> {
  const rows = await db
    .select()
    .from(gold)
    .where(and(eq(gold.suiteId, MERA_SUITE)));
  if (rows.length === 0)
    throw new UserError('no MERA gold loaded', { field: 'suite' }, 'an admin runs evalboard admin load-gold mera DIR');
  const dir = await mkdtemp(join(workDir, 'gold-'));
  const byTask = new Map<string, unknown[]>();
  for (const r of rows) byTask.set(r.taskId, [...(byTask.get(r.taskId) ?? []), r.answer]);
  for (const [task, records] of byTask)
    await writeFile(join(dir, `${task}.json`), JSON.stringify({ data: { test: records } }), { mode: 0o600 });
  return dir;
}

export function isMeraArchive(paths: readonly string[]): boolean {
  const names = new Set(MERA_SUBMISSION_TASKS.map((t) => `${t.name}.json`));
  return paths.some((p) => names.has(p.split('/').at(-1)!));
}

export async function scoreMeraUpload(
  db: Db,
  archivePath: string,
  limits: Partial<ArchiveLimits>,
): Promise<ScoredUpload> {
  const workDir = await mkdtemp(join(tmpdir(), 'evalboard-mera-'));
  try {
    const goldDir = await goldFolder(db, workDir);
    const result = await scoreMeraSubmission(archivePath, goldDir, { limits, workDir });
    const loaded = new Set(await readdir(goldDir));
    const scores = [];
    const subScores = [];
    for (const [task, r] of Object.entries(result.tasks)) {
      if (!loaded.has(`${task}.json`) || r.score === null) continue;
      scores.push({
        taskId: task,
        metric: 'score',
        raw: r.score,
        normalised: r.score * 100,
        stderr: null,
        ciLow: null,
        ciHigh: null,
        normalisedStderr: null,
        normalisedCiLow: null,
        normalisedCiHigh: null,
      });
      for (const [metric, value] of Object.entries(r.metrics)) {
        if (metric.includes('.'))
          subScores.push({ taskId: task, subcategory: metric, raw: value, normalised: value * 100 });
      }
    }
    return {
      errors: result.errors.map((e) => ({
        task: e.task,
        id: e.id === undefined ? (e.example_number === undefined ? null : `#${e.example_number}`) : String(e.id),
        message: `${e.type}: ${e.message}`,
      })),
      warnings: result.not_computable.map((n) => ({ task: n.task, id: null, message: `not scored: ${n.reason}` })),
      scores,
      subScores,
      samples: meraSamples(result, loaded),
      total: result.total === null ? null : result.total * 100,
      totalRaw: result.total,
      standardSetup: true,
      setup: { format: 'MERA submission ZIP', total_over: [...result.total_over] },
      meta: UNKNOWN_SETUP,
    };
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}

const CORRECTNESS_METRICS = new Set(['acc', 'em', 'pass@1']);

/**
 * The viewer's rows of a scored MERA upload: per item its outputs (the extracted answer), the
 * logged prompt and response where logs_public.zip has them, and the item's metric.
 */
function meraSamples(result: MeraSubmissionScore, loaded: ReadonlySet<string>): SampleOut[] {
  const out: SampleOut[] = [];
  for (const [task, r] of Object.entries(result.tasks)) {
    if (!loaded.has(`${task}.json`) || !r.items) continue;
    const logged = result.prompts.get(task);
    for (const item of r.items) {
      const itemId = meraItemId(item.meta);
      const extracted = typeof item.outputs === 'string' ? item.outputs : JSON.stringify(item.outputs);
      const log = logged?.get(itemId);
      out.push({
        taskId: task,
        itemId,
        prompt: log?.prompt ?? null,
        messages: null,
        output: log?.response ?? extracted,
        extracted,
        metricName: item.metric ?? 'none',
        metricValue: item.value,
        correct: item.metric !== null && CORRECTNESS_METRICS.has(item.metric) ? item.value === 1 : null,
        promptId: null,
      });
    }
  }
  return out;
}
