import type { Request } from '../requests/types.ts';
import type { Doc } from '../documents/types.ts';

/** One evaluated document with the requests it needs (one per choice for multiple choice). */
export interface DocInstance {
  readonly task: string;
  readonly docId: number;
  readonly doc: Doc;
  /** Which of the task's prompts asked it (tasks with several prompts). */
  readonly promptId?: string;
  /** The full prompt before the continuation (few-shot context + doc_to_text; a multiple-input task: the few-shot context). */
  readonly context: string;
  /** generate_until / loglikelihood: target string. multiple_choice: index of the gold choice. */
  readonly target: string | number | readonly string[];
  readonly choices?: readonly string[];
  /** A multiple-input task's gold: the choice doc_to_text points at (target is then the continuation). */
  readonly gold?: number;
  /** requests[repeat][i]: repeats > 1 only for generate_until. */
  readonly requests: readonly (readonly Request[])[];
}
