/** Evaluation requests: ask, vote, approve or reject; the jobs they become; maintainers' picks. */
import { and, count, desc, eq, sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ApiError, badRequest, notFound } from '../api/errors.ts';
import {
  createdResponse,
  decisionResponse,
  errorBody,
  idParam,
  jobResponse,
  newRequestBody,
  pickBody,
  pickResponse,
  requestsResponse,
  voteResponse,
} from '../api/schemas.ts';
import type { AppContext } from '../context.ts';
import { evaluationRequests, models, picks, type RequestStatus, suites, users, votes } from '../db/schema.ts';
import type { JobInfo } from '../jobs/types.ts';
import { touchBoard } from '../suites.ts';
import { bearer, requireMaintainer, requireUser } from './users.ts';

/** What a requester may ask to evaluate: a Hub model, a GGUF file, or an OpenAI-compatible endpoint. */
const MODEL_PATTERN = /^(hf:[\w.-]+\/[\w.-]+(@[\w.-]+)?(\/[\w./-]+)?|https?:\/\/\S+|\S+\.gguf)$/;

/** A request's status once it has a job: the job's state says where it is. */
function statusOf(stored: RequestStatus, job: JobInfo | null): RequestStatus {
  if (!job || stored === 'rejected') return stored;
  switch (job.state) {
    case 'created':
    case 'retry':
      return 'approved';
    case 'active':
      return 'running';
    case 'completed':
      return 'done';
    case 'failed':
    case 'expired':
      return 'failed';
  }
}

export async function requestRoutes(instance: FastifyInstance, ctx: AppContext): Promise<void> {
  const api = instance.withTypeProvider<ZodTypeProvider>();
  const voteCount = sql<number>`(SELECT count(*)::int FROM ${votes} WHERE ${votes.requestId} = ${evaluationRequests.id})`;

  const requestRow = async (id: number) => {
    const [row] = await ctx.db.select().from(evaluationRequests).where(eq(evaluationRequests.id, id));
    if (!row) throw notFound(`request ${id}`);
    return row;
  };
  /** A request's votes now (its queue priority). */
  const votesFor = async (requestId: number): Promise<number> => {
    const [{ n } = { n: 0 }] = await ctx.db.select({ n: count() }).from(votes).where(eq(votes.requestId, requestId));
    return n;
  };

  api.get(
    '/api/requests',
    { schema: { summary: 'Evaluation requests, most votes first', response: { 200: requestsResponse } } },
    async (request) => {
      const rows = await ctx.db
        .select({ r: evaluationRequests, by: users.name, votes: voteCount })
        .from(evaluationRequests)
        .innerJoin(users, eq(users.id, evaluationRequests.requestedBy))
        .orderBy(desc(voteCount), evaluationRequests.id);
      const mine = request.user
        ? new Set(
            (await ctx.db.select({ id: votes.requestId }).from(votes).where(eq(votes.userId, request.user.id))).map(
              (v) => v.id,
            ),
          )
        : new Set<number>();
      const positions = ctx.jobQueue ? await ctx.jobQueue.queuePositions() : new Map<number, number>();
      const out = [];
      for (const { r, by, votes: n } of rows) {
        const job = ctx.jobQueue && r.jobId ? await ctx.jobQueue.getJob(r.jobId) : null;
        const status = statusOf(r.status, job);
        out.push({
          id: r.id,
          model: r.model,
          model_args: r.modelArgs,
          suite: r.suiteId,
          requested_by: by,
          votes: Number(n),
          voted_by_me: mine.has(r.id),
          status,
          queue_position: status === 'approved' ? (positions.get(r.id) ?? null) : null,
          job_id: r.jobId,
          progress: job?.progress ?? null,
          failure: job?.error ?? r.failure,
          created_at: r.createdAt.toISOString(),
        });
      }
      return out;
    },
  );

  api.post(
    '/api/requests',
    {
      schema: {
        summary: 'Ask for a model to be evaluated on a suite',
        security: bearer,
        body: newRequestBody,
        response: { 201: createdResponse, 400: errorBody, 401: errorBody },
      },
    },
    async (request, reply) => {
      const user = requireUser(request);
      const { model, suite, model_args } = request.body;
      if (!MODEL_PATTERN.test(model))
        throw badRequest(`model: ${JSON.stringify(model)} is not hf:org/name, a .gguf path, or an http(s) endpoint`);
      const [suiteRow] = await ctx.db.select({ id: suites.id }).from(suites).where(eq(suites.id, suite));
      if (!suiteRow) throw badRequest(`suite: no suite ${suite}`);
      const [row] = await ctx.db
        .insert(evaluationRequests)
        .values({ model, suiteId: suite, modelArgs: model_args ?? null, requestedBy: user.id })
        .returning({ id: evaluationRequests.id });
      return reply.status(201).send({ id: row!.id });
    },
  );

  api.post(
    '/api/requests/:id/vote',
    {
      schema: {
        summary: 'Vote for a request (once per user)',
        security: bearer,
        params: idParam,
        response: { 200: voteResponse, 401: errorBody, 404: errorBody, 409: errorBody },
      },
    },
    async (request) => {
      const user = requireUser(request);
      const r = await requestRow(Number(request.params.id));
      const inserted = await ctx.db
        .insert(votes)
        .values({ requestId: r.id, userId: user.id })
        .onConflictDoNothing()
        .returning({ id: votes.requestId });
      if (inserted.length === 0) throw new ApiError('conflict', `user ${user.name} already voted for request ${r.id}`);
      const n = await votesFor(r.id);
      // A queued job moves up with its votes (the pg-boss queue can reorder; the interface need not).
      const queue = ctx.jobQueue as { setPriority?: (requestId: number, votes: number) => Promise<void> } | null;
      if (r.jobId && queue?.setPriority) await queue.setPriority(r.id, n);
      return { votes: n };
    },
  );

  api.post(
    '/api/requests/:id/approve',
    {
      schema: {
        summary: 'Approve a pending request: it becomes an evaluation job (maintainers)',
        security: bearer,
        params: idParam,
        response: { 200: decisionResponse, 401: errorBody, 403: errorBody, 404: errorBody, 409: errorBody },
      },
    },
    async (request) => {
      const user = requireMaintainer(request);
      const r = await requestRow(Number(request.params.id));
      if (r.status !== 'pending') throw new ApiError('conflict', `request ${r.id} is ${r.status}, not pending`);
      const n = await votesFor(r.id);
      const jobId = ctx.jobQueue
        ? await ctx.jobQueue.enqueue({
            requestId: r.id,
            model: r.model,
            modelArgs: r.modelArgs,
            suite: r.suiteId,
            priority: n,
          })
        : null;
      await ctx.db
        .update(evaluationRequests)
        .set({ status: 'approved', decidedBy: user.id, jobId })
        .where(eq(evaluationRequests.id, r.id));
      return { status: 'approved' as const, job_id: jobId };
    },
  );

  api.post(
    '/api/requests/:id/reject',
    {
      schema: {
        summary: 'Reject a request (maintainers); an approved one still queued is cancelled',
        security: bearer,
        params: idParam,
        response: { 200: decisionResponse, 401: errorBody, 403: errorBody, 404: errorBody, 409: errorBody },
      },
    },
    async (request) => {
      const user = requireMaintainer(request);
      const r = await requestRow(Number(request.params.id));
      if (r.status !== 'pending' && r.status !== 'approved')
        throw new ApiError('conflict', `request ${r.id} is ${r.status}; only pending or approved ones can be rejected`);
      const queue = ctx.jobQueue as { cancel?: (requestId: number) => Promise<void> } | null;
      if (r.jobId && queue?.cancel) await queue.cancel(r.id);
      await ctx.db
        .update(evaluationRequests)
        .set({ status: 'rejected', decidedBy: user.id })
        .where(eq(evaluationRequests.id, r.id));
      return { status: 'rejected' as const, job_id: r.jobId };
    },
  );

  api.get(
    '/api/jobs/:id',
    {
      schema: {
        summary: "An evaluation job's state, progress, attempts and result",
        params: z.object({ id: z.string().min(1) }),
        response: { 200: jobResponse, 404: errorBody },
      },
    },
    async (request) => {
      const job = ctx.jobQueue ? await ctx.jobQueue.getJob(request.params.id) : null;
      if (!job) throw notFound(`job ${request.params.id}`);
      return {
        id: job.id,
        request_id: job.requestId,
        state: job.state,
        progress: job.progress,
        attempts: job.attempts,
        submission_id: job.submissionId,
        error: job.error,
      };
    },
  );

  api.post(
    '/api/picks',
    {
      schema: {
        summary: "Mark or unmark a model as a maintainers' pick",
        security: bearer,
        body: pickBody,
        response: { 200: pickResponse, 401: errorBody, 403: errorBody, 404: errorBody },
      },
    },
    async (request) => {
      const user = requireMaintainer(request);
      const { model_id, pick } = request.body;
      const [model] = await ctx.db.select({ id: models.id }).from(models).where(eq(models.id, model_id));
      if (!model) throw notFound(`model ${model_id}`);
      if (pick) await ctx.db.insert(picks).values({ modelId: model_id, pickedBy: user.id }).onConflictDoNothing();
      else await ctx.db.delete(picks).where(and(eq(picks.modelId, model_id)));
      await touchBoard(ctx.db);
      ctx.board.invalidate();
      return { model_id, pick };
    },
  );
}
