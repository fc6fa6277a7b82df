import { describe, expect, it } from 'vitest';
import { pythonEquals } from './equality.ts';

describe('pythonEquals (==)', () => {
  it('compares by value across int, float and bool, ignoring dict key order', () => {
    // CPython 3.11: {'a': 1, 'b': [1.0, True]} == {'b': [1, 1], 'a': 1.0}  -> True
    expect(pythonEquals({ a: 1, b: [1, true] }, { b: [1, 1], a: 1 })).toBe(true);
    // CPython 3.11: True == 1 -> True
    expect(pythonEquals(true, 1)).toBe(true);
  });

  it('tells different values apart', () => {
    // CPython 3.11: [1] == [1, 2] -> False; {'a': 1} == {'a': 1, 'b': 2} -> False
    expect(pythonEquals([1], [1, 2])).toBe(false);
    expect(pythonEquals({ a: 1 }, { a: 1, b: 2 })).toBe(false);
    // CPython 3.11: 1 == '1' -> False; None == 0 -> False; [] == {} -> False
    expect(pythonEquals(1, '1')).toBe(false);
    expect(pythonEquals(null, 0)).toBe(false);
    expect(pythonEquals([], {})).toBe(false);
  });
});
