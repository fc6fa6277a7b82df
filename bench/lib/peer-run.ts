/**
 * Running the peers of the `peers` benchmark (bench/lib/peers-build.ts builds them): the
 * multiple-choice file llama-perplexity reads, written from our own requests, and llama-server's
 * /completion endpoint driven with concurrent requests.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { createServer } from 'node:net';
import type { Peers } from './peers-build.ts';

export interface PeerTask {
  /** lm-eval's context; llama-perplexity evaluates `question + " " + answer`. */
  readonly question: string;
  readonly answers: readonly string[];
  readonly gold: number;
}

/**
 * llama-perplexity's --multiple-choice input (its `multiple_choice_task::deserialize`): uint32 task
 * count, uint32 byte offset of each task, then per task the question, the single-answer choices
 * (count, strings, int32 labels) and an empty multiple-answer list. Strings are uint32 length + bytes.
 */
export function writeMultipleChoiceFile(path: string, tasks: readonly PeerTask[]): void {
  const parts: Buffer[] = [];
  const u32 = (n: number) => {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(n);
    return b;
  };
  const str = (s: string) => {
    const bytes = Buffer.from(s, 'utf8');
    return Buffer.concat([u32(bytes.length), bytes]);
  };
  const encoded = tasks.map((t) => {
    const labels = Buffer.alloc(4 * t.answers.length);
    for (let i = 0; i < t.answers.length; i++) labels.writeInt32LE(i === t.gold ? 1 : 0, 4 * i);
    return Buffer.concat([str(t.question), u32(t.answers.length), ...t.answers.map(str), labels, u32(0)]);
  });
  let offset = 4 + 4 * tasks.length;
  parts.push(u32(tasks.length));
  for (const e of encoded) {
    parts.push(u32(offset));
    offset += e.length;
  }
  parts.push(...encoded);
  writeFileSync(path, Buffer.concat(parts));
}

/** Our request pair as the peer's task: the continuation's leading space is the peer's separator. */
export function peerTask(context: string, continuations: readonly string[], gold: number): PeerTask {
  const answers = continuations.map((c, i) => {
    if (!c.startsWith(' ')) throw new Error(`peer task: choice ${i} ${JSON.stringify(c)} does not start with a space`);
    return c.slice(1);
  });
  return { question: context, answers, gold };
}

function spawnPeer(peers: Peers, binary: string, args: string[]): ChildProcess {
  return spawn(binary, args, {
    env: { ...process.env, LD_LIBRARY_PATH: peers.libraryPath },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

export interface PerplexityRun {
  readonly seconds: number;
  /** Per task: whether the peer's pick (highest mean log-probability per token) was the gold one. */
  readonly correct: boolean[];
  readonly accuracy: number;
}

/**
 * Runs llama-perplexity --multiple-choice over `file`; wall time of the whole process (the model
 * load is milliseconds for stories260K, about a second for the 135M shape). Each task's correctness
 * is recovered from the running accuracy it prints after every task.
 */
export function runPerplexity(peers: Peers, model: string, file: string, extra: string[]): Promise<PerplexityRun> {
  const args = ['-m', model, '-bf', file, '--multiple-choice', ...extra];
  const started = performance.now();
  const child = spawnPeer(peers, peers.perplexity, args);
  // The per-task lines go to stdout, the log to stderr: kept apart, so that no stderr chunk lands
  // inside a task line.
  let output = '';
  let log = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (log = (log + d).slice(-4000)));
  return new Promise((resolve, reject) => {
    child.on('exit', (code) => {
      const seconds = (performance.now() - started) / 1000;
      if (code !== 0) return reject(new Error(`llama-perplexity exited with ${code}:\n${log}`));
      const correct: boolean[] = [];
      let right = 0;
      for (const line of output.split('\n')) {
        const m = /^(\d+)\t(\d+\.\d+)$/.exec(line.trim());
        if (!m) continue;
        const done = Number(m[1]);
        const total = Math.round((Number(m[2]) / 100) * done);
        correct.push(total > right);
        right = total;
      }
      resolve({ seconds, correct, accuracy: right / Math.max(correct.length, 1) });
    });
  });
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

function post(port: number, path: string, body: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const data = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port,
        path,
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) },
      },
      (res) => {
        let text = '';
        res.on('data', (d) => (text += d));
        res.on('end', () => {
          try {
            resolve({ status: res.statusCode ?? 0, json: JSON.parse(text) });
          } catch {
            resolve({ status: res.statusCode ?? 0, json: { raw: text } });
          }
        });
      },
    );
    req.on('error', reject);
    req.end(data);
  });
}

export interface ServerHandle {
  readonly port: number;
  stop(): Promise<void>;
}

/** Starts llama-server and waits until /health answers 200 (the model is loaded). */
export async function startServer(peers: Peers, model: string, extra: string[]): Promise<ServerHandle> {
  const port = await freePort();
  const child = spawnPeer(peers, peers.server, ['-m', model, '--host', '127.0.0.1', '--port', String(port), ...extra]);
  let output = '';
  child.stdout!.on('data', (d) => (output = (output + d).slice(-4000)));
  child.stderr!.on('data', (d) => (output = (output + d).slice(-4000)));
  let exited = false;
  child.on('exit', () => (exited = true));
  for (let waited = 0; ; waited += 200) {
    if (exited) throw new Error(`llama-server exited at startup:\n${output}`);
    if (waited > 120_000) {
      child.kill();
      throw new Error(`llama-server did not become healthy in 120 s:\n${output}`);
    }
    const ok = await new Promise<boolean>((resolve) => {
      const req = httpRequest({ host: '127.0.0.1', port, path: '/health' }, (res) => {
        res.resume();
        resolve(res.statusCode === 200);
      });
      req.on('error', () => resolve(false));
      req.end();
    });
    if (ok) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    port,
    stop: () =>
      new Promise((resolve) => {
        if (exited) return resolve();
        child.on('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

export interface Completion {
  readonly text: string;
  readonly tokens: number;
}

/**
 * Greedy completions of `prompts` through /completion, `concurrency` requests in flight (what
 * lm-eval's local-completions client does with num_concurrent), prompt cache on; results in order.
 */
export async function completeAll(
  port: number,
  prompts: readonly { prompt: string; stop: readonly string[]; maxTokens: number }[],
  concurrency: number,
): Promise<Completion[]> {
  const results: Completion[] = new Array(prompts.length);
  let next = 0;
  const worker = async () => {
    while (next < prompts.length) {
      const i = next++;
      const p = prompts[i]!;
      const { status, json } = await post(port, '/completion', {
        prompt: p.prompt,
        n_predict: p.maxTokens,
        stop: p.stop,
        temperature: 0,
        top_k: 1,
        cache_prompt: true,
        seed: 0,
      });
      if (status !== 200) throw new Error(`llama-server answered ${status}: ${JSON.stringify(json).slice(0, 500)}`);
      results[i] = { text: String(json.content ?? ''), tokens: Number(json.tokens_predicted ?? 0) };
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return results;
}
