/** `evalboard analyze`'s report as terminal text, CSV files and a self-contained HTML page. */
import { barChart, curveChart, heatmapChart } from './charts.ts';
import type { AnalysisReport } from './analyze.ts';
import { type Cell, csv, fixed, type HtmlSection, htmlPage, htmlTable, note, textTable } from './format.ts';
import type { TaskTrend } from './monotonicity.ts';

const TREND_HEADERS = ['series', 'task', 'checkpoints', 'spearman', 'kendall', 'last change', 'flags'];
const SATURATION_HEADERS = [
  'task',
  'models',
  'best',
  'best model',
  '±95%',
  'headroom',
  'saturated',
  'separable pairs',
  'top-k spread',
  'stderr',
];
const CONTAMINATION_HEADERS = ['task', 'documents', 'too short', 'contaminated', 'share', 'rescored (all → clean)'];

function trendFlags(t: TaskTrend, threshold: number): string {
  const flags: string[] = [];
  if (t.belowThreshold) flags.push(`ρ < ${threshold}`);
  if (t.fallsAtEnd) flags.push(t.fallBeyondNoise ? 'falls at end (beyond noise)' : 'falls at end');
  return flags.join('; ');
}

function trendRows(report: AnalysisReport, onlyFlagged: boolean): Cell[][] {
  const { threshold, trends } = report.monotonicity;
  return trends
    .filter((t) => !onlyFlagged || t.belowThreshold || t.fallsAtEnd)
    .map((t) => [
      t.series,
      t.task,
      t.points.length,
      fixed(t.spearman),
      fixed(t.kendall),
      fixed(t.lastChange),
      trendFlags(t, threshold),
    ]);
}

function saturationRows(report: AnalysisReport): Cell[][] {
  const yesNo = (b: boolean | null): string => (b === null ? 'n/a' : b ? 'yes' : 'no');
  return report.saturation.map((s) => [
    s.task,
    s.models,
    fixed(s.best),
    s.bestModel,
    s.bestStderr === null ? 'n/a' : fixed(1.96 * s.bestStderr),
    fixed(s.headroom),
    yesNo(s.saturated),
    s.separablePairs === null ? 'n/a' : fixed(s.separablePairs, 3),
    s.topSpread === null ? 'n/a' : fixed(s.topSpread, 2),
    s.stderrSource,
  ]);
}

function contaminationRows(report: AnalysisReport): Cell[][] {
  return (report.contamination?.tasks ?? []).map((t) => [
    t.task,
    t.documents,
    t.tooShort,
    t.contaminated,
    fixed(t.share, 3),
    t.rescored.map((r) => `${r.metric} ${fixed(r.all)} → ${fixed(r.clean)}`).join('; '),
  ]);
}

function matrixRows(labels: readonly string[], matrix: readonly (readonly number[])[]): Cell[][] {
  return matrix.map((row, i) => [labels[i]!, ...row.map((v) => fixed(v))]);
}

export function analysisText(report: AnalysisReport): string {
  const out: string[] = [];
  const { monotonicity: mono } = report;
  if (mono.trends.length > 0) {
    const flagged = trendRows(report, true);
    out.push(
      `Monotonicity: ${mono.trends.length} task series, ${flagged.length} flagged (Spearman ρ with step < ${mono.threshold}, or a fall at the last checkpoint)`,
    );
    if (flagged.length > 0) out.push(textTable(TREND_HEADERS, flagged));
    out.push('');
  }
  const notRising = mono.sizes.filter((s) => !s.rises);
  if (mono.sizes.length > 0) {
    out.push(
      `Across sizes (final checkpoints): ${notRising.length} of ${mono.sizes.length} tasks do not rise with size at every step`,
    );
    if (notRising.length > 0) {
      out.push(
        textTable(
          ['family', 'task', 'sizes', 'spearman with size'],
          notRising.map((s) => [s.family, s.task, s.points.length, fixed(s.spearman)]),
        ),
      );
    }
    out.push('');
  }
  if (report.agreement) {
    const a = report.agreement;
    out.push(`Agreement over ${a.models} models (pairwise complete): Spearman ρ`);
    if (a.tasks.length <= 12) out.push(textTable(['', ...a.tasks], matrixRows(a.tasks, a.spearman)));
    out.push(
      textTable(
        ['task', 'ρ with mean of others', 'models'],
        a.withRest.map((w) => [w.task, fixed(w.spearman), w.models]),
      ),
    );
    out.push('');
  }
  if (report.saturation.length > 0) {
    out.push('Saturation and separability (95% CIs)');
    out.push(textTable(SATURATION_HEADERS, saturationRows(report)));
    out.push('');
  }
  if (report.contamination) {
    out.push(
      `Contamination: ${report.contamination.ngram}-gram overlap with ${report.contamination.corpora.map((c) => c.file).join(', ')}`,
    );
    out.push(textTable(CONTAMINATION_HEADERS, contaminationRows(report)));
    for (const t of report.contamination.tasks) {
      if (t.contaminated > 0) out.push(`${t.task} contaminated doc_ids: ${t.contaminatedDocIds.join(', ')}`);
    }
    out.push('');
  }
  if (out.length === 0)
    out.push('nothing to analyse: no checkpoint series, fewer than 3 models, and no contamination corpus');
  return `${out.join('\n')}\n`;
}

/** CSV files by name, for --csv_dir. */
export function analysisCsv(report: AnalysisReport): Record<string, string> {
  const files: Record<string, string> = {};
  if (report.monotonicity.trends.length > 0) files['monotonicity.csv'] = csv(TREND_HEADERS, trendRows(report, false));
  if (report.agreement) {
    const a = report.agreement;
    files['spearman.csv'] = csv(['task', ...a.tasks], matrixRows(a.tasks, a.spearman));
    files['kendall.csv'] = csv(['task', ...a.tasks], matrixRows(a.tasks, a.kendall));
    files['agreement_with_rest.csv'] = csv(
      ['task', 'spearman', 'models'],
      a.withRest.map((w) => [w.task, fixed(w.spearman), w.models]),
    );
  }
  if (report.saturation.length > 0) files['saturation.csv'] = csv(SATURATION_HEADERS, saturationRows(report));
  if (report.contamination) files['contamination.csv'] = csv(CONTAMINATION_HEADERS, contaminationRows(report));
  return files;
}

export function analysisHtml(report: AnalysisReport): string {
  const sections: HtmlSection[] = [];
  const mono = report.monotonicity;
  if (mono.trends.length > 0) {
    const byTask = new Map<string, TaskTrend[]>();
    for (const t of mono.trends) byTask.set(t.task, [...(byTask.get(t.task) ?? []), t]);
    const flaggedFirst = [...byTask.entries()].sort(
      ([a, x], [b, y]) =>
        Number(y.some((t) => t.belowThreshold)) - Number(x.some((t) => t.belowThreshold)) || a.localeCompare(b),
    );
    const charts = flaggedFirst.map(([task, trends]) =>
      curveChart(
        trends.map((t) => ({
          name: t.series,
          points: t.points.map((p) => ({
            x: p.step,
            y: p.value,
            ...(p.stderr === undefined ? {} : { low: p.value - 1.96 * p.stderr, high: p.value + 1.96 * p.stderr }),
          })),
        })),
        { title: `${task}${trends.some((t) => t.belowThreshold) ? ' (flagged)' : ''}`, xName: 'step' },
      ),
    );
    sections.push({
      heading: 'Monotonicity over training',
      html: `${note(`Flagged: Spearman ρ with step below ${mono.threshold}, or a fall at the last checkpoint. Bands: ±1.96 stderr where the results have one.`)}\n${htmlTable(TREND_HEADERS, trendRows(report, true))}\n${charts.join('\n')}`,
    });
  }
  if (report.agreement) {
    const a = report.agreement;
    sections.push({
      heading: `Agreement between tasks (${a.models} models)`,
      html: [
        heatmapChart(a.tasks, a.spearman, 'Spearman ρ (pairwise complete)'),
        heatmapChart(a.tasks, a.kendall, 'Kendall τ-b (pairwise complete)'),
        htmlTable(
          ['task', 'ρ with mean of others', 'models'],
          a.withRest.map((w) => [w.task, fixed(w.spearman), w.models]),
        ),
      ].join('\n'),
    });
  }
  if (report.saturation.length > 0) {
    const bars = report.saturation.map((s) => ({
      label: s.task,
      value: s.headroom / s.ceiling,
      highlight: s.saturated === true,
    }));
    sections.push({
      heading: 'Saturation and separability',
      html: `${barChart(bars, { title: 'headroom of the best model (share of the ceiling); red: within its 95% CI of the ceiling', xName: 'headroom' })}\n${htmlTable(
        SATURATION_HEADERS,
        saturationRows(report),
        report.saturation.map((s) => s.saturated === true),
      )}`,
    });
  }
  if (report.contamination) {
    sections.push({
      heading: `Contamination (${report.contamination.ngram}-grams)`,
      html: htmlTable(CONTAMINATION_HEADERS, contaminationRows(report)),
    });
  }
  return htmlPage('evalboard analyze', sections);
}
