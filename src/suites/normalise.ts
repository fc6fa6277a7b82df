/**
 * The Open LLM Leaderboard's normalisation: a score rescaled so that the random baseline is 0 and
 * a perfect score 100, with scores below the baseline clipped to 0.
 */
export function normaliseScore(raw: number, baseline: number): number {
  if (baseline >= 1) throw new RangeError(`a baseline must be below 1, got ${baseline}`);
  return (Math.max(0, raw - baseline) / (1 - baseline)) * 100;
}

/** 1/choices, or 0 for generation tasks (no choices to guess among). */
export function randomBaseline(choices: number | undefined): number {
  return choices === undefined ? 0 : 1 / choices;
}

export function mean(values: readonly number[]): number {
  if (values.length === 0) throw new RangeError('mean of no values');
  return values.reduce((a, b) => a + b, 0) / values.length;
}

export interface SubtaskScore {
  readonly raw: number;
  readonly baseline: number;
  readonly normalised: number;
}

/**
 * A benchmark whose subtasks have different numbers of choices (BBH, MuSR): each subtask is
 * normalised against its own baseline, and the normalised scores are averaged unweighted.
 */
export function normaliseSubtasks(
  subtasks: Readonly<Record<string, { readonly raw: number; readonly choices: number }>>,
): { normalised: number; subtasks: Record<string, SubtaskScore> } {
  const scores: Record<string, SubtaskScore> = {};
  for (const [name, { raw, choices }] of Object.entries(subtasks)) {
    const baseline = randomBaseline(choices);
    scores[name] = { raw, baseline, normalised: normaliseScore(raw, baseline) };
  }
  return { normalised: mean(Object.values(scores).map((s) => s.normalised)), subtasks: scores };
}
