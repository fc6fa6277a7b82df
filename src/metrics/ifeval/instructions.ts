/**
 * IFEval's 25 verifiable instructions (lm-eval's ifeval/instructions_registry.py) and how a
 * response is checked against a prompt's list of them, strictly and loosely (ifeval/utils.py).
 */
import type { Doc } from '../../documents/types.ts';
import { pythonStrip } from '../../python/whitespace.ts';
import { InstructionArgs, InstructionArgsError, type InstructionBuilder, type ResponseCheck } from './args.ts';
import { formatInstructions } from './format.ts';
import { keywordInstructions } from './keywords.ts';
import { lengthInstructions } from './length.ts';
import { styleInstructions } from './style.ts';
import { loadLanguageDetector } from './text.ts';

const BUILDERS: Readonly<Record<string, InstructionBuilder>> = {
  ...keywordInstructions,
  ...lengthInstructions,
  ...formatInstructions,
  ...styleInstructions,
};

/** Every instruction id, as the dataset names them. */
export const INSTRUCTION_IDS: readonly string[] = Object.keys(BUILDERS);

export interface Instruction {
  readonly id: string;
  readonly check: ResponseCheck;
}

/** One instruction from its id and kwargs; unknown ids and unusable kwargs throw InstructionArgsError. */
export function buildInstruction(id: string, kwargs: Readonly<Record<string, unknown>>, prompt: string): Instruction {
  const builder = Object.hasOwn(BUILDERS, id) ? BUILDERS[id] : undefined;
  if (!builder) throw new InstructionArgsError(id, 'unknown instruction id');
  return { id, check: builder(new InstructionArgs(id, kwargs, prompt)) };
}

/** A dataset row's instructions: `instruction_id_list` with the parallel `kwargs`. */
export function docInstructions(doc: Doc): Instruction[] {
  const ids = doc.instruction_id_list;
  const kwargs = doc.kwargs;
  const prompt = doc.prompt;
  if (!Array.isArray(ids) || !Array.isArray(kwargs) || ids.length !== kwargs.length || typeof prompt !== 'string')
    throw new InstructionArgsError(
      String(doc.key),
      'the document needs a prompt and parallel instruction_id_list and kwargs lists',
    );
  return ids.map((id, i) => buildInstruction(String(id), (kwargs[i] ?? {}) as Record<string, unknown>, prompt));
}

/**
 * The responses the loose check tries: the response, without its first line, its last line or
 * both (each stripped), each also with every "*" removed, in the reference's order.
 */
export function looseVariants(response: string): string[] {
  const lines = response.split('\n');
  const withoutFirst = pythonStrip(lines.slice(1).join('\n'));
  const withoutLast = pythonStrip(lines.slice(0, -1).join('\n'));
  const withoutBoth = pythonStrip(lines.slice(1, -1).join('\n'));
  const unstarred = (text: string) => text.replaceAll('*', '');
  return [
    response,
    unstarred(response),
    withoutFirst,
    withoutLast,
    withoutBoth,
    unstarred(withoutFirst),
    unstarred(withoutLast),
    unstarred(withoutBoth),
  ];
}

/** An empty (all-whitespace) response follows nothing. */
const follows = (instruction: Instruction, response: string) =>
  pythonStrip(response) !== '' && instruction.check(response);

export interface FollowedInstructions {
  readonly instructions: readonly string[];
  readonly strict: readonly boolean[];
  readonly loose: readonly boolean[];
}

/** Which of the document's instructions the response follows, strictly and loosely. */
export async function checkResponse(doc: Doc, response: string): Promise<FollowedInstructions> {
  await loadLanguageDetector();
  const instructions = docInstructions(doc);
  const variants = looseVariants(response);
  return {
    instructions: instructions.map((instruction) => instruction.id),
    strict: instructions.map((instruction) => follows(instruction, response)),
    loose: instructions.map((instruction) => variants.some((variant) => follows(instruction, variant))),
  };
}
