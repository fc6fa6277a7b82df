import { describe, expect, it } from 'vitest';
import type { TaskDefinition, TaskPrompt } from '../task/types.ts';
import { promptsOf } from './build.ts';

const withPrompts = (count: number) =>
  ({
    prompts: Array.from({ length: count }, (_, i): TaskPrompt => ({ id: `p${i}`, docToText: () => `prompt ${i}` })),
  }) as unknown as TaskDefinition;

describe('prompt assignment (doc k → prompt k mod P)', () => {
  it('shares any number of docs among any number of prompts with counts at most 1 apart', () => {
    for (let prompts = 1; prompts <= 12; prompts++) {
      const task = withPrompts(prompts);
      for (let docs = 0; docs <= 60; docs++) {
        const counts = new Map<string, number>();
        for (let k = 0; k < docs; k++) {
          const [prompt] = promptsOf(task, k);
          counts.set(prompt!.id, (counts.get(prompt!.id) ?? 0) + 1);
        }
        const values = Array.from({ length: prompts }, (_, i) => counts.get(`p${i}`) ?? 0);
        expect(Math.max(...values) - Math.min(...values), `${docs} docs, ${prompts} prompts`).toBeLessThanOrEqual(1);
        expect(values.reduce((a, b) => a + b, 0)).toBe(docs);
      }
    }
  });

  it('depends on the doc alone, so the first N docs keep their prompts whatever --limit says', () => {
    const task = withPrompts(7);
    const full = Array.from({ length: 100 }, (_, k) => promptsOf(task, k)[0]!.id);
    for (const limit of [1, 5, 13, 50])
      expect(Array.from({ length: limit }, (_, k) => promptsOf(task, k)[0]!.id)).toEqual(full.slice(0, limit));
  });

  it('--prompts all: every prompt for every doc; a task without prompts: one undefined', () => {
    expect(promptsOf(withPrompts(3), 4, true).map((p) => p!.id)).toEqual(['p0', 'p1', 'p2']);
    expect(promptsOf({} as TaskDefinition, 4)).toEqual([undefined]);
  });
});
