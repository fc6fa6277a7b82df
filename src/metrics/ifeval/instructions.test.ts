import { describe, expect, it } from 'vitest';
import { checkResponse, docInstructions, INSTRUCTION_IDS, looseVariants } from './instructions.ts';

/**
 * One row per instruction: responses that follow it strictly, that violate it even loosely, and
 * (where the loose variants can make a difference) that follow it only loosely. Expected
 * outcomes are worked out from lm-eval's ifeval/instructions.py by hand. number_placeholders,
 * number_highlighted_sections and the "at least" counts have no loose-only case: their matches
 * never span lines, so removing lines or "*" can only take matches away.
 */
interface Case {
  readonly id: string;
  readonly kwargs?: Record<string, unknown>;
  readonly follows: readonly string[];
  readonly violates: readonly string[];
  readonly looseOnly?: readonly string[];
}

const SPANISH = 'Me gusta mucho la comida de mi abuela.';
const ENGLISH_PREAMBLE = 'Here is my answer in Spanish, written for you with great care and attention to detail:';

const CASES: readonly Case[] = [
  {
    id: 'keywords:existence',
    kwargs: { keywords: ['banana', 'ice cream'] },
    follows: ['A BANANA with ice cream.'],
    violates: ['A banana with sorbet.'],
    // The loose check removes "*", which joins the keyword back together.
    looseOnly: ['A banana with ice **cream**.'],
  },
  {
    id: 'keywords:frequency',
    kwargs: { keyword: 'cat', frequency: 2, relation: 'less than' },
    follows: ['One cat.'],
    violates: ['Cat and cat.'],
    looseOnly: ['A cat title\ncat\nBye, cat.'],
  },
  {
    id: 'keywords:frequency',
    kwargs: { keyword: 'cat', frequency: 2, relation: 'at least' },
    // A keyword is a pattern searched anywhere: "concatenate" has a cat in it.
    follows: ['Cat, concatenate.'],
    violates: ['A dog.'],
  },
  {
    id: 'keywords:forbidden_words',
    kwargs: { forbidden_words: ['tiger'] },
    // Whole words only: "tigers" is allowed.
    follows: ['A lion and two tigers.'],
    violates: ['A TIGER!'],
    looseOnly: ['Sure, no tiger here:\nA lion.'],
  },
  {
    id: 'keywords:letter_frequency',
    kwargs: { letter: 'z', let_frequency: 2, let_relation: 'at least' },
    follows: ['Zoo zebra'],
    violates: ['zoo'],
  },
  {
    id: 'keywords:letter_frequency',
    kwargs: { letter: 'a', let_frequency: 3, let_relation: 'less than' },
    follows: ['A cup.'],
    violates: ['Banana'],
    looseOnly: ['aaaa title\nbody a'],
  },
  {
    id: 'keywords:letter_frequency',
    // The dataset asks for characters that are not letters; they are counted as given.
    kwargs: { letter: '#', let_frequency: 2, let_relation: 'at least' },
    follows: ['#one #two'],
    violates: ['#one'],
  },
  {
    id: 'language:response_language',
    kwargs: { language: 'es' },
    follows: [SPANISH],
    violates: ['I really like my grandmother food.'],
    looseOnly: [`${ENGLISH_PREAMBLE}\n${SPANISH}`],
  },
  {
    id: 'language:response_language',
    kwargs: { language: 'es' },
    // Text with no letters has no language: the reference counts that as followed.
    follows: ['12 34 !!'],
    violates: [],
  },
  {
    id: 'length_constraints:number_sentences',
    kwargs: { num_sentences: 3, relation: 'less than' },
    // "Mr." and "3.5" do not end sentences.
    follows: ['Mr. Smith paid 3.5 dollars. Then he left!'],
    violates: ['One. Two? Three!'],
    looseOnly: ['A title. Here.\nOne. Two.'],
  },
  {
    id: 'length_constraints:number_paragraphs',
    kwargs: { num_paragraphs: 2 },
    follows: ['A\n***\nB', '***\nA\n***\nB\n***'],
    violates: ['A *** B *** C', 'A\n***\n\n***\nB'],
    looseOnly: ['Intro\n***\nA\n***\nB'],
  },
  {
    id: 'length_constraints:number_words',
    kwargs: { num_words: 5, relation: 'less than' },
    follows: ['one two, three-four'],
    violates: ['one two three four five'],
    looseOnly: ['Here are my words:\none two'],
  },
  {
    id: 'length_constraints:nth_paragraph_first_word',
    kwargs: { num_paragraphs: 2, nth_paragraph: 2, first_word: 'Hello' },
    follows: ['First paragraph.\n\n"Hello, world."'],
    // Empty pieces do not count as paragraphs, but the nth is taken from the raw split on "\n\n".
    violates: ['First.\n\nGoodbye.', 'A.\n\nHello.\n\nC\nD.', 'Hello.', 'First.\n\n\n\nhello again'],
    looseOnly: ['First.\n\n**Hello** world.'],
  },
  {
    id: 'detectable_content:number_placeholders',
    kwargs: { num_placeholders: 2 },
    follows: ['[name] lives at [address].'],
    violates: ['[name] lives here.'],
  },
  {
    id: 'detectable_content:postscript',
    kwargs: { postscript_marker: 'P.S.' },
    follows: ['Hi.\n\np.s. bye'],
    violates: ['Hi. PS bye'],
  },
  {
    id: 'detectable_content:postscript',
    kwargs: { postscript_marker: 'P.P.S' },
    follows: ['Hi.\nP. P. S. bye'],
    violates: ['Hi.\nP.S. bye'],
    looseOnly: ['Hi.\n**P.**P.S. bye'],
  },
  {
    id: 'detectable_format:number_bullet_lists',
    kwargs: { num_bullets: 2 },
    follows: ['* a\n- b', 'Intro\n\n  * a\n* b'],
    violates: ['* a', '- a\n- b\n- c\n- d\n- e', '** a\n** b'],
    looseOnly: ['- Here are the bullets:\n* a\n* b'],
  },
  {
    id: 'detectable_format:constrained_response',
    follows: ['Well... My answer is maybe. Sorry.'],
    violates: ['Yes.'],
    looseOnly: ['My answer is **yes**.'],
  },
  {
    id: 'detectable_format:number_highlighted_sections',
    kwargs: { num_highlights: 2 },
    // "**b**" counts once as bold; "* *" is empty and does not count.
    follows: ['*a* and **b**', '*a* *b*'],
    violates: ['*a* and * *', '*a\nb*'],
  },
  {
    id: 'detectable_format:multiple_sections',
    kwargs: { section_spliter: 'Section', num_sections: 2 },
    follows: ['Section 1\nfoo\nSection 2\nbar'],
    violates: ['Section 1\nfoo', 'SECTION 1\nfoo\nSECTION 2\nbar'],
    looseOnly: ['Section *1*\nfoo\nSection *2*\nbar'],
  },
  {
    id: 'detectable_format:json_format',
    follows: ['```json\n{"a": [1, 2]}\n```', '{"a": NaN}', '  "text"  '],
    violates: ['{a: 1}', '{"a": 1} Done.', '1-Infinity'],
    looseOnly: ['Here is the JSON:\n{"a": 1}'],
  },
  {
    id: 'detectable_format:title',
    follows: ['<<My Title>>\nbody'],
    violates: ['My Title', '<< >>', '<<a\nb>>'],
    looseOnly: ['<*<Title>*>'],
  },
  {
    id: 'combination:two_responses',
    follows: ['A\n******\nB', '******A******B******'],
    violates: ['A\n******\nA', 'A\n******\n\n******\nB', 'A'],
    looseOnly: ['Here you go:******\nA\n******\nB'],
  },
  {
    id: 'combination:repeat_prompt',
    kwargs: { prompt_to_repeat: 'Write a poem. ' },
    follows: ['  write a POEM. Roses are red.'],
    violates: ['Sure! Write a poem.'],
    looseOnly: ['**Write a poem.**\nRoses are red.'],
  },
  {
    id: 'startend:end_checker',
    kwargs: { end_phrase: 'Any other questions?' },
    follows: ['Done. any other questions?"\n'],
    violates: ['Any other questions? Thanks.'],
    looseOnly: ['Done. Any other questions?\nP.S. note'],
  },
  {
    id: 'change_case:capital_word_frequency',
    kwargs: { capital_frequency: 2, capital_relation: 'less than' },
    follows: ['we like NASA.'],
    violates: ['NASA and ESA', 'I like NASA.'],
    looseOnly: ['TITLE LINE\nwe like NASA'],
  },
  {
    id: 'change_case:capital_word_frequency',
    kwargs: { capital_frequency: 2, capital_relation: 'at least' },
    // word_tokenize splits "DON'T" into "DO" and "N'T", and "A,B" into "A", ",", "B".
    follows: ["I DON'T know.", 'A,B'],
    violates: ['Hello WORLD-WIDE web.'],
  },
  {
    id: 'change_case:english_capital',
    follows: ['HELLO, THIS IS A TEST OF THE ENGLISH LANGUAGE.'],
    violates: ['Hello, this is a test of the English language.', 'ME GUSTA MUCHO LA COMIDA DE MI ABUELA.'],
    looseOnly: ['Sure, here it is:\nHELLO WORLD THIS IS ENGLISH TEXT'],
  },
  {
    id: 'change_case:english_lowercase',
    follows: ['hello, this is a test of english.'],
    violates: ['Hello, this is a test of English.'],
    looseOnly: ['Here it is:\nhello this is english text'],
  },
  {
    id: 'startend:quotation',
    follows: ['  "Hi there"\n'],
    violates: ['Hi there', '"'],
    looseOnly: ['Sure:\n"Hi there"'],
  },
  {
    id: 'punctuation:no_comma',
    follows: ['No commas here.'],
    violates: ['a, b'],
    looseOnly: ['Sure, here it is:\nNo commas here.'],
  },
];

async function outcome(c: Case, response: string) {
  const doc = { key: 1, prompt: 'prompt', instruction_id_list: [c.id], kwargs: [c.kwargs ?? {}] };
  const result = await checkResponse(doc, response);
  return { strict: result.strict[0], loose: result.loose[0] };
}

describe('IFEval instructions, strict and loose', () => {
  it('covers all 25 instruction types', () => {
    expect(new Set(CASES.map((c) => c.id))).toEqual(new Set(INSTRUCTION_IDS));
    expect(INSTRUCTION_IDS).toHaveLength(25);
  });

  for (const c of CASES) {
    describe(`${c.id} ${JSON.stringify(c.kwargs ?? {})}`, () => {
      it.each(c.follows)('follows %j', async (response) => {
        expect(await outcome(c, response)).toEqual({ strict: true, loose: true });
      });
      it.each(c.violates)('violates %j', async (response) => {
        expect(await outcome(c, response)).toEqual({ strict: false, loose: false });
      });
      it.each(c.looseOnly ?? [])('follows only loosely %j', async (response) => {
        expect(await outcome(c, response)).toEqual({ strict: false, loose: true });
      });
    });
  }

  it('an empty or all-whitespace response follows nothing, even an instruction it cannot break', async () => {
    const c: Case = { id: 'punctuation:no_comma', follows: [], violates: [] };
    expect(await outcome(c, '')).toEqual({ strict: false, loose: false });
    expect(await outcome(c, ' \n\t')).toEqual({ strict: false, loose: false });
  });

  it('tries the eight variants of utils.py in its order', () => {
    expect(looseVariants('*a*\nb\n*c*')).toEqual([
      '*a*\nb\n*c*',
      'a\nb\nc',
      'b\n*c*',
      '*a*\nb',
      'b',
      'b\nc',
      'a\nb',
      'b',
    ]);
    expect(looseVariants('one line')).toEqual(['one line', 'one line', '', '', '', '', '', '']);
  });

  it('rejects kwargs the reference would replace with a random draw', () => {
    const doc = (id: string, kwargs: object) => ({ key: 7, prompt: 'p', instruction_id_list: [id], kwargs: [kwargs] });
    expect(() => docInstructions(doc('length_constraints:number_words', { relation: 'at least' }))).toThrow(
      /number_words: kwarg "num_words" is missing/,
    );
    expect(() => docInstructions(doc('keywords:frequency', { keyword: 'a', frequency: 1, relation: 'more' }))).toThrow(
      /"less than" or "at least"/,
    );
    expect(() => docInstructions(doc('keywords:nonexistent', {}))).toThrow(/unknown instruction id/);
  });
});
