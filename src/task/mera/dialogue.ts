import type { Doc } from '../../documents/types.ts';
import { pythonStrip } from '../../python/whitespace.ts';
import type { DialogueSpec } from '../types.ts';
import { asRecord, inputFields, type MeraRecord } from './records.ts';
import type { Format } from './specs.ts';

/** Where ruTiE's instructions take the dialogue so far. */
const CONTEXT = '{context}';
const TURN_FIELDS = ['question', 'choice1', 'choice2'];

/**
 * ruTiE's doc_to_text formats only {question}, {choice1}, {choice2}: every other brace of the
 * instruction is escaped first (benchmark_tasks/rutie/rutie.yaml).
 */
function onlyTurnFields(template: string): string {
  let escaped = template.replaceAll('{', '{{').replaceAll('}', '}}');
  for (const field of TURN_FIELDS) escaped = escaped.replaceAll(`{{${field}}}`, `{${field}}`);
  return escaped;
}

/** An earlier turn as the history shows it, with the answer the model gave (not the gold one). */
function pastTurn(record: MeraRecord, answer: string, format: Format): string {
  return `${pythonStrip(format('{question}\n1. {choice1}\n2. {choice2}\nОтвет:', inputFields(record)), 'left')} ${answer}`;
}

/**
 * MERA's ruTiE (benchmark_tasks/rutie/utils.py, custom_context_formers.py ruTiEContextFormer, as
 * run_benchmark.sh runs it, with shots): the instruction is split at {context}; the first part,
 * as written, then the earlier turns joined by "\n\n", then "\n\n" and the second part filled
 * with the turn's question and stripped. At the first turn there is no history and {context} is
 * dropped; the former still writes its "\n\n" before the question.
 */
export const rutieDialogue = {
  /** Dialogues in order, each by question number (its process_docs). */
  order(docs: readonly Doc[]): Doc[] {
    const key = (doc: Doc) => {
      const meta = asRecord(doc).meta;
      return [Number(meta.dialog_id), Number(meta.question_id)] as const;
    };
    return [...docs].sort((a, b) => {
      const [da, qa] = key(a);
      const [db, qb] = key(b);
      return da - db || qa - qb;
    });
  },

  spec(format: (record: MeraRecord) => Format): DialogueSpec {
    return {
      turnOf: (doc) => {
        const meta = asRecord(doc).meta;
        return { dialogue: String(meta.dialog_id), turn: Number(meta.question_id) };
      },
      prompt: (doc, history) => {
        const record = asRecord(doc);
        const fill = format(record);
        const cut = record.instruction.indexOf(CONTEXT);
        if (history.length === 0 || cut < 0) {
          const instruction = record.instruction.replace(CONTEXT, '');
          return `\n\n${pythonStrip(fill(onlyTurnFields(instruction), inputFields(record)))}`;
        }
        const first = record.instruction.slice(0, cut);
        const second = record.instruction.slice(cut + CONTEXT.length);
        const turns = history.map((h) => pastTurn(asRecord(h.doc), h.answer, format(asRecord(h.doc))));
        return `${first}${turns.join('\n\n')}\n\n${pythonStrip(fill(onlyTurnFields(second), inputFields(record)))}`;
      },
    };
  },
};
