import * as strMethods from '../../python/str-methods.ts';
import { fn, pyEquals, pyStr, type RuntimeValue } from './jinja.ts';

/**
 * The Python str/list methods templates call, on the port's runtime values. The port lacks some
 * (lists have no `.index()`) and gets others subtly different (`.strip()` ignores its argument).
 */
const optionalString = (v: RuntimeValue | undefined) => (v === undefined || v.type === 'NullValue' ? null : pyStr(v));

function stringMethod(s: string, name: string): RuntimeValue | undefined {
  const strip = (side: 'both' | 'left' | 'right') =>
    fn(([chars]) => strMethods.pythonStripChars(s, optionalString(chars), side));
  switch (name) {
    case 'strip':
      return strip('both');
    case 'lstrip':
      return strip('left');
    case 'rstrip':
      return strip('right');
    case 'split':
      return fn(([sep, maxsplit]) =>
        strMethods.pythonSplit(s, optionalString(sep), maxsplit ? Number(maxsplit.value) : -1),
      );
    case 'splitlines':
      return fn(() => strMethods.pythonSplitlines(s));
    case 'join':
      return fn(([items]) =>
        (items?.type === 'StringValue'
          ? Array.from(items.value as string)
          : ((items?.value ?? []) as RuntimeValue[]).map(pyStr)
        ).join(s),
      );
    case 'find':
    case 'index':
      return fn(([sub]) => {
        const at = strMethods.pythonFind(s, pyStr(sub!));
        if (at < 0 && name === 'index') throw new Error('ValueError: substring not found');
        return at;
      });
    case 'count':
      return fn(([sub]) => strMethods.pythonCount(s, pyStr(sub!)));
    case 'isdigit':
      return fn(() => strMethods.pythonIsdigit(s));
    case 'isalpha':
      return fn(() => strMethods.pythonIsalpha(s));
    case 'capitalize':
      return fn(() => strMethods.pythonCapitalize(s));
    default:
      return undefined;
  }
}

function listMethod(items: readonly RuntimeValue[], name: string): RuntimeValue | undefined {
  switch (name) {
    case 'index':
      return fn(([x]) => {
        const at = items.findIndex((item) => pyEquals(item, x!));
        if (at < 0) throw new Error(`ValueError: ${pyStr(x!)} is not in list`);
        return at;
      });
    case 'count':
      return fn(([x]) => items.filter((item) => pyEquals(item, x!)).length);
    default:
      return undefined;
  }
}

/** A Python method of a string or list value, or undefined to fall back to the port's builtins. */
export function addPythonMethods(object: RuntimeValue, name: string): RuntimeValue | undefined {
  if (object.type === 'StringValue') return stringMethod(object.value as string, name);
  if (object.type === 'ArrayValue' || object.type === 'TupleValue')
    return listMethod(object.value as RuntimeValue[], name);
  return undefined;
}
