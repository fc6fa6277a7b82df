type Doc = Readonly<Record<string, unknown>>;

const LETTERS = ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'I', 'J'];

/** lm-eval mmlu_pro's CoT format: question, lettered options (at most ten), then the answer part. */
function formatCotExample(doc: Doc, includeAnswer: boolean): string {
  let prompt = `Question:\n${doc.question}\nOptions:\n`;
  ((doc.options as string[]) ?? []).slice(0, LETTERS.length).forEach((option, i) => {
    prompt += `${LETTERS[i]}. ${option}\n`;
  });
  if (includeAnswer) {
    const cot = String(doc.cot_content).replaceAll("A: Let's think step by step.", "Answer: Let's think step by step.");
    return `${prompt}${cot}\n\n`;
  }
  return `${prompt}Answer: Let's think step by step.`;
}

export const doc_to_text = (doc: Doc): string => formatCotExample(doc, false);
export const fewshot_to_text = (doc: Doc): string => formatCotExample(doc, true);

const bySubject = (subject: string) => (docs: readonly Doc[]) => docs.filter((d) => d.category === subject);

export const process_biology = bySubject('biology');
export const process_business = bySubject('business');
export const process_chemistry = bySubject('chemistry');
export const process_computer_science = bySubject('computer science');
export const process_economics = bySubject('economics');
export const process_engineering = bySubject('engineering');
export const process_health = bySubject('health');
export const process_history = bySubject('history');
export const process_law = bySubject('law');
export const process_math = bySubject('math');
export const process_other = bySubject('other');
export const process_philosophy = bySubject('philosophy');
export const process_physics = bySubject('physics');
export const process_psychology = bySubject('psychology');
