import { describe, expect, it } from 'vitest';
import { LiteralSyntaxError, literalEval } from './literal-eval.ts';

describe('literalEval (ast.literal_eval)', () => {
  it('parses Python literals', () => {
    // CPython 3.11: ast.literal_eval("""["it's", 'a\\nb', 1, -2.5, True, None, (1,), {'k': [1, 2]}]""")
    //   == ["it's", 'a\nb', 1, -2.5, True, None, (1,), {'k': [1, 2]}]  (tuples come back as arrays)
    expect(literalEval(`["it's", 'a\\nb', 1, -2.5, True, None, (1,), {'k': [1, 2]}]`)).toEqual([
      "it's",
      'a\nb',
      1,
      -2.5,
      true,
      null,
      [1],
      { k: [1, 2] },
    ]);
    // CPython 3.11: ast.literal_eval("'a' 'b'") == 'ab'
    expect(literalEval("'a' 'b'")).toBe('ab');
  });

  it('reads prefixes, escapes, triple quotes and number forms', () => {
    // CPython 3.11: ast.literal_eval(r"r'\d' u'x' '\x41\101\q' '''t" + "\n" + "q'''") == '\\dxAA\\qt\nq'
    expect(literalEval(`${String.raw`r'\d' u'x' '\x41\101\q' '''t`}\nq'''`)).toBe('\\dxAA\\qt\nq');
    // CPython 3.11: ast.literal_eval('[0x1F, 0o17, 0b101, 1_000, 1e3, .5, - 2]') == [31, 15, 5, 1000, 1000.0, 0.5, -2]
    expect(literalEval('[0x1F, 0o17, 0b101, 1_000, 1e3, .5, - 2]')).toEqual([31, 15, 5, 1000, 1000, 0.5, -2]);
    // CPython 3.11: ast.literal_eval("{'a': 1, 'b': (2, 3),}") == {'a': 1, 'b': (2, 3)} and ast.literal_eval('{}') == {}
    expect(literalEval("{'a': 1, 'b': (2, 3),}")).toEqual({ a: 1, b: [2, 3] });
    expect(literalEval('{}')).toEqual({});
    // CPython 3.11: ast.literal_eval('{1, 2}') == {1, 2} (a set; it comes back as an array)
    expect(literalEval('{1, 2}')).toEqual([1, 2]);
  });

  it.each(['[1, 2', 'Question: x', '007', "'a\nb'"])('rejects %j as CPython does (SyntaxError)', (source) => {
    // CPython 3.11: ast.literal_eval of each of these raises SyntaxError
    expect(() => literalEval(source)).toThrow(LiteralSyntaxError);
  });
});
