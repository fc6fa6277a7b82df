import { describe, expect, it } from 'vitest';
import { process_docs_mc, process_results_mc2 } from '../tasks/truthfulqa/utils.ts';

describe('truthfulqa multiple choice from the CSV', () => {
  const [doc] = process_docs_mc([
    {
      question: ' Is the sky blue? ',
      best_answer: 'Yes',
      correct_answers: ['Yes', 'It is blue'],
      incorrect_answers: ['No', 'It is green.'],
    },
  ]);

  it('puts the best answer first for mc1 and the correct answers first for mc2', () => {
    expect(doc!.question).toBe('Is the sky blue?');
    expect(doc!.mc1_choices).toEqual(['Yes.', 'No.', 'It is green.']);
    expect(doc!.mc2_choices).toEqual(['Yes.', 'It is blue.', 'No.', 'It is green.']);
    expect(doc!.mc2_correct).toBe(2);
  });

  it('scores mc2 as the normalised probability mass on the correct answers', () => {
    const lls = [Math.log(0.2), Math.log(0.1), Math.log(0.3), Math.log(0.4)];
    const { acc } = process_results_mc2(
      doc!,
      lls.map((ll) => [ll, false]),
    );
    expect(acc).toBeCloseTo(0.3 / 1.0, 12);
  });
});
