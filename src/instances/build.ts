import type { TaskDocs } from '../documents/types.ts';
import type { ChatMessage, Request } from '../requests/types.ts';
import type { TaskDefinition } from '../task/types.ts';
import { chatMessages } from './chat.ts';
import { type FewshotRandom, plainPrompt, promptParts, type RenderedExamples } from './fewshot.ts';
import type { DocInstance } from './types.ts';

export interface BuildOptions {
  readonly numFewshot: number;
  /** First N docs only (lm-eval's --limit); a fraction < 1 means that share of the docs. */
  readonly limit?: number;
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
  const evalDocs = docs.eval.slice(0, effectiveDocCount(docs.eval.length, o.limit));
  const fewshotDocs = docs.fewshot ?? docs.eval;
  const rendered: RenderedExamples = new Map();
  return evalDocs.map((doc, docId) => {
    const parts = promptParts(task, doc, o.numFewshot, o.rnd, fewshotDocs, rendered);
    const chat = o.chat;
    const messages = chat && chatMessages(task, parts, { ...o, fewshotAsMultiturn: chat.fewshotAsMultiturn });
    const context = messages ? chat.render(messages, !parts.genPrefix) : plainPrompt(task, parts, o.systemInstruction);
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
        // Under a chat template the answer follows the assistant's turn opening directly (lm-eval).
        continuation: (prompt.messages ? '' : task.targetDelimiter) + choice,
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
