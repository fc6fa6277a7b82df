/**
 * Jinja2 decodes string literals with Python's "unicode-escape": unknown escapes such as the
 * regex `'\d+'` keep their backslash, `\a`, octal and `\U` escapes work. The port rejects all of
 * those, so literals inside tags are rewritten into escapes it knows before tokenizing.
 */
export function normalizeStringEscapes(source: string): string {
  const known = new Set(['n', 't', 'r', 'b', 'f', 'v', "'", '"', '\\', 'x', 'u']);
  let out = '';
  let inTag = false;
  let quote: string | undefined;
  for (let i = 0; i < source.length; i++) {
    const ch = source[i]!;
    const two = source.slice(i, i + 2);
    if (!inTag) {
      if (two === '{{' || two === '{%') inTag = true;
      out += ch;
      continue;
    }
    if (!quote) {
      if (two === '}}' || two === '%}') inTag = false;
      if (ch === "'" || ch === '"') quote = ch;
      out += ch;
      continue;
    }
    if (ch === quote) quote = undefined;
    if (ch !== '\\') {
      out += ch;
      continue;
    }
    const next = source[i + 1] ?? '';
    const octal = /^[0-7]{1,3}/.exec(source.slice(i + 1))?.[0];
    const wide = /^U([0-9a-fA-F]{8})/.exec(source.slice(i + 1));
    if (known.has(next)) out += ch + next;
    else if (next === 'a') out += '\\x07';
    else if (next === '\n') out += '';
    else if (octal) {
      out += `\\u${Number.parseInt(octal, 8).toString(16).padStart(4, '0')}`;
      i += octal.length - 1;
    } else if (wide) {
      for (const unit of String.fromCodePoint(Number.parseInt(wide[1]!, 16))) {
        for (let k = 0; k < unit.length; k++) out += `\\u${unit.charCodeAt(k).toString(16).padStart(4, '0')}`;
      }
      i += 8;
    } else out += `\\\\${next}`;
    i++;
  }
  return out;
}
