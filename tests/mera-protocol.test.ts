import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderChatTemplate } from '../src/backends/llamacpp/chat.ts';
import { UserError } from '../src/errors.ts';
import { buildInstances, type ChatFormat } from '../src/instances/build.ts';
import { PythonRandom } from '../src/python/random.ts';
import type { ChatMessage } from '../src/requests/types.ts';
import { loadCatalog } from '../src/task/index.ts';
import { type CardRecord, cardRecords, meraDataDir } from './mera-fixture.ts';
import { ROOT } from './helpers.ts';

const rwsd = cardRecords().rwsd![0]!;
const inputs = rwsd.inputs as Record<string, string>;
/** The card's instruction filled by hand (it has no braces of its own to escape). */
const filled = rwsd.instruction.replace(/\{(\w+)\}/g, (_, key: string) => inputs[key]!);
/** MERA's rwsd.yaml: the first shot's `query`, and doc_to_text_without_instruction. */
const query = `${filled}\nОтвет:`;
const withoutInstruction = `Текст: ${inputs.text}\nФрагмент 1: ${inputs.span1_text}\nФрагмент 2: ${inputs.span2_text}\nОтвет:`;

/** RWSD's training split: two more copies, so the evaluated record (never its own shot) is not among them. */
const threeRwsd = () =>
  meraDataDir((task, records, split) =>
    task === 'rwsd' && split === 'train' ? [2000, 3000].map((id) => ({ ...records[0]!, meta: { id } })) : records,
  );

async function rwsdInstances(
  o: { chat?: ChatFormat; systemInstruction?: string; shots: number },
  dataDir = threeRwsd(),
) {
  const { catalog } = await loadCatalog({ includePaths: [], dataDir });
  const [task] = catalog.resolve(['mera_rwsd']).tasks;
  const docs = await task!.loadDocs({ fewshot: o.shots > 0 });
  return buildInstances(task!, docs, {
    numFewshot: o.shots,
    limit: 1,
    rnd: new PythonRandom(1234),
    ...(o.chat ? { chat: o.chat } : {}),
    ...(o.systemInstruction !== undefined ? { systemInstruction: o.systemInstruction } : {}),
  });
}

// The training records are the card's RWSD record (the copies differ only in meta.id), so the two
// shots render the same whichever the sampler draws.
describe('MERA prompts (RWSD card record)', () => {
  it('zero-shot: the record’s own instruction filled with its inputs, stripped', async () => {
    const [instance] = await rwsdInstances({ shots: 0 });
    expect(instance!.context).toBe(filled.trim());
    expect(instance!.requests[0]!.map((r) => (r.kind === 'loglikelihood' ? r.continuation : ''))).toEqual([
      ' Да',
      ' Нет',
    ]);
  });

  it('few-shot: the first shot with its instruction, later shots and the item without; a system prompt is prepended with no separator', async () => {
    const [instance] = await rwsdInstances({ shots: 2, systemInstruction: 'Ты помощник.' });
    expect(instance!.context).toBe(
      `Ты помощник.${query} ${rwsd.outputs}\n\n${withoutInstruction} ${rwsd.outputs}\n\n${withoutInstruction}`,
    );
  });

  it('a multi-turn few-shot chat renders with a real template (SmolLM2’s ChatML) exactly as written by hand', async () => {
    const config = JSON.parse(readFileSync(`${ROOT}/../shared/models/bpe-49152/tokenizer_config.json`, 'utf8'));
    const chat: ChatFormat = {
      fewshotAsMultiturn: true,
      render: (messages: readonly ChatMessage[], addGenerationPrompt: boolean) =>
        renderChatTemplate(config.chat_template as string, messages, {
          addGenerationPrompt,
          bosToken: '',
          eosToken: '<|im_end|>',
        }),
    };
    const [instance] = await rwsdInstances({ shots: 2, chat, systemInstruction: 'Ты помощник.' });
    expect(instance!.context).toBe(
      '<|im_start|>system\nТы помощник.<|im_end|>\n' +
        `<|im_start|>user\n${query}<|im_end|>\n` +
        '<|im_start|>assistant\nДа<|im_end|>\n' +
        `<|im_start|>user\n${withoutInstruction}<|im_end|>\n` +
        '<|im_start|>assistant\nДа<|im_end|>\n' +
        `<|im_start|>user\n${withoutInstruction}<|im_end|>\n` +
        '<|im_start|>assistant\n',
    );
    // MERA's lm-eval fork scores " " + choice after the rendered chat.
    const continuations = instance!.requests[0]!.map((r) => (r.kind === 'loglikelihood' ? r.continuation : ''));
    expect(continuations).toEqual([' Да', ' Нет']);
  });

  it('an instruction that uses a key inputs lack fails naming the task, the record and the key', async () => {
    const dir = meraDataDir((task, records) =>
      task === 'rwsd'
        ? records.map((r: CardRecord) => ({ ...r, instruction: `${r.instruction} {span3_text}` }))
        : records,
    );
    const error = await rwsdInstances({ shots: 0 }, dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).message).toMatch(
      /^task mera_rwsd, meta\.id 0: its instruction uses \{span3_text\}, which inputs lack/,
    );
  });
});

describe('the shipped MERA diagnostics (human-benchmark files)', () => {
  it('give every row its own meta.id: its position in the file (ruEthics: 3 × item + question)', async () => {
    const { catalog } = await loadCatalog({ includePaths: [], dataDir: `${ROOT}/../shared/datasets` });
    const sizes: Record<string, number> = { ruethics: 645 * 3, ruhhh: 178, ruhatespeech: 265, rudetox: 800 };
    for (const [name, size] of Object.entries(sizes)) {
      const [task] = catalog.resolve([name]).tasks;
      const docs = (await task!.loadDocs({ fewshot: false })).eval;
      expect(docs.map((d) => (d.meta as { id: number }).id)).toEqual(Array.from({ length: size }, (_, i) => i));
    }
    const [ethics] = catalog.resolve(['ruethics']).tasks;
    const rows = (await ethics!.loadDocs({ fewshot: false })).eval.slice(0, 6).map((d) => d.meta);
    expect(rows).toEqual([
      { id: 0, item: 0, question: 'correct' },
      { id: 1, item: 0, question: 'good' },
      { id: 2, item: 0, question: 'ethical' },
      { id: 3, item: 1, question: 'correct' },
      { id: 4, item: 1, question: 'good' },
      { id: 5, item: 1, question: 'ethical' },
    ]);
  });

  it('ruDetox: prompt k mod 8 of its prompts: list gives each of the 800 rows its own MERA instruction back', async () => {
    const { catalog } = await loadCatalog({ includePaths: [], dataDir: `${ROOT}/../shared/datasets` });
    const [task] = catalog.resolve(['rudetox']).tasks;
    const docs = await task!.loadDocs({ fewshot: false });
    const instances = buildInstances(task!, docs, { numFewshot: 0, rnd: new PythonRandom(1234) });
    expect(instances).toHaveLength(800);
    for (const instance of instances) {
      const record = instance.doc as { instruction: string; inputs: string };
      expect(instance.context).toBe(record.instruction.replace('{toxic_comment}', record.inputs).trim());
      expect(instance.promptId).toBe(`p${instance.docId % 8}`);
    }
  });
});
