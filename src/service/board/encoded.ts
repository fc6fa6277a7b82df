/**
 * A board answer as it goes on the wire, computed once per snapshot and query: the body's bytes,
 * their gzip form (the JSON page compresses about 6×, and sending bytes is what a memoised answer
 * costs per request), and an entity tag so a client holding the same answer gets 304.
 */
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import type { FastifyReply, FastifyRequest } from 'fastify';

export interface EncodedAnswer {
  readonly body: Buffer;
  readonly gzip: Buffer;
  readonly etag: string;
}

/**
 * The tag names the data version and the body's digest: equal across servers that loaded the same
 * version, and different whenever the bytes differ.
 */
export function encodeAnswer(text: string, version: number): EncodedAnswer {
  const body = Buffer.from(text, 'utf8');
  const digest = createHash('sha1').update(body).digest('base64url').slice(0, 16);
  // Level 1: a fifth of the bytes at a fraction of level 6's time; the answer is compressed once.
  return { body, gzip: gzipSync(body, { level: 1 }), etag: `"v${version}-${digest}"` };
}

const acceptsGzip = (request: FastifyRequest): boolean => /\bgzip\b/.test(request.headers['accept-encoding'] ?? '');

/** Sends the answer: 304 when the client's tag matches, gzip when the client takes it. */
export function sendEncoded(
  request: FastifyRequest,
  reply: FastifyReply,
  contentType: string,
  answer: EncodedAnswer,
): FastifyReply {
  reply.header('etag', answer.etag).header('vary', 'accept-encoding').header('cache-control', 'no-cache');
  const held = request.headers['if-none-match'];
  if (held?.split(',').some((t) => t.trim() === answer.etag)) return reply.status(304).send();
  reply.type(contentType);
  if (acceptsGzip(request)) return reply.header('content-encoding', 'gzip').send(answer.gzip);
  return reply.send(answer.body);
}
