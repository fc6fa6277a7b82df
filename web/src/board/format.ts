import type { Score } from '../api.ts';

/** Numbers as the board prints them: two decimals on the 0–100 scale, four on the raw 0–1 scale. */
export function formatScore(value: number | null | undefined, normalised: boolean): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '–';
  return value.toFixed(normalised ? 2 : 4);
}

/** Half the width of the 95 % interval, the "± x" shown next to a score; null when the interval is unknown. */
export function halfInterval(score: Score | undefined): number | null {
  if (!score || score.ci_low === null || score.ci_high === null) return null;
  return (score.ci_high - score.ci_low) / 2;
}

export function intervalText(score: Score | undefined, normalised: boolean): string {
  if (!score || score.ci_low === null || score.ci_high === null) {
    return score?.stderr != null ? `stderr ${formatScore(score.stderr, normalised)}` : 'no interval reported';
  }
  return `95% CI ${formatScore(score.ci_low, normalised)} – ${formatScore(score.ci_high, normalised)}`;
}

export function formatParams(params: number | null): string {
  return params === null ? '–' : params >= 10 ? params.toFixed(0) : params.toFixed(1);
}
