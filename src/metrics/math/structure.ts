/**
 * The shape of a MATH answer: a matrix, a union of intervals, an interval or tuple, an unordered
 * list (solutions of an equation, a set), or one expression. Answers of the same shape are
 * compared part by part; the parts are expressions.
 */

export type AnswerShape =
  | { readonly kind: 'matrix'; readonly rows: readonly (readonly string[])[] }
  | { readonly kind: 'union'; readonly parts: readonly AnswerShape[] }
  | { readonly kind: 'bracketed'; readonly open: string; readonly close: string; readonly items: readonly string[] }
  | { readonly kind: 'list'; readonly items: readonly string[] }
  | { readonly kind: 'expression'; readonly text: string };

const MATRIX = /^\\begin\{([pbvB]?matrix|array)\}(?:\{[^}]*\})?(.*)\\end\{\1\}$/s;

/** Splits at `separator` where no bracket or brace is open (`\{`, `\}` count as braces). */
export function splitTopLevel(text: string, separator: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '\\' && text.startsWith(separator, i) && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + separator.length;
      i = start - 1;
    } else if (ch === '\\') {
      // `\{` and `\}` are braces too; any other escaped character is skipped.
      depth += text[i + 1] === '{' ? 1 : text[i + 1] === '}' ? -1 : 0;
      i++;
    } else if ('([{'.includes(ch)) depth++;
    else if (')]}'.includes(ch)) depth--;
    else if (ch === separator && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}

/** Whether the first character's bracket closes at the last character (so `(1)+(2)` is not one group). */
function wrapped(text: string): boolean {
  if (!'(['.includes(text[0] ?? '') || !')]'.includes(text.at(-1) ?? '')) return false;
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if ('([{'.includes(text[i]!)) depth++;
    else if (')]}'.includes(text[i]!)) {
      depth--;
      if (depth === 0 && i < text.length - 1) return false;
    }
  }
  return depth === 0;
}

const ROW_BREAK = '\u0001';

/**
 * A matrix row ends at `\\`; Minerva's normalisation deletes every "\ ", which leaves a lone `\`
 * (`-3 \\ -2` → `-3\-2`) or merges the break into the next command (`\\ \frac` → `\\frac`).
 */
function rowBreaksMarked(body: string): string {
  return body
    .replace(/\\\\(?=[A-Za-z])/g, `${ROW_BREAK}\\`)
    .replace(/\\\\/g, ROW_BREAK)
    .replace(/\\(?![A-Za-z{}])/g, ROW_BREAK);
}

/** `1\pm\sqrt{19}` is the two answers `1+\sqrt{19}` and `1-\sqrt{19}`; an item with no or several `\pm` stays as it is. */
function plusMinus(item: string): string[] {
  const parts = item.split('\\pm');
  return parts.length === 2 ? [`${parts[0]}+${parts[1]}`, `${parts[0]}-${parts[1]}`] : [item];
}

export function answerShape(text: string): AnswerShape {
  const matrix = MATRIX.exec(text);
  if (matrix) {
    const rows = rowBreaksMarked(matrix[2]!)
      .split(ROW_BREAK)
      .filter((row) => row.trim() !== '');
    return { kind: 'matrix', rows: rows.map((row) => row.split('&').map((cell) => cell.trim())) };
  }
  const union = splitTopLevel(text, '\\cup');
  if (union.length > 1) return { kind: 'union', parts: union.map(answerShape) };
  const setBraces = /^\\\{(.*)\\\}$/s.exec(text);
  if (setBraces) return { kind: 'list', items: splitTopLevel(setBraces[1]!, ',').flatMap(plusMinus) };
  if (wrapped(text)) {
    const items = splitTopLevel(text.slice(1, -1), ',');
    if (items.length > 1) return { kind: 'bracketed', open: text[0]!, close: text.at(-1)!, items };
  }
  const items = splitTopLevel(text, ',').flatMap(plusMinus);
  return items.length > 1 ? { kind: 'list', items } : { kind: 'expression', text };
}
