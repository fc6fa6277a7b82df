import { UserError } from '../../errors.ts';
import type { ChatMessage } from '../../requests/types.ts';
import { askJudge } from '../ask.ts';
import { fillTemplate, promptFile } from '../prompts.ts';
import type { Judge, JudgmentRecord, JudgeOutcome, LeaderboardRow } from '../types.ts';
import { ratingsWithIntervals } from './bradley-terry.ts';
import { readAnswers, readJudgments, readQuestions } from './data.ts';
import { answerStyle, standardise, styleFeatures } from './style.ts';
import { styleControlledScores } from './style-control.ts';
import { type Battle, battlesOfQuestion, parseVerdict } from './verdict.ts';

const STYLE_FEATURES = ['length', 'headers', 'lists', 'bold'] as const;

export interface ArenaHardOptions {
  /** Judge mode: the judged model's answers, the questions and the baseline's answers. */
  readonly answers?: string;
  readonly questions?: string;
  readonly baseline?: string;
  /** Recompute mode: the baseline's name in the judgment file (default: the config's, gpt-4-0314). */
  readonly baselineModel?: string;
  readonly bootstrapRounds?: number;
  readonly seed?: number;
  readonly maxTokens?: number;
  /** Judge only the first N questions. */
  readonly limit?: number;
  /** Which published configuration (prompts, baseline, categories): v0.1 (default) or v2.0. */
  readonly version?: ArenaHardVersion;
  /** Also fit Bradley–Terry with style features (length, headers, lists, bold), as Arena-Hard v2 does. */
  readonly styleControl?: boolean;
}

export type ArenaHardVersion = 'v0.1' | 'v2.0';

interface JudgeConfig {
  readonly baseline_model: string;
  /** Question categories this configuration judges (all when absent). */
  readonly categories?: readonly string[];
  readonly max_tokens: number;
  readonly number_of_judgment_attempts: number;
  readonly retry_message: string;
  readonly system_prompt: string;
  readonly prompt_template: string;
}

/** The published judge configuration of a version (prompts/arena-hard-<version>.json). */
export function arenaHardConfig(version: ArenaHardVersion = 'v0.1'): JudgeConfig {
  return JSON.parse(promptFile(`arena-hard-${version}.json`)) as JudgeConfig;
}

/**
 * Arena-Hard-Auto v0.1: every question judged twice against the baseline's answer with the
 * positions swapped; a reply without a verdict is asked to finish once more; battles (strong
 * verdicts 3×) give Bradley–Terry ratings with the baseline anchored, reported as the win rate
 * against the baseline with a seeded bootstrap 95 % interval.
 */
export const arenaHardJudge: Judge<ArenaHardOptions> = {
  name: 'arena-hard',
  async judge(model, options) {
    const config = arenaHardConfig(options.version);
    for (const [value, field] of [
      [options.answers, '--answers'],
      [options.questions, '--questions'],
      [options.baseline, '--baseline'],
    ] as const)
      if (!value) throw new UserError('judging Arena-Hard needs this file', { field });
    const allQuestions = readQuestions(options.questions!);
    const questions = allQuestions
      .filter((q) => !config.categories || config.categories.includes(q.category ?? ''))
      .slice(0, options.limit);
    const judged = readAnswers(options.answers!, '--answers');
    const baseline = readAnswers(options.baseline!, '--baseline');
    const notes: string[] = [];
    if (config.categories && questions.length < allQuestions.length && options.limit === undefined)
      notes.push(
        `judged the ${config.categories.join(', ')} questions only (${questions.length} of ${allQuestions.length})`,
      );
    const items = questions.flatMap((q) => {
      const answer = judged.answers.get(q.id);
      const base = baseline.answers.get(q.id);
      return answer === undefined || base === undefined ? [] : [{ question: q, answer, base }];
    });
    if (items.length < questions.length)
      notes.push(
        `${questions.length - items.length} of ${questions.length} questions lack an answer and were left out`,
      );
    if (items.length === 0) throw new UserError('no question has both answers', { file: options.answers! });
    // Game 1 shows the baseline as assistant A, game 2 the model: position bias cancels out.
    const chats: ChatMessage[][] = items.flatMap(({ question, answer, base }) =>
      [
        [base, answer],
        [answer, base],
      ].map(([first, second]) => [
        { role: 'system' as const, content: config.system_prompt },
        {
          role: 'user' as const,
          // v0.1 names the slots question_1/answer_1/answer_2, v2.0 QUESTION/ANSWER_A/ANSWER_B.
          content: fillTemplate(config.prompt_template, {
            question_1: question.prompt,
            answer_1: first!,
            answer_2: second!,
            QUESTION: question.prompt,
            ANSWER_A: first!,
            ANSWER_B: second!,
          }),
        },
      ]),
    );
    const generation = { maxTokens: options.maxTokens ?? config.max_tokens };
    const texts = (await askJudge(model, chats, generation)).map((reply) => `\n${reply}`);
    const conversations = chats.map((chat, i) => [
      ...chat,
      { role: 'assistant' as const, content: texts[i]!.slice(1) },
    ]);
    for (let attempt = 1; attempt < config.number_of_judgment_attempts; attempt++) {
      const again = texts.flatMap((text, i) => (parseVerdict(text).retry ? [i] : []));
      if (again.length === 0) break;
      const followUps = again.map((i) => [
        ...conversations[i]!,
        { role: 'user' as const, content: config.retry_message },
      ]);
      const replies = await askJudge(model, followUps, generation);
      again.forEach((i, k) => {
        texts[i] += `\n${replies[k]!}`;
        conversations[i] = [...followUps[k]!, { role: 'assistant', content: replies[k]! }];
      });
    }
    const verdicts = texts.map((t) => parseVerdict(t).verdict);
    const judgments: JudgmentRecord[] = [];
    const battles: Battle[] = [];
    items.forEach(({ question }, q) => {
      const pair = [verdicts[2 * q]!, verdicts[2 * q + 1]!] as const;
      const own = battlesOfQuestion(question.id, judged.model, baseline.model, pair);
      battles.push(...own);
      judgments.push({
        model: judged.model,
        questionId: question.id,
        prompts: [chats[2 * q]![1]!.content, chats[2 * q + 1]![1]!.content],
        judgments: [texts[2 * q]!, texts[2 * q + 1]!],
        parsed: pair,
        value: winShare(own),
      });
    });
    const malformed = verdicts.filter((v) => v === null).length;
    const board = leaderboard(battles, baseline.model, options);
    if (options.styleControl) {
      const styles = new Map(
        items.map(({ question, answer, base }) => {
          // Token counts only when both files record them; otherwise code points for both.
          const tokens = judged.tokenLengths.has(question.id) && baseline.tokenLengths.has(question.id);
          const features = styleFeatures(
            answerStyle(answer, tokens ? judged.tokenLengths.get(question.id) : undefined),
            answerStyle(base, tokens ? baseline.tokenLengths.get(question.id) : undefined),
          );
          return [question.id, features];
        }),
      );
      const features = standardise(battles.map((b) => styles.get(b.questionId)!));
      const styled = battles.map((b, i) => ({
        model: b.modelB,
        outcome: b.winner === 'model_b' ? 1 : b.winner === 'tie' ? 0.5 : 0,
        features: features[i]!,
      }));
      const [controlled] = styleControlledScores(styled, options.bootstrapRounds ?? 100, options.seed ?? 42);
      const rows = board.rows.map((row) =>
        row.model === controlled?.model
          ? {
              ...row,
              scores: {
                ...row.scores,
                style_controlled_score: controlled.score,
                ...Object.fromEntries(
                  STYLE_FEATURES.map((f, i) => [`style_coefficient_${f}`, controlled.styleCoefficients[i]!]),
                ),
              },
              ci: { ...row.ci, style_controlled_score: [controlled.lower, controlled.upper] as const },
            }
          : row,
      );
      return { ...board, rows, judgments, malformed: { [judged.model]: malformed }, notes };
    }
    return {
      ...board,
      judgments,
      malformed: { [judged.model]: malformed },
      notes,
    };
  },
  recompute(file, options) {
    if (options.styleControl)
      throw new UserError(
        'style control needs both answer files, which a judgments file does not carry',
        { field: '--style_control' },
        'judge with --answers, or drop the flag',
      );
    const baselineModel = options.baselineModel ?? arenaHardConfig(options.version).baseline_model;
    const battles: Battle[] = [];
    const judgments: JudgmentRecord[] = [];
    const malformed: Record<string, number> = {};
    for (const row of readJudgments(file)) {
      const pair = [row.games[0]?.verdict ?? null, row.games[1]?.verdict ?? null] as const;
      malformed[row.model] = (malformed[row.model] ?? 0) + pair.filter((v) => v === null).length;
      const own = battlesOfQuestion(row.questionId, row.model, baselineModel, pair);
      battles.push(...own);
      judgments.push({
        model: row.model,
        questionId: row.questionId,
        prompts: row.games.map((g) => g?.userPrompt ?? ''),
        judgments: row.games.map((g) => g?.judgment ?? ''),
        parsed: pair,
        value: winShare(own),
      });
    }
    return { ...leaderboard(battles, baselineModel, options), judgments, malformed };
  },
};

/** The model's share of one question's battles (a tie as half), or null when no game had a verdict. */
function winShare(battles: readonly Battle[]): number | null {
  if (battles.length === 0) return null;
  return battles.reduce((s, b) => s + (b.winner === 'model_b' ? 1 : b.winner === 'tie' ? 0.5 : 0), 0) / battles.length;
}

function leaderboard(battles: readonly Battle[], baseline: string, options: ArenaHardOptions): JudgeOutcome {
  if (battles.length === 0)
    throw new UserError('no game had a verdict: nothing to rate', {}, 'check the judge’s replies in the samples log');
  const rated = ratingsWithIntervals(battles, baseline, options.bootstrapRounds ?? 100, options.seed ?? 42);
  const rows: LeaderboardRow[] = rated
    .sort((x, y) => y.score - x.score)
    .map((r) => ({
      model: r.model,
      scores: { score: r.score, rating: r.rating, battles: battles.filter((b) => b.modelB === r.model).length },
      ci: { score: [r.lower, r.upper], rating: r.ratingInterval },
    }));
  return {
    benchmark: 'arena-hard',
    task: `arena_hard_${options.version ?? 'v0.1'}`,
    primary: 'score',
    rows,
    judgments: [],
    malformed: {},
    notes: [],
  };
}
