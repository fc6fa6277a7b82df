import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseCsv } from '../documents/csv-rows.ts';
import { loadSuite } from './definition.ts';
import { mean, normaliseScore, normaliseSubtasks, randomBaseline } from './normalise.ts';

const dataDir = process.env.EVALBOARD_DATA_DIR ?? new URL('../../../shared/datasets', import.meta.url).pathname;
const LEADERBOARD = `${dataDir}/leaderboards/open-llm-v2/open_llm_leaderboard_contents_2025-02.csv`;

describe('the Open LLM Leaderboard v2 normalisation', () => {
  it('reproduces the leaderboard table: IFEval, MATH, GPQA and MMLU-Pro from their raw scores, and the average, on all 3,827 rows', async () => {
    const suite = await loadSuite('openllm_v2');
    const rows = parseCsv(readFileSync(LEADERBOARD, 'utf8'), LEADERBOARD);
    expect(rows).toHaveLength(3827);
    // The table's raw columns are benchmark-level; BBH and MuSR normalise per subtask, which those
    // columns cannot show, so the table's own normalised values stand in for them in the average.
    const fromRaw = ['IFEval', 'MATH Lvl 5', 'GPQA', 'MMLU-PRO'];
    let clipped = 0;
    for (const row of rows) {
      const normalised: number[] = [];
      for (const b of suite.benchmarks) {
        const published = Number(row[b.name]);
        if (!fromRaw.includes(b.name)) {
          expect(b.subtasks, b.name).toBeDefined();
          normalised.push(published);
          continue;
        }
        const raw = Number(row[`${b.name} Raw`]);
        const value = normaliseScore(raw, randomBaseline(b.choices));
        if (raw < randomBaseline(b.choices)) clipped++;
        expect(Math.abs(value - published), `${row.eval_name} ${b.name}`).toBeLessThan(1e-6);
        normalised.push(value);
      }
      expect(Math.abs(mean(normalised) - Number(row['Average ⬆️'])), String(row.eval_name)).toBeLessThan(1e-6);
    }
    // The clip at 0 is exercised (GPQA alone has 179 rows below chance).
    expect(clipped).toBeGreaterThanOrEqual(179);
  });

  it('normalises each subtask against its own number of choices before averaging', () => {
    const { normalised, subtasks } = normaliseSubtasks({
      two: { raw: 0.75, choices: 2 },
      five: { raw: 0.1, choices: 5 },
    });
    expect(subtasks.two).toEqual({ raw: 0.75, baseline: 0.5, normalised: 50 });
    expect(subtasks.five).toEqual({ raw: 0.1, baseline: 0.2, normalised: 0 });
    expect(normalised).toBe(25);
    // Not the same as normalising the plain average against one baseline.
    expect(normaliseScore(mean([0.75, 0.1]), 0.35)).not.toBe(25);
  });

  it('generation benchmarks have no baseline', () => {
    expect(randomBaseline(undefined)).toBe(0);
    expect(normaliseScore(0.42, 0)).toBeCloseTo(42, 12);
    expect(() => normaliseScore(0.5, 1)).toThrow(/below 1/);
  });
});
