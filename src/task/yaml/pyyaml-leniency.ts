/**
 * PyYAML accepts a quoted scalar whose continuation lines sit at or left of the key that owns it
 * (lm-eval's acpbench, evalita_llm, xnli_eu and jsonschema_bench files rely on this); YAML 1.2
 * and the `yaml` package require them to be indented further. Line breaks inside a quoted scalar
 * fold and the continuation's leading spaces are dropped by both parsers, so indenting those
 * lines further changes no value: this rewrites a file that way, keeping every line where it was.
 *
 * It is a fallback for files the strict parse rejects, not a YAML lexer: it knows comments,
 * block scalars and where a quoted scalar may start, which is all the shapes above need.
 */
export function indentQuotedContinuations(text: string): string {
  const lines = text.split('\n');
  let quote: { char: '"' | "'"; pad: string } | undefined;
  let blockIndent: number | undefined; // inside a `|` or `>` block scalar whose parent is at this indent
  for (let n = 0; n < lines.length; n++) {
    let line = lines[n]!;
    if (quote) {
      line = quote.pad + line;
      lines[n] = line;
    } else if (blockIndent !== undefined) {
      if (line.trim() === '' || indentOf(line) > blockIndent) continue;
      blockIndent = undefined;
    }
    let i = quote ? quote.pad.length : 0;
    for (; i < line.length; i++) {
      const c = line[i]!;
      if (quote) {
        if (quote.char === '"' && c === '\\') i++;
        else if (quote.char === "'" && c === "'" && line[i + 1] === "'") i++;
        else if (c === quote.char) quote = undefined;
        continue;
      }
      if (c === '#' && (i === 0 || /\s/.test(line[i - 1]!))) break;
      if ((c === '"' || c === "'") && startsScalar(line.slice(0, i))) {
        // Past the opening quote's column is past the indent of any key or item that owns it.
        quote = { char: c, pad: ' '.repeat(i + 1) };
        continue;
      }
      if ((c === '|' || c === '>') && startsScalar(line.slice(0, i)) && /^[|>][-+0-9]*\s*(#.*)?$/.test(line.slice(i))) {
        blockIndent = indentOf(line);
        break;
      }
    }
  }
  return lines.join('\n');
}

/** Can a scalar start after this part of a line: at its start, after `key: `, `- `, `[`, `{` or `,`? */
function startsScalar(before: string): boolean {
  const trimmed = before.trimEnd();
  if (trimmed.trim() === '') return true;
  if (trimmed.length === before.length && !/[[{,]$/.test(trimmed)) return false;
  return /(^|\s)[-?:]$|:$|[[{,]$/.test(trimmed);
}

function indentOf(line: string): number {
  return line.length - line.trimStart().length;
}
