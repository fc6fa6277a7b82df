import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveDataDir } from '../src/documents/data-dir.ts';
import { evaluate } from '../src/evaluator/evaluate.ts';
import { loadCatalog } from '../src/task/index.ts';
import { answeringBackend } from './answering-backend.ts';

const dataDir = resolveDataDir();
if (dataDir === undefined) throw new Error('these tests read the MATH data: set EVALBOARD_DATA_DIR');
const { catalog } = await loadCatalog({ includePaths: [], dataDir });

interface MathExample {
  readonly problem: string;
  readonly solution: string;
}
const fewshot: MathExample[] = JSON.parse(readFileSync(join(dataDir, 'math', 'fewshot-minerva-4shot.json'), 'utf8'));

/**
 * lm-eval's prompt for `leaderboard_math_hard` / `minerva_math`: the four Minerva examples with
 * their full solutions after "Solution: ", "\n\n" between turns, the problem ending at "Solution:".
 */
const minervaPrompt = (problem: string) =>
  `${fewshot.map((e) => `Problem:\n${e.problem}\n\nSolution: ${e.solution}\n\n`).join('')}Problem:\n${problem}\n\nSolution:`;

async function run(task: string, answer: (doc: Record<string, unknown>) => string, limit?: number) {
  const { backend, beforeDispatch } = answeringBackend(answer);
  const [outcome] = await evaluate({
    backend,
    tasks: catalog.resolve([task]).tasks,
    fewshotSeed: 1234,
    bootstrapIters: 0,
    beforeDispatch,
    ...(limit === undefined ? {} : { limit }),
  });
  return outcome!;
}

describe('math_hard: lm-eval’s leaderboard_math_hard', () => {
  it('asks lm-eval’s prompt for every level-5 problem, and each reference solution scores 1', async () => {
    const outcome = await run('math_hard', (doc) => String(doc.solution));
    expect(outcome.instances).toHaveLength(1324);
    const first = outcome.instances[0]!;
    expect(first.doc.problem).toBe('Evaluate $i^5+i^{-25}+i^{45}$.');
    const request = first.requests[0]![0]!;
    expect(request.kind === 'generateUntil' && request.context).toBe(minervaPrompt(String(first.doc.problem)));
    expect(request.kind === 'generateUntil' && request.settings).toMatchObject({
      until: ['Problem:'],
      maxGenToks: 1024,
    });
    expect(outcome.summaries.map((s) => [s.metric, s.value])).toEqual([['math_equiv', 1]]);
    expect(outcome.scored[0]![0]!.details?.math_equiv).toMatchObject({ extraction: 'boxed', rule: 'exact', gold: 'i' });
  });

  it('records the rule that matched for each answer', async () => {
    const reworded: Record<string, string> = { i: '0+i', '-\\frac{1}{8}': '-0.125', '-15': '\\boxed{-15}' };
    const outcome = await run(
      'math_hard',
      (doc) => `Final Answer: The final answer is $${reworded[String(doc.answer)] ?? 'none'}$. I hope it is correct.`,
      4,
    );
    const rules = outcome.scored.map((s) => s[0]!.details?.math_equiv?.rule);
    expect(rules).toEqual(['symbolic', 'symbolic', 'normalised', null]);
    expect(outcome.summaries[0]!.value).toBe(0.75);
  });
});

describe('math: all levels, lm-eval’s minerva_math prompt', () => {
  it('has the 5,000 problems, the same prompt, and Minerva-normalised gold answers', async () => {
    const outcome = await run('math', (doc) => String(doc.solution), 50);
    const { tasks } = catalog.resolve(['math']);
    expect(tasks[0]!.name).toBe('math');
    const first = outcome.instances[0]!;
    expect(first.context).toBe(
      minervaPrompt('How many vertical asymptotes does the graph of $y=\\frac{2}{x^2+x-6}$ have?'),
    );
    const golds = outcome.instances.map((i) => String(i.doc.answer));
    expect(golds.some((g) => g.includes(' '))).toBe(false); // normalised: no spaces left
    expect(outcome.summaries[0]!.value).toBe(1);
  });
});
