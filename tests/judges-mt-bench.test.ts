import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mtBenchJudge, parseRating } from '../src/judges/mt-bench/index.ts';
import { ROOT } from './helpers.ts';

const SHARED = join(ROOT, '../shared/datasets');
const QUESTIONS = join(SHARED, 'mt-bench/question.jsonl');
const JUDGMENTS = join(SHARED, 'judgments/mt-bench');

/** The reference table of judgments/mt-bench/SOURCE.md, read from the Markdown at test time. */
function referenceTable(): Map<string, Record<string, number>> {
  const lines = readFileSync(join(JUDGMENTS, 'SOURCE.md'), 'utf8').split('\n');
  const start = lines.findIndex((l) => l.startsWith('| model | MT-Bench |'));
  const header = lines[start]!.split('|')
    .map((c) => c.trim())
    .slice(1, -1);
  const table = new Map<string, Record<string, number>>();
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith('|')) break;
    const cells = line
      .split('|')
      .map((c) => c.trim())
      .slice(1, -1);
    table.set(cells[0]!, Object.fromEntries(header.slice(1).map((h, i) => [h, Number(cells[i + 1])])));
  }
  return table;
}

const KEY: Record<string, string> = { 'MT-Bench': 'score', 'turn 1': 'turn_1', 'turn 2': 'turn_2' };

describe('MT-Bench single-answer grading from FastChat judgment files', () => {
  it('reproduces the reference table of all three models exactly (overall, per turn, per category)', () => {
    const table = referenceTable();
    expect(table.size).toBe(3);
    const rows = ['muhan421-fastchat-eval', 'hameed92-fastchat'].flatMap(
      (dir) => mtBenchJudge.recompute(join(JUDGMENTS, dir, 'gpt-4_single.jsonl'), { questions: QUESTIONS }).rows,
    );
    expect(rows.map((r) => r.model).sort()).toEqual([...table.keys()].sort());
    for (const row of rows) {
      const expected = table.get(row.model)!;
      expect(Object.keys(expected)).toHaveLength(11);
      for (const [column, value] of Object.entries(expected)) {
        const got = row.scores[KEY[column] ?? column];
        expect(got, `${row.model} ${column}`).toBeDefined();
        // The table's decimals are the exact means (multiples of 1/160, 1/80, 1/20).
        expect(Math.abs(got! - value), `${row.model} ${column}`).toBeLessThan(1e-12);
      }
    }
  });

  it('parses ratings as FastChat does: [[x]] first, then [x], halves kept, none = -1', () => {
    expect(parseRating('Good answer. Rating: [[8]]')).toBe(8);
    expect(parseRating('Rating: [[8.5]] (was [[9]])')).toBe(8.5);
    expect(parseRating('Rating: [7]')).toBe(7);
    expect(parseRating('no rating here')).toBe(-1);
  });
});
