/** `evalboard variants` as terminal tables and as an HTML section (its own page, or in `report`). */
import { intervalChart } from './charts.ts';
import { type Cell, fixed, type HtmlSection, htmlPage, htmlTable, note, textTable } from './format.ts';
import type { VariantsReport } from './variants.ts';

/** Three decimals, without the "-0.000" a tiny negative κ or τ would print. */
function coefficient(value: number): string {
  return fixed(Math.abs(value) < 5e-4 ? 0 : value, 3);
}

const SCORE_HEADERS = ['benchmark', 'variant', 'model', 'metric', 'items', 'score', '95% CI'];
const AGREEMENT_HEADERS = [
  'benchmark',
  'model',
  'A',
  'B',
  'items',
  'both right',
  'both wrong',
  'A only',
  'B only',
  'κ',
];
const RANK_HEADERS = ['benchmark', 'A', 'B', 'models', 'Kendall τ', 'flipped pairs', 'significant flips'];
const FLIP_HEADERS = [
  'benchmark',
  'A',
  'B',
  'ahead under A',
  'ahead under B',
  'scores A',
  'scores B',
  'p (A)',
  'p (B)',
  'sig',
];

function scoreRows(report: VariantsReport): Cell[][] {
  return report.scores.map((s) => [
    s.benchmark,
    s.variant,
    s.model,
    s.metric,
    s.items,
    fixed(s.score),
    `[${fixed(s.ci.low)}, ${fixed(s.ci.high)}]`,
  ]);
}

function agreementRows(report: VariantsReport): Cell[][] {
  return report.agreement.map((a) => [
    a.benchmark,
    a.model,
    a.a,
    a.b,
    a.items,
    a.bothRight,
    a.bothWrong,
    a.onlyA,
    a.onlyB,
    a.kappa === null ? 'n/a' : coefficient(a.kappa),
  ]);
}

function rankRows(report: VariantsReport): Cell[][] {
  return report.rankings.map((r) => [
    r.benchmark,
    r.a,
    r.b,
    r.models,
    r.tau === null ? 'n/a' : coefficient(r.tau),
    r.flips.length,
    r.flips.filter((f) => f.significant).length,
  ]);
}

function flipRows(report: VariantsReport): Cell[][] {
  return report.rankings.flatMap((r) =>
    r.flips.map((f) => [
      r.benchmark,
      r.a,
      r.b,
      f.first,
      f.second,
      `${fixed(f.scoresA[0])} > ${fixed(f.scoresA[1])}`,
      `${fixed(f.scoresB[0])} < ${fixed(f.scoresB[1])}`,
      fixed(f.pA),
      fixed(f.pB),
      f.significant ? '*' : '',
    ]),
  );
}

const SIGNIFICANCE = (alpha: number) =>
  `A flip is significant (*) when each variant's order of the two models is itself significant at ${alpha}: McNemar's exact test on the items both models answered, under A and under B, without correction for the number of pairs.`;

export function variantsText(report: VariantsReport): string {
  const blocks = [
    `Scores per variant (95% percentile bootstrap CI, seed ${report.seed})\n${textTable(SCORE_HEADERS, scoreRows(report))}`,
    `Per-item agreement between variants, per model (Cohen's κ)\n${textTable(AGREEMENT_HEADERS, agreementRows(report))}`,
  ];
  if (report.models.length > 1) {
    blocks.push(
      `Rankings of the ${report.models.length} models under each pair of variants\n${textTable(RANK_HEADERS, rankRows(report))}`,
    );
    const flips = flipRows(report);
    blocks.push(
      flips.length > 0
        ? `Pairs of models whose order flips\n${textTable(FLIP_HEADERS, flips)}\n${SIGNIFICANCE(report.alpha)}`
        : 'No pair of models changes order between variants.',
    );
  } else {
    blocks.push('One model: rankings need two or more (give one results file per model).');
  }
  return `${blocks.join('\n\n')}\n`;
}

/** The variants analysis as one section: score chart and tables. */
export function variantsSection(report: VariantsReport): HtmlSection {
  const chart = intervalChart(
    report.scores.map((s) => ({ label: `${s.variant} · ${s.model}`, value: s.score, low: s.ci.low, high: s.ci.high })),
    { title: 'Score per variant and model (95% CI)' },
  );
  const parts = [
    note(
      'The same benchmark scored by several published implementations. κ measures how far two variants agree on which items a model gets right beyond chance; Kendall τ how far they agree on the order of the models.',
    ),
    chart,
    htmlTable(SCORE_HEADERS, scoreRows(report)),
    '<h3>Per-item agreement</h3>',
    htmlTable(AGREEMENT_HEADERS, agreementRows(report)),
  ];
  if (report.models.length > 1) {
    const flips = report.rankings.flatMap((r) => r.flips);
    parts.push(
      '<h3>Rankings</h3>',
      htmlTable(RANK_HEADERS, rankRows(report)),
      flips.length > 0
        ? `${note(SIGNIFICANCE(report.alpha))}\n${htmlTable(
            FLIP_HEADERS,
            flipRows(report),
            flips.map((f) => f.significant),
          )}`
        : note('No pair of models changes order between variants.'),
    );
  }
  return { heading: 'Variants: one benchmark, several implementations', html: parts.join('\n') };
}

export function variantsHtml(report: VariantsReport): string {
  return htmlPage('evalboard variants', [variantsSection(report)]);
}
