/** Reasoning markers inside which stop strings do not end a generation. */
export interface ReasoningTags {
  readonly open: string;
  readonly close: string;
}

/**
 * lm-eval's `postprocess_generated_text`: `text.split(stop)[0]` for each non-empty stop string in
 * turn, which is the same as cutting at the earliest occurrence of any of them. With reasoning
 * tags, occurrences inside a reasoning block (closed or still open) do not count: a "\n" stop
 * must not end a reasoning model's answer before it has started.
 */
export function cutAtFirstStop(
  text: string,
  stops: readonly string[],
  reasoning?: ReasoningTags,
): { text: string; stopped: boolean } {
  const spans = reasoning ? reasoningSpans(text, reasoning) : [];
  const inSpan = (at: number) => spans.some(([start, end]) => at >= start && at < end);
  let cut = -1;
  for (const stop of stops) {
    if (stop === '') continue;
    let at = text.indexOf(stop);
    while (at >= 0 && inSpan(at)) at = text.indexOf(stop, at + 1);
    if (at >= 0 && (cut < 0 || at < cut)) cut = at;
  }
  return cut < 0 ? { text, stopped: false } : { text: text.slice(0, cut), stopped: true };
}

/** [start, end) of every reasoning block, the close tag included; an open block runs to the end. */
function reasoningSpans(text: string, tags: ReasoningTags): [number, number][] {
  const spans: [number, number][] = [];
  let from = 0;
  // A close tag before any open tag: the template put the open tag in the prompt.
  const firstOpen = text.indexOf(tags.open);
  const firstClose = text.indexOf(tags.close);
  if (firstClose >= 0 && (firstOpen < 0 || firstClose < firstOpen)) {
    spans.push([0, firstClose + tags.close.length]);
    from = firstClose + tags.close.length;
  }
  for (;;) {
    const open = text.indexOf(tags.open, from);
    if (open < 0) return spans;
    const close = text.indexOf(tags.close, open + tags.open.length);
    if (close < 0) {
      spans.push([open, text.length]);
      return spans;
    }
    spans.push([open, close + tags.close.length]);
    from = close + tags.close.length;
  }
}
