import { pythonStr } from './repr.ts';

/**
 * Python's `template.format(**fields)` for templates whose fields are plain names: `{name}` prints
 * str() of the value and `{{` / `}}` print a brace. Conversions, format specs and positional
 * fields (`{x!r}`, `{x:>4}`, `{0}`) are not supported; such text is left as written.
 * A name missing from `fields` is Python's KeyError: `missing` decides what to throw.
 */
export function pythonFormatNamed(
  template: string,
  fields: Readonly<Record<string, unknown>>,
  missing: (name: string) => never,
): string {
  return template.replace(/\{\{|\}\}|\{(\w+)\}/g, (brace, name?: string) => {
    if (name === undefined) return brace[0]!;
    if (!(name in fields)) return missing(name);
    return pythonStr(fields[name]);
  });
}
