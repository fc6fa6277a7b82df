import { describe, expect, it } from 'vitest';
import { answerStyle, standardise, styleFeatures } from '../src/judges/arena-hard/style.ts';
import { fitStyleControlled, styleControlledScores } from '../src/judges/arena-hard/style-control.ts';

describe('Arena-Hard style features (hand-counted)', () => {
  it('counts headers, list items and bold spans outside code blocks, as add_markdown_info does', () => {
    const text = [
      '# Title',
      '## Part',
      '####### seven hashes are not a header',
      '1. first',
      '  - nested',
      '* star item',
      'Some **bold** and __also bold__ and ** not bold',
      '```',
      '# a comment in code, not a header',
      '- not a list item',
      '```',
    ].join('\n');
    const style = answerStyle(text);
    expect(style).toMatchObject({ headers: 2, listItems: 3, bold: 2 });
    expect(style.length).toBe([...text].length);
    expect(answerStyle(text, 42).length).toBe(42);
  });

  it('features: relative length difference and relative density differences', () => {
    const model = { length: 100, headers: 2, listItems: 0, bold: 1 };
    const baseline = { length: 300, headers: 0, listItems: 3, bold: 0 };
    const f = styleFeatures(model, baseline);
    expect(f[0]).toBeCloseTo(-0.5, 15);
    expect(f[1]).toBeCloseTo(0.02 / 1.02, 15);
    expect(f[2]).toBeCloseTo(-0.01 / 1.01, 15);
    expect(f[3]).toBeCloseTo(0.01 / 1.01, 15);
    const z = standardise([[1], [2], [3]]);
    expect(z.map((r) => r[0])).toEqual([-1, 0, 1]);
  });
});

describe('Bradley–Terry with style control (hand-worked)', () => {
  it('a judge that only rewards length: the controlled score is the win rate at the average length difference', () => {
    // 150 questions where the model answers longer (raw feature +1): it wins 120; 50 where it answers
    // shorter (−1): it wins 10. Raw win rate 130/200 = 65 %.
    const battles = [
      ...Array.from({ length: 150 }, (_, i) => ({ raw: 1, outcome: i < 120 ? 1 : 0 })),
      ...Array.from({ length: 50 }, (_, i) => ({ raw: -1, outcome: i < 10 ? 1 : 0 })),
    ];
    const features = standardise(battles.map((b) => [b.raw]));
    const styled = battles.map((b, i) => ({ model: 'm', outcome: b.outcome, features: features[i]! }));
    // Two groups, two parameters: the fit is saturated, σ(β + γ f₁) = 0.8 and σ(β + γ f₂) = 0.2.
    // Standardised, f₁ = 0.5/sd and f₂ = −1.5/sd (mean 0.5), so γ·2/sd = 2 ln 4 and β = ln 4 − γ f₁ = ln 2.
    const fit = fitStyleControlled(styled);
    expect(fit.coefficients.get('m')).toBeCloseTo(Math.log(2), 9);
    const sd = Math.sqrt((150 * 0.5 ** 2 + 50 * 1.5 ** 2) / 199);
    expect(fit.style[0]).toBeCloseTo(sd * Math.log(4), 9);
    const [scored] = styleControlledScores(styled, 50, 3);
    expect(scored!.score).toBeCloseTo((100 * 2) / 3, 9);
    expect(scored!.lower).toBeLessThan(scored!.score);
    expect(scored!.upper).toBeGreaterThan(scored!.score);
  });
});
