import type { CustomSeriesRenderItemAPI, CustomSeriesRenderItemParams } from 'echarts';
import { useMemo } from 'react';
import type { Score } from '../api.ts';
import { EChart } from './EChart.tsx';

export interface IntervalSeries {
  name: string;
  points: (Score | undefined)[];
}

const PALETTE = ['#2563eb', '#d9480f', '#2b8a3e', '#9c36b5', '#c2255c'];

/**
 * Scores as dots with their 95 % intervals as whiskers, one row per category and one colour per
 * series: the interval, not only the point, is what tells two scores apart.
 */
export function IntervalChart({
  categories,
  series,
  label,
}: {
  categories: string[];
  series: IntervalSeries[];
  label: string;
}) {
  const option = useMemo(() => {
    const count = series.length;
    return {
      color: PALETTE,
      legend: { show: count > 1, top: 0 },
      tooltip: { trigger: 'item' },
      grid: { left: 8, right: 24, top: count > 1 ? 32 : 8, bottom: 8, containLabel: true },
      xAxis: { type: 'value', scale: false },
      yAxis: { type: 'category', data: categories, inverse: true },
      series: series.map((s, seriesIndex) => ({
        type: 'custom',
        name: s.name,
        encode: { x: [0, 2, 3], y: 1 },
        data: s.points.map((p, i) => [
          p?.value ?? null,
          i,
          p?.ci_low ?? p?.value ?? null,
          p?.ci_high ?? p?.value ?? null,
        ]),
        tooltip: {
          formatter: (item: { data: (number | null)[] }) => {
            const [v, cat, lo, hi] = item.data;
            const range = lo !== v || hi !== v ? ` (95% CI ${lo?.toFixed(2)}–${hi?.toFixed(2)})` : '';
            return `${s.name}<br/>${categories[cat ?? 0]}: ${v?.toFixed(2) ?? '–'}${range}`;
          },
        },
        renderItem: (_params: CustomSeriesRenderItemParams, api: CustomSeriesRenderItemAPI) => {
          const value = api.value(0);
          if (value === null || Number.isNaN(Number(value))) return null;
          const size = api.size ? (api.size([0, 1]) as number[]) : [];
          const band = size[1] ?? 20;
          const offset = count > 1 ? ((seriesIndex + 0.5) / count - 0.5) * band * 0.7 : 0;
          const [x, y] = api.coord([value, api.value(1)]) as [number, number];
          const [xLow] = api.coord([api.value(2), api.value(1)]) as [number, number];
          const [xHigh] = api.coord([api.value(3), api.value(1)]) as [number, number];
          const style = { stroke: api.visual('color'), lineWidth: 2 };
          return {
            type: 'group',
            children: [
              { type: 'line', shape: { x1: xLow, y1: y + offset, x2: xHigh, y2: y + offset }, style },
              { type: 'line', shape: { x1: xLow, y1: y + offset - 4, x2: xLow, y2: y + offset + 4 }, style },
              { type: 'line', shape: { x1: xHigh, y1: y + offset - 4, x2: xHigh, y2: y + offset + 4 }, style },
              { type: 'circle', shape: { cx: x, cy: y + offset, r: 4 }, style: { fill: api.visual('color') } },
            ],
          };
        },
      })),
    };
  }, [categories, series]);
  return (
    <EChart option={option} height={Math.max(120, categories.length * (28 + series.length * 8) + 48)} label={label} />
  );
}
