import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { UserError } from '../../errors.ts';

/**
 * POSTs JSON to an OpenAI-compatible server with a concurrency limit and retries: 429, 408, 5xx,
 * timeouts, connection resets and truncated or unparsable bodies are retried with exponential
 * backoff and jitter (or after the server's Retry-After); any other 4xx fails at once, since
 * sending the same request again cannot change the answer.
 */
export interface ApiClientOptions {
  /** Up to and including the version path, e.g. http://host:8000/v1. */
  readonly baseUrl: string;
  readonly apiKey: string | undefined;
  readonly numConcurrent: number;
  /** Retries after the first attempt. */
  readonly maxRetries: number;
  /** Per attempt, body included. */
  readonly timeoutMs: number;
  /** First backoff; doubled per retry up to backoffMaxMs. */
  readonly backoffBaseMs?: number;
  readonly backoffMaxMs?: number;
}

export interface ApiClientStats {
  readonly requests: number;
  readonly retries: number;
  /** Attempts that failed, by cause ("HTTP 503", "timeout", "connection", "bad body"). */
  readonly failedAttempts: Readonly<Record<string, number>>;
}

/** A failed attempt; `retryable` says whether sending it again may succeed. */
export class ApiAttemptError extends Error {
  constructor(
    message: string,
    readonly reason: string,
    readonly retryable: boolean,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

const DEFAULT_BACKOFF_BASE_MS = 250;
const DEFAULT_BACKOFF_MAX_MS = 30_000;
/** A server asking for more than this is treated as this: a run should not sleep for an hour. */
const MAX_RETRY_AFTER_MS = 120_000;

export class ApiClient {
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  private readonly counts = { requests: 0, retries: 0 };
  private readonly failed: Record<string, number> = {};
  private agent: HttpAgent | HttpsAgent | undefined;

  constructor(readonly o: ApiClientOptions) {}

  stats(): ApiClientStats {
    return { ...this.counts, failedAttempts: { ...this.failed } };
  }

  /** The parsed JSON answer, or a UserError naming the server once the retries are spent. */
  async post(path: string, body: unknown, signal?: AbortSignal): Promise<unknown> {
    const url = `${this.o.baseUrl.replace(/\/+$/, '')}${path}`;
    const payload = JSON.stringify(body);
    this.counts.requests++;
    for (let attempt = 0; ; attempt++) {
      signal?.throwIfAborted();
      let error: ApiAttemptError;
      try {
        return await this.withSlot(() => this.attempt(url, payload, signal), attempt > 0);
      } catch (e) {
        if (!(e instanceof ApiAttemptError)) throw e;
        error = e;
      }
      this.failed[error.reason] = (this.failed[error.reason] ?? 0) + 1;
      if (!error.retryable || attempt >= this.o.maxRetries)
        throw new UserError(
          `${url}: ${error.message}${error.retryable ? ` (gave up after ${attempt + 1} attempts)` : ''}`,
          { field: '--model_args base_url' },
          error.retryable
            ? 'every finished response is saved in the request cache: rerun the same command to resume; raise max_retries or timeout for a flaky server'
            : 'check model_args (model, api_key_env) and the server',
        );
      this.counts.retries++;
      await sleep(this.backoffMs(attempt, error.retryAfterMs), signal);
    }
  }

  /** Exponential backoff with equal jitter; a Retry-After from the server takes precedence. */
  private backoffMs(attempt: number, retryAfterMs: number | undefined): number {
    if (retryAfterMs !== undefined) return Math.min(retryAfterMs, MAX_RETRY_AFTER_MS);
    const ceiling = Math.min(
      this.o.backoffMaxMs ?? DEFAULT_BACKOFF_MAX_MS,
      (this.o.backoffBaseMs ?? DEFAULT_BACKOFF_BASE_MS) * 2 ** attempt,
    );
    return ceiling / 2 + (Math.random() * ceiling) / 2;
  }

  private async attempt(url: string, payload: string, signal: AbortSignal | undefined): Promise<unknown> {
    let answer: HttpAnswer;
    try {
      answer = await this.send(url, payload, signal);
    } catch (e) {
      if (signal?.aborted) throw signal.reason;
      if (e instanceof AttemptTimeout)
        throw new ApiAttemptError(`no answer within ${this.o.timeoutMs} ms`, 'timeout', true);
      throw new ApiAttemptError(`connection failed: ${describe(e)}`, 'connection', true);
    }
    const { status, text, retryAfter } = answer;
    if (status < 200 || status >= 300) {
      const retryable = status === 429 || status === 408 || status >= 500;
      throw new ApiAttemptError(
        `HTTP ${status}: ${serverMessage(text)}`,
        `HTTP ${status}`,
        retryable,
        parseRetryAfter(retryAfter),
      );
    }
    try {
      return JSON.parse(text);
    } catch {
      // A body cut off mid-way (a proxy or the server dropping the connection after the headers).
      throw new ApiAttemptError(`unparsable response body (${text.length} bytes)`, 'bad body', true);
    }
  }

  /**
   * One POST over node:http(s) with a keep-alive agent: a quarter of fetch's CPU per request,
   * which at thousands of short requests is the client's whole cost. The timeout covers the
   * body too, so a server that trickles its answer is cut off and retried.
   */
  private send(url: string, payload: string, signal: AbortSignal | undefined): Promise<HttpAnswer> {
    const target = new URL(url);
    const secure = target.protocol === 'https:';
    this.agent ??= secure
      ? new HttpsAgent({ keepAlive: true, maxSockets: this.o.numConcurrent })
      : new HttpAgent({ keepAlive: true, maxSockets: this.o.numConcurrent });
    const headers: Record<string, string | number> = {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(payload),
    };
    if (this.o.apiKey) headers.authorization = `Bearer ${this.o.apiKey}`;
    return new Promise<HttpAnswer>((resolve, reject) => {
      const options = { method: 'POST', headers, agent: this.agent };
      const req = (secure ? httpsRequest : httpRequest)(target, options, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          if (!res.complete) return; // 'close' below reports the cut
          const retryAfter = res.headers['retry-after'];
          resolve({
            status: res.statusCode ?? 0,
            text: Buffer.concat(chunks).toString('utf8'),
            retryAfter: typeof retryAfter === 'string' ? retryAfter : null,
          });
        });
        res.on('close', () => {
          if (!res.complete) reject(new Error('connection closed mid-body'));
        });
        res.on('error', reject);
      });
      const timer = setTimeout(() => req.destroy(new AttemptTimeout()), this.o.timeoutMs);
      const onAbort = () => req.destroy(signal!.reason as Error);
      signal?.addEventListener('abort', onAbort, { once: true });
      req.on('close', () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
      });
      req.on('error', reject);
      req.end(payload);
    });
  }

  close(): void {
    this.agent?.destroy();
  }

  /** A retry waits at the front of the queue: it has already waited its backoff, and the run's tail is its wait. */
  private async withSlot<T>(fn: () => Promise<T>, retry: boolean): Promise<T> {
    if (this.active >= this.o.numConcurrent)
      await new Promise<void>((resolve) => (retry ? this.waiting.unshift(resolve) : this.waiting.push(resolve)));
    else this.active++;
    try {
      return await fn();
    } finally {
      const next = this.waiting.shift();
      // The slot passes straight to the next waiter, so `active` never dips and lets a newcomer jump the queue.
      if (next) next();
      else this.active--;
    }
  }
}

interface HttpAnswer {
  readonly status: number;
  readonly text: string;
  readonly retryAfter: string | null;
}

class AttemptTimeout extends Error {}

/** Seconds or an HTTP date (RFC 9110); undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** The `error.message` of an OpenAI-style error body, else the body's start. */
function serverMessage(text: string): string {
  try {
    const parsed = JSON.parse(text) as { error?: { message?: unknown } | string; message?: unknown };
    const message =
      typeof parsed.error === 'string' ? parsed.error : (parsed.error?.message ?? parsed.message ?? undefined);
    if (typeof message === 'string') return message.split('\n')[0]!;
  } catch {
    // not JSON: fall through to the raw text
  }
  return text.slice(0, 200).split('\n')[0] || '(empty body)';
}

function describe(e: unknown): string {
  const cause = (e as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (e instanceof Error ? e.message : String(e));
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
