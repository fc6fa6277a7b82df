import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { pythonJsonDumps } from './json.ts';

/** The value as CPython's json.dumps writes it, given the same value as JSON (floats marked by the caller). */
function cpythonDumps(json: string, indent: number | null): string {
  const script = [
    'import json, sys',
    'value = json.loads(sys.stdin.read())',
    `sys.stdout.write(json.dumps(value, indent=${indent === null ? 'None' : indent}, ensure_ascii=False))`,
  ].join('\n');
  return execFileSync('python3', ['-c', script], { input: json, encoding: 'utf8' });
}

// A doc as lm-eval's datasets hold them: nested lists and objects, non-ASCII, control characters,
// empty containers, floats Python writes differently from JavaScript.
const doc = {
  question: 'Naïve “quotes” — 日本語 \u{1F600}\tand\nnew lines \u0001 \u007f \\ "',
  choices: { text: ['a', 'b'], label: ['A', 'B'] },
  empty_list: [],
  empty_object: {},
  nested: [[1, 2], [{ x: null, y: true, z: false }]],
  numbers: [0.5, 1e-5, 1.5e-7, 1e16, 123456789012345680000, -2.25, 3, -0.1],
};

describe("Python's json.dumps", () => {
  it.each([2, null])('matches CPython byte for byte (indent %s)', (indent) => {
    // json.loads reads a number with a fraction or exponent as a float and a whole one as an int, as
    // pythonJsonDumps writes them; whole-valued floats need the caller's isFloat (next test).
    const source = JSON.stringify(doc);
    expect(pythonJsonDumps(doc, indent === null ? {} : { indent })).toBe(cpythonDumps(source, indent));
  });

  it('writes whole numbers as floats where the caller says Python holds a float', () => {
    const row = { acc: 1, n: 3, args: { temperature: 0 } };
    const floats = (path: readonly (string | number)[]) => path[0] === 'acc' || path.at(-1) === 'temperature';
    expect(pythonJsonDumps(row, { isFloat: floats })).toBe('{"acc": 1.0, "n": 3, "args": {"temperature": 0.0}}');
    expect(cpythonDumps('{"acc": 1.0, "n": 3, "args": {"temperature": 0.0}}', null)).toBe(
      pythonJsonDumps(row, { isFloat: floats }),
    );
  });

  it('writes NaN and infinities as Python does, or null when asked for strict JSON', () => {
    const value = [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY];
    expect(pythonJsonDumps(value)).toBe(cpythonDumps('[NaN, Infinity, -Infinity]', null));
    expect(pythonJsonDumps(value, { allowNan: false })).toBe('[null, null, null]');
  });
});
