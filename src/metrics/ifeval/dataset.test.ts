import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../../tests/helpers.ts';
import { checkResponse, docInstructions, INSTRUCTION_IDS } from './instructions.ts';
import { pythonIsLower, pythonIsUpper, splitIntoSentences } from './text.ts';

const DATASET = join(ROOT, '../shared/datasets/ifeval/input_data.jsonl');

interface IfevalDoc {
  readonly key: number;
  readonly prompt: string;
  readonly instruction_id_list: string[];
  readonly kwargs: Record<string, unknown>[];
}

const docs: IfevalDoc[] = readFileSync(DATASET, 'utf8')
  .split('\n')
  .filter((line) => line.trim())
  .map((line) => JSON.parse(line));

/**
 * lm-eval's own checkers (v0.4.9.2) on every prompt turned into six responses, written by
 * reference/oracle.py: per prompt, one "strict/loose" string per response, a character per
 * instruction (T, F, or - where the oracle could not run the reference: nltk and langdetect).
 */
const oracle = JSON.parse(readFileSync(new URL('./reference/oracle.json', import.meta.url), 'utf8')) as {
  readonly outcomes: Readonly<Record<string, readonly string[]>>;
  readonly sentences: Readonly<Record<string, readonly number[]>>;
  readonly cases: Readonly<Record<string, string>>;
};

/** The responses oracle.py's responses() makes from a prompt, in its order. */
function responses(prompt: string): string[] {
  const sentences = prompt.replaceAll('? ', '?\n').replaceAll('. ', '.\n').split('\n');
  return [
    prompt,
    `Sure, here it is:\n${prompt}\nP.S. Any other questions?`,
    sentences.join('\n\n'),
    sentences.map((s) => `* ${s}`).join('\n***\n'),
    `"${prompt.toLowerCase().replaceAll(',', '')}"`,
    `${sentences
      .slice(0, 2)
      .map((s) => `**${s}**`)
      .join('******')}\nSection 1 <<Title>> [name]`,
  ];
}

const code = (outcomes: readonly boolean[], expected: string) =>
  outcomes.map((followed, i) => (expected[i] === '-' ? '-' : followed ? 'T' : 'F')).join('');

describe('IFEval dataset', () => {
  it('has 541 prompts whose every instruction parses with its kwargs', () => {
    expect(docs).toHaveLength(541);
    const seen = new Set<string>();
    for (const doc of docs) {
      const instructions = docInstructions(doc as never);
      expect(instructions.map((instruction) => instruction.id)).toEqual(doc.instruction_id_list);
      for (const id of doc.instruction_id_list) seen.add(id);
    }
    expect([...seen].sort()).toEqual([...INSTRUCTION_IDS].sort());
  });

  it("agrees with lm-eval's checkers on every prompt turned into six responses", async () => {
    let compared = 0;
    const mismatches: string[] = [];
    for (const doc of docs) {
      const expected = oracle.outcomes[String(doc.key)];
      expect(expected, `oracle row for ${doc.key}`).toBeDefined();
      for (const [index, response] of responses(doc.prompt).entries()) {
        const result = await checkResponse(doc as never, response);
        const [strict = '', loose = ''] = expected![index]!.split('/');
        const got = `${code(result.strict, strict)}/${code(result.loose, loose)}`;
        if (got !== expected![index]) mismatches.push(`${doc.key} response ${index}: ${got} != ${expected![index]}`);
        compared++;
      }
    }
    expect(compared).toBe(541 * 6);
    expect(mismatches).toEqual([]);
  });

  it("splits sentences as the reference's split_into_sentences does", () => {
    for (const doc of docs) {
      const counts = responses(doc.prompt).map((response) => splitIntoSentences(response).length);
      expect(counts, `prompt ${doc.key}`).toEqual(oracle.sentences[String(doc.key)]);
    }
  });

  it("tells upper and lower case as Python's str.isupper and str.islower", () => {
    for (const doc of docs) {
      const variants = [doc.prompt, doc.prompt.toUpperCase(), doc.prompt.toLowerCase()];
      const cases = variants.map((v) => (pythonIsUpper(v) ? 'U' : pythonIsLower(v) ? 'L' : '-')).join('');
      expect(cases, `prompt ${doc.key}`).toBe(oracle.cases[String(doc.key)]);
    }
  });
});
