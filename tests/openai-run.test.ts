import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type Engine, type FakeOpenAiServer, hashEngine, startFakeOpenAiServer } from './fake-openai-server.ts';
import { listFiles, tempDir } from './helpers.ts';
import { cacheRows, runEvalboard } from './process-helpers.ts';

/**
 * `evalboard run` against the fake OpenAI server (hash engine): the same scores through faults,
 * resume after a kill and after a server that gives up, the capability check, usage, cost and the
 * key kept out of the results file.
 */
const TASKS = 'bps,simplear';
const SECRET = 'sk-test-5f1e9c0a';

let servers: FakeOpenAiServer[] = [];
afterEach(async () => {
  for (const s of servers) await s.close();
  servers = [];
});

async function serve(engine: Engine = hashEngine(), faults = {}): Promise<FakeOpenAiServer> {
  const server = await startFakeOpenAiServer(engine, faults);
  servers.push(server);
  return server;
}

interface RunSpec {
  readonly cachePath?: string;
  readonly model?: string;
  readonly modelArgs?: string;
  readonly flags?: readonly string[];
  readonly tasks?: string;
  /** SIGKILL the run once the cache holds this many rows. */
  readonly killAtRows?: number;
}

async function run(server: FakeOpenAiServer, o: RunSpec = {}) {
  const out = tempDir();
  const modelArgs = `base_url=${server.baseUrl},model=fake,num_concurrent=4,timeout=2,api_key_env=FAKE_KEY${o.modelArgs ?? ',max_retries=8'}`;
  const r = await runEvalboard(
    [
      'run',
      '--model',
      o.model ?? 'openai-completions',
      '--model_args',
      modelArgs,
      '--tasks',
      o.tasks ?? TASKS,
      '--limit',
      '20',
      // One prompt per HTTP request, so the server's counts are request counts.
      '--batch_size',
      '1',
      '--output_path',
      out,
      ...(o.cachePath ? ['--use_cache', o.cachePath] : ['--no_cache']),
      ...(o.flags ?? []),
    ],
    {
      env: { FAKE_KEY: SECRET },
      ...(o.cachePath && { cachePath: o.cachePath }),
      ...(o.killAtRows !== undefined && { sendAt: { rows: o.killAtRows, signal: 'SIGKILL' as const } }),
    },
  );
  return { ...r, out };
}

function resultsOf(out: string): Record<string, unknown> & { results: unknown; timing: { usage?: unknown } } {
  const file = listFiles(out).find((f) => /results_.*\.json$/.test(f));
  if (!file) throw new Error(`no results file in ${out}`);
  return JSON.parse(readFileSync(file, 'utf8'));
}

/** A hash engine that answers `healthy` requests, then fails every later one with a 503. */
function breakingEngine(healthy: number): Engine & { answered: () => number } {
  const inner = hashEngine();
  let answered = 0;
  const gate = <T>(answer: () => T) => {
    if (answered >= healthy) return { status: 503 as const, body: { error: { message: 'down for good' } } };
    answered++;
    return answer();
  };
  return {
    completions: (body) => gate(() => inner.completions(body)) as ReturnType<Engine['completions']>,
    chat: (body) => gate(() => inner.chat(body)) as ReturnType<Engine['chat']>,
    answered: () => answered,
  };
}

describe('evalboard run --model openai-completions', () => {
  it('scores exactly as an error-free run through 20 % 5xx and 429 bursts, recording usage and cost but never the key', async () => {
    const faulty = await serve(hashEngine(), {
      errorRate: 0.2,
      burst429: { every: 20, length: 3, retryAfterSeconds: 0.05 },
      seed: 11,
    });
    const prices = join(tempDir(), 'prices.yaml');
    writeFileSync(prices, 'fake:\n  input_per_million: 2\n  output_per_million: 8\n');
    const [clean, r] = await Promise.all([
      serve().then((server) => run(server)),
      run(faulty, { modelArgs: `,prices=${prices},max_retries=10` }),
    ]);
    expect(clean.code, clean.stderr).toBe(0);
    expect(r.code, r.stderr).toBe(0);
    expect(faulty.stats.faults['5xx']).toBeGreaterThan(5);
    expect(faulty.stats.faults['429']).toBeGreaterThan(5);
    expect(resultsOf(r.out).results).toEqual(resultsOf(clean.out).results);
    // The key went to the server and nowhere else.
    expect([...faulty.stats.authorizations]).toEqual([`Bearer ${SECRET}`]);
    for (const f of listFiles(r.out)) expect(readFileSync(f, 'utf8')).not.toContain(SECRET);
    const usage = resultsOf(r.out).timing.usage as Record<string, number>;
    expect(usage.requests).toBe(faulty.stats.answered);
    expect(usage.retries).toBe(faulty.stats.requests - faulty.stats.answered);
    expect(usage.prompt_tokens).toBeGreaterThan(0);
    expect(usage.cost_usd).toBeCloseTo((usage.prompt_tokens! * 2 + usage.completion_tokens! * 8) / 1e6, 12);
    expect(usage.completion_tokens).toBeGreaterThan(0);
    // Without a price for the model, the cost is unknown rather than zero.
    expect((resultsOf(clean.out).timing.usage as Record<string, unknown>).cost_usd).toBeNull();
  });

  it('resumes after a kill mid-run, sending only what was never answered', async () => {
    const cache = join(tempDir(), 'cache.sqlite');
    const full = await serve(hashEngine());
    const slow = await serve(hashEngine(), { latencyMs: 40 });
    const [reference, killed] = await Promise.all([
      // With a cache, as the resumed run has: identical requests within a call are sent once.
      run(full, { cachePath: join(tempDir(), 'reference.sqlite') }),
      run(slow, { cachePath: cache, killAtRows: 20 }),
    ]);
    expect(reference.code, reference.stderr).toBe(0);
    const total = full.stats.answered;
    expect(killed.signal).toBe('SIGKILL');
    const saved = cacheRows(cache);
    expect(saved).toBeGreaterThan(0);
    expect(saved).toBeLessThan(total);
    const rest = await serve(hashEngine());
    const resumed = await run(rest, { cachePath: cache });
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(rest.stats.answered).toBe(total - saved);
    expect(resultsOf(resumed.out).results).toEqual(resultsOf(reference.out).results);
  });

  it('stops with one line when the server keeps failing, every answer saved; rerunning finishes the run', async () => {
    const cache = join(tempDir(), 'cache.sqlite');
    const referenceServer = await serve();
    const engine = breakingEngine(25);
    const breaking = await serve(engine);
    const [reference, r] = await Promise.all([
      run(referenceServer, { cachePath: join(tempDir(), 'reference.sqlite') }),
      run(breaking, { cachePath: cache, modelArgs: ',max_retries=2' }),
    ]);
    expect(reference.code, reference.stderr).toBe(0);
    expect(r.code).toBe(2);
    const lines = r.stderr.trim().split('\n');
    expect(lines.at(-1)).toMatch(
      /\/v1\/completions: HTTP 503: down for good \(gave up after 3 attempts\).*rerun the same command to resume/,
    );
    expect(cacheRows(cache)).toBe(engine.answered());
    const healthy = await serve();
    const resumed = await run(healthy, { cachePath: cache });
    expect(resumed.code, resumed.stderr).toBe(0);
    // Nothing answered before the failure is asked again, and nothing is lost.
    expect(healthy.stats.answered + engine.answered()).toBe(referenceServer.stats.answered);
    expect(resultsOf(resumed.out).results).toEqual(resultsOf(reference.out).results);
  }, 180_000);

  it('refuses a multiple-choice task on openai-chat before sending any request, naming the task and the fix', async () => {
    const server = await serve();
    const r = await run(server, { model: 'openai-chat', flags: ['--apply_chat_template'] });
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n').at(-1)).toMatch(
      /bps \(multiple_choice\) lacks loglikelihood.*--apply_chat_template.*openai-completions/,
    );
    expect(server.stats.requests).toBe(0);
  });

  it('openai-chat sends few-shot examples as chat turns and puts separated reasoning where --think strips it', async () => {
    const bodies: Record<string, unknown>[] = [];
    const inner = hashEngine({ reasoning: true });
    const server = await serve({
      completions: inner.completions,
      chat: (body) => {
        bodies.push(body);
        return inner.chat(body);
      },
    });
    const r = await run(server, {
      model: 'openai-chat',
      tasks: 'simplear',
      flags: [
        '--apply_chat_template',
        '--num_fewshot',
        '2',
        '--system_instruction',
        'Answer with a number.',
        '--log_samples',
      ],
    });
    expect(r.code, r.stderr).toBe(0);
    expect(bodies).toHaveLength(20);
    const roles = (bodies[0]!.messages as { role: string }[]).map((m) => m.role);
    expect(roles).toEqual(['system', 'user', 'assistant', 'user', 'assistant', 'user']);
    const samples = listFiles(r.out).find((f) => f.includes('samples_simplear_'))!;
    const rows = readFileSync(samples, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { resps: string[][]; filtered_resps: unknown });
    // The raw output keeps the reasoning between the markers; what metrics see does not.
    expect(rows[0]!.resps[0]![0]).toMatch(/^<think>thinking about 6 turns\n<\/think>/);
    expect(JSON.stringify(rows.map((row) => row.filtered_resps))).not.toContain('thinking about');
  });
});
