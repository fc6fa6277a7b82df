import type { Backend } from '../backends/types.ts';
import type { Doc } from '../documents/types.ts';
import { type BuildOptions, docInstance, effectiveDocCount } from '../instances/build.ts';
import type { DocInstance } from '../instances/types.ts';
import type { Result } from '../requests/types.ts';
import type { DialogueSpec, TaskDefinition } from '../task/types.ts';
import { type DispatchOptions, dispatchRequests } from './dispatch.ts';

/** A dialogue task's docs (after --limit), grouped by turn number: round r asks every dialogue's turn r. */
export function dialogueRounds(spec: DialogueSpec, docs: readonly Doc[], limit: number | undefined): number[][] {
  const rounds: number[][] = [];
  const count = effectiveDocCount(docs.length, limit);
  for (let docId = 0; docId < count; docId++) {
    const { turn } = spec.turnOf(docs[docId]!);
    const round = rounds[turn] ?? [];
    round.push(docId);
    rounds[turn] = round;
  }
  return rounds.filter((round) => round !== undefined);
}

/** What the model answered: the choice with the highest log-likelihood (first of equals), or the text. */
export function answerOf(instance: DocInstance, results: readonly (readonly Result[])[]): string {
  const first = results[0] ?? [];
  if (instance.choices) {
    const logprobs = instance.choices.map((_, i) => {
      const r = first[i];
      return r && 'logprob' in r ? r.logprob : Number.NEGATIVE_INFINITY;
    });
    return instance.choices[logprobs.indexOf(Math.max(...logprobs))]!;
  }
  const r = first[0];
  return r && 'text' in r ? r.text.trim() : '';
}

/**
 * Runs a dialogue task turn by turn: every dialogue's turn r is asked (one backend call for all
 * dialogues) once the answers to its turn r − 1 are in, and each prompt is built from the model's
 * own earlier answers. Calls onInstanceDone with each instance and its results as they complete.
 */
export async function runDialogues(
  task: TaskDefinition & { readonly dialogue: DialogueSpec },
  docs: readonly Doc[],
  o: Omit<BuildOptions, 'numFewshot' | 'rnd'> & {
    readonly backend: Backend;
    readonly dispatch: Omit<DispatchOptions, 'onInstanceDone'>;
    readonly onInstanceDone: (instance: DocInstance, results: readonly (readonly Result[])[]) => void;
  },
): Promise<void> {
  const history = new Map<string, { doc: Doc; answer: string }[]>();
  for (const round of dialogueRounds(task.dialogue, docs, o.limit)) {
    const instances = round.map((docId) => {
      const doc = docs[docId]!;
      const past = history.get(task.dialogue.turnOf(doc).dialogue) ?? [];
      const question = task.dialogue.prompt(doc, past);
      return docInstance(task, doc, docId, { description: '', examples: [], question }, o);
    });
    const answers: string[] = [];
    await dispatchRequests(o.backend, instances, {
      ...o.dispatch,
      onInstanceDone: (i, results) => {
        answers[i] = answerOf(instances[i]!, results);
        o.onInstanceDone(instances[i]!, results);
      },
    });
    instances.forEach((instance, i) => {
      const dialogue = task.dialogue.turnOf(instance.doc).dialogue;
      history.set(dialogue, [...(history.get(dialogue) ?? []), { doc: instance.doc, answer: answers[i]! }]);
    });
  }
}
