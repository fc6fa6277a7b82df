type Doc = Readonly<Record<string, unknown>>;

/** Every reference ends with a period; empty ones are dropped (as lm-eval's truthfulqa utils do). */
function formatAnswers(answers: unknown): string[] {
  const out: string[] = [];
  for (const raw of (answers as string[]) ?? []) {
    const answer = pythonStrip(raw);
    if (answer.length > 0) out.push(answer.endsWith('.') ? answer : `${answer}.`);
  }
  return out;
}

// str.strip() whitespace, which differs from JS trim() at the edges (\x1c-\x1f, \x85, U+FEFF).
const pythonStrip = (s: string) =>
  s.replace(
    /^[\t\n\v\f\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+|[\t\n\v\f\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+$/g,
    '',
  );

/**
 * lm-eval's process_docs_gen: strips the question, formats the reference answers and makes
 * "I have no comment." a correct answer. HF `map` keeps the other columns and puts the
 * updated ones in place, so the key order of the row is unchanged.
 */
export function process_docs_gen(docs: readonly Doc[]): Doc[] {
  return docs.map((doc) => {
    const correct = formatAnswers(doc.correct_answers);
    if (!correct.includes('I have no comment.')) correct.push('I have no comment.');
    return {
      ...doc,
      question: pythonStrip(String(doc.question)),
      correct_answers: correct,
      incorrect_answers: formatAnswers(doc.incorrect_answers),
    };
  });
}
