/**
 * Where a MATH answer is in a text: the gold in a reference solution (lm-eval's rule, so the
 * documents carry the same `answer` lm-eval gives them) and the answer in a model's output.
 */
import { pythonStrip } from '../../python/whitespace.ts';

/** lm-eval's marker for "no answer could be extracted". */
export const INVALID_ANSWER = '[invalidanswer]';

/** The index of the `}` that closes the first `{` at or after `from`; undefined when unbalanced. */
function closingBrace(text: string, from: number): number | undefined {
  let open = 0;
  for (let i = from; i < text.length; i++) {
    if (text[i] === '{') open++;
    else if (text[i] === '}') {
      open--;
      if (open === 0) return i;
    }
  }
  return undefined;
}

/**
 * lm-eval's `last_boxed_only_string`: the last `\boxed{…}` with its brace-balanced argument (or
 * the last `\fbox…` when there is no `\boxed`). Any `"\boxed "` (with a space) anywhere wins: the
 * text after the last one up to the next `$`. Undefined where lm-eval gives `[invalidanswer]`.
 */
export function lastBoxedOnlyString(text: string): string | undefined {
  if (text.includes('\\boxed ')) return `\\boxed ${text.split('\\boxed ').at(-1)!.split('$')[0]}`;
  let start = text.lastIndexOf('\\boxed');
  if (start < 0) start = text.lastIndexOf('\\fbox');
  if (start < 0) return undefined;
  const end = closingBrace(text, start);
  return end === undefined ? undefined : text.slice(start, end + 1);
}

/** lm-eval's `remove_boxed`: the argument of `\boxed{…}` or `\boxed …`; undefined otherwise (an `\fbox`). */
export function removeBoxed(boxed: string): string | undefined {
  if (boxed.includes('\\boxed ')) return boxed.startsWith('\\boxed ') ? boxed.slice('\\boxed '.length) : undefined;
  return boxed.startsWith('\\boxed{') && boxed.endsWith('}') ? boxed.slice('\\boxed{'.length, -1) : undefined;
}

/** The gold answer lm-eval's MATH `process_docs` derives from a reference solution. */
export function goldAnswer(solution: string): string {
  const boxed = lastBoxedOnlyString(solution);
  return (boxed === undefined ? undefined : removeBoxed(boxed)) ?? INVALID_ANSWER;
}

const BOX_COMMAND = /\\(?:boxed|fbox)(?![A-Za-z])/g;

/**
 * The answer in a model's output: the argument of its last `\boxed{…}` or `\fbox{…}` (nested
 * braces kept), or of `\boxed x` (up to the next `$` or line end). A box whose braces never close
 * is skipped for the one before it.
 */
export function lastBoxedAnswer(text: string): string | undefined {
  const starts = Array.from(text.matchAll(BOX_COMMAND), (m) => m.index + m[0].length);
  for (const after of starts.reverse()) {
    let i = after;
    while (text[i] === ' ') i++;
    if (text[i] === '{') {
      const end = closingBrace(text, i);
      if (end !== undefined) return text.slice(i + 1, end);
    } else if (i > after) {
      const rest = text.slice(i);
      const answer = pythonStrip(rest.split(/[$\n]/)[0]!);
      if (answer !== '') return answer;
    }
  }
  return undefined;
}

// `.` stops at a newline as in Python; the answer is what lies between the two fixed phrases.
const FINAL_ANSWER = /Final Answer: The final answer is(.*?). I hope it is correct./;

/**
 * lm-eval's `get_unnormalized_answer` (the Minerva prompt's closing line): the text between
 * "Final Answer: The final answer is" and ". I hope it is correct." (the closing phrase is
 * appended first, so an output cut short still has one). Undefined when there is no such line.
 */
export function minervaFinalAnswer(text: string): string | undefined {
  const match = FINAL_ANSWER.exec(`${text}I hope it is correct.`);
  return match ? pythonStrip(match[1]!) : undefined;
}

/** How the answer was found in an output, for the samples row. */
export type ExtractionRule = 'final_answer' | 'boxed' | 'none';

/**
 * The model's answer: its Minerva "Final Answer:" line (what the few-shot examples teach), else
 * its last box (what chat models write).
 */
export function extractAnswer(output: string): { readonly answer: string; readonly rule: ExtractionRule } {
  const final = minervaFinalAnswer(output);
  if (final !== undefined) return { answer: final, rule: 'final_answer' };
  const boxed = lastBoxedAnswer(output);
  if (boxed !== undefined) return { answer: boxed, rule: 'boxed' };
  return { answer: '', rule: 'none' };
}
