/**
 * The service's HTTP app: the JSON API (schemas in api/schemas.ts, OpenAPI at /openapi.json and
 * /docs), bearer-token users, per-IP rate limits, and the web UI's build served with an SPA
 * fallback when web/dist exists.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fastifyMultipart from '@fastify/multipart';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance, type FastifyRequest, type FastifyServerOptions } from 'fastify';
import {
  hasZodFastifySchemaValidationErrors,
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import { ApiError } from './api/errors.ts';
import { healthResponse } from './api/schemas.ts';
import { type AuthUser, TokenVerifier } from './auth.ts';
import type { AppContext } from './context.ts';
import { BoardCache } from './board/view.ts';
import type { Db } from './db/open.ts';
import { runScoringJob } from './ingest/score-job.ts';
import type { JobQueue } from './jobs/types.ts';
import { boardRoutes } from './routes/board.ts';
import { modelRoutes } from './routes/models.ts';
import { requestRoutes } from './routes/requests.ts';
import { submissionRoutes } from './routes/submissions.ts';
import { userRoutes } from './routes/users.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The bearer token's user, or null without a token. */
    user: AuthUser | null;
  }
}

export interface AppOptions {
  readonly db: Db;
  /**
   * Evaluation and scoring jobs; without one, approved requests wait with no job and uploads are
   * refused (503). With one, this app scores uploads from its queue in-process.
   */
  readonly jobQueue?: JobQueue | null;
  /** The web UI's build; served at / when the folder exists (default web/dist of this checkout). */
  readonly webDir?: string;
  /** Requests per minute per IP (default 600); false turns the limit off (benchmarks). */
  readonly rateLimitPerMinute?: number | false;
  /** Upload size cap in bytes (default 200 MB). */
  readonly maxUploadBytes?: number;
  /** Submissions per user per day (default 10). */
  readonly submissionsPerDay?: number;
  /** Folder for upload temp folders (default the OS temp folder). */
  readonly tmpDir?: string;
  /** Fastify's logger: false (default), true (stdout) or pino options such as `{ stream }`. */
  readonly logger?: FastifyServerOptions['logger'];
}

export type App = FastifyInstance;

export const DEFAULT_WEB_DIR = new URL('../../web/dist', import.meta.url).pathname;
export const DEFAULT_MAX_UPLOAD_BYTES = 200 * 1024 * 1024;

export async function buildApp(o: AppOptions): Promise<App> {
  const app = Fastify({ logger: o.logger ?? false, bodyLimit: 1024 * 1024 }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  const ctx: AppContext = {
    db: o.db,
    board: new BoardCache(o.db),
    tokens: new TokenVerifier(o.db),
    jobQueue: o.jobQueue ?? null,
    maxUploadBytes: o.maxUploadBytes ?? DEFAULT_MAX_UPLOAD_BYTES,
    submissionsPerDay: o.submissionsPerDay ?? 10,
    tmpDir: o.tmpDir,
  };

  app.setErrorHandler((error, request, reply) => {
    if (error instanceof ApiError)
      return reply.status(error.status).send({ error: { code: error.code, message: error.message }, ...error.extra });
    if (hasZodFastifySchemaValidationErrors(error)) {
      const issue = error.validation[0];
      const where = `${error.validationContext ?? 'request'}${issue?.instancePath ? issue.instancePath.replaceAll('/', '.') : ''}`;
      return reply.status(400).send({ error: { code: 'bad_request', message: `${where}: ${issue?.message}` } });
    }
    const status = (error as { statusCode?: number }).statusCode ?? 500;
    if (status === 429)
      return reply.status(429).send({ error: { code: 'rate_limited', message: (error as Error).message } });
    if (status === 413)
      return reply.status(413).send({ error: { code: 'too_large', message: (error as Error).message } });
    if (status >= 400 && status < 500)
      return reply.status(status).send({ error: { code: 'bad_request', message: (error as Error).message } });
    request.log.error(error);
    return reply.status(500).send({ error: { code: 'bad_request', message: 'internal error; the server log has it' } });
  });

  if (o.rateLimitPerMinute !== false)
    await app.register(fastifyRateLimit, {
      max: o.rateLimitPerMinute ?? 600,
      timeWindow: 60_000,
      errorResponseBuilder: (_request, context) => ({
        statusCode: 429,
        message: `more than ${context.max} requests a minute from this address; retry in ${context.after}`,
      }),
    });
  await app.register(fastifyMultipart, { limits: { fileSize: ctx.maxUploadBytes, files: 1, fields: 20 } });
  await app.register(fastifySwagger, {
    openapi: {
      info: { title: 'evalboard', description: 'Leaderboard service: board, submissions, requests', version: '1' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    },
    transform: jsonSchemaTransform,
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/docs' });

  app.decorateRequest('user', null);
  app.addHook('onRequest', async (request: FastifyRequest) => {
    const header = request.headers.authorization;
    if (header === undefined) return;
    const m = /^Bearer\s+(\S+)$/i.exec(header);
    const user = m ? await ctx.tokens.verify(m[1]!) : null;
    if (!user)
      throw new ApiError('unauthorized', 'invalid token: send Authorization: Bearer <token> from evalboard admin');
    request.user = user;
  });

  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  app.get('/healthz', { schema: { summary: 'Liveness', response: { 200: healthResponse } } }, async () => ({
    ok: true as const,
  }));
  await app.register(async (api) => {
    await boardRoutes(api, ctx);
    await modelRoutes(api, ctx);
    await userRoutes(api, ctx);
    await submissionRoutes(api, ctx);
    await requestRoutes(api, ctx);
  });

  const queue = ctx.jobQueue;
  if (queue) {
    const ingest = ctx.tmpDir ? { tmpDir: ctx.tmpDir } : {};
    const worker = await queue.workScoring((id, lastAttempt) =>
      ctx.board.whileWriting(() => runScoringJob(ctx.db, id, lastAttempt, ingest)),
    );
    app.addHook('onClose', () => queue.stopScoring(worker));
  }

  const webDir = o.webDir ?? DEFAULT_WEB_DIR;
  const hasWeb = existsSync(join(webDir, 'index.html'));
  if (hasWeb) await app.register(fastifyStatic, { root: webDir, wildcard: false });
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0]!;
    if (hasWeb && request.method === 'GET' && !path.startsWith('/api/') && path !== '/api')
      return reply.sendFile('index.html');
    return reply.status(404).send({ error: { code: 'not_found', message: `no route ${request.method} ${path}` } });
  });
  return app;
}
