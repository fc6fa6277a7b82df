/**
 * A local OpenAI-compatible HTTP server for the API backends' tests and benchmark: /v1/completions
 * (vLLM's response shape, echo + logprobs included) and /v1/chat/completions, answered by an
 * engine (a hash-based one, or the real stories260K model in llama-engine.ts), with faults
 * injected on demand: latency, 5xx errors, 429 bursts with Retry-After, truncated bodies,
 * connection resets and slow streams. It records what it answered so tests can check that no
 * request was lost or answered twice.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { seededRandom } from './process-helpers.ts';

export interface FaultOptions {
  /** Added before every answer, faulty or not. */
  readonly latencyMs?: number;
  /** Fraction of requests answered 500/502/503. */
  readonly errorRate?: number;
  /** Requests k with k mod every < length get 429 with this Retry-After (seconds). */
  readonly burst429?: { readonly every: number; readonly length: number; readonly retryAfterSeconds: number };
  /** Fraction whose body stops half-way (alternately: connection dropped, or a short complete body). */
  readonly truncateRate?: number;
  /** Fraction whose connection is reset before any answer. */
  readonly resetRate?: number;
  /** Fraction whose body trickles out in 8 pieces, chunkDelayMs apart. */
  readonly slowRate?: number;
  readonly slowChunkMs?: number;
  readonly seed?: number;
}

/** A JSON answer, or an OpenAI-style error the client must not retry (400). */
export type EngineAnswer = { readonly status: 200 | 400; readonly body: unknown };

export interface Engine {
  completions(body: Record<string, unknown>): EngineAnswer | Promise<EngineAnswer>;
  chat(body: Record<string, unknown>): EngineAnswer | Promise<EngineAnswer>;
}

export interface FakeServerStats {
  requests: number;
  answered: number;
  faults: Record<string, number>;
  maxInFlight: number;
  /** Authorization headers seen (distinct). */
  authorizations: Set<string>;
  /** Successful answers per request body: more than 1 is a duplicate the client sent again after success. */
  answeredBodies: Map<string, number>;
}

export interface FakeOpenAiServer {
  /** http://127.0.0.1:PORT/v1 */
  readonly baseUrl: string;
  readonly stats: FakeServerStats;
  /** Faults can change mid-test (e.g. a server that starts failing for good). */
  faults: FaultOptions;
  close(): Promise<void>;
}

export async function startFakeOpenAiServer(engine: Engine, faults: FaultOptions = {}): Promise<FakeOpenAiServer> {
  const stats: FakeServerStats = {
    requests: 0,
    answered: 0,
    faults: {},
    maxInFlight: 0,
    authorizations: new Set(),
    answeredBodies: new Map(),
  };
  let inFlight = 0;
  const handle: { faults: FaultOptions } = { faults };
  const random = seededRandom(faults.seed ?? 1);
  const fault = (name: string) => {
    stats.faults[name] = (stats.faults[name] ?? 0) + 1;
  };
  const server: Server = createServer((req, res) => {
    const ordinal = stats.requests++;
    inFlight++;
    stats.maxInFlight = Math.max(stats.maxInFlight, inFlight);
    res.on('close', () => inFlight--);
    void serve(req, res, ordinal).catch((e: unknown) => {
      if (!res.headersSent) send(res, 500, { error: { message: String(e) } });
    });
  });
  server.keepAliveTimeout = 60_000;

  async function serve(req: IncomingMessage, res: ServerResponse, ordinal: number): Promise<void> {
    const text = await readBody(req);
    if (req.headers.authorization) stats.authorizations.add(req.headers.authorization);
    const f = handle.faults;
    if (f.latencyMs) await sleep(f.latencyMs);
    const burst = f.burst429;
    if (burst && ordinal % burst.every < burst.length) {
      fault('429');
      res.setHeader('retry-after', String(burst.retryAfterSeconds));
      return send(res, 429, { error: { message: 'rate limited' } });
    }
    const roll = random();
    let edge = f.resetRate ?? 0;
    if (roll < edge) {
      fault('reset');
      req.socket.destroy();
      return;
    }
    edge += f.errorRate ?? 0;
    if (roll < edge) {
      fault('5xx');
      return send(res, [500, 502, 503][ordinal % 3]!, { error: { message: 'upstream overloaded' } });
    }
    const path = req.url ?? '';
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(text) as Record<string, unknown>;
    } catch {
      return send(res, 400, { error: { message: 'body is not JSON' } });
    }
    let answer: EngineAnswer;
    if (path === '/v1/completions') answer = await engine.completions(body);
    else if (path === '/v1/chat/completions') answer = await engine.chat(body);
    else return send(res, 404, { error: { message: `no route ${path}` } });
    const payload = JSON.stringify(answer.body);
    edge += f.truncateRate ?? 0;
    if (roll < edge) {
      fault('truncated');
      const half = payload.slice(0, Math.floor(payload.length / 2));
      if (ordinal % 2 === 0) {
        // Announces the whole length, sends half, drops the connection.
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) });
        res.write(half);
        setTimeout(() => res.socket?.destroy(), 5);
      } else {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(half);
      }
      return;
    }
    edge += f.slowRate ?? 0;
    if (roll < edge) {
      fault('slow');
      res.writeHead(answer.status, { 'content-type': 'application/json' });
      const piece = Math.ceil(payload.length / 8);
      for (let at = 0; at < payload.length; at += piece) {
        if (res.destroyed) return;
        res.write(payload.slice(at, at + piece));
        await sleep(f.slowChunkMs ?? 200);
      }
      res.end();
      if (answer.status === 200) recordAnswer(text);
      return;
    }
    send(res, answer.status, answer.body);
    if (answer.status === 200) recordAnswer(text);
  }

  function recordAnswer(text: string): void {
    stats.answered++;
    stats.answeredBodies.set(text, (stats.answeredBodies.get(text) ?? 0) + 1);
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    stats,
    get faults() {
      return handle.faults;
    },
    set faults(f: FaultOptions) {
      handle.faults = f;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) });
  res.end(payload);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (s: string) => {
      text += s;
    });
    req.on('end', () => resolve(text));
    req.on('error', reject);
  });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The prompts of a completions body: one or a list, each text or token ids. */
export function promptsOf(body: Record<string, unknown>): (string | number[])[] {
  const p = body.prompt;
  if (typeof p === 'string') return [p];
  if (Array.isArray(p) && p.length > 0 && typeof p[0] === 'number') return [p as number[]];
  return p as (string | number[])[];
}

/** Applies stop strings as vLLM does: the text ends before the first one, which is not returned. */
export function cutAtStops(text: string, stop: unknown): { text: string; stopped: boolean } {
  const stops = Array.isArray(stop) ? (stop as string[]) : typeof stop === 'string' ? [stop] : [];
  let cut = -1;
  for (const s of stops) {
    const at = s === '' ? -1 : text.indexOf(s);
    if (at >= 0 && (cut < 0 || at < cut)) cut = at;
  }
  return cut < 0 ? { text, stopped: false } : { text: text.slice(0, cut), stopped: true };
}

const unit = (...parts: unknown[]) =>
  createHash('sha256').update(JSON.stringify(parts)).digest().readUInt32BE(0) / 2 ** 32;

/**
 * Deterministic answers with no model: words are tokens, each token's log-probability a hash of
 * the text before it, generations words drawn from a hash of the prompt. Fast enough for
 * thousands of requests; answers depend only on the request, never on faults or timing.
 */
export function hashEngine(o: { reasoning?: boolean } = {}): Engine {
  const words = ['alpha', 'beta', 'gamma', 'delta', 'the', 'cat', 'sat', '42', 'mat.'];
  const generate = (seed: string, maxTokens: number, stop: unknown) => {
    const out: string[] = [];
    for (let i = 0; i < maxTokens; i++) out.push(` ${words[Math.floor(unit(seed, i) * words.length)]}`);
    const cut = cutAtStops(out.join(''), stop);
    return {
      text: cut.text,
      finish: cut.stopped ? 'stop' : 'length',
      tokens: cut.stopped ? cut.text.split(' ').length : maxTokens,
    };
  };
  return {
    completions(body) {
      const prompts = promptsOf(body);
      const maxTokens = Number(body.max_tokens ?? 16);
      let promptTokens = 0;
      let completionTokens = 0;
      const choices = prompts.map((prompt, index) => {
        const pieces = typeof prompt === 'string' ? ['', ...(prompt.match(/\s*\S+|\s+/g) ?? [])] : prompt.map(String);
        promptTokens += pieces.length;
        if (body.echo) {
          const offsets: number[] = [];
          let at = 0;
          for (const p of pieces) {
            offsets.push(at);
            at += [...p].length;
          }
          const logprobs = pieces.map((p, i) => (i === 0 ? null : -(0.1 + 5 * unit(pieces.slice(0, i), p))));
          const top = logprobs.map((lp, i) =>
            lp === null
              ? null
              : unit('greedy', pieces.slice(0, i + 1)) < 0.3
                ? { [pieces[i]!]: lp }
                : { '<alt>': lp + 0.5 },
          );
          return {
            index,
            text: typeof prompt === 'string' ? prompt : '',
            logprobs: { tokens: pieces, token_logprobs: logprobs, top_logprobs: top, text_offset: offsets },
            finish_reason: 'length',
          };
        }
        const g = generate(JSON.stringify(prompt), maxTokens, body.stop);
        completionTokens += g.tokens;
        return { index, text: g.text, logprobs: null, finish_reason: g.finish };
      });
      return {
        status: 200,
        body: {
          object: 'text_completion',
          choices,
          usage: { prompt_tokens: promptTokens, completion_tokens: completionTokens },
        },
      };
    },
    chat(body) {
      const messages = body.messages as { role: string; content: string }[];
      const g = generate(JSON.stringify(messages), Number(body.max_tokens ?? 16), body.stop);
      const reasoning = o.reasoning ? `thinking about ${messages.length} turns\n` : undefined;
      return {
        status: 200,
        body: {
          object: 'chat.completion',
          choices: [
            {
              index: 0,
              message: {
                role: 'assistant',
                content: g.text.trimStart(),
                ...(reasoning && { reasoning_content: reasoning }),
              },
              finish_reason: g.finish,
            },
          ],
          usage: {
            prompt_tokens: JSON.stringify(messages).length / 4,
            completion_tokens: g.tokens,
            ...(reasoning && { completion_tokens_details: { reasoning_tokens: 5 } }),
          },
        },
      };
    },
  };
}
