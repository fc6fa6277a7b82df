/**
 * The one definition of "unique tokens" of a multiple-choice workload in every benchmark: per item,
 * its question once plus every ending, as llama-perplexity --multiple-choice counts the tokens it
 * must evaluate (`required_tokens`: the choices' common prefix once, then each choice's remaining
 * tokens, its last token included). Rates in tokens/s divide this by wall time, for evalboard and the
 * peer alike, so they compare the same work. (The packed scorer's own trie count leaves out each
 * ending's last token, which is predicted and never fed, and shares prefixes across items: less.)
 */
export interface ScoredTokens {
  readonly context: readonly number[];
  readonly continuation: readonly number[];
}

export function itemUniqueTokens(choices: readonly ScoredTokens[]): number {
  const sequences = choices.map((c) => [...c.context, ...c.continuation]);
  if (sequences.length === 0) return 0;
  let prefix = Math.min(...sequences.map((s) => s.length));
  for (const s of sequences.slice(1)) {
    let k = 0;
    while (k < prefix && s[k] === sequences[0]![k]) k++;
    prefix = k;
  }
  return sequences.reduce((n, s) => n + s.length - prefix, prefix);
}

export function workloadUniqueTokens(items: readonly (readonly ScoredTokens[])[]): number {
  return items.reduce((n, choices) => n + itemUniqueTokens(choices), 0);
}
