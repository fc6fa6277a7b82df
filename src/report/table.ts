import { notComputedLocally } from './build.ts';
import type { MetricEntries, ResultsReport } from './schema.ts';

/** The markdown table lm-eval prints at the end of a run, one row per metric and filter. */
export function resultsTable(report: ResultsReport, section: 'results' | 'groups' = 'results'): string {
  const rows: string[][] = [];
  const notes: string[] = [];
  const entriesOf = report[section];
  for (const name of Object.keys(entriesOf)) {
    const entries: MetricEntries = entriesOf[name]!;
    // lm-eval's make_table: the row is labelled with the (indented) alias, metrics in key order; a
    // group without scores has one blank " " entry, so it still shows as a heading row.
    let label = typeof entries.alias === 'string' ? entries.alias : name;
    let version = String(report.versions[name] ?? '');
    const nShot = String(report['n-shot'][name] ?? '');
    for (const k of Object.keys(entries).sort()) {
      const comma = k.indexOf(',');
      const [metric, filter] = comma < 0 ? [k, ''] : [k.slice(0, comma), k.slice(comma + 1)];
      if (k === 'alias' || metric.endsWith('_stderr')) continue;
      const reason = notComputedReason(report, name, k);
      if (reason !== undefined) notes.push(`${name} ${metric}: not computed locally: ${reason}`);
      const stderr = entries[`${metric}_stderr,${filter}`];
      const better = report.higher_is_better[name]?.[metric];
      rows.push([
        label,
        version,
        filter,
        nShot,
        metric,
        better === undefined ? '' : better ? '↑' : '↓',
        formatNumber(entries[k]),
        stderr === undefined ? '' : '±',
        stderr === undefined ? '' : typeof stderr === 'number' ? formatNumber(stderr) : 'N/A',
      ]);
      label = '';
      version = '';
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
