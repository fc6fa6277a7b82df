import { pythonRepr, pythonStr } from './repr.ts';

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

/** Why `template.format(**fields)` raised, with Python's exception class and message. */
export class PythonFormatError extends Error {
  constructor(
    readonly pythonType: 'KeyError' | 'IndexError' | 'ValueError' | 'NotSupported',
    message: string,
    /** The field name a KeyError is about. */
    readonly key?: string,
  ) {
    super(`${pythonType}: ${message}`);
    this.name = 'PythonFormatError';
  }
}

/**
 * Python's `template.format(**fields)` as CPython 3.11 parses it, raising where Python raises:
 * `{{`/`}}` print a brace; `{name}` prints str() of the field (a name is everything before `!`, `:`,
 * `.` or `[`, so `{ a }` looks up " a "); `{name!r}`/`{name!s}` convert; a missing name is KeyError,
 * an empty or numeric one IndexError (there are no positional arguments), a lone brace ValueError.
 * Attribute and index lookups (`{a.b}`, `{a[0]}`) and non-empty format specs are refused as
 * NotSupported rather than printed wrong.
 */
export function pythonFormat(template: string, fields: Readonly<Record<string, unknown>>): string {
  let out = '';
  let i = 0;
  while (i < template.length) {
    const c = template[i]!;
    if (c === '}') {
      if (template[i + 1] !== '}') throw new PythonFormatError('ValueError', "Single '}' encountered in format string");
      out += '}';
      i += 2;
      continue;
    }
    if (c !== '{') {
      out += c;
      i += 1;
      continue;
    }
    if (template[i + 1] === '{') {
      out += '{';
      i += 2;
      continue;
    }
    if (i + 1 >= template.length) throw new PythonFormatError('ValueError', "Single '{' encountered in format string");
    const close = template.indexOf('}', i + 1);
    if (close < 0) throw new PythonFormatError('ValueError', "expected '}' before end of string");
    const field = template.slice(i + 1, close);
    if (field.includes('{')) throw new PythonFormatError('ValueError', "unexpected '{' in field name");
    out += formatField(field, fields);
    i = close + 1;
  }
  return out;
}

function formatField(field: string, fields: Readonly<Record<string, unknown>>): string {
  const nameEnd = field.search(/[!:.[]/);
  const name = nameEnd < 0 ? field : field.slice(0, nameEnd);
  const rest = nameEnd < 0 ? '' : field.slice(nameEnd);
  let conversion: string | undefined;
  let spec = '';
  if (rest.startsWith('.') || rest.startsWith('[')) {
    throw new PythonFormatError('NotSupported', `attribute or index lookup {${field}} in a format string`);
  }
  if (rest.startsWith('!')) {
    conversion = rest[1];
    if (conversion === undefined || (rest.length > 2 && rest[2] !== ':'))
      throw new PythonFormatError('ValueError', "expected ':' after conversion specifier");
    if (conversion === 'a') throw new PythonFormatError('NotSupported', `ascii() conversion {${field}}`);
    if (conversion !== 'r' && conversion !== 's')
      throw new PythonFormatError('ValueError', `Unknown conversion specifier ${conversion}`);
    spec = rest.slice(3);
  } else if (rest.startsWith(':')) {
    spec = rest.slice(1);
  }
  if (name === '' || /^\d+$/.test(name)) {
    const index = name === '' ? 0 : Number(name);
    throw new PythonFormatError('IndexError', `Replacement index ${index} out of range for positional args tuple`);
  }
  if (!Object.hasOwn(fields, name)) throw new PythonFormatError('KeyError', `'${name}'`, name);
  if (spec !== '') throw new PythonFormatError('NotSupported', `format spec {${field}}`);
  const value = fields[name];
  return conversion === 'r' ? pythonRepr(value) : pythonStr(value);
}
