import { literalEval } from '../../src/python/literal-eval.ts';

type Doc = Readonly<Record<string, unknown>>;

/** MuSR's `choices` column holds a Python list literal, e.g. "['Mackenzie', 'Ana']". */
function choicesOf(doc: Doc): string[] {
  return (literalEval(String(doc.choices)) as unknown[]).map(String);
}

/** Narrative, question, then "1 - choice" lines, then "Answer:" (lm-eval leaderboard_musr). */
export function doc_to_text(doc: Doc): string {
  const choices = choicesOf(doc)
    .map((choice, i) => `${i + 1} - ${choice}\n`)
    .join('');
  return `${doc.narrative}\n\n${doc.question}\n\n${choices}\nAnswer:`;
}
