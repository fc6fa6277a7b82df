/**
 * Reasoning models write `<think>…</think>` before their answer; left in, it breaks answer
 * extraction (a regex finds a number in the reasoning). `strip` removes every reasoning block
 * before filters and metrics see the text; the raw output stays in the samples file.
 */
export interface ThinkOptions {
  readonly mode: 'strip' | 'keep';
  readonly open: string;
  readonly close: string;
}

export const DEFAULT_THINK: ThinkOptions = { mode: 'strip', open: '<think>', close: '</think>' };

export interface ThinkSplit {
  /** The text filters and metrics see. */
  readonly answer: string;
  /** The reasoning text removed (all blocks, joined). */
  readonly reasoning: string;
  /** A block opened and never closed: the answer is empty, since it never came. */
  readonly unterminated: boolean;
}

export function splitThinking(text: string, o: ThinkOptions): ThinkSplit {
  if (o.mode === 'keep') return { answer: text, reasoning: '', unterminated: false };
  let answer = '';
  let reasoning = '';
  let rest = text;
  // A close tag with no open tag: some chat templates put the open tag in the prompt.
  const firstOpen = rest.indexOf(o.open);
  const firstClose = rest.indexOf(o.close);
  if (firstClose >= 0 && (firstOpen < 0 || firstClose < firstOpen)) {
    reasoning += rest.slice(0, firstClose);
    rest = rest.slice(firstClose + o.close.length);
  }
  for (;;) {
    const open = rest.indexOf(o.open);
    if (open < 0) {
      answer += rest;
      break;
    }
    answer += rest.slice(0, open);
    const afterOpen = rest.slice(open + o.open.length);
    const close = afterOpen.indexOf(o.close);
    if (close < 0) {
      reasoning += afterOpen;
      return { answer: '', reasoning, unterminated: true };
    }
    reasoning += afterOpen.slice(0, close);
    rest = afterOpen.slice(close + o.close.length);
  }
  const found = rest !== text || answer !== text;
  return { answer: found ? answer.replace(/^\s+/, '') : answer, reasoning, unterminated: false };
}
