/** length_constraints:* instructions: sentences, paragraphs, words, a paragraph's first word. */
import { compilePythonRegex } from '../../python/regex.ts';
import { pythonStrip, pythonStrSplit } from '../../python/whitespace.ts';
import { compareCount, type InstructionBuilder } from './args.ts';
import { countSentences, countWords } from './text.ts';

const numberSentences: InstructionBuilder = (args) => {
  const threshold = args.count('num_sentences');
  const relation = args.relation('relation');
  return (response) => compareCount(countSentences(response), relation, threshold);
};

const numberWords: InstructionBuilder = (args) => {
  const threshold = args.count('num_words');
  const relation = args.relation('relation');
  return (response) => compareCount(countWords(response), relation, threshold);
};

const MARKDOWN_DIVIDER = compilePythonRegex('\\s?\\*\\*\\*\\s?');

/**
 * Exactly that many paragraphs between `***` dividers; an empty piece is allowed only before the
 * first divider or after the last, and an empty one in between fails the instruction.
 */
const numberParagraphs: InstructionBuilder = (args) => {
  const expected = args.count('num_paragraphs');
  return (response) => {
    const paragraphs = response.split(MARKDOWN_DIVIDER);
    let count = paragraphs.length;
    for (const [index, paragraph] of paragraphs.entries()) {
      if (pythonStrip(paragraph)) continue;
      if (index !== 0 && index !== paragraphs.length - 1) return false;
      count--;
    }
    return count === expected;
  };
};

const FIRST_WORD_STOPS = new Set(['.', ',', '?', '!', "'", '"']);

/**
 * Paragraphs split on "\n\n": as many non-empty ones as asked, and the nth (counted in the raw
 * split, empty pieces included, as the reference indexes it) starts with the word, up to its
 * first punctuation mark and ignoring leading quotes, any case.
 */
const nthParagraphFirstWord: InstructionBuilder = (args) => {
  const expected = args.count('num_paragraphs');
  const nth = args.count('nth_paragraph');
  if (nth === 0 || nth > expected) args.fail(`nth_paragraph ${nth} is not within num_paragraphs ${expected}`);
  const firstWord = args.text('first_word').toLowerCase();
  return (response) => {
    const paragraphs = response.split('\n\n');
    const count = paragraphs.filter((paragraph) => pythonStrip(paragraph)).length;
    if (nth > count) return false;
    const paragraph = pythonStrip(paragraphs[nth - 1]!);
    if (!paragraph) return false;
    const word = stripLeading(stripLeading(pythonStrip(pythonStrSplit(paragraph)[0]!), "'"), '"');
    let leading = '';
    for (const letter of word) {
      if (FIRST_WORD_STOPS.has(letter)) break;
      leading += letter.toLowerCase();
    }
    return count === expected && leading === firstWord;
  };
};

function stripLeading(text: string, char: string): string {
  let start = 0;
  while (text[start] === char) start++;
  return text.slice(start);
}

export const lengthInstructions: Readonly<Record<string, InstructionBuilder>> = {
  'length_constraints:number_sentences': numberSentences,
  'length_constraints:number_paragraphs': numberParagraphs,
  'length_constraints:number_words': numberWords,
  'length_constraints:nth_paragraph_first_word': nthParagraphFirstWord,
};
