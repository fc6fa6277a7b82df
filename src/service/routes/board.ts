/** The board: one query for every view, its CSV/JSON export, and the suites it can show. */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../context.ts';
import {
  type BoardQuery,
  boardQuery,
  boardResponse,
  boardRow,
  errorBody,
  exportQuery,
  suiteInfo,
} from '../api/schemas.ts';
import { type EncodedAnswer, encodeAnswer, sendEncoded } from '../board/encoded.ts';
import { boardCsv, queryKey, runBoardQuery } from '../board/query.ts';

export async function boardRoutes(instance: FastifyInstance, ctx: AppContext): Promise<void> {
  const api = instance.withTypeProvider<ZodTypeProvider>();

  /**
   * The query's answer on the current snapshot, computed once per snapshot: a repeated query costs
   * a map lookup and the send of bytes already encoded (and compressed).
   */
  const answer = async (q: BoardQuery, form: 'json' | 'rows' | 'csv'): Promise<EncodedAnswer> => {
    const snapshot = await ctx.board.get();
    const key = queryKey(q);
    return ctx.board.memo(snapshot, `${form}:${key}`, () => {
      const result = ctx.board.memo(snapshot, key, () => runBoardQuery(snapshot, q));
      const text = form === 'csv' ? boardCsv(result) : JSON.stringify(form === 'rows' ? result.rows : result);
      return encodeAnswer(text, snapshot.version);
    });
  };

  api.get(
    '/api/leaderboard',
    {
      schema: {
        summary: 'The board: filter, sort, scale and page in one query',
        querystring: boardQuery,
        response: { 200: boardResponse, 400: errorBody, 404: errorBody },
      },
    },
    // The memoised JSON bytes are sent as they are: the schema above documents them and
    // runBoardQuery builds exactly its fields (the route tests parse responses with it).
    async (request, reply) =>
      sendEncoded(request, reply, 'application/json; charset=utf-8', await answer(request.query, 'json')),
  );

  api.get(
    '/api/leaderboard/export',
    {
      schema: {
        summary: 'Exactly the rows of the same board query, as a CSV or JSON file',
        querystring: exportQuery,
        response: { 200: z.union([z.string(), z.array(boardRow)]), 400: errorBody, 404: errorBody },
      },
    },
    async (request, reply) => {
      const { format, ...q } = request.query;
      const body = await answer(q, format === 'csv' ? 'csv' : 'rows');
      const suite = q.suite ?? (await ctx.board.get()).suites[0]?.id ?? 'board';
      reply.header('content-disposition', `attachment; filename="${suite}-leaderboard.${format}"`);
      const type = format === 'csv' ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8';
      return sendEncoded(request, reply, type, body);
    },
  );

  api.get(
    '/api/suites',
    { schema: { summary: 'Suites, with their tasks and domains', response: { 200: z.array(suiteInfo) } } },
    async () => {
      const snapshot = await ctx.board.get();
      return snapshot.suites.map((s) => ({
        id: s.id,
        name: s.name,
        description: s.description,
        tasks: s.tasks.map(({ id, name, domain, random_baseline }) => ({ id, name, domain, random_baseline })),
        domains: [...s.domains],
      }));
    },
  );
}
