import { hash } from 'node:crypto';
import { UserError } from '../../errors.ts';
import type { ChatMessage, LoglikelihoodRequest } from '../../requests/types.ts';
import { askJudge, judgeRequest } from '../ask.ts';
import { codePointLength } from '../files.ts';
import { fillTemplate, imStartMessages, promptFile } from '../prompts.ts';
import type { Judge, JudgeModel, JudgmentRecord, JudgeOutcome, LeaderboardRow } from '../types.ts';
import {
  type ModelPreferences,
  readInstructionDifficulty,
  readLengthControlWeights,
  readModelOutputs,
  readPreferences,
} from './data.ts';
import { fitLengthControlledMinimal, predictLengthControlled } from './length-control.ts';
import { fitLengthControlledV1, readGamedBaselines } from './length-control-v1.ts';
import { winRate } from './winrate.ts';

export interface AlpacaEvalOptions {
  /** Judge mode: the model's outputs (AlpacaEval's model_outputs.json). */
  readonly answers?: string;
  /** Judge mode: the baseline's outputs, or an annotations.json whose output_1 is the baseline. */
  readonly baseline?: string;
  /** Recompute mode, preferences CSV: instructions.jsonl with the baseline's lengths. */
  readonly instructions?: string;
  /** `length_controlled_v1` weights (the published CSV) and AlpacaEval's instruction_difficulty.csv. */
  readonly lcWeights?: string;
  readonly instructionDifficulty?: string;
  /** AlpacaEval's df_gamed.csv: fit `length_controlled_v1` for models the weights file does not have. */
  readonly dfGamed?: string;
  readonly maxTokens?: number;
  /** Judge only the first N instructions. */
  readonly limit?: number;
}

const PROMPT_FILE = 'alpaca-eval-clf-gpt4-turbo.txt';
const LABELS = ['m', 'M'] as const;

/**
 * AlpacaEval 2: each instruction's output judged against the baseline's by the
 * `weighted_alpaca_eval_gpt4_turbo` prompt. A judge with log-likelihoods gives the continuous
 * preference 1 + P(model's label) / (P(m) + P(M)); otherwise its first word, m or M, gives 1 or 2.
 */
export const alpacaEvalJudge: Judge<AlpacaEvalOptions> = {
  name: 'alpaca-eval',
  async judge(model, options) {
    if (!options.answers) throw new UserError('judging needs the model outputs', { field: '--answers' });
    if (!options.baseline)
      throw new UserError(
        'judging needs the baseline outputs',
        { field: '--baseline' },
        'model_outputs.json of the baseline, or an annotations.json (its output_1)',
      );
    const outputs = readModelOutputs(options.answers, '--answers').slice(0, options.limit);
    const baseline = new Map(readModelOutputs(options.baseline, '--baseline').map((o) => [o.instruction, o.output]));
    const name = outputs.find((o) => o.generator)?.generator ?? 'model';
    const template = imStartMessages(promptFile(PROMPT_FILE));
    const notes: string[] = [];
    const items = outputs.flatMap((o, index) => {
      const base = baseline.get(o.instruction);
      if (base === undefined) return [];
      // Which output is shown first is decided per instruction, as AlpacaEval randomises the order.
      const modelFirst = hash('sha256', o.instruction, 'buffer')[0]! % 2 === 1;
      const [first, second] = modelFirst ? [o.output, base] : [base, o.output];
      const messages: ChatMessage[] = template.map((m) => ({
        role: m.role,
        content: fillTemplate(m.content, { instruction: o.instruction, output_1: first, output_2: second }),
      }));
      return [{ index, output: o, base, messages, modelLabel: modelFirst ? LABELS[0] : LABELS[1] }];
    });
    if (items.length < outputs.length)
      notes.push(`${outputs.length - items.length} instructions have no baseline output and were left out`);
    const preferences = model.backend.capabilities.has('loglikelihood')
      ? await labelProbabilities(model, items)
      : await labelReplies(model, items, options.maxTokens ?? 8);
    const judgments: JudgmentRecord[] = items.map((item, i) => ({
      model: name,
      questionId: String(item.index),
      prompts: [item.messages.map((m) => m.content).join('\n\n')],
      judgments: [preferences[i]!.reply],
      parsed: [preferences[i]!.label],
      value: preferences[i]!.preference,
    }));
    const judged = items.flatMap((item, i) => {
      const preference = preferences[i]!.preference;
      return preference === null
        ? []
        : [
            {
              index: item.index,
              preference,
              modelLength: codePointLength(item.output.output),
              baselineLength: codePointLength(item.base),
            },
          ];
    });
    const malformed = preferences.filter((p) => p.preference === null).length;
    const outcome = leaderboard([{ model: name, rows: judged }], options);
    return { ...outcome, judgments, malformed: { [name]: malformed }, notes: [...notes, ...outcome.notes] };
  },
  recompute(file, options) {
    return leaderboard(readPreferences(file, options.instructions), options);
  },
};

interface Item {
  readonly messages: readonly ChatMessage[];
  readonly modelLabel: string;
}

interface Preference {
  readonly preference: number | null;
  readonly label: string | null;
  readonly reply: string;
}

async function labelProbabilities(model: JudgeModel, items: readonly Item[]): Promise<Preference[]> {
  const requests: LoglikelihoodRequest[] = items.flatMap((item) => {
    const { context, messages } = judgeRequest(model, item.messages, { maxTokens: 1 });
    return LABELS.map((continuation) => ({
      kind: 'loglikelihood' as const,
      context,
      continuation,
      ...(messages ? { messages } : {}),
    }));
  });
  const results = await model.backend.loglikelihood(requests);
  return items.map((item, i) => {
    const [m, M] = [results[2 * i]!.logprob, results[2 * i + 1]!.logprob];
    const top = Math.max(m, M);
    const pFirst = Math.exp(m - top) / (Math.exp(m - top) + Math.exp(M - top));
    const pModel = item.modelLabel === LABELS[0] ? pFirst : 1 - pFirst;
    return { preference: 1 + pModel, label: pFirst >= 0.5 ? 'm' : 'M', reply: `logprob m=${m}, M=${M}` };
  });
}

async function labelReplies(model: JudgeModel, items: readonly Item[], maxTokens: number): Promise<Preference[]> {
  const replies = await askJudge(
    model,
    items.map((i) => i.messages),
    { maxTokens },
  );
  return items.map((item, i) => {
    const reply = replies[i]!;
    const label = /^\s*(m|M)\b/.exec(reply)?.[1] ?? null;
    return { preference: label === null ? null : label === item.modelLabel ? 2 : 1, label, reply };
  });
}

/** The leaderboard columns of AlpacaEval 2 for each model, with LC win rates where their inputs are at hand. */
export function leaderboard(models: readonly ModelPreferences[], options: AlpacaEvalOptions): JudgeOutcome {
  const weights = options.lcWeights ? readLengthControlWeights(options.lcWeights) : undefined;
  const difficulty = options.instructionDifficulty
    ? readInstructionDifficulty(options.instructionDifficulty)
    : undefined;
  const gamed = options.dfGamed ? readGamedBaselines(options.dfGamed) : undefined;
  const notes: string[] = [];
  if (weights && !difficulty)
    notes.push('length_controlled_winrate needs --instruction_difficulty as well as --lc_weights; left out');
  const rows: LeaderboardRow[] = models.map(({ model, rows: prefs }) => {
    const stats = winRate(prefs.map((p) => p.preference));
    const scores: Record<string, number> = { ...stats };
    const withLengths = prefs.flatMap((p) =>
      p.baselineLength === undefined ? [] : [{ ...p, baselineLength: p.baselineLength }],
    );
    if (withLengths.length === prefs.length && prefs.length > 1)
      scores.length_controlled_minimal_winrate = fitLengthControlledMinimal(withLengths).length_controlled_winrate;
    const w = weights?.get(model);
    if (w && difficulty) {
      const own = prefs.map((p) => difficulty[p.index]).filter((d): d is number => d !== undefined);
      scores.length_controlled_winrate = predictLengthControlled(w, own);
    } else if (gamed && withLengths.length === prefs.length && prefs.length > 1) {
      const fit = fitLengthControlledV1(withLengths, gamed.rows, gamed.difficulty);
      scores.length_controlled_winrate = fit.length_controlled_winrate;
    }
    const half = 1.96 * stats.standard_error;
    return { model, scores, ci: { win_rate: [stats.win_rate - half, stats.win_rate + half] } };
  });
  // The minimal variant lacks the difficulty term and the regularisation to the baseline, so it is
  // not comparable with the published LC numbers: it never becomes the headline score.
  const primary = rows.every((r) => 'length_controlled_winrate' in r.scores) ? 'length_controlled_winrate' : 'win_rate';
  return { benchmark: 'alpaca-eval', primary, rows, judgments: [], malformed: {}, notes };
}
