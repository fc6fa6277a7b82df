/**
 * AlpacaEval's head-to-head numbers from per-instruction preferences. A preference is
 * 1 + P(the model beats the baseline): 1 = baseline better, 2 = model better, 1.5 = tie; it is
 * continuous when the judge's token log-probabilities gave it, and 1, 1.5 or 2 otherwise.
 */
export interface WinRate {
  /** 100 × mean(preference − 1). */
  readonly win_rate: number;
  /** 100 × the standard error of that mean (sample standard deviation, n − 1). */
  readonly standard_error: number;
  readonly n_wins: number;
  readonly n_wins_base: number;
  readonly n_draws: number;
  readonly n_total: number;
  /** 100 × (wins + draws / 2) / total. */
  readonly discrete_win_rate: number;
}

export function winRate(preferences: readonly number[]): WinRate {
  const n = preferences.length;
  let sum = 0;
  let wins = 0;
  let losses = 0;
  let draws = 0;
  for (const p of preferences) {
    sum += p - 1;
    if (p > 1.5) wins++;
    else if (p < 1.5) losses++;
    else draws++;
  }
  const mean = n > 0 ? sum / n : Number.NaN;
  let squares = 0;
  for (const p of preferences) squares += (p - 1 - mean) ** 2;
  const sd = n > 1 ? Math.sqrt(squares / (n - 1)) : Number.NaN;
  return {
    win_rate: 100 * mean,
    standard_error: (100 * sd) / Math.sqrt(n),
    n_wins: wins,
    n_wins_base: losses,
    n_draws: draws,
    n_total: n,
    discrete_win_rate: (100 * (wins + draws / 2)) / n,
  };
}
