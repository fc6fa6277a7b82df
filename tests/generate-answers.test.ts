import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterEach, describe, expect, it } from 'vitest';
import { backends } from '../src/backends/index.ts';
import { type Backend, type CallOptions, reportResult } from '../src/backends/types.ts';
import { registerJudge } from '../src/cli/judge.ts';
import type { GenerateRequest, GenerateResult } from '../src/requests/types.ts';
import { type FakeOpenAiServer, hashEngine, startFakeOpenAiServer } from './fake-openai-server.ts';
import { ROOT, STORIES, tempDir } from './helpers.ts';
import { cacheRows, runEvalboard } from './process-helpers.ts';

/**
 * `evalboard generate`: a model's answers to the judge benchmarks, in each benchmark's own format,
 * made by stories260K on llamacpp and by openai-chat against the fake server, then judged from the
 * folder generate wrote by a scripted judge.
 */
const DATA = join(ROOT, '../shared/datasets');
const LIMIT = 3;

function jsonl<T>(path: string): T[] {
  return readFileSync(path, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as T);
}

interface ArenaQuestion {
  uid: string;
  prompt: string;
}
interface ArenaV01Answer {
  question_id: string;
  model_id: string;
  choices: [{ turns: [{ content: string; token_len: number }] }];
}
interface ArenaV2Answer {
  uid: string;
  messages: [{ role: string; content: string }, { role: string; content: { answer: string } }];
  metadata: { token_len: number };
}
interface MtQuestion {
  question_id: number;
  turns: string[];
}
interface MtAnswer {
  question_id: number;
  choices: [{ turns: [string, string] }];
}

/** A judge that records every prompt and answers by a rule on the prompt's text. */
class ScriptedJudge implements Backend {
  readonly id = 'scripted-answers-judge';
  readonly info = { backend: 'scripted', modelId: 'scripted', settings: {}, details: {} };
  readonly capabilities = new Set(['generateUntil'] as const);
  readonly maxLength = 1 << 20;
  readonly prompts: string[] = [];
  constructor(private readonly reply: (prompt: string) => string) {}
  async loglikelihood(): Promise<never> {
    throw new Error('not a log-likelihood judge');
  }
  async loglikelihoodRolling(): Promise<never> {
    throw new Error('not a log-likelihood judge');
  }
  async generateUntil(reqs: readonly GenerateRequest[], o?: CallOptions): Promise<GenerateResult[]> {
    return reqs.map((req, i) => {
      const prompt = req.messages!.map((m) => m.content).join('\n');
      this.prompts.push(prompt);
      const result = { text: this.reply(prompt), tokens: 4, hitMaxTokens: false, truncated: false };
      reportResult(o, i, 4, result);
      return result;
    });
  }
  async close(): Promise<void> {}
}

async function judgeCli(benchmark: string, args: string[], judge: Backend): Promise<string> {
  backends[judge.id] = async () => judge;
  const program = new Command().exitOverride();
  registerJudge(program);
  const writes: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string) => writes.push(String(chunk)) > 0) as typeof process.stdout.write;
  try {
    await program.parseAsync(['judge', benchmark, '--judge', judge.id, '--no_cache', ...args], { from: 'user' });
  } finally {
    process.stdout.write = write;
    delete backends[judge.id];
  }
  return writes.join('');
}

let servers: FakeOpenAiServer[] = [];
afterEach(async () => {
  for (const s of servers) await s.close();
  servers = [];
});

describe('evalboard generate', () => {
  it('stories260K answers all four benchmarks in their formats; a rerun reads the cache; the judges take the folder', async () => {
    const out = tempDir('generate-');
    const cache = join(out, 'cache.sqlite');
    const args = [
      'generate',
      '--tasks',
      'arena_hard_v0.1,arena_hard_v2.0,mt_bench,alpaca_eval',
      '--model',
      'llamacpp',
      '--model_args',
      `pretrained=${STORIES}`,
      '--limit',
      String(LIMIT),
      '--max_gen_toks',
      '24',
      '--output_path',
      out,
      '--use_cache',
      cache,
    ];
    const first = await runEvalboard(args);
    expect(first.code, first.stderr).toBe(0);
    // 3 questions each for the three single-turn sets, 3 × 2 turns for MT-Bench.
    expect(first.stderr).toContain('request cache: 0 hits, 15 fresh');

    const v01Questions = jsonl<ArenaQuestion>(join(DATA, 'arena-hard/v0.1/question.jsonl')).slice(0, LIMIT);
    const v01 = jsonl<ArenaV01Answer>(join(out, 'arena-hard-v0.1/model_answer/stories260K.jsonl'));
    expect(v01.map((a) => a.question_id)).toEqual(v01Questions.map((q) => q.uid));
    for (const a of v01) {
      expect(a.model_id).toBe('stories260K');
      expect(typeof a.choices[0].turns[0].content).toBe('string');
      expect(a.choices[0].turns[0].content.length).toBeGreaterThan(0);
      expect(a.choices[0].turns[0].token_len).toBeGreaterThan(0);
    }
    const v2Questions = jsonl<ArenaQuestion>(join(DATA, 'arena-hard/v2.0/question.jsonl')).slice(0, LIMIT);
    const v2 = jsonl<ArenaV2Answer>(join(out, 'arena-hard-v2.0/model_answer/stories260K.jsonl'));
    expect(v2.map((a) => a.uid)).toEqual(v2Questions.map((q) => q.uid));
    for (const [i, a] of v2.entries()) {
      expect(a.messages[0]).toEqual({ role: 'user', content: v2Questions[i]!.prompt });
      expect(a.messages[1].role).toBe('assistant');
      expect(typeof a.messages[1].content.answer).toBe('string');
      expect(a.metadata.token_len).toBeGreaterThan(0);
    }
    const mtQuestions = jsonl<MtQuestion>(join(DATA, 'mt-bench/question.jsonl')).slice(0, LIMIT);
    const mt = jsonl<MtAnswer>(join(out, 'mt_bench/model_answer/stories260K.jsonl'));
    expect(mt.map((a) => a.question_id)).toEqual(mtQuestions.map((q) => q.question_id));
    for (const a of mt) {
      expect(a.choices[0].turns).toHaveLength(2);
      // Greedy decoding: turn 2's prompt holds turn 1's answer, so the two answers differ.
      expect(a.choices[0].turns[1]).not.toBe(a.choices[0].turns[0]);
    }
    const instructions = jsonl<{ instruction: string }>(join(DATA, 'judgments/alpaca-eval/instructions.jsonl')).slice(
      0,
      LIMIT,
    );
    const alpaca = JSON.parse(readFileSync(join(out, 'alpaca_eval/stories260K/model_outputs.json'), 'utf8')) as {
      instruction: string;
      output: string;
      generator: string;
    }[];
    expect(alpaca.map((o) => o.instruction)).toEqual(instructions.map((q) => q.instruction));
    expect(alpaca.every((o) => o.generator === 'stories260K' && typeof o.output === 'string')).toBe(true);

    const second = await runEvalboard(args);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stderr).toContain('request cache: 15 hits, 0 fresh');
    expect(jsonl<MtAnswer>(join(out, 'mt_bench/model_answer/stories260K.jsonl')).map((a) => a.choices)).toEqual(
      mt.map((a) => a.choices),
    );

    // Arena-Hard: the judge prefers whichever answer is the model's (it finds the generated text).
    const answers = new Set(v01.map((a) => a.choices[0].turns[0].content));
    const arenaJudge = new ScriptedJudge((prompt) => {
      const a = /<\|The Start of Assistant A's Answer\|>\n([\s\S]*?)\n<\|The End of Assistant A's Answer\|>/.exec(
        prompt,
      )![1]!;
      return answers.has(a) ? 'My final verdict is [[A>B]].' : 'My final verdict is [[B>A]].';
    });
    const board = join(out, 'arena.json');
    await judgeCli('arena-hard', ['--answers', out, '--bootstrap_rounds', '10', '--json', board], arenaJudge);
    expect(arenaJudge.prompts).toHaveLength(2 * LIMIT);
    const arena = JSON.parse(readFileSync(board, 'utf8'));
    expect(arena.malformed).toEqual({ stories260K: 0 });
    expect(arena.notes.join('\n')).toContain(`${500 - LIMIT} of 500 questions lack an answer`);
    const row = arena.rows.find((r: { model: string }) => r.model === 'stories260K');
    expect(row.scores.battles).toBe(2 * LIMIT);
    expect(row.scores.score).toBeGreaterThan(99);

    // MT-Bench: rating 7 on turn 1, 3 on turn 2; both generated turns reach the judge.
    const mtJudge = new ScriptedJudge((prompt) =>
      prompt.includes("<|The Start of Assistant A's Conversation") ? '[[3]]' : '[[7]]',
    );
    const mtBoard = join(out, 'mt.json');
    await judgeCli('mt-bench', ['--answers', out, '--limit', String(LIMIT), '--json', mtBoard], mtJudge);
    for (const a of mt) expect(mtJudge.prompts.some((p) => p.includes(a.choices[0].turns[1]))).toBe(true);
    const mtRow = JSON.parse(readFileSync(mtBoard, 'utf8')).rows[0];
    expect(mtRow.model).toBe('stories260K');
    expect(mtRow.scores).toMatchObject({ turn_1: 7, turn_2: 3, score: 5 });

    // AlpacaEval: against gpt4_1106_preview's outputs (output_1 of the shared annotations file).
    const alpacaJudge = new ScriptedJudge(() => 'M');
    const alpacaBoard = join(out, 'alpaca.json');
    const baseline = join(DATA, 'judgments/alpaca-eval/annotations_gpt-3.5-turbo-1106.json');
    await judgeCli('alpaca-eval', ['--answers', out, '--baseline', baseline, '--json', alpacaBoard], alpacaJudge);
    expect(alpacaJudge.prompts).toHaveLength(LIMIT);
    for (const o of alpaca) expect(alpacaJudge.prompts.some((p) => p.includes(o.output))).toBe(true);
    const alpacaRow = JSON.parse(readFileSync(alpacaBoard, 'utf8')).rows[0];
    expect(alpacaRow.model).toBe('stories260K');
    expect(alpacaRow.scores.n_total).toBe(LIMIT);
  }, 240_000);

  it('openai-chat: MT-Bench turn 2 is sent with the model’s own first answer in the history', async () => {
    const server = await startFakeOpenAiServer(hashEngine());
    servers.push(server);
    const out = tempDir('generate-chat-');
    const r = await runEvalboard([
      'generate',
      '--tasks',
      'mt_bench',
      '--model',
      'openai-chat',
      '--model_args',
      `base_url=${server.baseUrl},model=fake-chat,num_concurrent=4`,
      '--limit',
      String(LIMIT),
      '--max_gen_toks',
      '12',
      '--output_path',
      out,
      '--no_cache',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const answers = jsonl<MtAnswer>(join(out, 'mt_bench/model_answer/fake-chat.jsonl'));
    const questions = jsonl<MtQuestion>(join(DATA, 'mt-bench/question.jsonl')).slice(0, LIMIT);
    const bodies = [...server.stats.answeredBodies.keys()].map((b) => JSON.parse(b) as { messages: unknown[] });
    expect(bodies).toHaveLength(2 * LIMIT);
    for (const [i, q] of questions.entries()) {
      const [turn1, turn2] = answers[i]!.choices[0].turns;
      expect(bodies).toContainEqual(expect.objectContaining({ messages: [{ role: 'user', content: q.turns[0] }] }));
      expect(bodies).toContainEqual(
        expect.objectContaining({
          messages: [
            { role: 'user', content: q.turns[0] },
            { role: 'assistant', content: turn1 },
            { role: 'user', content: q.turns[1] },
          ],
        }),
      );
      expect(turn2.length).toBeGreaterThan(0);
    }
  }, 60_000);

  it('an interrupted generate resumes from the request cache and writes what an uninterrupted run writes', async () => {
    const server = await startFakeOpenAiServer(hashEngine(), { latencyMs: 40 });
    servers.push(server);
    const out = tempDir('generate-resume-');
    const cache = join(out, 'cache.sqlite');
    const args = (dir: string) => [
      'generate',
      '--tasks',
      'alpaca_eval',
      '--model',
      'openai-chat',
      '--model_args',
      `base_url=${server.baseUrl},model=fake-chat,num_concurrent=2`,
      '--limit',
      '40',
      '--max_gen_toks',
      '8',
      '--output_path',
      dir,
    ];
    const killed = await runEvalboard([...args(join(out, 'a')), '--use_cache', cache], {
      cachePath: cache,
      sendAt: { rows: 10, signal: 'SIGKILL' },
    });
    expect(killed.signal).toBe('SIGKILL');
    const journaled = cacheRows(cache);
    expect(journaled).toBeGreaterThanOrEqual(10);
    expect(journaled).toBeLessThan(40);
    const resumed = await runEvalboard([...args(join(out, 'a')), '--use_cache', cache]);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toContain(`request cache: ${journaled} hits, ${40 - journaled} fresh`);
    const uninterrupted = await runEvalboard([...args(join(out, 'b')), '--no_cache']);
    expect(uninterrupted.code, uninterrupted.stderr).toBe(0);
    const read = (dir: string) => readFileSync(join(dir, 'alpaca_eval/fake-chat/model_outputs.json'), 'utf8');
    const outputs = JSON.parse(read(join(out, 'a'))) as { output: string }[];
    expect(outputs).toHaveLength(40);
    expect(read(join(out, 'a'))).toBe(read(join(out, 'b')));
  }, 90_000);
});
