import { UserError } from '../../errors.ts';
import type { ChatMessage } from '../../requests/types.ts';
import { askJudge } from '../ask.ts';
import { numberField, readRecords, stringField } from '../files.ts';
import { fillTemplate, promptFile } from '../prompts.ts';
import type { Judge, JudgmentRecord, LeaderboardRow } from '../types.ts';

export interface MtBenchOptions {
  /** question.jsonl: question_id, category, turns (two user messages). */
  readonly questions?: string;
  /** Judge mode: the model's answers (FastChat model_answer JSONL) and GPT-4's reference answers. */
  readonly answers?: string;
  readonly references?: string;
  readonly maxTokens?: number;
  /** Judge only the first N questions. */
  readonly limit?: number;
}

/** Categories whose questions are graded against a reference answer (FastChat's NEED_REF_CATS). */
const NEEDS_REFERENCE = new Set(['math', 'reasoning', 'coding', 'arena-hard-200']);

export interface MtBenchQuestion {
  readonly id: string;
  readonly category: string;
  readonly turns: readonly string[];
}

/** MT-Bench's question.jsonl: question id → category and the two user turns. */
export function readMtBenchQuestions(path: string): Map<string, MtBenchQuestion> {
  return new Map(
    readRecords(path, '--questions').map((row, i) => {
      const id = String(numberField(row, 'question_id', path, i));
      const turns = row.turns;
      if (!Array.isArray(turns) || !turns.every((t) => typeof t === 'string'))
        throw new UserError(`record ${i + 1} has no list of turns`, { file: path, field: 'turns' });
      return [id, { id, category: stringField(row, 'category', path, i), turns }];
    }),
  );
}

/** FastChat's model_answer JSONL: question id → the turns of choices[0]. */
function readTurns(path: string, field: string): { model: string; turns: Map<string, readonly string[]> } {
  let model = 'model';
  const turns = new Map<string, readonly string[]>();
  readRecords(path, field).forEach((row, i) => {
    if (typeof row.model_id === 'string') model = row.model_id;
    const choice = (row.choices as { turns?: unknown }[] | undefined)?.[0]?.turns;
    if (!Array.isArray(choice) || !choice.every((t) => typeof t === 'string'))
      throw new UserError(`record ${i + 1} has no choices[0].turns`, { file: path, field });
    turns.set(String(numberField(row, 'question_id', path, i)), choice);
  });
  return { model, turns };
}

interface JudgePrompt {
  readonly name: string;
  readonly system_prompt: string;
  readonly prompt_template: string;
}

function judgePrompts(): Map<string, JudgePrompt> {
  const lines = promptFile('mt-bench-judge-prompts.jsonl').trim().split('\n');
  return new Map(lines.map((l) => JSON.parse(l) as JudgePrompt).map((p) => [p.name, p]));
}

/** FastChat's single-answer rating: the first [[x]], else the first [x]; -1 when there is none. */
export function parseRating(judgment: string): number {
  const match = /\[\[(\d+\.?\d*)\]\]/.exec(judgment) ?? /\[(\d+\.?\d*)\]/.exec(judgment);
  return match ? Number(match[1]) : -1;
}

/** One graded turn, FastChat's gpt-4_single.jsonl fields. */
export interface SingleJudgment {
  readonly questionId: string;
  readonly model: string;
  readonly turn: number;
  readonly score: number;
  readonly userPrompt: string;
  readonly judgment: string;
}

function readSingleJudgments(path: string): SingleJudgment[] {
  return readRecords(path, '--judgments').map((row, i) => ({
    questionId: String(numberField(row, 'question_id', path, i)),
    model: stringField(row, 'model', path, i),
    turn: numberField(row, 'turn', path, i),
    score: numberField(row, 'score', path, i),
    userPrompt: typeof row.user_prompt === 'string' ? row.user_prompt : '',
    judgment: typeof row.judgment === 'string' ? row.judgment : '',
  }));
}

/**
 * Per model: the mean of all ratings (the MT-Bench score), per turn and per category (both turns).
 * Unparsed ratings (-1) are left out, as FastChat's show_result does.
 */
export function mtBenchLeaderboard(judgments: readonly SingleJudgment[], questions: Map<string, MtBenchQuestion>) {
  const byModel = new Map<string, SingleJudgment[]>();
  for (const j of judgments) byModel.set(j.model, [...(byModel.get(j.model) ?? []), j]);
  const rows: LeaderboardRow[] = [...byModel].map(([model, list]) => {
    const valid = list.filter((j) => j.score !== -1);
    const scores: Record<string, number> = { score: mean(valid.map((j) => j.score)) };
    for (const turn of [1, 2]) {
      const own = valid.filter((j) => j.turn === turn);
      if (own.length) scores[`turn_${turn}`] = mean(own.map((j) => j.score));
    }
    const categories = [...new Set(valid.map((j) => questions.get(j.questionId)?.category ?? 'unknown'))].sort();
    for (const c of categories)
      scores[c] = mean(
        valid.filter((j) => (questions.get(j.questionId)?.category ?? 'unknown') === c).map((j) => j.score),
      );
    return { model, scores, ci: {} };
  });
  const malformed = Object.fromEntries([...byModel].map(([m, l]) => [m, l.filter((j) => j.score === -1).length]));
  const records: JudgmentRecord[] = judgments.map((j) => ({
    model: j.model,
    questionId: `${j.questionId}_turn${j.turn}`,
    prompts: [j.userPrompt],
    judgments: [j.judgment],
    parsed: [j.score === -1 ? null : j.score],
    value: j.score === -1 ? null : j.score,
  }));
  return { rows: rows.sort((a, b) => b.scores.score! - a.scores.score!), malformed, judgments: records };
}

function mean(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

/**
 * MT-Bench single-answer grading: each of a model's two turns rated 1–10 by the judge with
 * FastChat's prompts (the math variants, with GPT-4's reference answer, for math, reasoning and coding).
 */
export const mtBenchJudge: Judge<MtBenchOptions> = {
  name: 'mt-bench',
  async judge(model, options) {
    if (!options.questions) throw new UserError('judging MT-Bench needs the questions', { field: '--questions' });
    if (!options.answers) throw new UserError('judging MT-Bench needs the model answers', { field: '--answers' });
    const questions = readMtBenchQuestions(options.questions);
    const answers = readTurns(options.answers, '--answers');
    const references = options.references ? readTurns(options.references, '--references').turns : new Map();
    const prompts = judgePrompts();
    const notes: string[] = [];
    const asks: { question: MtBenchQuestion; turn: number; messages: ChatMessage[] }[] = [];
    for (const question of [...questions.values()].slice(0, options.limit)) {
      const answer = answers.turns.get(question.id);
      if (!answer) {
        notes.push(`question ${question.id}: no answer`);
        continue;
      }
      const math = NEEDS_REFERENCE.has(question.category);
      const reference = references.get(question.id);
      if (math && !reference) {
        notes.push(`question ${question.id} (${question.category}): no reference answer, not graded`);
        continue;
      }
      for (const turn of [1, 2]) {
        const name = `single-${math ? 'math-' : ''}v1${turn === 2 ? '-multi-turn' : ''}`;
        const prompt = prompts.get(name)!;
        const values: Record<string, string> =
          turn === 1
            ? { question: question.turns[0]!, answer: answer[0] ?? '', ref_answer_1: reference?.[0] ?? '' }
            : {
                question_1: question.turns[0]!,
                question_2: question.turns[1] ?? '',
                answer_1: answer[0] ?? '',
                answer_2: answer[1] ?? '',
                ref_answer_1: reference?.[0] ?? '',
                ref_answer_2: reference?.[1] ?? '',
              };
        asks.push({
          question,
          turn,
          messages: [
            { role: 'system', content: prompt.system_prompt },
            { role: 'user', content: fillTemplate(prompt.prompt_template, values) },
          ],
        });
      }
    }
    const replies = await askJudge(
      model,
      asks.map((a) => a.messages),
      { maxTokens: options.maxTokens ?? 2048 },
    );
    const graded: SingleJudgment[] = asks.map((a, i) => ({
      questionId: a.question.id,
      model: answers.model,
      turn: a.turn,
      score: parseRating(replies[i]!),
      userPrompt: a.messages[1]!.content,
      judgment: replies[i]!,
    }));
    return { benchmark: 'mt-bench', primary: 'score', ...mtBenchLeaderboard(graded, questions), notes };
  },
  recompute(file, options) {
    if (!options.questions)
      throw new UserError('the categories come from the questions file', { field: '--questions' });
    const outcome = mtBenchLeaderboard(readSingleJudgments(file), readMtBenchQuestions(options.questions));
    return { benchmark: 'mt-bench', primary: 'score', ...outcome, notes: [] };
  },
};
