import { describe, expect, it } from 'vitest';
import { goldAnswer, lastBoxedAnswer, lastBoxedOnlyString, minervaFinalAnswer, removeBoxed } from './extract.ts';
import { normalizeFinalAnswer } from './normalise.ts';

// Expected values are what lm-eval's utils.py (leaderboard/math, v0.4.9.2) returns for the same input.
const NORMALISED: readonly (readonly [string, string])[] = [
  ['10,\\!236', '10236'],
  ['\\$32,\\!348', '32348'],
  ['\\frac{\\sqrt{2}}{2}', '\\frac{\\sqrt{2}}{2}'],
  ['(-\\infty, 2) \\cup (3, \\infty)', '(-\\iny,2)\\cup(3,\\iny)'],
  ['120^\\circ', '120'],
  ['27^{\\circ}', '27'],
  ['\\text{(C)}', '(C)'],
  ['162\\text{ minutes}', '162'],
  ['100\\text{ square units}', '100'],
  ['x = 5', '5'],
  ['y=2x+3', '2x+3'],
  ['\\dfrac{3}{4}', '\\dfrac{3}{4}'],
  ['\\frac34', '\\frac{3}{4}'],
  ['\\sqrt2', '\\sqrt{2}'],
  ['5.0', '5.0'],
  ['3, 1', '31'],
  ['1,000', '1000'],
  ['\\textbf{yes}', 'yes'],
  ['\\boxed{7}', '7'],
  ['$\\frac{1}{2}$.', '\\frac{1}{2}'],
  ['a cat', 'cat'],
  ['\\begin{pmatrix} -3 \\\\ -2 \\end{pmatrix}', '\\begin{pmatrix}-3\\-2\\end{pmatrix}'],
  ['\\mbox{ cm}^2', ''],
  ['7.2\\%', '7.2\\%'],
  ['\\left( \\frac{1}{2}, 3 \\right)', '\\le(\\frac{1}{2},3\\right)'],
  ['\\overline{AB}', 'AB'],
  ['4 \\text{ and } 5', '45'],
  ['\\$16,\\!386.16', '16386.16'],
];

describe('normalizeFinalAnswer: lm-eval’s Minerva normalisation, quirks included', () => {
  it.each(NORMALISED)('%s → %s', (input, expected) => {
    expect(normalizeFinalAnswer(input)).toBe(expected);
  });

  it('keeps the commas of a list when asked to', () => {
    expect(normalizeFinalAnswer('3, 1', { joinThousands: false })).toBe('3,1');
  });
});

describe('gold answers: lm-eval’s last_boxed_only_string + remove_boxed', () => {
  it.each([
    ['So $\\boxed{\\frac{1}{2}}$.', '\\frac{1}{2}'],
    ['a \\boxed{x^{2}} b \\boxed{\\frac{1}{\\sqrt{2}}} c', '\\frac{1}{\\sqrt{2}}'],
    ['\\boxed 5$ and then', '5'],
    ['\\fbox{3}', '[invalidanswer]'],
    ['Final Answer: The final answer is $24$. I hope it is correct.', '[invalidanswer]'],
    ['\\boxed{unclosed', '[invalidanswer]'],
  ])('%s → %s', (solution, expected) => {
    expect(goldAnswer(solution)).toBe(expected);
  });

  it('lets any "\\boxed " with a space win over a later braced box, as lm-eval does', () => {
    expect(lastBoxedOnlyString('\\boxed 4$ then \\boxed{5}')).toBe('\\boxed 4');
    expect(removeBoxed('\\fbox{3}')).toBeUndefined();
  });
});

describe('the answer in a model output', () => {
  it.each([
    ['Final Answer: The final answer is $24$. I hope it is correct.', '$24$'],
    // Cut off by the stop sequence right after the period: the appended phrase completes it.
    ['Final Answer: The final answer is $\\frac{1}{2}$. ', '$\\frac{1}{2}$'],
    ['Final Answer: The final answer is $\\frac{1}{2}$.', undefined],
    ['Final Answer: The final answer is 7', undefined],
    ['no answer here', undefined],
  ])('Minerva line: %s → %s', (output, expected) => {
    expect(minervaFinalAnswer(output)).toBe(expected);
  });

  it.each([
    ['the area is $\\boxed{\\frac{\\sqrt{3}}{4}}$.', '\\frac{\\sqrt{3}}{4}'],
    ['nested $\\boxed{\\{1, \\{2\\}\\}}$', '\\{1, \\{2\\}\\}'],
    ['first \\boxed{1}, then \\boxed{2}', '2'],
    ['so $\\boxed 12$.', '12'],
    ['boxed by hand: \\fbox{7}', '7'],
    ['\\boxed{3} and an unclosed \\boxed{4', '3'],
    ['\\boxedx is not a box', undefined],
    ['nothing', undefined],
  ])('box: %s → %s', (output, expected) => {
    expect(lastBoxedAnswer(output)).toBe(expected);
  });
});
