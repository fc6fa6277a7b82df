/**
 * Python `re` patterns and `re.sub` replacements on JS RegExp, for lm-eval's `regex_replace`
 * Jinja filter. Python str patterns are Unicode-aware (\d, \w, \s match non-ASCII), take inline
 * flags like `(?s)`, name groups `(?P<name>...)`, and tolerate escapes of any punctuation
 * (`\,`), which JS's `u` mode rejects. Known gap: `\b` stays ASCII-based in JS.
 */
const PY_SPACE = '\\t\\n\\v\\f\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const CLASS_ESCAPES: Record<string, string> = {
  d: '\\p{Nd}',
  w: '\\p{L}\\p{N}_',
  s: PY_SPACE,
};
const SYNTAX = new Set('^$\\.*+?()[]{}|/'.split(''));

export function pythonRegExp(pattern: string, extraFlags = ''): RegExp {
  let flags = new Set(['u', ...extraFlags]);
  let src = pattern;
  const inline = /^\(\?([aiLmsux]+)\)/.exec(src);
  if (inline) {
    for (const f of inline[1]!) if ('ims'.includes(f)) flags.add(f);
    src = src.slice(inline[0].length);
  }
  let out = '';
  let inClass = false;
  for (let i = 0; i < src.length; i++) {
    const ch = src[i]!;
    if (ch === '\\') {
      const next = src[i + 1] ?? '';
      i++;
      const cls = CLASS_ESCAPES[next.toLowerCase()];
      if (cls) {
        const negated = next !== next.toLowerCase();
        out += inClass ? (negated ? `\\${next}` : cls) : `[${negated ? '^' : ''}${cls}]`;
      } else if (next === 'Z') out += '$(?![\\s\\S])';
      else if (next === 'A') out += '(?<![\\s\\S])';
      else if (/[0-9A-Za-z]/.test(next)) out += `\\${next}`;
      else if (SYNTAX.has(next) || (next === '-' && inClass)) out += `\\${next}`;
      else out += next;
      continue;
    }
    if (inClass) {
      if (ch === ']') inClass = false;
      out += ch;
      continue;
    }
    if (ch === '[') {
      inClass = true;
      out += ch;
      if (src[i + 1] === '^') out += src[++i];
      if (src[i + 1] === ']') out += `\\${src[++i]}`; // Python allows a leading literal "]"
      continue;
    }
    if (src.startsWith('(?P<', i)) {
      out += '(?<';
      i += 3;
      continue;
    }
    const backref = /^\(\?P=(\w+)\)/.exec(src.slice(i));
    if (backref) {
      out += `\\k<${backref[1]}>`;
      i += backref[0].length - 1;
      continue;
    }
    out += ch;
  }
  flags = new Set([...flags].filter((f) => 'gimsuy'.includes(f)));
  return new RegExp(out, [...flags].join(''));
}

/** re.sub(pattern, repl, string, count): repl understands \1, \g<1>, \g<name> and \n-style escapes. */
export function pythonSub(pattern: string, repl: string, text: string, count = 0): string {
  const regex = pythonRegExp(pattern, 'g');
  let done = 0;
  return text.replace(regex, (...args: unknown[]) => {
    if (count > 0 && done >= count) return args[0] as string;
    done++;
    const hasNamed = typeof args[args.length - 1] === 'object';
    const groups = (hasNamed ? args[args.length - 1] : undefined) as Record<string, string | undefined> | undefined;
    const numbered = args.slice(0, hasNamed ? -3 : -2) as (string | undefined)[];
    return expandReplacement(repl, numbered, groups);
  });
}

function expandReplacement(
  repl: string,
  numbered: readonly (string | undefined)[],
  named: Record<string, string | undefined> | undefined,
): string {
  const escapes: Record<string, string> = {
    n: '\n',
    t: '\t',
    r: '\r',
    f: '\f',
    v: '\v',
    a: '\x07',
    b: '\b',
    '\\': '\\',
  };
  let out = '';
  for (let i = 0; i < repl.length; i++) {
    const ch = repl[i]!;
    if (ch !== '\\') {
      out += ch;
      continue;
    }
    const rest = repl.slice(i + 1);
    const group = /^g<(\w+)>/.exec(rest) ?? /^(\d{1,2})/.exec(rest);
    if (group) {
      const key = group[1]!;
      out += (/^\d+$/.test(key) ? numbered[Number(key)] : named?.[key]) ?? '';
      i += group[0].length;
    } else if (rest[0] !== undefined && rest[0] in escapes) {
      out += escapes[rest[0]];
      i++;
    } else {
      out += ch; // Python keeps unknown non-letter escapes as written
    }
  }
  return out;
}
