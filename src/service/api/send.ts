import type { FastifyReply } from 'fastify';

/**
 * Sends text that is already the response body (memoised board JSON, CSV): Fastify passes a
 * string through without running the route's serializer.
 */
export function sendText(reply: FastifyReply, contentType: string, text: string): FastifyReply {
  return (reply as FastifyReply).type(contentType).send(text);
}
