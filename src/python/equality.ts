/**
 * Python's `==` on plain data (what JSON-like docs hold): by value, ints equal to floats and to
 * bools (True == 1), lists element-wise, dicts by key set and values with key order irrelevant.
 * lm-eval drops a few-shot example that equals the test doc this way.
 */
export function pythonEquals(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (isNumeric(a) && isNumeric(b)) return Number(a) === Number(b);
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => pythonEquals(x, b[i]));
  if (a && b && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b)) {
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    return (
      ka.length === kb.length &&
      ka.every(
        (k) =>
          Object.hasOwn(b, k) && pythonEquals((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]),
      )
    );
  }
  return false;
}

const isNumeric = (v: unknown) => typeof v === 'number' || typeof v === 'boolean';
