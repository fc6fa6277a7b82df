/**
 * Arena-Hard's verdicts: the judge ends with one of [[A>>B]], [[A>B]], [[A=B]], [[B>A]], [[B>>A]].
 * Each question is judged twice with the answers' positions swapped (game 1: A = baseline,
 * B = model; game 2: A = model, B = baseline), and each game becomes battles against the baseline,
 * a strong verdict counting `strongWeight` times (Arena-Hard v0.1's show_result).
 */

/** The published pattern (judge_config.yaml `regex_pattern`), applied to every match in the text. */
export const VERDICT_PATTERN = /\[\[([AB<>=]+)\]\]/g;

export interface ParsedVerdict {
  /** The verdict label, or null when the text has none or several different ones. */
  readonly verdict: string | null;
  /** True when the text has no label at all: the judge is asked to finish its judgment. */
  readonly retry: boolean;
}

/** As Arena-Hard's get_score: one distinct label is the verdict; none asks again; several conflicting ones count as none. */
export function parseVerdict(text: string): ParsedVerdict {
  const labels = new Set([...text.matchAll(VERDICT_PATTERN)].map((m) => m[1]!).filter((m) => m !== ''));
  if (labels.size === 0) return { verdict: null, retry: true };
  if (labels.size === 1) return { verdict: [...labels][0]!.replace(/^\n+|\n+$/g, ''), retry: false };
  return { verdict: null, retry: false };
}

export type Winner = 'model_a' | 'model_b' | 'tie';

/** One battle: `model_a` is always the baseline, `model_b` the judged model (show_result's layout). */
export interface Battle {
  readonly questionId: string;
  readonly modelA: string;
  readonly modelB: string;
  readonly winner: Winner;
}

/** What a verdict says about the answer shown in position A. */
const POSITION_A: Readonly<Record<string, { readonly outcome: 'A' | 'B' | 'tie'; readonly strong: boolean }>> = {
  'A>>B': { outcome: 'A', strong: true },
  'A>B': { outcome: 'A', strong: false },
  'A=B': { outcome: 'tie', strong: false },
  'B>A': { outcome: 'B', strong: false },
  'B>>A': { outcome: 'B', strong: true },
};

/**
 * The battles of one question's two games. Game 1 shows the baseline as A; game 2 swaps the
 * answers, so its A is the model. Labels other than the five (or none) give no battle.
 */
export function battlesOfQuestion(
  questionId: string,
  model: string,
  baseline: string,
  verdicts: readonly [string | null, string | null],
  strongWeight = 3,
): Battle[] {
  const battles: Battle[] = [];
  verdicts.forEach((verdict, game) => {
    const reading = verdict === null ? undefined : POSITION_A[verdict];
    if (!reading) return;
    const baselineShownAsA = game === 0;
    let winner: Winner = 'tie';
    if (reading.outcome !== 'tie') {
      const aWon = reading.outcome === 'A';
      winner = aWon === baselineShownAsA ? 'model_a' : 'model_b';
    }
    const battle: Battle = { questionId, modelA: baseline, modelB: model, winner };
    for (let i = 0; i < (reading.strong ? strongWeight : 1); i++) battles.push(battle);
  });
  return battles;
}
