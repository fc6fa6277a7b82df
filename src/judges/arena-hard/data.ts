import type { Doc } from '../../documents/types.ts';
import { UserError } from '../../errors.ts';
import { readRecords, stringField } from '../files.ts';

export interface ArenaQuestion {
  readonly id: string;
  readonly prompt: string;
  /** v2.0's `category` (hard_prompt, creative_writing); v0.1's is the benchmark name. */
  readonly category: string | undefined;
}

/** v0.1/v2.0 `question.jsonl` (`uid`, `prompt`), or the older layout (`question_id`, `turns[0].content`). */
export function readQuestions(path: string): ArenaQuestion[] {
  return readRecords(path, '--questions').map((row, i) => {
    const category = typeof row.category === 'string' ? row.category : undefined;
    if ('uid' in row)
      return { id: stringField(row, 'uid', path, i), prompt: stringField(row, 'prompt', path, i), category };
    const turns = row.turns as { content?: unknown }[] | undefined;
    const content = turns?.[0]?.content;
    if (typeof content !== 'string')
      throw new UserError(`record ${i + 1} has neither uid/prompt nor turns[0].content`, {
        file: path,
        field: '--questions',
      });
    return { id: stringField(row, 'question_id', path, i), prompt: content, category };
  });
}

export interface ModelAnswers {
  readonly model: string;
  /** Question id → the answer's text. */
  readonly answers: ReadonlyMap<string, string>;
  /** Question id → `metadata.token_len`, where the file records it (v2.0 answer files). */
  readonly tokenLengths: ReadonlyMap<string, number>;
}

/**
 * Arena-Hard's answer files: the current layout (`uid`, `model`, `messages` ending in
 * `{"role": "assistant", "content": {"answer": …}}`) or FastChat's (`question_id`, `model_id`,
 * `choices[0].turns[0].content`, or a plain string turn).
 */
export function readAnswers(path: string, field: string): ModelAnswers {
  const rows = readRecords(path, field);
  let model: string | undefined;
  const answers = new Map<string, string>();
  const tokenLengths = new Map<string, number>();
  rows.forEach((row, i) => {
    const name = row.model ?? row.model_id;
    if (typeof name === 'string') model ??= name;
    const id = 'uid' in row ? stringField(row, 'uid', path, i) : stringField(row, 'question_id', path, i);
    answers.set(id, answerText(row, path, i, field));
    const tokenLength = (row.metadata as { token_len?: unknown } | undefined)?.token_len;
    if (typeof tokenLength === 'number') tokenLengths.set(id, tokenLength);
  });
  if (rows.length === 0) throw new UserError('no answers in the file', { file: path, field });
  return { model: model ?? 'model', answers, tokenLengths };
}

function answerText(row: Doc, path: string, i: number, field: string): string {
  if (Array.isArray(row.messages)) {
    const last = row.messages[row.messages.length - 1] as { role?: unknown; content?: unknown } | undefined;
    const content = last?.content;
    if (last?.role === 'assistant') {
      if (typeof content === 'string') return content;
      const answer = (content as { answer?: unknown } | null)?.answer;
      if (typeof answer === 'string') return answer;
    }
  }
  const turn = (row.choices as { turns?: unknown[] }[] | undefined)?.[0]?.turns?.[0];
  if (typeof turn === 'string') return turn;
  const content = (turn as { content?: unknown } | undefined)?.content;
  if (typeof content === 'string') return content;
  throw new UserError(`record ${i + 1} has no answer text (messages[-1].content.answer or choices[0].turns[0])`, {
    file: path,
    field,
  });
}

export interface RecordedGame {
  readonly userPrompt: string;
  readonly judgment: string;
  readonly verdict: string | null;
}

/** One line of Arena-Hard's model_judgment JSONL: a model's two games on one question. */
export interface RecordedJudgment {
  readonly questionId: string;
  readonly model: string;
  readonly games: readonly [RecordedGame | null, RecordedGame | null];
}

export function readJudgments(path: string): RecordedJudgment[] {
  return readRecords(path, '--judgments').map((row, i) => {
    const id = 'uid' in row ? stringField(row, 'uid', path, i) : stringField(row, 'question_id', path, i);
    const games = row.games;
    if (!Array.isArray(games) || games.length !== 2)
      throw new UserError(`record ${i + 1} does not have two games`, { file: path, field: 'games' });
    const game = (g: unknown): RecordedGame | null => {
      if (g === null || typeof g !== 'object') return null;
      const { user_prompt, judgment, score } = g as Record<string, unknown>;
      return {
        userPrompt: typeof user_prompt === 'string' ? user_prompt : JSON.stringify(user_prompt ?? null),
        judgment: typeof judgment === 'string' ? judgment : JSON.stringify(judgment ?? null),
        verdict: typeof score === 'string' ? score : null,
      };
    };
    return { questionId: id, model: stringField(row, 'model', path, i), games: [game(games[0]), game(games[1])] };
  });
}
