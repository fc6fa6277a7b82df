import { describe, expect, it } from 'vitest';
import { PythonFormatError, pythonFormat } from './str-format.ts';

/*
 * Each row was run through CPython 3.11's `template.format(**fields)`; the expected column is what
 * it printed or the exception it raised (class and message).
 */
const printed: readonly [string, Record<string, unknown>, string][] = [
  ['{a} {{b}} {c}', { a: 'x', c: 1 }, 'x {b} 1'],
  ['{{}}', {}, '{}'],
  ['{{{a}}}', { a: 'v' }, '{v}'],
  ['{ a }', { ' a ': 1 }, '1'],
  ['{a-b}', { 'a-b': 2 }, '2'],
  ['{a!r}', { a: "й'" }, `"й'"`],
  ['{a!s}', { a: null }, 'None'],
  ['{a}', { a: { k: [1, 'x'] } }, "{'k': [1, 'x']}"],
  ['{a}', { a: true }, 'True'],
  ['Текст: {text}\nОтвет:', { text: 'Да' }, 'Текст: Да\nОтвет:'],
];

const raised: readonly [string, Record<string, unknown>, string][] = [
  ['{missing}', { a: 1 }, "KeyError: 'missing'"],
  ['{}', { a: 1 }, 'IndexError: Replacement index 0 out of range for positional args tuple'],
  ['{0}', { a: 1 }, 'IndexError: Replacement index 0 out of range for positional args tuple'],
  // BPS's instructions mention "фигурные {}": MERA's YAML rewrites them before formatting for this reason.
  ['фигурные {}', {}, 'IndexError: Replacement index 0 out of range for positional args tuple'],
  ['a } b', {}, "ValueError: Single '}' encountered in format string"],
  ['a { b', {}, "ValueError: expected '}' before end of string"],
  ['a {', {}, "ValueError: Single '{' encountered in format string"],
  ['{a{b}', {}, "ValueError: unexpected '{' in field name"],
  ['{a!x}', { a: 1 }, 'ValueError: Unknown conversion specifier x'],
  ['{a!rx}', { a: 1 }, "ValueError: expected ':' after conversion specifier"],
];

describe('pythonFormat (str.format(**fields), CPython 3.11)', () => {
  it.each(printed)('%j prints as Python does', (template, fields, expected) => {
    expect(pythonFormat(template, fields)).toBe(expected);
  });

  it.each(raised)('%j raises as Python does', (template, fields, expected) => {
    expect(() => pythonFormat(template, fields)).toThrow(expected);
  });

  it('a KeyError names the missing key', () => {
    try {
      pythonFormat('{text} {topic}', { text: 'x' });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(PythonFormatError);
      expect((e as PythonFormatError).key).toBe('topic');
    }
  });

  it('refuses what it would print differently from Python instead of guessing', () => {
    // CPython prints '  x' and raises AttributeError; neither is reproduced, both are refused.
    expect(() => pythonFormat('{a:>3}', { a: 'x' })).toThrow('NotSupported');
    expect(() => pythonFormat('{a.b}', { a: 'x' })).toThrow('NotSupported');
  });
});
