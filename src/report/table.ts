import { notComputedLocally } from './build.ts';
import type { MetricEntries, ResultsReport } from './schema.ts';

/**
 * The markdown table lm-eval's make_table prints at the end of a run: per task (by its alias) one
 * row per metric and filter, metrics in sorted key order, the name and version on the first row,
 * n-shot on every row, "±" and the stderr only where the entries have a stderr key.
 */
export function resultsTable(report: ResultsReport, section: 'results' | 'groups' = 'results'): string {
  const rows: string[][] = [];
  const notes: string[] = [];
  const entriesOf = report[section];
  for (const name of Object.keys(entriesOf)) {
    const entries: MetricEntries = entriesOf[name]!;
    const alias = typeof entries.alias === 'string' ? entries.alias : name;
    const shots = String(report['n-shot'][name] ?? ' ');
    let first = true;
    for (const k of Object.keys(entries).sort()) {
      const comma = k.indexOf(',');
      const [metric, filter] = comma < 0 ? [k, ''] : [k.slice(0, comma), k.slice(comma + 1)];
      if (k === 'alias' || metric.endsWith('_stderr')) continue;
      const reason = notComputedReason(report, name, k);
      if (reason !== undefined) notes.push(`${name} ${metric}: not computed locally: ${reason}`);
      const stderrKey = `${metric}_stderr,${filter}`;
      const stderr = entries[stderrKey];
      const better = report.higher_is_better[name]?.[metric];
      rows.push([
        first ? alias : '',
        first ? String(report.versions[name] ?? 'N/A') : '',
        filter,
        shots,
        metric,
        better === undefined ? '' : better ? '↑' : '↓',
        formatNumber(entries[k]),
        stderrKey in entries ? '±' : '',
        !(stderrKey in entries) ? '' : typeof stderr === 'number' ? formatNumber(stderr) : 'N/A',
      ]);
      first = false;
    }
  }
  if (rows.length === 0) return '';
  const header = [
    section === 'groups' ? 'Groups' : 'Tasks',
    'Version',
    'Filter',
    'n-shot',
    'Metric',
    '',
    'Value',
    '',
    'Stderr',
  ];
  const right = new Set([1, 3, 6, 8]);
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
  const line = (cells: string[]) =>
    `|${cells.map((cell, c) => (right.has(c) ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!))).join('|')}|`;
  const rule = `|${widths.map((w, c) => (right.has(c) ? `${'-'.repeat(w - 1)}:` : '-'.repeat(w))).join('|')}|`;
  return [line(header), rule, ...rows.map(line), ...(notes.length > 0 ? ['', ...notes] : [])].join('\n');
}

/** Why a task's metric has no value, where its config says (not_computed_locally). */
function notComputedReason(report: ResultsReport, task: string, key: string): string | undefined {
  return notComputedLocally(report.configs[task] as Record<string, unknown> | undefined)[key];
}

function formatNumber(v: unknown): string {
  if (v === null) return 'not computed';
  return typeof v === 'number' ? v.toFixed(4) : String(v);
}
