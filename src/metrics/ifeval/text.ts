/**
 * The text measures IFEval's checkers share (lm-eval's ifeval/instructions_util.py): words,
 * sentences, word tokens, Python's isupper/islower and language detection.
 */
import { compilePythonRegex, pythonFindall, pythonSub } from '../../python/regex.ts';
import { pythonStrip, pythonStrSplit } from '../../python/whitespace.ts';

const WORD = compilePythonRegex('\\w+');

/** instructions_util.count_words: nltk's RegexpTokenizer(r"\w+"), i.e. runs of Python word characters. */
export function countWords(text: string): number {
  return pythonFindall(WORD, text).length;
}

const ALPHABETS = '([A-Za-z])';
const PREFIXES = '(Mr|St|Mrs|Ms|Dr)[.]';
const SUFFIXES = '(Inc|Ltd|Jr|Sr|Co)';
const STARTERS =
  '(Mr|Mrs|Ms|Dr|Prof|Capt|Cpt|Lt|He\\s|She\\s|It\\s|They\\s|Their\\s|Our\\s|We\\s|But\\s|However\\s|That\\s|This\\s|Wherever)';
const ACRONYMS = '([A-Z][.][A-Z][.](?:[A-Z][.])?)';
const WEBSITES = '[.](com|net|org|io|gov|edu|me)';
const DIGITS = '([0-9])';

/**
 * instructions_util.split_into_sentences: protects abbreviations, acronyms, decimals, web
 * addresses and ellipses with <prd>, then cuts after every remaining . ? ! (the rules run in
 * the reference's order, each a Python re.sub).
 */
export function splitIntoSentences(input: string): string[] {
  let text = ` ${input}  `.replaceAll('\n', ' ');
  text = pythonSub(PREFIXES, '\\1<prd>', text);
  text = pythonSub(WEBSITES, '<prd>\\1', text);
  text = pythonSub(`${DIGITS}[.]${DIGITS}`, '\\1<prd>\\2', text);
  text = text.replace(/\.{2,}/g, (dots) => `${'<prd>'.repeat(dots.length)}<stop>`);
  text = text.replaceAll('Ph.D.', 'Ph<prd>D<prd>');
  text = pythonSub(`\\s${ALPHABETS}[.] `, ' \\1<prd> ', text);
  text = pythonSub(`${ACRONYMS} ${STARTERS}`, '\\1<stop> \\2', text);
  text = pythonSub(`${ALPHABETS}[.]${ALPHABETS}[.]${ALPHABETS}[.]`, '\\1<prd>\\2<prd>\\3<prd>', text);
  text = pythonSub(`${ALPHABETS}[.]${ALPHABETS}[.]`, '\\1<prd>\\2<prd>', text);
  text = pythonSub(` ${SUFFIXES}[.] ${STARTERS}`, ' \\1<stop> \\2', text);
  text = pythonSub(` ${SUFFIXES}[.]`, ' \\1<prd>', text);
  text = pythonSub(` ${ALPHABETS}[.]`, ' \\1<prd>', text);
  text = text.replaceAll('.”', '”.').replaceAll('."', '".').replaceAll('!"', '"!').replaceAll('?"', '"?');
  text = text.replaceAll('.', '.<stop>').replaceAll('?', '?<stop>').replaceAll('!', '!<stop>');
  text = text.replaceAll('<prd>', '.');
  const sentences = text.split('<stop>').map((s) => pythonStrip(s));
  if (sentences.length > 0 && !sentences[sentences.length - 1]) sentences.pop();
  return sentences;
}

/**
 * instructions_util.count_sentences. The reference runs nltk's punkt model (english.pickle);
 * we count split_into_sentences, the reference's own regex splitter, which agrees with punkt on
 * ordinary prose and differs on abbreviations punkt learnt (e.g. "etc." mid-sentence).
 */
export function countSentences(text: string): number {
  return splitIntoSentences(text).length;
}

// What nltk's word_tokenize cuts a whitespace-separated chunk into, as far as it changes which
// tokens are all capitals: punctuation it always separates, ellipses and dashes, contractions.
const TOKEN_SEPARATORS = /[,;:@#$%&?!*()[\]{}<>"`]|\.{2,}|--/u;
const CONTRACTION_TAIL = /^(.+?)(n't|'s|'m|'d|'ll|'re|'ve)$/iu;
const SPLIT_WORDS = /^(can)(not)$|^(gon|got|wan)(na)$|^(gim|lem)(me)$/iu;

/**
 * nltk.word_tokenize, approximated for counting all-capital words (change_case:capital_word_frequency):
 * the reference's punkt + Treebank tokenizer cuts "DON'T" into "DO" + "N'T" and "A,B" into three
 * tokens; a token made only of punctuation is never upper, so where punctuation goes is moot.
 */
export function wordTokens(text: string): string[] {
  const tokens: string[] = [];
  for (const chunk of pythonStrSplit(text)) {
    for (const piece of chunk.split(TOKEN_SEPARATORS)) {
      if (!piece) continue;
      const split = SPLIT_WORDS.exec(piece);
      const contraction = CONTRACTION_TAIL.exec(piece);
      if (split) tokens.push(...split.slice(1).filter((part): part is string => part !== undefined));
      else if (contraction) tokens.push(contraction[1]!, contraction[2]!);
      else tokens.push(piece);
    }
  }
  return tokens;
}

const UPPER = /\p{Uppercase}/u;
const LOWER = /\p{Lowercase}/u;
const TITLE = /\p{Lt}/u;

/** str.isupper(): at least one cased character, and none lowercase or titlecase. */
export function pythonIsUpper(text: string): boolean {
  return UPPER.test(text) && !LOWER.test(text) && !TITLE.test(text);
}

/** str.islower(): at least one cased character, and none uppercase or titlecase. */
export function pythonIsLower(text: string): boolean {
  return LOWER.test(text) && !UPPER.test(text) && !TITLE.test(text);
}

type LanguageDetector = (text: string) => string | undefined;

let detector: LanguageDetector | undefined;
let loading: Promise<void> | undefined;

/**
 * Loads the language detector. Its n-gram tables take seconds to parse, so they load when the
 * first IFEval response is checked rather than with the metric registry at every start.
 */
export function loadLanguageDetector(): Promise<void> {
  loading ??= import('eld/medium').then(({ eld }) => {
    detector = (text) => eld.detect(text).language || undefined;
  });
  return loading;
}

/**
 * The ISO 639-1 code of the text's language, or undefined where no language can be told (the
 * reference's langdetect raises then, and the checkers count the instruction as followed). The
 * reference uses langdetect; eld is a JavaScript detector over the same codes, so a borderline
 * text (short, mixed languages) can be told apart differently. Needs loadLanguageDetector() first.
 */
export function detectLanguage(text: string): string | undefined {
  if (!detector) throw new Error('detectLanguage: the detector is not loaded (await loadLanguageDetector())');
  return detector(text);
}
