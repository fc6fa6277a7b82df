/**
 * JSON with object keys sorted at every level: the same value always gives the same bytes.
 * `keepOrder` names objects (by their key path) whose own keys stay in insertion order, where the
 * order carries meaning (lm-eval's table order of `results`); what they hold is still sorted.
 */
export function stableStringify(
  value: unknown,
  indent?: number,
  keepOrder?: (path: readonly string[]) => boolean,
): string {
  return JSON.stringify(sortKeys(value, [], keepOrder), null, indent);
}

/** A copy of `value` with object keys sorted at every level, except in the objects `keepOrder` names. */
export function sortKeys(
  value: unknown,
  path: readonly string[] = [],
  keepOrder?: (path: readonly string[]) => boolean,
): unknown {
  if (Array.isArray(value)) return value.map((v) => sortKeys(v, path, keepOrder));
  if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const out: Record<string, unknown> = {};
    const keys = Object.keys(value);
    for (const k of keepOrder?.(path) ? keys : keys.sort())
      out[k] = sortKeys((value as Record<string, unknown>)[k], [...path, k], keepOrder);
    return out;
  }
  return value;
}
