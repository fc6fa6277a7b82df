/**
 * The instructions about the response as a whole: language, letter case, how it starts and ends,
 * repeating the prompt, two responses, commas.
 */
import { pythonStripChars } from '../../python/str-methods.ts';
import { pythonStrip } from '../../python/whitespace.ts';
import { compareCount, type InstructionBuilder } from './args.ts';
import { detectLanguage, pythonIsLower, pythonIsUpper, wordTokens } from './text.ts';

/** Undetectable text (no letters) counts as followed, as the reference treats langdetect's error. */
const inLanguage = (text: string, language: string) => (detectLanguage(text) ?? language) === language;

const responseLanguage: InstructionBuilder = (args) => {
  const language = args.text('language');
  return (response) => inLanguage(response, language);
};

const englishCapital: InstructionBuilder = () => (response) => pythonIsUpper(response) && inLanguage(response, 'en');

const englishLowercase: InstructionBuilder = () => (response) => pythonIsLower(response) && inLanguage(response, 'en');

const capitalWordFrequency: InstructionBuilder = (args) => {
  const threshold = args.count('capital_frequency');
  const relation = args.relation('capital_relation');
  return (response) => compareCount(wordTokens(response).filter(pythonIsUpper).length, relation, threshold);
};

const SEPARATOR = '******';

/** Exactly two non-empty, different responses around "******" (empty pieces only at the ends). */
const twoResponses: InstructionBuilder = () => (response) => {
  const pieces = response.split(SEPARATOR);
  const responses: string[] = [];
  for (const [index, piece] of pieces.entries()) {
    if (pythonStrip(piece)) responses.push(piece);
    else if (index !== 0 && index !== pieces.length - 1) return false;
  }
  return responses.length === 2 && pythonStrip(responses[0]!) !== pythonStrip(responses[1]!);
};

const repeatPrompt: InstructionBuilder = (args) => {
  const request = pythonStrip(args.text('prompt_to_repeat')).toLowerCase();
  return (response) => pythonStrip(response).toLowerCase().startsWith(request);
};

/** Ends with the phrase, any case, once surrounding whitespace and then double quotes are gone. */
const endChecker: InstructionBuilder = (args) => {
  const phrase = pythonStrip(args.text('end_phrase')).toLowerCase();
  return (response) => pythonStripChars(pythonStrip(response), '"', 'both').toLowerCase().endsWith(phrase);
};

const quotation: InstructionBuilder = () => (response) => {
  const stripped = Array.from(pythonStrip(response));
  return stripped.length > 1 && stripped[0] === '"' && stripped[stripped.length - 1] === '"';
};

const noComma: InstructionBuilder = () => (response) => !response.includes(',');

export const styleInstructions: Readonly<Record<string, InstructionBuilder>> = {
  'language:response_language': responseLanguage,
  'change_case:capital_word_frequency': capitalWordFrequency,
  'change_case:english_capital': englishCapital,
  'change_case:english_lowercase': englishLowercase,
  'combination:two_responses': twoResponses,
  'combination:repeat_prompt': repeatPrompt,
  'startend:end_checker': endChecker,
  'startend:quotation': quotation,
  'punctuation:no_comma': noComma,
};
