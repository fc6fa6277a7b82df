import { describe, expect, it } from 'vitest';
import { UserError } from '../errors.ts';
import { applyFilterPipeline, applyFilterSteps, buildFilterPipeline } from './index.ts';

// Expected values are worked by hand from lm-eval's filters (lm_eval/filters/extraction.py and
// transformation.py; main, which differs from v0.4.9.2 only where a test says so).

describe('multi_choice_regex', () => {
  const doc = { choices: ['Paris', 'Lyon', 'Nice'] };
  // GPQA / MMLU-Pro style: the "(X)" letter, else the choice text, else ": X".
  const step = {
    function: 'multi_choice_regex',
    args: { regex_pattern: String.raw`(\([A-D]\))`, ignore_case: true, ignore_punctuation: true },
  };
  const filter = (response: string, args: Readonly<Record<string, unknown>> = step.args) =>
    applyFilterPipeline([{ function: 'multi_choice_regex', args }], [response], doc)[0];

  it('1: the pattern itself', () => {
    expect(filter('The answer is (B).')).toBe('(B)');
    expect(filter('(A) or maybe (C)', { ...step.args, group_select: -1 })).toBe('(C)');
  });

  it("2: a choice's text, after ignore_case / ignore_punctuation on both sides, as its letter", () => {
    expect(filter('I think it is LYON!')).toBe('(B)');
    // Case matters without ignore_case, so the text is not found and nothing else matches.
    expect(filter('I think it is LYON!', { regex_pattern: String.raw`(\([A-D]\))` })).toBe('[invalid]');
    expect(filter('nice, i guess', { ...step.args, regexes_to_ignore: ['guess'] })).toBe('(C)');
  });

  it('3: a bare letter after a colon, on the raw response', () => {
    expect(filter('Answer: C')).toBe('(C)');
    expect(filter('Answer:\nA')).toBe('(A)');
  });

  it('4: the fallback', () => {
    expect(filter('no idea')).toBe('[invalid]');
    expect(filter('no idea', { ...step.args, fallback: 'X' })).toBe('X');
  });

  it('needs docs with choices, and checks its arguments', () => {
    expect(() => applyFilterPipeline([step], ['x'], {})).toThrow(/"choices" list/);
    expect(() => buildFilterPipeline([{ function: 'multi_choice_regex', args: { ignore_case: 'yes' } }])).toThrow(
      /true or false/,
    );
  });
});

describe('map', () => {
  it('looks each response up; default_value (None) where it is missing', () => {
    const mapped = [{ function: 'map', args: { mapping_dict: { A: 0, B: 1 }, default_value: -1 } }];
    expect(applyFilterSteps(mapped, ['A', 'B', 'C'], {})).toEqual([0, 1, -1]);
    expect(applyFilterSteps([{ function: 'map', args: { mapping_dict: { A: 'yes' } } }], ['Z'], {})).toEqual([null]);
    // What string metrics read: Python's str() of the mapped values.
    expect(applyFilterPipeline(mapped, ['A', 'C'], {})).toEqual(['0', '-1']);
    expect(() => buildFilterPipeline([{ function: 'map', args: { mapping_dict: ['A'] } }])).toThrow(UserError);
  });

  it('a text-only step after it names itself', () => {
    const steps = [{ function: 'map', args: { mapping_dict: { A: 1 } } }, { function: 'lowercase' }];
    expect(() => applyFilterSteps(steps, ['A'], {})).toThrow(/filter lowercase needs text, got 1/);
  });
});

describe('regex_pos', () => {
  it("the tags of every ('token', 'TAG') pair, else [\"invalid\"]", () => {
    const steps = [{ function: 'regex_pos' }];
    expect(applyFilterSteps(steps, ["[('I', 'PRON'), ('run', 'VERB'), ('.', 'PUNCT')]"], {})).toEqual([
      ['PRON', 'VERB', 'PUNCT'],
    ]);
    expect(applyFilterSteps(steps, ['I/PRON run/VERB'], {})).toEqual([['invalid']]);
    expect(applyFilterPipeline(steps, ["('a', 'DET')"], {})).toEqual(["['DET']"]);
  });
});

describe('format_span (main)', () => {
  const steps = [{ function: 'format_span' }];
  it('normalises labels and lists "label: entity" joined by " $ ", without "none"', () => {
    expect(applyFilterPipeline(steps, ['Person: John Smith, Mary\nLocation: Nairobi $$ Date: none'], {})).toEqual([
      'per: john smith $ per: mary $ loc: nairobi',
    ]);
  });

  it('rewrites a label word only before ":" (v0.4.9.2 also rewrote "per" inside "Peru")', () => {
    expect(applyFilterPipeline(steps, ['Location: Peru, Timbuktu'], {})).toEqual(['loc: peru $ loc: timbuktu']);
  });
});
