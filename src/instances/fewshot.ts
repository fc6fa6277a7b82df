import type { Doc, TaskDefinition } from '../task/types.ts';

/** The few-shot sampler's source of randomness: CPython's random.Random.sample semantics. */
export interface SampleSource {
  sample<T>(population: readonly T[], k: number): T[];
}

/**
 * The text of one labelled example, as lm-eval's ContextSampler.get_context writes it:
 * doc_to_text + target_delimiter + target, where a multiple-choice target is the gold
 * choice's text and a list target contributes its first element. A target that already
 * starts with whitespace is appended without the (whitespace) delimiter.
 */
export function labelledExample(task: TaskDefinition, doc: Doc): string {
  let text = task.docToText(doc);
  const target = task.docToTarget(doc);
  let targetText: string;
  if (Array.isArray(target)) targetText = String(target[0]);
  else if (typeof target === 'number' && task.docToChoice) targetText = String(task.docToChoice(doc)[target]);
  else targetText = String(target);
  if (targetText === '') return text;
  const delimiter = task.targetDelimiter;
  if (delimiter.trim() === '' && delimiter.length > 0 && /^\s/.test(targetText)) text += targetText;
  else text += delimiter + targetText;
  return text;
}

/**
 * lm-eval v0.4's fewshot_context for plain (non-chat) prompts:
 * description + examples (each followed by fewshot_delimiter) + doc_to_text(doc).
 *
 * The default sampler draws `rnd.sample(fewshotDocs, n)` — n + 1 when few-shot examples come
 * from the evaluated split, dropping the evaluated doc itself. lm-eval seeds one
 * random.Random(fewshot_seed) per task and draws for the docs in doc order, so a doc's
 * examples depend on every draw before it: callers must visit docs in order with one `rnd`.
 */
export function fewshotContext(
  task: TaskDefinition,
  doc: Doc,
  numFewshot: number,
  fewshotDocs: readonly Doc[],
  sameSplit: boolean,
  rnd: SampleSource,
): string {
  let context = task.description(doc);
  if (numFewshot > 0) {
    let examples: readonly Doc[];
    if (task.fewshotSampler === 'first_n') {
      examples = fewshotDocs.slice(0, numFewshot);
    } else {
      const drawn = rnd.sample(fewshotDocs, sameSplit ? numFewshot + 1 : numFewshot);
      // lm-eval drops examples *equal* to the doc (dict equality), not just the same object.
      const docKey = JSON.stringify(doc);
      examples = drawn.filter((d) => d !== doc && JSON.stringify(d) !== docKey).slice(0, numFewshot);
    }
    for (const example of examples) context += labelledExample(task, example) + task.fewshotDelimiter;
  }
  return context + task.docToText(doc);
}
