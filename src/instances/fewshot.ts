import { UserError } from '../errors.ts';
import type { Doc } from '../documents/types.ts';
import { pythonEquals } from '../python/equality.ts';
import type { TaskDefinition } from '../task/types.ts';

/** CPython random.Random's sample(); src/python/random.ts provides the exact one. */
export interface FewshotRandom {
  sample<T>(population: readonly T[], k: number): T[];
}

/** One few-shot example, as ContextSampler renders its parts (fewshot_config overrides included). */
export interface FewshotExample {
  /** doc_to_text, or the choice it indexes. */
  readonly question: string;
  /** The answer's text (gold choice, first of a list target); undefined when doc_to_target gave "". */
  readonly answer: string | undefined;
}

/**
 * Few-shot examples of one task already rendered, by doc. Templates are pure functions of the doc,
 * so an example drawn for many prompts (with first_n: the same ones for every prompt) is rendered
 * once per buildInstances call instead of once per prompt.
 */
export type RenderedExamples = Map<Doc, FewshotExample>;

/**
 * A prompt before it is laid out as plain text or as a chat: lm-eval's fewshot_context keeps
 * these apart until it knows which (ConfigurableTask.fewshot_context, v0.4.9.2).
 */
export interface PromptParts {
  /** The task's description for this doc ("" when none). */
  readonly description: string;
  readonly examples: readonly FewshotExample[];
  /** doc_to_text of the doc itself. */
  readonly question: string;
  /** gen_prefix rendered for this doc: the start of the answer, after target_delimiter. */
  readonly genPrefix?: string;
}

/**
 * lm-eval v0.4's ConfigurableTask.fewshot_context + ContextSampler.get_context for plain
 * (non-chat) prompts:
 *
 *   description(doc)
 *   + for each example: text + target_delimiter + target + fewshot_delimiter
 *   + doc_to_text(doc)
 *
 * where a multiple-choice example's target is the text of its gold choice and a list target
 * contributes its first element; an example whose target is "" adds its text only (no
 * delimiters). The default sampler draws `rnd.sample(fewshotDocs, n)`, first_n takes the first
 * n. n is numFewshot + 1 when the task says fewshotDrawsExtra (lm-eval: fewshot_split ==
 * test_split, both unset counts), and any drawn example equal to the doc itself is dropped
 * before keeping numFewshot.
 *
 * Order matters: lm-eval seeds ONE random.Random(fewshot_seed=1234) per task and builds the
 * contexts in doc order, so doc i's examples depend on all draws for docs 0..i-1. Call this for
 * the docs in order, with one `rnd` per task; skipping a doc (e.g. --limit after the fact)
 * changes every later prompt.
 */
export function buildFewshotContext(...args: Parameters<typeof promptParts>): string {
  return plainPrompt(args[0], promptParts(...args));
}

/** The parts of a doc's prompt; draws its few-shot examples from `rnd` (see buildFewshotContext). */
export function promptParts(
  task: TaskDefinition,
  doc: Doc,
  numFewshot: number,
  rnd: FewshotRandom,
  fewshotDocs: readonly Doc[],
  rendered?: RenderedExamples,
): PromptParts {
  const genPrefix = task.genPrefix?.(doc);
  const examples: FewshotExample[] = [];
  if (numFewshot > 0) {
    const draws = task.fewshotDrawsExtra ? numFewshot + 1 : numFewshot;
    const pool = task.fewshotPool ? task.fewshotPool(doc, fewshotDocs) : fewshotDocs;
    let drawn: readonly Doc[];
    // lm-eval stops here too (random.sample's ValueError, or too few examples for first_n).
    if (draws > pool.length) {
      throw new UserError(`task ${task.name}: ${draws} few-shot examples requested, only ${pool.length} available`, {
        field: 'num_fewshot',
      });
    }
    if (task.fewshotSampler === 'first_n') {
      drawn = pool.slice(0, draws);
    } else {
      drawn = rnd.sample(pool, draws);
    }
    const kept = drawn.filter((candidate) => !pythonEquals(candidate, doc)).slice(0, numFewshot);
    for (const [n, example] of kept.entries()) {
      // MERA's first example carries its own instruction: rendered apart from the cached form.
      if (n === 0 && task.instructionShots) {
        examples.push(exampleParts(task, example, task.instructionShots.first));
        continue;
      }
      let parts = rendered?.get(example);
      if (parts === undefined) {
        parts = exampleParts(task, example, task.instructionShots?.rest);
        rendered?.set(example, parts);
      }
      examples.push(parts);
    }
  }
  const shots = numFewshot > 0 ? task.instructionShots : undefined;
  return {
    description: task.description(doc),
    examples,
    question: shots ? shots.rest(doc) : task.docToText(doc),
    ...(genPrefix !== undefined ? { genPrefix } : {}),
  };
}

/**
 * The plain prompt: [system instruction + fewshot_delimiter] + description + examples + question
 * [+ target_delimiter + gen_prefix]. lm-eval joins a system instruction and a description with
 * the few-shot delimiter, and prepends a system instruction to plain prompts too.
 */
export function plainPrompt(task: TaskDefinition, parts: PromptParts, systemInstruction?: string): string {
  const prefix = parts.genPrefix ? `${parts.genPrefix} ` : '';
  let context = systemPrompt(task, parts, systemInstruction);
  for (const example of parts.examples) context += labelled(task, example, prefix);
  const suffix = parts.genPrefix !== undefined ? task.targetDelimiter + parts.genPrefix : '';
  return context + parts.question + suffix;
}

/** lm-eval's system prompt: instruction and description joined by the few-shot delimiter. */
export function systemPrompt(task: TaskDefinition, parts: PromptParts, systemInstruction?: string): string {
  if (systemInstruction !== undefined && parts.description) {
    return `${systemInstruction}${task.fewshotDelimiter}${parts.description}`;
  }
  return systemInstruction ?? parts.description;
}

/** One example as ContextSampler.get_context writes it. */
export function labelled(task: TaskDefinition, example: FewshotExample, prefix: string): string {
  if (example.answer === undefined) return example.question;
  // lm-eval only warns when both the delimiter and the target start with whitespace.
  return example.question + task.targetDelimiter + prefix + example.answer + task.fewshotDelimiter;
}

function exampleParts(task: TaskDefinition, example: Doc, text?: (doc: Doc) => string): FewshotExample {
  const choices = () => (task.fewshotDocToChoice ?? task.docToChoice)?.(example) ?? [];
  const content = text
    ? text(example)
    : task.fewshotDocToText
      ? task.fewshotDocToText(example)
      : task.docToText(example);
  const target = task.fewshotDocToTarget ? task.fewshotDocToTarget(example) : task.docToTarget(example);
  const question = typeof content === 'string' ? content : String(choices()[content]);
  let answer: string | undefined;
  if (target === '') answer = undefined;
  else if (Array.isArray(target)) answer = String(target[0]);
  else if (typeof target === 'number' && task.docToChoice) answer = String(choices()[target]);
  else answer = String(target);
  return { question, answer };
}
