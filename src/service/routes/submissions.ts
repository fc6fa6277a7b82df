/** Uploading a submission, its status, validation report and scores, and its samples. */
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { and, count, eq, gte } from 'drizzle-orm';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ApiError, badRequest, notFound } from '../api/errors.ts';
import {
  errorBody,
  idParam,
  samplesQuery,
  samplesResponse,
  submissionAccepted,
  submissionResponse,
} from '../api/schemas.ts';
import { isMaintainer } from '../auth.ts';
import { boardScores, scoreCells } from '../board/model-data.ts';
import type { AppContext } from '../context.ts';
import { gold, MODEL_TYPES, samples, submissions, suiteTasks } from '../db/schema.ts';
import { acceptUpload, type UploadMeta } from '../ingest/ingest.ts';
import { bearer, requireUser } from './users.ts';

const uploadFields = z.object({
  model_id: z.string().min(1),
  suite: z.string().min(1),
  visibility: z.enum(['public', 'private']).default('public'),
  type: z.enum(MODEL_TYPES).optional(),
  params_b: z.coerce.number().positive().optional(),
  precision: z.string().max(40).optional(),
  openness: z.enum(['open', 'proprietary']).optional(),
  license: z.string().max(100).optional(),
});

export async function submissionRoutes(instance: FastifyInstance, ctx: AppContext): Promise<void> {
  const api = instance.withTypeProvider<ZodTypeProvider>();

  /** A submission `request.user` may see, or 404 (a private one is not acknowledged to others). */
  const visibleSubmission = async (request: FastifyRequest, id: number) => {
    const [row] = await ctx.db.select().from(submissions).where(eq(submissions.id, id));
    const user = request.user;
    if (!row || (row.visibility === 'private' && !isMaintainer(user) && row.ownerId !== user?.id))
      throw notFound(`submission ${id}`);
    return row;
  };

  api.post(
    '/api/submissions',
    {
      schema: {
        summary:
          'Upload a submission (multipart: model_id, suite, visibility, optional type/params_b/precision/openness/license; file field archive)',
        security: bearer,
        consumes: ['multipart/form-data'],
        response: {
          202: submissionAccepted,
          400: errorBody,
          401: errorBody,
          413: errorBody,
          422: errorBody,
          429: errorBody,
          503: errorBody,
        },
      },
    },
    async (request, reply) => {
      const user = requireUser(request);
      const since = new Date(Date.now() - 24 * 3600 * 1000);
      const [{ n } = { n: 0 }] = await ctx.db
        .select({ n: count() })
        .from(submissions)
        .where(and(eq(submissions.ownerId, user.id), gte(submissions.createdAt, since)));
      if (n >= ctx.submissionsPerDay)
        throw new ApiError(
          'rate_limited',
          `${n} submissions in the last 24 hours; the limit is ${ctx.submissionsPerDay}`,
        );
      if (!request.isMultipart()) throw badRequest('send multipart/form-data with the file field "archive"');
      const queue = ctx.jobQueue;
      if (!queue)
        throw new ApiError('unavailable', 'this server has no scoring queue; uploads are off (serve opens one)');
      const workDir = await mkdtemp(join(ctx.tmpDir ?? tmpdir(), 'evalboard-post-'));
      try {
        const fields: Record<string, string> = {};
        let archive: string | null = null;
        for await (const part of request.parts()) {
          if (part.type === 'file') {
            if (part.fieldname !== 'archive' || archive !== null) {
              part.file.resume();
              throw badRequest(`file field ${part.fieldname}: send one file, in the field "archive"`);
            }
            archive = join(workDir, 'upload');
            await pipeline(part.file, createWriteStream(archive));
          } else fields[part.fieldname] = String(part.value);
        }
        if (archive === null) throw badRequest('archive: no file; send the archive in the field "archive"');
        const parsed = uploadFields.safeParse(fields);
        if (!parsed.success) {
          const issue = parsed.error.issues[0]!;
          throw badRequest(`${issue.path.join('.')}: ${issue.message}`);
        }
        const f = parsed.data;
        const meta: UploadMeta = {
          modelId: f.model_id,
          suite: f.suite,
          visibility: f.visibility,
          ownerId: user.id,
          ...(f.type ? { type: f.type } : {}),
          ...(f.params_b ? { paramsB: f.params_b } : {}),
          ...(f.precision ? { precision: f.precision } : {}),
          ...(f.openness ? { openness: f.openness } : {}),
          ...(f.license ? { license: f.license } : {}),
        };
        const result = await acceptUpload(ctx.db, archive, meta, ctx.tmpDir ? { tmpDir: ctx.tmpDir } : {});
        await queue.enqueueScoring(result.id);
        return reply.status(202).send({ id: result.id, status: result.status });
      } finally {
        await rm(workDir, { recursive: true, force: true });
      }
    },
  );

  api.get(
    '/api/submissions/:id',
    {
      schema: {
        summary: "A submission's status, validation report and scores",
        params: idParam,
        response: { 200: submissionResponse, 404: errorBody },
      },
    },
    async (request) => {
      const s = await visibleSubmission(request, Number(request.params.id));
      return {
        id: s.id,
        model_id: s.modelId,
        suite: s.suiteId,
        status: s.status,
        visibility: s.visibility,
        standard_setup: s.standardSetup,
        setup: s.setup,
        validation: s.validation,
        scores: scoreCells(await boardScores(ctx.db, s.id)),
        total: s.total,
        created_at: s.createdAt.toISOString(),
      };
    },
  );

  api.get(
    '/api/submissions/:id/samples',
    {
      schema: {
        summary: "A submission's per-item samples (gold only for tasks marked public)",
        params: idParam,
        querystring: samplesQuery,
        response: { 200: samplesResponse, 400: errorBody, 404: errorBody },
      },
    },
    async (request) => {
      const s = await visibleSubmission(request, Number(request.params.id));
      const q = request.query;
      const limit = q.limit === undefined ? 50 : Number(q.limit);
      if (limit < 1 || limit > 1000) throw badRequest(`limit: ${limit} is not between 1 and 1000`);
      const where = and(
        eq(samples.submissionId, s.id),
        q.task === undefined ? undefined : eq(samples.taskId, q.task),
        q.correct === undefined ? undefined : eq(samples.correct, q.correct === 'true'),
      );
      const [{ total } = { total: 0 }] = await ctx.db.select({ total: count() }).from(samples).where(where);
      const rows = await ctx.db
        .select()
        .from(samples)
        .where(where)
        .orderBy(samples.id)
        .limit(limit)
        .offset(q.offset === undefined ? 0 : Number(q.offset));
      const publicTasks = new Set(
        (
          await ctx.db
            .select({ task: suiteTasks.taskId })
            .from(suiteTasks)
            .where(and(eq(suiteTasks.suiteId, s.suiteId), eq(suiteTasks.goldPublic, true)))
        ).map((r) => r.task),
      );
      const publicGold = new Map<string, unknown>();
      for (const task of publicTasks) {
        const goldRows = await ctx.db
          .select()
          .from(gold)
          .where(and(eq(gold.suiteId, s.suiteId), eq(gold.taskId, task)));
        // The gold answer is the gold record's outputs (the record also holds the task's inputs).
        for (const g of goldRows)
          publicGold.set(`${task}\u0000${g.itemId}`, (g.answer as { outputs?: unknown }).outputs);
      }
      return {
        total,
        rows: rows.map((r) => {
          const key = `${r.taskId}\u0000${r.itemId}`;
          return {
            task: r.taskId,
            item_id: r.itemId,
            prompt: r.prompt,
            messages: r.messages,
            output: r.output,
            extracted: r.extracted,
            metric: { name: r.metricName, value: r.metricValue },
            correct: r.correct,
            ...(publicTasks.has(r.taskId) && publicGold.has(key) ? { gold: publicGold.get(key) } : {}),
          };
        }),
      };
    },
  );
}
