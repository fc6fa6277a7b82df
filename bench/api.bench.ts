/**
 * The API backends' client against the local fake OpenAI server: --requests log-likelihood
 * requests (one prompt per HTTP request) at --latency ms each, --concurrency at a time. The ideal
 * wall time is requests / concurrency × latency; the ratio measures what the client adds
 * (scheduling, JSON, HTTP) and, with --errors, what retrying costs.
 *
 *   npm run bench -- api [--requests 2000] [--latency 50] [--concurrency 64] [--errors 0.1]
 */
import { createOpenAiCompletions } from '../src/backends/openai/completions.ts';
import { hashEngine, startFakeOpenAiServer } from '../tests/fake-openai-server.ts';
import { argValue, machineLine } from './lib/workloads.ts';

export default async function api(args: string[]): Promise<void> {
  const requests = Number(argValue(args, '--requests') ?? 2000);
  const latencyMs = Number(argValue(args, '--latency') ?? 50);
  const concurrency = Number(argValue(args, '--concurrency') ?? 64);
  const errorRates = argValue(args, '--errors') === undefined ? [0, 0.1] : [Number(argValue(args, '--errors'))];
  const ideal = (requests / concurrency) * latencyMs;
  process.stdout.write(
    `machine: ${machineLine()}\n${requests} requests, ${latencyMs} ms latency, concurrency ${concurrency}: ideal ${ideal.toFixed(0)} ms\n`,
  );
  const work = Array.from({ length: requests }, (_, i) => ({
    kind: 'loglikelihood' as const,
    context: `Question ${i}: which word comes next? Answer:`,
    continuation: ` word ${i % 7}`,
  }));
  for (const errorRate of errorRates) {
    const server = await startFakeOpenAiServer(hashEngine(), { latencyMs, errorRate, seed: 3 });
    const backend = await createOpenAiCompletions({
      args: { base_url: server.baseUrl, model: 'bench', num_concurrent: String(concurrency), max_retries: '10' },
      batchSize: 1,
      seed: 1,
      verbose: false,
    });
    const started = performance.now();
    const results = await backend.loglikelihood(work);
    const wall = performance.now() - started;
    const usage = backend.info.details.usage as { retries: number };
    await backend.close();
    await server.close();
    if (results.length !== requests || results.some((r) => !Number.isFinite(r.logprob)))
      throw new Error('missing results');
    process.stdout.write(
      `errors ${(errorRate * 100).toFixed(0)} %: wall ${wall.toFixed(0)} ms, ratio ${(wall / ideal).toFixed(3)}, ` +
        `retries ${usage.retries}, server max in flight ${server.stats.maxInFlight}\n`,
    );
  }
}
