import { createHash } from 'node:crypto';
import type { TaskDocs } from '../documents/types.ts';
import type { ChatMessage, Request } from '../requests/types.ts';
import type { TaskDefinition } from '../task/types.ts';
import { buildFewshotContext, type FewshotRandom, type RenderedExamples } from './fewshot.ts';
import type { DocInstance } from './types.ts';

export interface BuildOptions {
  readonly numFewshot: number;
  /** First N docs only (lm-eval's --limit); a fraction < 1 means that share of the docs. */
  readonly limit?: number;
  /** A fresh sampler seeded with the few-shot seed; used for this task's docs in order. */
  readonly rnd: FewshotRandom;
  /** Sends the prompt as a chat: requests carry the messages and the template's rendering of them. */
  readonly chat?: ChatFormat;
  /** Overrides every generation's max_gen_toks (--max_gen_toks). */
  readonly maxGenToks?: number;
  /** Reasoning markers: stop strings inside them do not end a generation (--think strip). */
  readonly reasoning?: { readonly open: string; readonly close: string };
  /** The run's seed: each sampled generation gets its own seed derived from it (see samplingSeed). */
  readonly samplingSeed?: number;
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
  const evalDocs = docs.eval.slice(0, effectiveDocCount(docs.eval.length, o.limit));
  const fewshotDocs = docs.fewshot ?? docs.eval;
  const rendered: RenderedExamples = new Map();
  return evalDocs.map((doc, docId) => {
    const prompt = buildFewshotContext(task, doc, o.numFewshot, o.rnd, fewshotDocs, rendered);
    const messages = o.chat && chatMessages(o.chat, prompt);
    const context = messages ? o.chat!.render(messages) : prompt;
    const target = task.docToTarget(doc);
    const choices = task.docToChoice?.(doc);
    const once = requestsFor(task, { context, ...(messages ? { messages } : {}) }, target, choices, o);
    const repeats = task.outputType === 'generate_until' ? task.repeats : 1;
    const sampled = task.generation?.doSample && o.samplingSeed !== undefined;
    const requests = Array.from({ length: repeats }, (_, repeat) =>
      sampled ? once.map((r) => withSeed(r, samplingSeed(o.samplingSeed!, task.name, docId, repeat))) : once,
    );
    return {
      task: task.name,
      docId,
      doc,
      context,
      target,
      ...(choices ? { choices } : {}),
      requests,
    };
  });
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
            ...(g.doSample && g.topP !== undefined ? { topP: g.topP } : {}),
            ...(o.reasoning ? { reasoning: o.reasoning } : {}),
          },
        },
      ];
    }
  }
}
