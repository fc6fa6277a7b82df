/**
 * The API backends' client against the local fake OpenAI server: --requests log-likelihood
 * requests (one prompt per HTTP request) at --latency ms each, --concurrency at a time. The ideal
 * wall time is requests / concurrency × latency; the ratio measures what the client adds
 * (scheduling, JSON, HTTP) and, with --errors, what retrying costs.
 *
 *   npm run bench -- api [--requests 2000] [--latency 50] [--concurrency 64] [--errors 0.1]
 */
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { createOpenAiCompletions } from '../src/backends/openai/completions.ts';
import type { FaultOptions } from '../tests/fake-openai-server.ts';
import { argValue, machineLine } from './lib/workloads.ts';

const RUNS = 3;

interface RunStats {
  readonly maxInFlight: number;
  readonly answered: number;
  readonly requests: number;
  /** The server's CPU time during the run. */
  readonly cpuMs: number;
}

/** The fake server in a child process, for the whole benchmark; `measure` applies a run's faults. */
async function startServerProcess(seed: number) {
  const child = fork(fileURLToPath(new URL('./lib/api-server-process.ts', import.meta.url)), [String(seed)], {
    execArgv: ['--import', 'tsx'],
  });
  const [{ baseUrl }] = (await once(child, 'message')) as [{ baseUrl: string }];
  return {
    baseUrl,
    measure: async (faults: FaultOptions) => {
      child.send({ type: 'measure', faults });
      await once(child, 'message');
    },
    stats: async () => {
      child.send({ type: 'stats' });
      return ((await once(child, 'message')) as [RunStats])[0];
    },
    close: async () => {
      child.send({ type: 'close' });
      await once(child, 'exit');
    },
  };
}

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
  const server = await startServerProcess(3);
  const open = () =>
    createOpenAiCompletions({
      args: { base_url: server.baseUrl, model: 'bench', num_concurrent: String(concurrency), max_retries: '10' },
      batchSize: 1,
      seed: 1,
      verbose: false,
    });
  // A served model is warm: the work once, untimed, with no latency and no faults (the JIT of both sides).
  const warm = await open();
  await warm.loglikelihood(work);
  await warm.close();
  for (const errorRate of errorRates) {
    const ratios: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      const backend = await open();
      await server.measure({ latencyMs, errorRate });
      const started = performance.now();
      const cpuBefore = process.cpuUsage();
      // When each result arrived: the time to 99 % of them shows how much of the wall is the retry tail.
      const arrivals: number[] = [];
      const results = await backend.loglikelihood(work, { onResult: () => arrivals.push(performance.now() - started) });
      const wall = performance.now() - started;
      const p99 = arrivals[Math.ceil(0.99 * arrivals.length) - 1]!;
      const cpu = process.cpuUsage(cpuBefore);
      // The client's own CPU: with a core to itself, wall time cannot drop below this.
      const cpuMs = (cpu.user + cpu.system) / 1000;
      const usage = backend.usage!() as { retries: number };
      await backend.close();
      const stats = await server.stats();
      if (results.length !== requests || results.some((r) => !Number.isFinite(r.logprob)))
        throw new Error('missing results');
      ratios.push(wall / ideal);
      process.stdout.write(
        `errors ${(errorRate * 100).toFixed(0)} %, run ${run + 1}: wall ${wall.toFixed(0)} ms, ratio ${(wall / ideal).toFixed(3)} ` +
          `(99 % of results by ${(p99 / ideal).toFixed(3)}), ` +
          `client CPU ${cpuMs.toFixed(0)} ms (${((cpuMs / requests) * 1000).toFixed(0)} µs/request), retries ${usage.retries}, server: ${stats.requests} requests, max in flight ${stats.maxInFlight}, CPU ${stats.cpuMs.toFixed(0)} ms | ${machineLine().split('; ')[1]}\n`,
      );
    }
    const sorted = [...ratios].sort((a, b) => a - b);
    process.stdout.write(
      `errors ${(errorRate * 100).toFixed(0)} %: best ratio ${sorted[0]!.toFixed(3)}, median ${sorted[Math.floor(RUNS / 2)]!.toFixed(3)}\n`,
    );
  }
  await server.close();
}
