import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type Backend, type CallOptions, reportResult } from '../src/backends/types.ts';
import { alpacaEvalJudge } from '../src/judges/alpaca-eval/index.ts';
import { mtBenchJudge } from '../src/judges/mt-bench/index.ts';
import type { ChatMessage, GenerateRequest, GenerateResult } from '../src/requests/types.ts';
import { ROOT, tempDir } from './helpers.ts';

const MT = join(ROOT, '../shared/datasets/mt-bench');

/** A generation-only judge whose reply is a function of the chat it is sent. */
function scriptedJudge(reply: (messages: readonly ChatMessage[]) => string): Backend & { chats: ChatMessage[][] } {
  const chats: ChatMessage[][] = [];
  return {
    id: 'scripted',
    info: { backend: 'scripted', modelId: 'scripted', settings: {}, details: {} },
    capabilities: new Set(['generateUntil']),
    maxLength: 1 << 20,
    chats,
    loglikelihood: () => Promise.reject(new Error('no log-likelihoods')),
    loglikelihoodRolling: () => Promise.reject(new Error('no log-likelihoods')),
    async generateUntil(reqs: readonly GenerateRequest[], o?: CallOptions): Promise<GenerateResult[]> {
      return reqs.map((r, i) => {
        chats.push([...r.messages!]);
        const result = { text: reply(r.messages!), tokens: 1, hitMaxTokens: false, truncated: false };
        reportResult(o, i, 1, result);
        return result;
      });
    },
    close: async () => {},
  };
}

interface MtQuestion {
  question_id: number;
  category: string;
  turns: string[];
}

describe('MT-Bench judging with a scripted judge', () => {
  it('picks the published prompt per category and turn, and averages the ratings per turn and category', async () => {
    const questions = readFileSync(join(MT, 'question.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as MtQuestion);
    const references = new Map(
      readFileSync(join(MT, 'reference_answer/gpt-4.jsonl'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { question_id: number; choices: { turns: string[] }[] })
        .map((r) => [r.question_id, r.choices[0]!.turns]),
    );
    const dir = tempDir('judge-mt-');
    const answers = join(dir, 'answers.jsonl');
    writeFileSync(
      answers,
      questions
        .map((q) =>
          JSON.stringify({
            question_id: q.question_id,
            model_id: 'scripted-model',
            choices: [{ index: 0, turns: [`first answer ${q.question_id}`, `second answer ${q.question_id}`] }],
          }),
        )
        .join('\n'),
    );
    // Rating: question_id mod 10 + 1 on turn 1, one less on turn 2; question 85 gets no rating.
    const judge = scriptedJudge((messages) => {
      const user = messages[1]!.content;
      const id = Number(/first answer (\d+)/.exec(user)![1]);
      if (id === 85) return 'I cannot decide.';
      const turn2 = user.includes(`second answer ${id}`);
      return `Explanation. Rating: [[${(id % 10) + 1 - (turn2 ? 1 : 0)}]]`;
    });
    const outcome = await mtBenchJudge.judge(
      { backend: judge },
      { questions: join(MT, 'question.jsonl'), answers, references: join(MT, 'reference_answer/gpt-4.jsonl') },
    );
    expect(judge.chats).toHaveLength(160);
    const needsReference = new Set(['math', 'reasoning', 'coding']);
    for (const q of questions) {
      const [turn1, turn2] = judge.chats.filter((c) => c[1]!.content.includes(`first answer ${q.question_id}\n`));
      expect(turn1, String(q.question_id)).toBeDefined();
      const reference = references.get(q.question_id);
      if (needsReference.has(q.category)) {
        expect(turn1![1]!.content).toContain('[The Start of Reference Answer]');
        expect(turn1![1]!.content).toContain(reference![0]!);
        expect(turn2![1]!.content).toContain(reference![1]!);
      } else {
        expect(turn1![1]!.content).not.toContain('Reference Answer');
      }
      // The second turn's prompt holds the whole conversation.
      expect(turn2![1]!.content).toContain(q.turns[1]!);
      expect(turn2![1]!.content).toContain(`second answer ${q.question_id}`);
    }
    const graded = questions.filter((q) => q.question_id !== 85);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const turn1 = graded.map((q) => (q.question_id % 10) + 1);
    const turn2 = turn1.map((x) => x - 1);
    const row = outcome.rows[0]!;
    expect(row.scores.turn_1).toBeCloseTo(mean(turn1), 12);
    expect(row.scores.turn_2).toBeCloseTo(mean(turn2), 12);
    expect(row.scores.score).toBeCloseTo(mean([...turn1, ...turn2]), 12);
    const writing = graded.filter((q) => q.category === 'writing').map((q) => (q.question_id % 10) + 0.5);
    expect(row.scores.writing).toBeCloseTo(mean(writing), 12);
    expect(outcome.malformed).toEqual({ 'scripted-model': 2 });
  });
});

describe('AlpacaEval judging with a scripted judge (discrete preferences)', () => {
  it('shows the outputs in both orders and maps the chosen label back to the model', async () => {
    const dir = tempDir('judge-alpaca-');
    const instructions = Array.from({ length: 40 }, (_, i) => `Instruction number ${i}?`);
    const write = (name: string, generator: string) => {
      const path = join(dir, name);
      writeFileSync(
        path,
        JSON.stringify(
          instructions.map((instruction, i) => ({ instruction, output: `${generator} says ${i}`, generator })),
        ),
      );
      return path;
    };
    const answers = write('model.json', 'candidate');
    const baseline = write('baseline.json', 'reference');
    // Always picks the candidate's output, wherever it is shown; instruction 0 gets an unusable reply.
    const judge = scriptedJudge((messages) => {
      const user = messages.at(-1)!.content;
      if (user.includes('Instruction number 0?')) return 'both';
      const m = /"model_identifier": "m",\n\s*"output": """([\s\S]*?)"""/.exec(user)![1]!;
      return m.startsWith('candidate') ? 'm' : 'M';
    });
    const outcome = await alpacaEvalJudge.judge({ backend: judge }, { answers, baseline });
    const firstShown = judge.chats.map((c) => /"output": """(\w+)/.exec(c.at(-1)!.content)![1]);
    // Both orders occur (the order is decided per instruction).
    expect(new Set(firstShown)).toEqual(new Set(['candidate', 'reference']));
    expect(judge.chats[0]![0]!.role).toBe('system');
    const row = outcome.rows[0]!;
    expect(row.model).toBe('candidate');
    expect(row.scores).toMatchObject({ win_rate: 100, n_wins: 39, n_total: 39, discrete_win_rate: 100 });
    expect(outcome.malformed).toEqual({ candidate: 1 });
  });
});
