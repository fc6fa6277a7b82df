/** Loading `compare` inputs and rendering its report as a terminal table and an HTML page. */
import { basename } from 'node:path';
import { intervalChart } from './charts.ts';
import type { ComparisonReport, CompareRun } from './compare.ts';
import { fixed, htmlPage, htmlTable, note, textTable } from './format.ts';
import { readResultsFile } from './read-results.ts';
import { samplesForInput } from './read-samples.ts';

/**
 * One run per input: a results file (its samples are the files next to it with the same
 * timestamp), a samples file, or a folder holding one run's samples. Results files give the model
 * name as the label; equal labels get the input's position appended.
 */
export function loadCompareRuns(inputs: readonly string[]): CompareRun[] {
  const runs = inputs.map((path) => {
    const label = /^results_.*\.json$/.test(basename(path)) ? readResultsFile(path).model : path;
    return { label, samples: samplesForInput(path) };
  });
  return runs.map((run, i) =>
    runs.filter((r) => r.label === run.label).length > 1 ? { ...run, label: `${run.label} [${i + 1}]` } : run,
  );
}

const HEADERS = ['task', 'metric', 'items', 'baseline', 'other', 'diff', '95% CI', 'test', 'p', 'p (Holm)', 'sig'];

function rowCells(report: ComparisonReport): (string | number)[][] {
  return report.rows.map((r) => [
    r.task,
    r.metric,
    r.items,
    fixed(r.baselineMean),
    fixed(r.otherMean),
    fixed(r.difference),
    `[${fixed(r.ci.low)}, ${fixed(r.ci.high)}]`,
    r.test,
    fixed(r.pValue),
    fixed(r.adjustedP),
    r.significant ? '*' : '',
  ]);
}

function pairs(report: ComparisonReport): string[] {
  return report.runs.slice(1);
}

export function comparisonText(report: ComparisonReport): string {
  const blocks: string[] = [];
  const cells = rowCells(report);
  for (const other of pairs(report)) {
    const rows = cells.filter((_, i) => report.rows[i]!.other === other);
    blocks.push(`${other}  vs  ${report.runs[0]} (baseline); diff = other − baseline`);
    blocks.push(rows.length > 0 ? textTable(HEADERS, rows) : '(no task with items in common)');
    blocks.push('');
  }
  blocks.push(
    `* significant at family-wise α = ${report.alpha} (Holm–Bonferroni over the tasks and metrics of each pair); ` +
      `McNemar exact test for 0/1 metrics, paired sign-flip permutation test otherwise; paired bootstrap CI, seed ${report.seed}`,
  );
  for (const m of report.mismatches) {
    blocks.push(
      `warning: ${m.task}: ${m.matched} items matched by doc hash, ${m.onlyInBaseline} only in ${m.baseline}, ${m.onlyInOther} only in ${m.other}`,
    );
  }
  return `${blocks.join('\n')}\n`;
}

export function comparisonHtml(report: ComparisonReport): string {
  const cells = rowCells(report);
  const sections = pairs(report).map((other) => {
    const indexes = report.rows.flatMap((r, i) => (r.other === other ? [i] : []));
    const rows = indexes.map((i) => report.rows[i]!);
    const chart =
      rows.length > 0
        ? intervalChart(
            rows.map((r) => ({
              label: `${r.task} ${r.metric}`,
              value: r.difference,
              low: r.ci.low,
              high: r.ci.high,
              highlight: r.significant,
            })),
            { title: 'difference (other − baseline) with paired bootstrap 95% CI', reference: 0 },
          )
        : '';
    return {
      heading: `${other} vs ${report.runs[0]}`,
      html: `${chart}\n${htmlTable(
        HEADERS,
        indexes.map((i) => cells[i]!),
        rows.map((r) => r.significant),
      )}`,
    };
  });
  const mismatchNote =
    report.mismatches.length === 0
      ? 'Every task has the same items in both runs (matched by doc hash).'
      : report.mismatches
          .map(
            (m) =>
              `${m.task}: ${m.matched} matched, ${m.onlyInBaseline} only in ${m.baseline}, ${m.onlyInOther} only in ${m.other}.`,
          )
          .join(' ');
  sections.push({
    heading: 'Method',
    html: note(
      `Highlighted rows are significant at family-wise α = ${report.alpha} after Holm–Bonferroni over the tasks and metrics of each pair. ` +
        `p-values: McNemar's exact test for 0/1 metrics, a paired sign-flip permutation test otherwise. ` +
        `CIs: paired percentile bootstrap, seed ${report.seed}. ${mismatchNote}`,
    ),
  });
  return htmlPage('evalboard compare', sections);
}
