/**
 * Whether Python's json.loads accepts the text. It reads standard JSON like JSON.parse, and also
 * the bare constants NaN, Infinity and -Infinity, which JSON.parse rejects.
 */
export function parsePythonJson(text: string): boolean {
  if (parses(text)) return true;
  const withoutConstants = replacePythonConstants(text);
  return withoutConstants !== text && parses(withoutConstants);
}

function parses(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

const PYTHON_CONSTANT = /^(?:-?Infinity|NaN)/;

/** The text with every NaN / Infinity / -Infinity where a value may start replaced by 0. */
function replacePythonConstants(text: string): string {
  let out = '';
  let inString = false;
  // A value may start at the beginning, after "[", "," or ":" (whitespace aside).
  let valueMayStart = true;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (inString) {
      out += ch;
      if (ch === '\\') out += text[++i] ?? '';
      else if (ch === '"') inString = false;
      continue;
    }
    if (ch === '"') inString = true;
    const constant: RegExpExecArray | null = valueMayStart ? PYTHON_CONSTANT.exec(text.slice(i, i + 9)) : null;
    if (constant) {
      out += '0';
      i += constant[0].length - 1;
    } else out += ch;
    if (!/\s/.test(ch)) valueMayStart = !constant && (ch === '[' || ch === ',' || ch === ':');
  }
  return out;
}
