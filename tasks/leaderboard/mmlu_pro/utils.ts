type Doc = Readonly<Record<string, unknown>>;

const optionsOf = (doc: Doc): string[] => ((doc.options as unknown[]) ?? []).map(String);
const letter = (i: number): string => String.fromCharCode(65 + i);

/** lm-eval leaderboard_mmlu_pro: the question, "A. option" lines (every option), then "Answer:". */
export function doc_to_text(doc: Doc): string {
  const options = optionsOf(doc)
    .map((option, i) => `${letter(i)}. ${option}\n`)
    .join('');
  return `${doc.question}\n${options}Answer:`;
}

/** One letter per option: "A", "B", ... (rows have 3 to 10 options). */
export function doc_to_choice(doc: Doc): string[] {
  return optionsOf(doc).map((_, i) => letter(i));
}
