import { createHash } from 'node:crypto';
import type { Doc, TaskDocs } from '../documents/types.ts';
import type { ChatMessage, LoglikelihoodRequest, Request } from '../requests/types.ts';
import { UserError } from '../errors.ts';
import type { TaskDefinition, TaskPrompt } from '../task/types.ts';
import { chatMessages } from './chat.ts';
import { type FewshotRandom, type PromptParts, plainPrompt, promptParts, type RenderedExamples } from './fewshot.ts';
import type { DocInstance } from './types.ts';

export interface BuildOptions {
  readonly numFewshot: number;
  /** First N docs only (lm-eval's --limit); a fraction < 1 means that share of the docs. */
  readonly limit?: number;
  /** Only these documents, by index, in doc order (lm-eval's --samples); excludes limit. */
  readonly docIds?: readonly number[];
  /** A fresh sampler seeded with the few-shot seed; used for this task's docs in order. */
  readonly rnd: FewshotRandom;
  /** lm-eval's --system_instruction: a system turn under a chat template, else prepended to the prompt. */
  readonly systemInstruction?: string;
  /** Sends the prompt as a chat: requests carry the messages and the template's rendering of them. */
  readonly chat?: ChatFormat;
  /** Overrides every generation's max_gen_toks (--max_gen_toks). */
  readonly maxGenToks?: number;
  /** Reasoning markers: stop strings inside them do not end a generation (--think strip). */
  readonly reasoning?: { readonly open: string; readonly close: string };
  /** The run's seed: each sampled generation gets its own seed derived from it (see samplingSeed). */
  readonly samplingSeed?: number;
  /** A task with several prompts asks every doc with each of them (--prompts all), not doc k with prompt k mod P. */
  readonly allPrompts?: boolean;
}

export interface ChatFormat {
  /**
   * The model's chat template: with the assistant's turn opened (addGenerationPrompt), or
   * continuing the final assistant message (a task's gen_prefix).
   */
  readonly render: (messages: readonly ChatMessage[], addGenerationPrompt: boolean) => string;
  /** Few-shot examples as user/assistant turns (lm-eval's --fewshot_as_multiturn), else one user turn. */
  readonly fewshotAsMultiturn: boolean;
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
  // lm-eval decides "multiple input" once, from the task's first document.
  const first = docs.eval[0];
  const multipleInput =
    task.outputType === 'multiple_choice' && first !== undefined && task.docToInputIndex?.(first) !== undefined;
  // Each prompt renders examples its own way: one cache per prompt.
  const renderedFor = new Map<string | undefined, RenderedExamples>();
  return docIds.flatMap((docId) => {
    const doc = docs.eval[docId];
    if (doc === undefined)
      throw new UserError(`task ${task.name} has no document ${docId} (it has ${docs.eval.length})`, {
        field: '--samples',
      });
    return promptsOf(task, docId, o.allPrompts).map((prompt) => {
      const view = prompt ? { ...task, docToText: prompt.docToText } : task;
      const rendered = renderedFor.get(prompt?.id) ?? new Map();
      renderedFor.set(prompt?.id, rendered);
      const parts = promptParts(view, doc, o.numFewshot, o.rnd, fewshotDocs, rendered);
      const promptId = prompt?.id ?? task.docPromptId?.(doc);
      const instance = multipleInput
        ? multipleInputInstance(task, doc, docId, parts, o)
        : docInstance(task, doc, docId, parts, o);
      return promptId === undefined ? instance : { ...instance, promptId };
    });
  });
}

/**
 * The prompts doc `docId` is asked with: prompt k mod P of a task's P prompts, so the prompts share
 * the docs evenly (counts differ by at most 1) and a doc keeps its prompt whatever --limit says;
 * every prompt with `all`. [undefined]: the task has one prompt.
 */
export function promptsOf(task: TaskDefinition, docId: number, all?: boolean): readonly (TaskPrompt | undefined)[] {
  const prompts = task.prompts;
  if (!prompts || prompts.length === 0) return [undefined];
  return all ? prompts : [prompts[docId % prompts.length]];
}

/** One document's instance from its prompt parts: plain text or a chat, and its requests. */
export function docInstance(
  task: TaskDefinition,
  doc: Doc,
  docId: number,
  parts: PromptParts,
  o: Omit<BuildOptions, 'numFewshot' | 'rnd'>,
): DocInstance {
  const chat = o.chat;
  const messages = chat && chatMessages(task, parts, { ...o, fewshotAsMultiturn: chat.fewshotAsMultiturn });
  const context = messages ? chat.render(messages, !parts.genPrefix) : plainPrompt(task, parts, o.systemInstruction);
  const target = task.docToTarget(doc);
  const choices = task.docToChoice?.(doc);
  const once = requestsFor(task, { context, ...(messages ? { messages } : {}) }, target, choices, o);
  const repeats = task.outputType === 'generate_until' ? task.repeats : 1;
  const sampled = task.generation?.doSample && o.samplingSeed !== undefined;
  const requests = Array.from({ length: repeats }, (_, repeat) =>
    sampled ? once.map((r) => withSeed(r, samplingSeed(o.samplingSeed!, task.name, docId, repeat))) : once,
  );
  return { task: task.name, docId, doc, context, target, ...(choices ? { choices } : {}), requests };
}

/**
 * A multiple-input document (winogrande): the few-shot context, then each choice as the end of the
 * context, and doc_to_target as the continuation scored after every one of them; the gold is the
 * choice doc_to_text points at (lm-eval's construct_requests and process_results).
 */
function multipleInputInstance(
  task: TaskDefinition,
  doc: Doc,
  docId: number,
  parts: PromptParts,
  o: BuildOptions,
): DocInstance {
  const choices = task.docToChoice!(doc);
  const target = task.docToTarget(doc);
  // lm-eval returns the few-shot context alone here: no question, no gen_prefix.
  const shots: PromptParts = { description: parts.description, examples: parts.examples, question: '' };
  let context: string;
  let requests: LoglikelihoodRequest[];
  const chat = o.chat;
  if (chat) {
    const history = chatMessages(task, shots, { ...o, fewshotAsMultiturn: chat.fewshotAsMultiturn }).filter(
      (m) => m.content !== '',
    );
    context = history.length > 0 ? chat.render(history, true) : '';
    requests = choices.map((choice) => {
      const turn = { role: 'user' as const, content: choice };
      return {
        kind: 'loglikelihood',
        context: context + chat.render([turn], true),
        continuation: String(target),
        messages: [...history, turn],
      };
    });
  } else {
    context = plainPrompt(task, shots, o.systemInstruction);
    requests = choices.map((choice) => ({
      kind: 'loglikelihood',
      context: context + choice,
      continuation: task.targetDelimiter + String(target),
    }));
  }
  const gold = task.docToInputIndex!(doc);
  return {
    task: task.name,
    docId,
    doc,
    context,
    target,
    choices,
    ...(gold !== undefined ? { gold } : {}),
    requests: [requests],
  };
}

/**
 * The seed of sample `repeat` of doc `docId`: a hash of the run seed and the sample's place, so a
 * sample is the same whatever the batch size, order or interruption, and repeats differ.
 */
export function samplingSeed(runSeed: number, task: string, docId: number, repeat: number): number {
  return createHash('sha256').update(`${runSeed}\0${task}\0${docId}\0${repeat}`).digest().readUInt32BE(0) >>> 1;
}

function withSeed(request: Request, seed: number): Request {
  return request.kind === 'generateUntil' ? { ...request, settings: { ...request.settings, seed } } : request;
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
    case 'multiple_choice': {
      if (!choices) throw new Error(`task ${task.name}: multiple_choice without doc_to_choice`);
      // Under a chat template the answer follows the assistant's turn opening directly (lm-eval);
      // MERA's fork of lm-eval still writes the delimiter there.
      const delimiter = prompt.messages && !task.chatKeepsTargetDelimiter ? '' : task.targetDelimiter;
      return [
        ...choices.map(
          (choice): Request => ({
            kind: 'loglikelihood',
            ...prompt,
            continuation: delimiter + choice,
          }),
        ),
        // acc_mutual_info subtracts log P(choice) with no context: lm-eval's extra ("", choice) requests.
        ...(task.metrics.some((m) => m.metric === 'acc_mutual_info')
          ? choices.map(
              (choice): Request => ({
                kind: 'loglikelihood',
                context: '',
                continuation: delimiter + choice,
              }),
            )
          : []),
      ];
    }
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
            ...(g.doSample && g.topP !== undefined ? { topP: g.topP } : {}),
            ...(o.reasoning ? { reasoning: o.reasoning } : {}),
          },
        },
      ];
    }
  }
}
