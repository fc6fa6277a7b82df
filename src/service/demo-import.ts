/**
 * The demo data: the Open LLM Leaderboard v2 table (one row per evaluated model and precision)
 * imported as scored public submissions of suite openllm_v2, with the leaderboard's own raw and
 * normalised scores, metadata and "Official Providers" flags as maintainers' picks.
 */
import { readFile } from 'node:fs/promises';
import { parseCsv } from '../analysis/read-leaderboard.ts';
import { UserError } from '../errors.ts';
import { loadSuite } from '../suites/definition.ts';
import type { Db } from './db/open.ts';
import { type ModelType, models, picks, scores, submissions } from './db/schema.ts';
import { syncSuite, touchBoard } from './suites.ts';

export const DEMO_CSV = 'leaderboards/open-llm-v2/open_llm_leaderboard_contents_2025-02.csv';

/** The leaderboard's `T` column (an emoji per model type). */
const TYPE_BY_EMOJI: Readonly<Record<string, ModelType>> = {
  '🟢': 'pretrained',
  '🟩': 'continuously-pretrained',
  '🔶': 'fine-tuned',
  '💬': 'chat',
  '🤝': 'merge',
  '🌸': 'multimodal',
  '❓': 'other',
};

export interface ImportSummary {
  readonly submissions: number;
  readonly models: number;
  readonly picks: number;
}

export async function importOpenLlmLeaderboard(db: Db, csvPath: string): Promise<ImportSummary> {
  const suite = await loadSuite('openllm_v2');
  await syncSuite(db, suite);
  let text: string;
  try {
    text = await readFile(csvPath, 'utf8');
  } catch (e) {
    throw new UserError(`cannot read the leaderboard table: ${(e as NodeJS.ErrnoException).code}`, { file: csvPath });
  }
  const [header, ...rows] = parseCsv(text.replace(/^\uFEFF/, ''));
  if (!header) throw new UserError('empty file', { file: csvPath });
  const col = (name: string): number => {
    const i = header.indexOf(name);
    if (i < 0) throw new UserError(`no column "${name}"`, { file: csvPath, line: 1 });
    return i;
  };
  const c = {
    fullname: col('fullname'),
    precision: col('Precision'),
    type: col('T'),
    architecture: col('Architecture'),
    sha: col('Model sha'),
    average: col('Average ⬆️'),
    license: col('Hub License'),
    params: col('#Params (B)'),
    chat: col('Chat Template'),
    official: col('Official Providers'),
    submitted: col('Submission Date'),
  };
  const benchmarks = suite.benchmarks.map((b) => ({ task: b.task, raw: col(`${b.name} Raw`), norm: col(b.name) }));
  const modelRows = new Map<string, typeof models.$inferInsert>();
  const picked = new Set<string>();
  const entries: { sub: typeof submissions.$inferInsert; scores: { task: string; raw: number; norm: number }[] }[] = [];
  rows.forEach((cells, r) => {
    if (cells.length === 1 && cells[0] === '') return;
    const line = r + 2;
    if (cells.length !== header.length)
      throw new UserError(`${cells.length} cells, header has ${header.length}`, { file: csvPath, line });
    const id = cells[c.fullname]!;
    const slash = id.indexOf('/');
    const params = Number(cells[c.params]);
    const paramsB = cells[c.params] !== '' && params > 0 ? params : null;
    const type = TYPE_BY_EMOJI[cells[c.type]!] ?? 'other';
    if (!modelRows.has(id))
      modelRows.set(id, {
        id,
        org: slash < 0 ? '' : id.slice(0, slash),
        name: slash < 0 ? id : id.slice(slash + 1),
        revision: cells[c.sha] || null,
        type,
        openness: 'open',
        license: cells[c.license] || null,
        architecture: cells[c.architecture] || null,
        paramsB,
      });
    if (cells[c.official] === 'True') picked.add(id);
    const taskScores = benchmarks.map((b) => {
      const raw = Number(cells[b.raw]);
      const norm = Number(cells[b.norm]);
      if (!Number.isFinite(raw) || !Number.isFinite(norm))
        throw new UserError(`${b.task}: not a number`, { file: csvPath, line });
      return { task: b.task, raw, norm };
    });
    const submitted = cells[c.submitted]!;
    entries.push({
      sub: {
        modelId: id,
        suiteId: suite.suite,
        precision: cells[c.precision] || null,
        modelType: type,
        paramsB,
        chatTemplate: cells[c.chat] === 'True',
        status: 'scored',
        visibility: 'public',
        standardSetup: true,
        source: 'import',
        total: Number(cells[c.average]),
        totalRaw: taskScores.reduce((a, s) => a + s.raw, 0) / taskScores.length,
        submittedAt: submitted ? new Date(`${submitted}T00:00:00Z`) : null,
        setup: { source: 'Open LLM Leaderboard v2 table', file: DEMO_CSV },
      },
      scores: taskScores,
    });
  });
  await db.transaction(async (tx) => {
    const modelList = [...modelRows.values()];
    for (let i = 0; i < modelList.length; i += 500)
      await tx
        .insert(models)
        .values(modelList.slice(i, i + 500))
        .onConflictDoNothing();
    const pickList = [...picked].map((modelId) => ({ modelId }));
    if (pickList.length > 0) await tx.insert(picks).values(pickList).onConflictDoNothing();
    for (let i = 0; i < entries.length; i += 500) {
      const chunk = entries.slice(i, i + 500);
      const ids = await tx
        .insert(submissions)
        .values(chunk.map((e) => e.sub))
        .returning({ id: submissions.id });
      await tx.insert(scores).values(
        chunk.flatMap((e, k) =>
          e.scores.map((s) => ({
            submissionId: ids[k]!.id,
            taskId: s.task,
            metric: 'score',
            raw: s.raw,
            normalised: s.norm,
          })),
        ),
      );
    }
  });
  await touchBoard(db);
  return { submissions: entries.length, models: modelRows.size, picks: picked.size };
}
