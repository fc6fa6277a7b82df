import type { SuiteSection } from './schema.ts';

/** A suite's scores as printed after a run: one row per benchmark, then the total and the setup check. */
export function suiteTable(suite: SuiteSection): string {
  const header = ['Benchmark', 'Task', 'Metric', 'Raw', 'Baseline', 'Normalised'];
  const rows = Object.entries(suite.benchmarks).map(([name, b]) => [
    name,
    b.task,
    b.metrics.join(' + '),
    b.raw === null ? '-' : b.raw.toFixed(4),
    b.raw === null ? '-' : b.baseline === null ? 'per subtask' : b.baseline.toFixed(4),
    b.normalised === null ? 'missing' : b.normalised.toFixed(2),
  ]);
  const right = new Set([3, 4, 5]);
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
  const line = (cells: string[]) =>
    `|${cells.map((cell, c) => (right.has(c) ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!))).join('|')}|`;
  const rule = `|${widths.map((w, c) => (right.has(c) ? `${'-'.repeat(w - 1)}:` : '-'.repeat(w))).join('|')}|`;
  const scored = Object.values(suite.benchmarks).filter((b) => b.normalised !== null).length;
  const of = Object.keys(suite.benchmarks).length;
  const total = suite.total === null ? 'none' : suite.total.toFixed(2);
  return [
    `Suite ${suite.name}`,
    line(header),
    rule,
    ...rows.map(line),
    '',
    suite.complete
      ? `Total (mean of ${of} normalised scores): ${total}`
      : `Total over ${scored} of ${of} benchmarks: ${total} (incomplete: not comparable with the leaderboard)`,
    ...suite.missing.map((m) => `Missing: ${m}`),
    suite.setup.matched ? "Setup: matches the suite's" : "Setup: differs from the suite's",
    ...suite.setup.mismatches.map((m) => `  - ${m}`),
  ].join('\n');
}
