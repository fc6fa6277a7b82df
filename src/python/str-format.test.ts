import { describe, expect, it } from 'vitest';
import { pythonFormatNamed } from './str-format.ts';

const keyError = (name: string): never => {
  throw new Error(`KeyError: '${name}'`);
};

describe('pythonFormatNamed (str.format(**fields))', () => {
  it('prints str() of each field and unescapes doubled braces', () => {
    // CPython 3.11: '{x} and {{y}} {z}!'.format(x=[1, 'a'], z=None) == "[1, 'a'] and {y} None!"
    expect(pythonFormatNamed('{x} and {{y}} {z}!', { x: [1, 'a'], z: null }, keyError)).toBe("[1, 'a'] and {y} None!");
    // CPython 3.11: '{a}{b}'.format(a=1.0, b=True) == '1.0True'  (a JS number 1.5 prints as 1.5)
    expect(pythonFormatNamed('{a}{b}', { a: 1.5, b: true }, keyError)).toBe('1.5True');
  });

  it('a missing field is KeyError', () => {
    // CPython 3.11: '{missing}'.format(x=1) raises KeyError('missing')
    expect(() => pythonFormatNamed('{missing}', { x: 1 }, keyError)).toThrow("KeyError: 'missing'");
  });
});
