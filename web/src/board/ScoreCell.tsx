import type { Score } from '../api.ts';
import { formatScore, halfInterval, intervalText } from './format.ts';

/**
 * A score with its "± half-interval"; hovering shows the interval as an error bar on the scale's
 * full range (0–100 normalised, 0–1 raw), so wide and narrow intervals read at a glance.
 */
export function ScoreCell({ score, normalised }: { score: Score | undefined; normalised: boolean }) {
  const value = score?.value ?? null;
  if (value === null) return <span className="muted">–</span>;
  const half = halfInterval(score);
  const top = normalised ? 100 : 1;
  const pct = (v: number) => `${Math.min(100, Math.max(0, (v / top) * 100))}%`;
  return (
    <span className="score" title={intervalText(score, normalised)}>
      {formatScore(value, normalised)}
      {half !== null && <span className="pm"> ±{formatScore(half, normalised)}</span>}
      {score && score.ci_low !== null && score.ci_high !== null && (
        <span className="errbar" aria-hidden="true">
          <span
            className="errbar-range"
            style={{ left: pct(score.ci_low), right: `calc(100% - ${pct(score.ci_high)})` }}
          />
          <span className="errbar-point" style={{ left: pct(value) }} />
        </span>
      )}
    </span>
  );
}
