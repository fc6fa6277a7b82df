/**
 * keywords:* instructions (existence, frequency, forbidden_words, letter_frequency). The
 * reference hands keywords to Python's `re` unescaped, so they are patterns here too.
 */
import { compilePythonRegex, pythonFindall } from '../../python/regex.ts';
import { compareCount, type InstructionArgs, type InstructionBuilder } from './args.ts';

function caseInsensitive(pattern: string, args: InstructionArgs): RegExp {
  return compilePythonRegex(`(?i)${pattern}`, `${args.instructionId} kwargs`);
}

/** Every keyword occurs somewhere, any case. */
const existence: InstructionBuilder = (args) => {
  const keywords = args.strings('keywords').map((keyword) => caseInsensitive(keyword, args));
  return (response) => keywords.every((keyword) => keyword.test(response));
};

/** The keyword's non-overlapping occurrences, any case, compared with the frequency. */
const frequency: InstructionBuilder = (args) => {
  const keyword = caseInsensitive(args.text('keyword', { strip: true }), args);
  const threshold = args.count('frequency');
  const relation = args.relation('relation');
  return (response) => compareCount(pythonFindall(keyword, response).length, relation, threshold);
};

/** None of the words occurs as a whole word (`\b` on both sides), any case. */
const forbiddenWords: InstructionBuilder = (args) => {
  const words = args.strings('forbidden_words').map((word) => caseInsensitive(`\\b${word}\\b`, args));
  return (response) => !words.some((word) => word.test(response));
};

/**
 * How often the letter occurs in the lower-cased response. The reference draws a random ASCII
 * letter when the kwarg is not one (the dataset asks for "#" and "!" twice); we count the
 * character the prompt names instead, so the score is the same on every run.
 */
const letterFrequency: InstructionBuilder = (args) => {
  const letter = args.text('letter', { strip: true }).toLowerCase();
  if (Array.from(letter).length !== 1) args.fail(`kwarg "letter" must be one character, got ${JSON.stringify(letter)}`);
  const threshold = args.count('let_frequency');
  const relation = args.relation('let_relation');
  return (response) => {
    let occurrences = 0;
    for (const ch of response.toLowerCase()) if (ch === letter) occurrences++;
    return compareCount(occurrences, relation, threshold);
  };
};

export const keywordInstructions: Readonly<Record<string, InstructionBuilder>> = {
  'keywords:existence': existence,
  'keywords:frequency': frequency,
  'keywords:forbidden_words': forbiddenWords,
  'keywords:letter_frequency': letterFrequency,
};
