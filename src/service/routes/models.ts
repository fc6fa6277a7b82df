/** A model's page (metadata, submission history, latest scores) and side-by-side comparison. */
import { and, desc, eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { pairedPermutationTest } from '../../stats/stats.ts';
import type { AppContext } from '../context.ts';
import { badRequest, notFound } from '../api/errors.ts';
import { compareQuery, compareResponse, errorBody, modelResponse } from '../api/schemas.ts';
import {
  boardScores,
  domainValues,
  itemValues,
  promptSpread,
  type ScoreCell,
  scoreCells,
  subcategoryValues,
  type ValueWithCi,
  visibleTo,
} from '../board/model-data.ts';
import type { Db } from '../db/open.ts';
import { models, picks, submissions } from '../db/schema.ts';

/** Fewer shared items than this and a paired test says little: the comparison falls back to CI overlap. */
const MIN_PAIRED_ITEMS = 10;
const ALPHA = 0.05;

export async function modelRoutes(instance: FastifyInstance, ctx: AppContext): Promise<void> {
  const api = instance.withTypeProvider<ZodTypeProvider>();

  api.get(
    '/api/models/:id',
    {
      schema: {
        summary: "A model's metadata, submission history and latest scores (id URL-encoded: org%2Fname)",
        params: z.object({ id: z.string().min(1) }),
        response: { 200: modelResponse, 404: errorBody },
      },
    },
    async (request) => {
      const id = request.params.id;
      const model = await modelMeta(ctx.db, id);
      const subs = await ctx.db
        .select()
        .from(submissions)
        .where(and(eq(submissions.modelId, id), visibleTo(request.user)))
        .orderBy(desc(submissions.id));
      const latestRow = subs.find((s) => s.status === 'scored');
      let latest: z.infer<typeof modelResponse>['latest'] = null;
      if (latestRow) {
        const suite = (await ctx.board.get()).suites.find((s) => s.id === latestRow.suiteId);
        const cells = scoreCells(await boardScores(ctx.db, latestRow.id));
        latest = {
          submission_id: latestRow.id,
          suite: latestRow.suiteId,
          scores: cells,
          domains: suite ? domainValues(suite, cells) : {},
          subcategories: await subcategoryValues(ctx.db, latestRow.id),
          prompt_spread: await promptSpread(ctx.db, latestRow.id),
        };
      }
      return {
        model,
        submissions: subs.map((s) => ({
          id: s.id,
          suite: s.suiteId,
          status: s.status,
          submitted_at: (s.submittedAt ?? s.createdAt).toISOString().slice(0, 10),
          average: s.total,
          standard_setup: s.standardSetup,
          precision: s.precision,
        })),
        latest,
      };
    },
  );

  api.get(
    '/api/compare',
    {
      schema: {
        summary: "2–10 models side by side on a suite's tasks and domains, with significance per pair",
        querystring: compareQuery,
        response: { 200: compareResponse, 400: errorBody, 404: errorBody },
      },
    },
    async (request) => {
      const ids = [...new Set(request.query.models.split(',').map((s) => s.trim()))].filter(Boolean);
      if (ids.length < 2 || ids.length > 10) throw badRequest(`models: give 2 to 10 model ids, got ${ids.length}`);
      const snapshot = await ctx.board.get();
      const suite = request.query.suite
        ? snapshot.suites.find((s) => s.id === request.query.suite)
        : snapshot.suites[0];
      if (!suite) throw notFound(`suite ${request.query.suite ?? ''}`);
      const latest = new Map<string, { submissionId: number; cells: Record<string, ScoreCell> }>();
      for (const id of ids) {
        const [row] = await ctx.db
          .select({ id: submissions.id })
          .from(submissions)
          .where(
            and(
              eq(submissions.modelId, id),
              eq(submissions.suiteId, suite.id),
              eq(submissions.status, 'scored'),
              visibleTo(request.user),
            ),
          )
          .orderBy(desc(submissions.id))
          .limit(1);
        if (!row) throw notFound(`scored submission of model ${id} on suite ${suite.id}`);
        latest.set(id, { submissionId: row.id, cells: scoreCells(await boardScores(ctx.db, row.id)) });
      }
      const tasks = [];
      for (const t of suite.tasks) {
        const values: Record<string, ValueWithCi> = {};
        for (const [id, l] of latest) {
          const c = l.cells[t.id];
          if (c) values[id] = { value: c.value, ci_low: c.ci_low, ci_high: c.ci_high };
        }
        const pairs = [];
        for (const [a, b] of modelPairs(Object.keys(values))) {
          const paired = await pairedTest(ctx.db, latest.get(a)!.submissionId, latest.get(b)!.submissionId, t.id);
          pairs.push(
            paired
              ? { a, b, diff: values[a]!.value - values[b]!.value, ...paired }
              : ciOverlapPair(a, b, values[a]!, values[b]!),
          );
        }
        tasks.push({ task: t.id, values, pairs });
      }
      const domains = suite.domains.map((domain) => {
        const values: Record<string, ValueWithCi> = {};
        for (const [id, l] of latest) {
          const d = domainValues(suite, l.cells)[domain];
          if (d) values[id] = d;
        }
        const pairs = modelPairs(Object.keys(values)).map(([a, b]) => ciOverlapPair(a, b, values[a]!, values[b]!));
        return { domain, values, pairs };
      });
      return { models: ids, suite: suite.id, tasks, domains };
    },
  );
}

async function modelMeta(db: Db, id: string) {
  const [row] = await db
    .select({ model: models, pick: picks.modelId })
    .from(models)
    .leftJoin(picks, eq(picks.modelId, models.id))
    .where(eq(models.id, id));
  if (!row) throw notFound(`model ${id}`);
  const m = row.model;
  return {
    model_id: m.id,
    name: m.name,
    org: m.org,
    type: m.type,
    openness: m.openness,
    params_b: m.paramsB,
    architecture: m.architecture,
    license: m.license,
    pick: row.pick !== null,
  };
}

function modelPairs(ids: readonly string[]): [string, string][] {
  const out: [string, string][] = [];
  for (let i = 0; i < ids.length; i++) for (let j = i + 1; j < ids.length; j++) out.push([ids[i]!, ids[j]!]);
  return out;
}

/** A paired permutation test on the items both submissions answered, when they share enough. */
async function pairedTest(db: Db, a: number, b: number, taskId: string) {
  const va = await itemValues(db, a, taskId);
  if (va.size < MIN_PAIRED_ITEMS) return null;
  const vb = await itemValues(db, b, taskId);
  const shared = [...va.keys()].filter((k) => vb.has(k));
  if (shared.length < MIN_PAIRED_ITEMS) return null;
  const p = pairedPermutationTest(
    shared.map((k) => va.get(k)!),
    shared.map((k) => vb.get(k)!),
  );
  return { p_value: p, significant: p < ALPHA, method: 'paired' as const };
}

/** Without shared items: significant only when both intervals are known and do not overlap. */
function ciOverlapPair(a: string, b: string, va: ValueWithCi, vb: ValueWithCi) {
  const known = va.ci_low !== null && va.ci_high !== null && vb.ci_low !== null && vb.ci_high !== null;
  const disjoint = known && (va.ci_high! < vb.ci_low! || vb.ci_high! < va.ci_low!);
  return { a, b, diff: va.value - vb.value, p_value: null, significant: disjoint, method: 'ci_overlap' as const };
}
