import { describe, expect, it } from 'vitest';
import { describeBackendConformance } from '../src/backends/conformance.ts';
import { createOpenAiChat } from '../src/backends/openai/chat.ts';
import { parseRetryAfter } from '../src/backends/openai/client.ts';
import { createOpenAiCompletions } from '../src/backends/openai/completions.ts';
import type { Backend, ModelArgs } from '../src/backends/types.ts';
import { UserError } from '../src/errors.ts';
import type { LoglikelihoodRequest, Result } from '../src/requests/types.ts';
import { splitThinking } from '../src/responses/think.ts';
import { type FakeOpenAiServer, type FaultOptions, hashEngine, startFakeOpenAiServer } from './fake-openai-server.ts';

const factory = (args: ModelArgs, batchSize = 1) => ({ args, batchSize, seed: 1, verbose: false });

async function served(
  create: typeof createOpenAiCompletions,
  faults: FaultOptions = {},
  args: Record<string, string> = {},
  batchSize = 1,
): Promise<{ server: FakeOpenAiServer; backend: Backend; close(): Promise<void> }> {
  const server = await startFakeOpenAiServer(hashEngine({ reasoning: true }), faults);
  const backend = await create(factory({ base_url: server.baseUrl, model: 'fake', ...args }, batchSize));
  const close = async () => {
    await backend.close();
    await server.close();
  };
  return { server, backend, close };
}

describeBackendConformance('openai-completions', async () => {
  const { backend, close } = await served(createOpenAiCompletions);
  return { backend, close };
});

describeBackendConformance('openai-chat', async () => {
  const { backend, close } = await served(createOpenAiChat);
  return { backend, close };
});

/** 300 log-likelihood requests over 30 contexts, as a multiple-choice task sends them. */
const REQUESTS: LoglikelihoodRequest[] = Array.from({ length: 300 }, (_, i) => ({
  kind: 'loglikelihood',
  context: `Question ${Math.floor(i / 10)}: which word follows? Answer:`,
  continuation: ` choice ${i % 10} and more`,
}));

/** Calls loglikelihood, recording every journaled index (each must be reported once). */
async function scoreAll(backend: Backend, requests = REQUESTS) {
  const reported = new Map<number, number>();
  const values: Result[] = [];
  const results = await backend.loglikelihood(requests, {
    onResultValue: (i, r) => {
      reported.set(i, (reported.get(i) ?? 0) + 1);
      values[i] = r;
    },
  });
  return { results, reported, values };
}

describe('openai-completions against a faulty server', () => {
  it('with 20 % 5xx, 429 bursts, resets, truncated and slow bodies returns exactly the error-free scores', async () => {
    const clean = await served(createOpenAiCompletions, {}, { num_concurrent: '8' }, 4);
    const expected = (await scoreAll(clean.backend)).results;
    await clean.close();
    const faults = {
      errorRate: 0.2,
      resetRate: 0.05,
      truncateRate: 0.05,
      slowRate: 0.05,
      slowChunkMs: 150,
      burst429: { every: 25, length: 4, retryAfterSeconds: 0.05 },
      seed: 7,
    };
    const faulty = await served(
      createOpenAiCompletions,
      faults,
      { num_concurrent: '8', max_retries: '12', timeout: '0.5' },
      4,
    );
    const { results, reported, values } = await scoreAll(faulty.backend);
    const { stats } = faulty.server;
    await faulty.close();
    expect(results).toEqual(expected);
    expect(values).toEqual(expected);
    expect([...reported.keys()].sort((a, b) => a - b)).toEqual(REQUESTS.map((_, i) => i));
    expect([...reported.values()].every((n) => n === 1)).toBe(true);
    for (const kind of ['5xx', '429', 'reset', 'truncated', 'slow'])
      expect(stats.faults[kind], kind).toBeGreaterThan(0);
    const usage = faulty.backend.usage!() as { requests: number; retries: number };
    expect(usage.requests).toBe(REQUESTS.length / 4);
    expect(usage.retries).toBeGreaterThan(REQUESTS.length / 4 / 5);
  });

  it('keeps at most num_concurrent requests in flight, and uses all of them', async () => {
    const { server, backend, close } = await served(
      createOpenAiCompletions,
      { latencyMs: 30 },
      { num_concurrent: '5' },
    );
    await scoreAll(backend, REQUESTS.slice(0, 40));
    expect(server.stats.maxInFlight).toBe(5);
    expect(server.stats.answered).toBe(40);
    await close();
  });

  it('waits as long as Retry-After says before trying again', async () => {
    const faults = { burst429: { every: 1000, length: 1, retryAfterSeconds: 0.6 } };
    const { backend, close } = await served(createOpenAiCompletions, faults, { max_retries: '1' });
    const started = performance.now();
    await scoreAll(backend, REQUESTS.slice(0, 1));
    expect(performance.now() - started).toBeGreaterThanOrEqual(600);
    await close();
    expect(parseRetryAfter('2')).toBe(2000);
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:10 GMT', Date.parse('Wed, 21 Oct 2015 07:28:00 GMT'))).toBe(10_000);
  });

  it('stops with one clear line when a request keeps failing, after journaling every finished response', async () => {
    const { server, backend, close } = await served(
      createOpenAiCompletions,
      { latencyMs: 5 },
      { num_concurrent: '4', max_retries: '2' },
    );
    let calls = 0;
    const requests = REQUESTS.slice(0, 100);
    const journaled: number[] = [];
    const failing = backend.loglikelihood(requests, {
      onResultValue: (i) => {
        journaled.push(i);
        // The server breaks for good after 30 answers.
        if (++calls === 30) server.faults = { errorRate: 1 };
      },
    });
    const error = await failing.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    const line = (error as UserError).format();
    expect(line).toContain(`${server.baseUrl}/completions: HTTP 50`);
    expect(line).toMatch(/gave up after 3 attempts.*rerun the same command to resume/);
    // Requests in flight when the server broke were still answered and journaled: nothing answered is lost.
    expect(journaled.length).toBe(server.stats.answered);
    expect(new Set(journaled).size).toBe(journaled.length);
    await close();
  });

  it('does not retry a 400, and refuses a server that echoes no prompt log-probabilities (llama-server)', async () => {
    const server = await startFakeOpenAiServer({
      completions: (body) =>
        body.model === 'wrong'
          ? { status: 400, body: { error: { message: 'The model `wrong` does not exist.' } } }
          : { status: 200, body: { choices: [{ index: 0, text: '', logprobs: null }] } },
      chat: () => ({ status: 400, body: {} }),
    });
    const wrong = await createOpenAiCompletions(factory({ base_url: server.baseUrl, model: 'wrong' }));
    await expect(wrong.loglikelihood(REQUESTS.slice(0, 1))).rejects.toThrow(
      /HTTP 400: The model `wrong` does not exist/,
    );
    expect(server.stats.requests).toBe(1);
    const batched = await createOpenAiCompletions(factory({ base_url: server.baseUrl, model: 'wrong' }, 2));
    const batchRefusal = (await batched.loglikelihood(REQUESTS.slice(0, 2)).catch((e: unknown) => e)) as UserError;
    expect(batchRefusal.format()).toMatch(/HTTP 400.*one prompt per request needs --batch_size 1/);
    const echoless = await createOpenAiCompletions(factory({ base_url: server.baseUrl, model: 'x' }));
    const refusal = (await echoless.loglikelihood(REQUESTS.slice(0, 1)).catch((e: unknown) => e)) as UserError;
    expect(refusal.format()).toMatch(/returned no prompt log-probabilities.*vLLM or TGI.*llama-server does not/);
    await server.close();
  });
});

describe('openai-completions without a tokenizer', () => {
  it('locates the continuation by text offsets, moving the context trailing space as lm-eval does', async () => {
    const { backend, close } = await served(createOpenAiCompletions);
    const [spaced, joined] = await backend.loglikelihood([
      { kind: 'loglikelihood', context: 'The cat sat on the ', continuation: 'mat' },
      { kind: 'loglikelihood', context: 'The cat sat on the', continuation: ' mat' },
    ]);
    // Both become the word " mat" after "the": one token, the same score.
    expect(spaced).toEqual(joined);
    expect(spaced!.tokens).toBe(1);
    await close();
  });
});

describe('openai-chat', () => {
  it('sends the chat turns, refuses log-likelihoods without sending anything, and keeps reasoning between the markers', async () => {
    const { server, backend, close } = await served(createOpenAiChat);
    expect(backend.capabilities.has('loglikelihood')).toBe(false);
    const refusal = (await backend.loglikelihood(REQUESTS.slice(0, 1)).catch((e: unknown) => e)) as UserError;
    expect(refusal.format()).toMatch(/no prompt log-probabilities.*--apply_chat_template, or use openai-completions/);
    expect(server.stats.requests).toBe(0);
    const reasoning = { open: '<think>', close: '</think>' };
    const [answer] = await backend.generateUntil([
      {
        kind: 'generateUntil',
        context: '',
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'user', content: 'Hi' },
        ],
        settings: { until: ['\n'], maxGenToks: 3, temperature: 0, reasoning },
      },
    ]);
    // The "\n" inside the reasoning does not stop the answer; --think strip then removes the reasoning.
    expect(answer!.text).toMatch(/^<think>thinking about 2 turns\n<\/think>\S/);
    expect(splitThinking(answer!.text, { mode: 'strip', ...reasoning }).answer.split(' ')).toHaveLength(3);
    const usage = backend.usage!() as Record<string, unknown>;
    expect(usage).toMatchObject({ requests: 1, reasoning_tokens: 5, completion_tokens: 3 });
    await close();
  });
});
