import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveDataDir } from '../../documents/data-dir.ts';
import { type MatchRule, judgeAnswer } from './equivalence.ts';
import { goldAnswer, math_equiv, normalizeFinalAnswer } from './index.ts';

/**
 * [model answer, gold answer from the MATH test set, the rule that must match (null: not equal)].
 * Each gold is a real boxed answer; the model answers are the other ways of writing it (or near
 * misses) that graders meet.
 */
const PAIRS: readonly (readonly [string, string, MatchRule | null])[] = [
  // same string, or the same after Minerva's normalisation and the canonical rewrites
  ['\\frac{6}{23}', '\\frac{6}{23}', 'exact'],
  ['\\dfrac{6}{23}', '\\frac{6}{23}', 'normalised'],
  ['\\tfrac{9}{32}', '\\frac{9}{32}', 'normalised'],
  ['\\frac{1}{2}', '\\frac12', 'normalised'],
  ['10236', '10,\\!236', 'normalised'],
  ['\\$32,348', '\\$32,\\!348', 'normalised'],
  ['16386.16', '\\$16,\\!386.16', 'normalised'],
  ['120', '120^\\circ', 'normalised'],
  ['120^{\\circ}', '120^\\circ', 'normalised'],
  ['162', '162\\text{ minutes}', 'normalised'],
  ['100', '100\\text{ square units}', 'normalised'],
  ['118', '118 \\text{ dollars}', 'normalised'],
  ['\\text{Devon}', 'Devon', 'normalised'],
  ['30', '30\\%', 'normalised'],
  ['7.2', '7.2\\%', 'normalised'],
  ['16.0', '16', 'normalised'],
  ['x = 5', '5', 'normalised'],
  ['[-4, 0)', '[-4,0)', 'normalised'],
  ['\\left[ \\frac{3}{2}, 2 \\right)', '[\\frac{3}{2},2)', 'normalised'],
  ['(-\\infty, 2) \\cup (3, \\infty)', '(-\\infty,2)\\cup(3,\\infty)', 'normalised'],
  ['\\begin{pmatrix} -6 \\\\ 9 \\end{pmatrix}', '\\begin{pmatrix} -6 \\\\ 9 \\end{pmatrix}', 'exact'],
  // Minerva turns the first `\\ ` into `\` but leaves the second's `\\`: equal cell by cell
  ['\\begin{pmatrix} -6 \\\\ 9 \\end{pmatrix}', '\\begin{pmatrix}-6\\\\9\\end{pmatrix}', 'symbolic'],
  ['\\text{(C)}', '\\text{(C)}', 'exact'],
  ['1200_{7}', '1200_7', 'normalised'],
  ['\\frac9{5}', '\\frac{9}{5}', 'symbolic'],
  ['\\cot x', '\\frac{\\cos x}{\\sin x}', 'symbolic'],
  // the same value written differently
  ['0.5', '\\frac{1}{2}', 'symbolic'],
  ['1.125', '\\frac{9}{8}', 'symbolic'],
  ['\\frac{11}{2}', '5.5', 'symbolic'],
  ['\\frac{-1}{8}', '-\\frac{1}{8}', 'symbolic'],
  ['-0.125', '-\\frac{1}{8}', 'symbolic'],
  ['\\frac{1}{\\sqrt{2}}', '\\frac{\\sqrt{2}}{2}', 'symbolic'],
  ['\\sqrt{108}', '6\\sqrt{3}', 'symbolic'],
  ['6+6\\sqrt{3}', '6\\sqrt{3}+6', 'symbolic'],
  ['\\frac{6}{7}\\sqrt{10}', '\\frac{6\\sqrt{10}}{7}', 'symbolic'],
  ['\\sqrt{700}', '10\\sqrt{7}', 'symbolic'],
  ['\\frac{\\pi}{9}', '\\frac{1}{9}\\pi', 'symbolic'],
  ['\\frac{21\\pi}{2}', '\\frac{21}{2}\\pi', 'symbolic'],
  ['9\\sqrt{3}+30\\pi', '30\\pi + 9\\sqrt{3}', 'symbolic'],
  ['-\\frac{\\sqrt{3}}{2}+3\\pi', '3\\pi-\\frac{\\sqrt{3}}{2}', 'symbolic'],
  ['6.75', '6 \\frac{3}{4}', 'symbolic'],
  ['\\frac{27}{4}', '6\\frac{3}{4}', 'symbolic'],
  ['-3x^2+x^3+9x-9', 'x^3 - 3x^2 + 9x - 9', 'symbolic'],
  ['(3x-4)(x-1)', '3x^2 - 7x + 4', 'symbolic'],
  ['1+4n+8n^2', '8n^2 + 4n + 1', 'symbolic'],
  ['1.5x^2', '\\frac{3x^2}{2}', 'symbolic'],
  ['3-\\sqrt{x-3}', '-\\sqrt{x-3}+3', 'symbolic'],
  ['-75i+116', '116 - 75i', 'symbolic'],
  ['1.5+1.5i', '\\frac{3}{2} + \\frac{3}{2} i', 'symbolic'],
  ['\\binom{6}{3}', '20', 'symbolic'],
  ['(-5, \\sqrt{26}]', '(-5,\\sqrt{26}]', 'normalised'],
  [
    '\\left( \\frac12, \\frac{\\sqrt7}{2} \\right)',
    '\\left( \\frac{1}{2}, \\frac{\\sqrt{7}}{2} \\right)',
    'normalised',
  ],
  ['(0.5, \\sqrt{7}/2)', '\\left( \\frac{1}{2}, \\frac{\\sqrt{7}}{2} \\right)', 'symbolic'],
  ['[0.5, 4/3]', '\\left[\\frac{1}{2}, \\frac{4}{3}\\right]', 'symbolic'],
  ['(-\\infty,-2)\\cup(-2,3)\\cup(3,\\infty)', '(-\\infty,-2)\\cup (-2,3)\\cup (3,\\infty)', 'normalised'],
  ['(-\\infty, -4.0) \\cup (-4, 6) \\cup (6, \\infty)', '(-\\infty,-4)\\cup(-4,6)\\cup(6,\\infty)', 'normalised'],
  ['\\begin{pmatrix} 2.875 \\\\ 1.75 \\end{pmatrix}', '\\begin{pmatrix} 23/8 \\\\ 7/4 \\end{pmatrix}', 'symbolic'],
  [
    '\\begin{pmatrix} -\\frac{5}{13} \\\\ \\frac{12}{13} \\end{pmatrix}',
    '\\begin{pmatrix} -5/13 \\\\ 12/13 \\end{pmatrix}',
    'symbolic',
  ],
  ['-3, 24', '24,-3', 'symbolic'],
  ['2, 1, -1, -2', '-2,-1,1,2', 'symbolic'],
  ['-3i, 1, -1', '1,-1,-3i', 'symbolic'],
  ['1+\\sqrt{19}, 1-\\sqrt{19}', '1 \\pm \\sqrt{19}', 'symbolic'],
  ['-2, 1+\\sqrt{5}, 1-\\sqrt5', '\\{1\\pm\\sqrt{5},-2\\}', 'symbolic'],
  [
    '171^\\circ, 27^\\circ, 63^\\circ, 99^\\circ, 135^\\circ',
    '27^\\circ, 63^\\circ, 99^\\circ, 135^\\circ, 171^\\circ',
    'symbolic',
  ],
  // not the same
  ['\\frac{6}{32}', '\\frac{6}{23}', null],
  ['0.333', '\\frac{1}{3}', null],
  ['\\sqrt{2}', '\\frac{\\sqrt{2}}{2}', null],
  ['6\\sqrt{2}', '6\\sqrt{3}', null],
  ['3x^2 - 7x - 4', '3x^2 - 7x + 4', null],
  ['x^3 - 3x^2 + 9x + 9', 'x^3 - 3x^2 + 9x - 9', null],
  ['116 + 75i', '116 - 75i', null],
  ['(-4, 0)', '[-4,0)', null],
  ['[-4, 0]', '[-4,0)', null],
  ['(-\\infty, 3) \\cup (2, \\infty)', '(-\\infty, 2) \\cup (3, \\infty)', null],
  ['(6, -1, 31)', '(6,31,-1)', null],
  ['24', '24,-3', null],
  ['-2, -1, 1', '-2,-1,1,2', null],
  ['\\begin{pmatrix} 9 \\\\ -6 \\end{pmatrix}', '\\begin{pmatrix} -6 \\\\ 9 \\end{pmatrix}', null],
  ['\\begin{pmatrix} 2 \\\\ -1 \\end{pmatrix}', '\\begin{pmatrix} 2 \\\\ -1 \\\\ -5 \\end{pmatrix}', null],
  ['6.7', '6 \\frac{3}{4}', null],
  ['10\\pi', '\\frac{21}{2}\\pi', null],
  ['\\text{(D)}', '\\text{(C)}', null],
  ['Evelyn', '\\text{Devon}', null],
  ['n^2', '8n^2 + 4n + 1', null],
  ['441', '1200_7', null],
  ['1200', '1200_7', null],
  ['3:1', '1:3', null],
];

describe('judgeAnswer on answer pairs from the MATH test set', () => {
  it('has at least 60 pairs, both equal and not', () => {
    expect(PAIRS.length).toBeGreaterThanOrEqual(60);
    expect(PAIRS.filter(([, , rule]) => rule === null).length).toBeGreaterThanOrEqual(15);
  });

  it.each(PAIRS)('%s vs %s → %s', (answer, gold, rule) => {
    expect(judgeAnswer(answer, gold).rule ?? null).toBe(rule);
  });

  it('stops at its time limit: a comparison past its deadline is a timeout, not a match', () => {
    expect(judgeAnswer('x+1', '1+x', -1)).toMatchObject({ rule: undefined, symbolic: 'timeout' });
  });

  it('says when an answer is outside the LaTeX it can evaluate', () => {
    expect(judgeAnswer('x \\leq 3', 'x < 4')).toMatchObject({ rule: undefined, symbolic: 'untranslatable' });
    expect(judgeAnswer(`${'('.repeat(5000)}1${')'.repeat(5000)}`, '1')).toMatchObject({ symbolic: 'untranslatable' });
  });
});

describe('math_equiv as a metric: the rule in details', () => {
  const score = (output: string, gold: string) =>
    math_equiv.score({
      doc: {},
      target: gold,
      response: { kind: 'text', texts: [output] },
      filtered: output,
      kwargs: {},
    });

  it('reads the Minerva "Final Answer" line first, then the last box', () => {
    const final = score('so $\\boxed{3}$.\nFinal Answer: The final answer is $0.5$. I hope it is correct.', '\\frac12');
    expect(final).toEqual({
      value: 1,
      details: {
        extraction: 'final_answer',
        answer: '$0.5$',
        gold: '\\frac12',
        rule: 'symbolic',
        normalised_answer: '0.5',
        normalised_gold: '\\frac{1}{2}',
      },
    });
    expect(score('the answer is $\\boxed{\\dfrac{1}{2}}$', '\\frac12').details).toMatchObject({
      extraction: 'boxed',
      rule: 'normalised',
    });
    expect(score('I do not know', '\\frac12')).toEqual({
      value: 0,
      details: { extraction: 'none', answer: null, gold: '\\frac12', rule: null },
    });
  });
});

const dataDir = resolveDataDir();
if (dataDir === undefined) throw new Error('these tests read the MATH data: set EVALBOARD_DATA_DIR');
const level5 = join(dataDir, 'math', 'test-level5.jsonl');

describe('every level-5 reference answer is judged equal to its own solution', () => {
  const rows = readFileSync(level5, 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { solution: string });
  const score = (output: string, gold: string) =>
    math_equiv.score({
      doc: {},
      target: gold,
      response: { kind: 'text', texts: [output] },
      filtered: output,
      kwargs: {},
    });
  const failures = (output: (solution: string, gold: string) => string, gold: (raw: string) => string) =>
    rows.flatMap((row, k) => {
      const raw = goldAnswer(row.solution);
      return score(output(row.solution, raw), gold(raw)).value === 1 ? [] : [k];
    });

  it('has the 1,324 problems', () => expect(rows).toHaveLength(1324));

  it('the solution as the output, against math_hard’s gold (the box as written)', () => {
    expect(
      failures(
        (solution) => solution,
        (raw) => raw,
      ),
    ).toEqual([]);
  });

  it('the solution as the output, against math’s gold (the box Minerva-normalised)', () => {
    expect(failures((solution) => solution, normalizeFinalAnswer)).toEqual([]);
  });

  it('the box as a Minerva "Final Answer" line, against math_hard’s gold', () => {
    const finalLine = (_: string, raw: string) => `Final Answer: The final answer is $${raw}$. I hope it is correct.`;
    expect(failures(finalLine, (raw) => raw)).toEqual([]);
  });
});
