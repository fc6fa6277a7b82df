/**
 * Charts as inline SVG strings, rendered by echarts on the server (no DOM, no browser), so an
 * HTML report is one self-contained file.
 */
import { createRequire } from 'node:module';

type ECharts = typeof import('echarts');
let loaded: ECharts | undefined;
/** ECharts is loaded at the first chart, not at startup: every CLI command imports this module's callers. */
function echartsLib(): ECharts {
  loaded ??= createRequire(import.meta.url)('echarts') as ECharts;
  return loaded;
}

type Option = Record<string, unknown>;

const PALETTE = [
  '#1f77b4',
  '#ff7f0e',
  '#2ca02c',
  '#d62728',
  '#9467bd',
  '#8c564b',
  '#e377c2',
  '#7f7f7f',
  '#bcbd22',
  '#17becf',
];

/** Renders one chart. The instance is always disposed: a live one keeps the process from exiting. */
export function renderSvg(option: Option, width: number, height: number): string {
  const chart = echartsLib().init(null, null, { renderer: 'svg', ssr: true, width, height });
  try {
    chart.setOption({ animation: false, ...option });
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}

export interface IntervalPoint {
  readonly label: string;
  readonly value: number;
  readonly low?: number;
  readonly high?: number;
  /** Drawn in the accent colour (a significant difference, a saturated task). */
  readonly highlight?: boolean;
}

/**
 * Horizontal points with interval whiskers, one row per label: differences with their CIs, or
 * scores with ±1.96·stderr. `reference` draws a vertical line (0 for differences).
 */
export function intervalChart(
  points: readonly IntervalPoint[],
  options: { title: string; reference?: number },
): string {
  const labels = points.map((p) => p.label);
  const whiskers = points.map((p, i) => [i, p.low ?? p.value, p.high ?? p.value]);
  const height = 80 + 22 * points.length;
  return renderSvg(
    {
      title: { text: options.title, textStyle: { fontSize: 13 } },
      grid: { left: 220, right: 30, top: 40, bottom: 30 },
      xAxis: { type: 'value', scale: true },
      yAxis: { type: 'category', data: labels, inverse: true, axisLabel: { width: 200, overflow: 'truncate' } },
      series: [
        {
          type: 'custom',
          data: whiskers,
          // Dimension 0 is the row; only the interval ends belong to the value axis's extent.
          encode: { x: [1, 2], y: 0 },
          renderItem: (_params: unknown, api: CustomApi) => {
            const row = api.value(0);
            const start = api.coord([api.value(1), row]);
            const end = api.coord([api.value(2), row]);
            const style = { stroke: '#555', lineWidth: 1.5 };
            return {
              type: 'group',
              children: [
                { type: 'line', shape: { x1: start[0], y1: start[1], x2: end[0], y2: end[1] }, style },
                { type: 'line', shape: { x1: start[0], y1: start[1] - 4, x2: start[0], y2: start[1] + 4 }, style },
                { type: 'line', shape: { x1: end[0], y1: end[1] - 4, x2: end[0], y2: end[1] + 4 }, style },
              ],
            };
          },
        },
        {
          type: 'scatter',
          symbolSize: 8,
          data: points.map((p) => ({ value: p.value, itemStyle: { color: p.highlight ? '#d62728' : '#1f77b4' } })),
          ...(options.reference === undefined
            ? {}
            : {
                markLine: {
                  silent: true,
                  symbol: 'none',
                  label: { show: false },
                  data: [{ xAxis: options.reference }],
                },
              }),
        },
      ],
    },
    760,
    height,
  );
}

interface CustomApi {
  value(dimension: number): number;
  coord(point: [number, number]): [number, number];
}

export interface CurveSeries {
  readonly name: string;
  readonly points: readonly { x: number; y: number; low?: number; high?: number }[];
}

/**
 * Score against training step, one line per series, with a shaded band where the points carry
 * an interval (drawn as a stacked area: the lower bound, then the band's width on top of it).
 */
export function curveChart(series: readonly CurveSeries[], options: { title: string; xName: string }): string {
  const drawn: Option[] = [];
  series.forEach((s, i) => {
    // The band takes its line's colour; echarts would give each stacked helper series its own.
    const color = PALETTE[i % PALETTE.length];
    drawn.push({
      type: 'line',
      name: s.name,
      color,
      showSymbol: true,
      symbolSize: 4,
      data: s.points.map((p) => [p.x, p.y]),
    });
    if (s.points.every((p) => p.low !== undefined && p.high !== undefined)) {
      const stack = `band:${s.name}`;
      const band = { type: 'line', stack, symbol: 'none', color, lineStyle: { opacity: 0 } };
      drawn.push({ ...band, data: s.points.map((p) => [p.x, p.low]) });
      drawn.push({ ...band, areaStyle: { opacity: 0.15 }, data: s.points.map((p) => [p.x, p.high! - p.low!]) });
    }
  });
  return renderSvg(
    {
      title: { text: options.title, textStyle: { fontSize: 13 } },
      legend: { bottom: 0, type: 'scroll' },
      grid: { left: 60, right: 30, top: 40, bottom: 70 },
      xAxis: { type: 'value', name: options.xName, nameLocation: 'middle', nameGap: 25 },
      yAxis: { type: 'value', scale: true },
      series: drawn,
    },
    760,
    360,
  );
}

/** A labelled matrix (correlations) coloured from −1 to 1. */
export function heatmapChart(labels: readonly string[], matrix: readonly (readonly number[])[], title: string): string {
  const data: [number, number, number | string][] = [];
  matrix.forEach((row, i) => {
    row.forEach((value, j) => {
      data.push([j, i, Number.isFinite(value) ? Number(value.toFixed(2)) : '-']);
    });
  });
  const size = Math.max(360, 140 + 48 * labels.length);
  return renderSvg(
    {
      title: { text: title, textStyle: { fontSize: 13 } },
      grid: { left: 130, right: 30, top: 40, bottom: 110 },
      xAxis: { type: 'category', data: labels, axisLabel: { rotate: 45 } },
      yAxis: { type: 'category', data: labels, inverse: true },
      visualMap: {
        min: -1,
        max: 1,
        calculable: false,
        orient: 'horizontal',
        left: 'center',
        bottom: 0,
        inRange: { color: ['#2166ac', '#f7f7f7', '#b2182b'] },
      },
      series: [{ type: 'heatmap', data, label: { show: labels.length <= 12, fontSize: 10 } }],
    },
    size,
    size,
  );
}

/** Horizontal bars, one per label, highlighted ones in the accent colour. */
export function barChart(
  bars: readonly { label: string; value: number; highlight?: boolean }[],
  options: { title: string; xName: string },
): string {
  return renderSvg(
    {
      title: { text: options.title, textStyle: { fontSize: 13 } },
      grid: { left: 220, right: 40, top: 40, bottom: 40 },
      xAxis: { type: 'value', name: options.xName, nameLocation: 'middle', nameGap: 25 },
      yAxis: {
        type: 'category',
        data: bars.map((b) => b.label),
        inverse: true,
        axisLabel: { width: 200, overflow: 'truncate' },
      },
      series: [
        {
          type: 'bar',
          data: bars.map((b) => ({ value: b.value, itemStyle: { color: b.highlight ? '#d62728' : '#1f77b4' } })),
        },
      ],
    },
    760,
    80 + 22 * bars.length,
  );
}
