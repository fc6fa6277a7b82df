/** Who the token belongs to, and their own submissions. */
import { desc, eq } from 'drizzle-orm';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppContext } from '../context.ts';
import { ApiError } from '../api/errors.ts';
import { errorBody, meResponse, mySubmissionsResponse } from '../api/schemas.ts';
import { type AuthUser, isMaintainer } from '../auth.ts';
import { submissions } from '../db/schema.ts';

export function requireUser(request: FastifyRequest): AuthUser {
  if (!request.user) throw new ApiError('unauthorized', 'this needs a token: send Authorization: Bearer <token>');
  return request.user;
}

export function requireMaintainer(request: FastifyRequest): AuthUser {
  const user = requireUser(request);
  if (!isMaintainer(user))
    throw new ApiError('forbidden', `user ${user.name} is a ${user.role}; this needs a maintainer`);
  return user;
}

export const bearer = [{ bearer: [] }];

export async function userRoutes(instance: FastifyInstance, ctx: AppContext): Promise<void> {
  const api = instance.withTypeProvider<ZodTypeProvider>();
  api.get(
    '/api/me',
    { schema: { summary: "The token's user", security: bearer, response: { 200: meResponse, 401: errorBody } } },
    async (request) => ({ user: requireUser(request) }),
  );
  api.get(
    '/api/my/submissions',
    {
      schema: {
        summary: 'Your submissions, newest first',
        security: bearer,
        response: { 200: mySubmissionsResponse, 401: errorBody },
      },
    },
    async (request) => {
      const user = requireUser(request);
      const rows = await ctx.db
        .select()
        .from(submissions)
        .where(eq(submissions.ownerId, user.id))
        .orderBy(desc(submissions.id));
      return rows.map((s) => ({
        id: s.id,
        model_id: s.modelId,
        suite: s.suiteId,
        status: s.status,
        created_at: s.createdAt.toISOString(),
        total: s.total,
      }));
    },
  );
}
