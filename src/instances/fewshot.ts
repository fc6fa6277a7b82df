import { UserError } from '../errors.ts';
import type { Doc } from '../documents/types.ts';
import { pythonEquals } from '../python/equality.ts';
import type { TaskDefinition } from '../task/types.ts';

/** CPython random.Random's sample(); src/python/random.ts provides the exact one. */
export interface FewshotRandom {
  sample<T>(population: readonly T[], k: number): T[];
}

/**
 * Few-shot examples of one task already rendered, by gen_prefix and then example doc. Templates
 * are pure functions of the doc, so an example drawn for many prompts (with first_n: the same
 * ones for every prompt) is rendered once per buildInstances call instead of once per prompt.
 */
export type RenderedExamples = Map<string, Map<Doc, string>>;

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
export function buildFewshotContext(
  task: TaskDefinition,
  doc: Doc,
  numFewshot: number,
  rnd: FewshotRandom,
  fewshotDocs: readonly Doc[],
  rendered?: RenderedExamples,
): string {
  const genPrefix = task.genPrefix?.(doc);
  let context = task.description(doc);
  if (numFewshot > 0) {
    const draws = task.fewshotDrawsExtra ? numFewshot + 1 : numFewshot;
    let drawn: readonly Doc[];
    if (task.fewshotSampler === 'first_n') {
      if (draws > fewshotDocs.length) {
        throw new UserError(
          `task ${task.name}: ${draws} few-shot examples requested, only ${fewshotDocs.length} available`,
          { field: 'num_fewshot' },
        );
      }
      drawn = fewshotDocs.slice(0, draws);
    } else {
      drawn = rnd.sample(fewshotDocs, draws);
    }
    const examples = drawn.filter((example) => !pythonEquals(example, doc)).slice(0, numFewshot);
    const prefix = genPrefix ? `${genPrefix} ` : '';
    const byDoc = rendered && (rendered.get(prefix) ?? rendered.set(prefix, new Map()).get(prefix)!);
    for (const example of examples) {
      let text = byDoc?.get(example);
      if (text === undefined) {
        text = labelledExample(task, example, prefix);
        byDoc?.set(example, text);
      }
      context += text;
    }
  }
  const suffix = genPrefix !== undefined ? task.targetDelimiter + genPrefix : '';
  return context + task.docToText(doc) + suffix;
}

/** One example as ContextSampler.get_context writes it, fewshot_config overrides included. */
function labelledExample(task: TaskDefinition, example: Doc, prefix: string): string {
  const choices = () => (task.fewshotDocToChoice ?? task.docToChoice)?.(example) ?? [];
  const content = task.fewshotDocToText ? task.fewshotDocToText(example) : task.docToText(example);
  const target = task.fewshotDocToTarget ? task.fewshotDocToTarget(example) : task.docToTarget(example);
  let text = typeof content === 'string' ? content : String(choices()[content]);
  if (target === '') return text;
  // lm-eval only warns when both the delimiter and the target start with whitespace.
  text += task.targetDelimiter + prefix;
  if (Array.isArray(target)) text += String(target[0]);
  else if (typeof target === 'number' && task.docToChoice) text += String(choices()[target]);
  else text += String(target);
  return text + task.fewshotDelimiter;
}
