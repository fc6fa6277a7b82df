import { createHash } from 'node:crypto';
import { PythonRandom } from '../../../src/python/random.ts';
import { pythonStrip } from '../../../src/python/whitespace.ts';

type Doc = Readonly<Record<string, unknown>>;

/**
 * lm-eval leaderboard gpqa's answer clean-up, kept with its known flaw (it also deletes bracketed
 * text inside answers) because the leaderboard's numbers were made with it. A missing answer is " ".
 */
export function preprocess(text: unknown): string {
  if (text === null || text === undefined) return ' ';
  return pythonStrip(String(text))
    .replaceAll(' [title]', '. ')
    .replace(/\[[^\n]*?\]/g, '')
    .replaceAll('  ', ' ');
}

/** Python's `random.Random(text)`: a str seed is its UTF-8 bytes followed by their SHA-512, as one big-endian int. */
export function pythonStringSeeded(text: string): PythonRandom {
  const bytes = Buffer.from(text, 'utf8');
  const digest = createHash('sha512').update(bytes).digest();
  return new PythonRandom(BigInt(`0x${Buffer.concat([bytes, digest]).toString('hex')}`));
}

/**
 * Choices [incorrect 1, incorrect 2, incorrect 3, correct], shuffled by `random.Random(Record ID)`
 * (reproducible in Python with that one line); choice_order[i] is the index in that list of the
 * choice shown at position i, so the permutation can be audited without the text.
 */
export function process_docs(docs: readonly Doc[]): Doc[] {
  return docs.map((doc) => {
    const original = [
      preprocess(doc['Incorrect Answer 1']),
      preprocess(doc['Incorrect Answer 2']),
      preprocess(doc['Incorrect Answer 3']),
      preprocess(doc['Correct Answer']),
    ];
    const order = [0, 1, 2, 3];
    pythonStringSeeded(String(doc['Record ID'])).shuffle(order);
    const choices = order.map((i) => original[i]!);
    // As lm-eval: the first choice equal to the correct text (preprocessing can make two equal).
    const correct = choices.indexOf(original[3]!);
    return {
      ...doc,
      choice1: choices[0],
      choice2: choices[1],
      choice3: choices[2],
      choice4: choices[3],
      answer: `(${String.fromCharCode(65 + correct)})`,
      choice_order: order,
    };
  });
}
