import { UserError } from '../errors.ts';
import type { TaskDocs } from '../documents/types.ts';
import type { ChatMessage, Request } from '../requests/types.ts';
import type { TaskDefinition } from '../task/types.ts';
import { buildFewshotContext, type FewshotRandom, type RenderedExamples } from './fewshot.ts';
import type { DocInstance } from './types.ts';

export interface BuildOptions {
  readonly numFewshot: number;
  /** First N docs only (lm-eval's --limit); a fraction < 1 means that share of the docs. */
  readonly limit?: number;
  /** Only these documents, by index, in doc order (lm-eval's --samples); excludes limit. */
  readonly docIds?: readonly number[];
  /** A fresh sampler seeded with the few-shot seed; used for this task's docs in order. */
  readonly rnd: FewshotRandom;
  /** Sends the prompt as a chat: requests carry the messages and the template's rendering of them. */
  readonly chat?: ChatFormat;
  /** Overrides every generation's max_gen_toks (--max_gen_toks). */
  readonly maxGenToks?: number;
  /** Reasoning markers: stop strings inside them do not end a generation (--think strip). */
  readonly reasoning?: { readonly open: string; readonly close: string };
}

export interface ChatFormat {
  /** The system message, when one is given (--system_instruction). */
  readonly system?: string;
  /** The model's chat template, ending with the assistant's turn opened. */
  readonly render: (messages: readonly ChatMessage[]) => string;
}

export function effectiveDocCount(total: number, limit: number | undefined): number {
  if (limit === undefined) return total;
  return limit < 1 ? Math.ceil(total * limit) : Math.min(total, Math.floor(limit));
}

/** Documents → instances with their requests, in doc order (the sampler's order matters). */
export function buildInstances(task: TaskDefinition, docs: TaskDocs, o: BuildOptions): DocInstance[] {
  const docIds = o.docIds
    ? [...new Set(o.docIds)].sort((a, b) => a - b)
    : Array.from({ length: effectiveDocCount(docs.eval.length, o.limit) }, (_, i) => i);
  const fewshotDocs = docs.fewshot ?? docs.eval;
  const rendered: RenderedExamples = new Map();
  return docIds.map((docId) => {
    const doc = docs.eval[docId];
    if (doc === undefined)
      throw new UserError(`task ${task.name} has no document ${docId} (it has ${docs.eval.length})`, {
        field: '--samples',
      });
    const prompt = buildFewshotContext(task, doc, o.numFewshot, o.rnd, fewshotDocs, rendered);
    const messages = o.chat && chatMessages(o.chat, prompt);
    const context = messages ? o.chat!.render(messages) : prompt;
    const target = task.docToTarget(doc);
    const choices = task.docToChoice?.(doc);
    const once = requestsFor(task, { context, ...(messages ? { messages } : {}) }, target, choices, o);
    const repeats = task.outputType === 'generate_until' ? task.repeats : 1;
    return {
      task: task.name,
      docId,
      doc,
      context,
      target,
      ...(choices ? { choices } : {}),
      requests: Array.from({ length: repeats }, () => once),
    };
  });
}

/** The whole plain prompt as one user turn, after the system message. */
function chatMessages(chat: ChatFormat, prompt: string): ChatMessage[] {
  return [
    ...(chat.system ? [{ role: 'system' as const, content: chat.system }] : []),
    { role: 'user', content: prompt },
  ];
}

/** The prompt of a doc's requests: rendered text, and the chat it came from. */
interface Prompt {
  readonly context: string;
  readonly messages?: readonly ChatMessage[];
}

function requestsFor(
  task: TaskDefinition,
  prompt: Prompt,
  target: DocInstance['target'],
  choices: readonly string[] | undefined,
  o: Pick<BuildOptions, 'maxGenToks' | 'reasoning'>,
): Request[] {
  switch (task.outputType) {
    case 'multiple_choice':
      if (!choices) throw new Error(`task ${task.name}: multiple_choice without doc_to_choice`);
      return choices.map((choice) => ({
        kind: 'loglikelihood',
        ...prompt,
        continuation: task.targetDelimiter + choice,
      }));
    case 'loglikelihood':
      // lm-eval scores doc_to_target as it stands: a loglikelihood task writes its own leading space.
      return [{ kind: 'loglikelihood', ...prompt, continuation: String(target) }];
    case 'loglikelihood_rolling':
      return [{ kind: 'loglikelihoodRolling', text: String(target) }];
    case 'generate_until': {
      const g = task.generation;
      if (!g) throw new Error(`task ${task.name}: generate_until without generation settings`);
      return [
        {
          kind: 'generateUntil',
          ...prompt,
          settings: {
            until: g.until,
            maxGenToks: o.maxGenToks ?? g.maxGenToks,
            temperature: g.doSample ? g.temperature : 0,
            ...(o.reasoning ? { reasoning: o.reasoning } : {}),
          },
        },
      ];
    }
  }
}
