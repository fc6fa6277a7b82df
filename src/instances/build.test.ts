import { describe, expect, it } from 'vitest';
import type { ChatMessage } from '../requests/types.ts';
import { resolveDataDir } from '../documents/data-dir.ts';
import { loadCatalog } from '../task/index.ts';
import { PythonRandom } from '../python/random.ts';
import { toDocResponse } from '../responses/collect.ts';
import { createMetricScorer } from '../scoring/metric-scorer.ts';
import { buildInstances, type ChatFormat } from './build.ts';

/** A visible stand-in for a model's template: every turn tagged, the assistant's turn opened. */
const render = (messages: readonly ChatMessage[]) =>
  `${messages.map((m) => `<|${m.role}|>${m.content}<|end|>`).join('')}<|assistant|>`;

describe('buildInstances with a chat format', () => {
  it.each([
    ['arc_easy', 0],
    ['gsm8k', 2],
  ])(
    '%s (%i-shot): requests carry the chat and its rendering; the user turn is the plain prompt',
    async (name, shots) => {
      const { catalog } = await loadCatalog({ includePaths: [], dataDir: resolveDataDir() });
      const [task] = catalog.resolve([name]).tasks;
      const docs = await task!.loadDocs({ fewshot: shots > 0 });
      const build = (chat?: ChatFormat) =>
        buildInstances(task!, docs, {
          numFewshot: shots,
          limit: 3,
          rnd: new PythonRandom(1234),
          ...(chat ? { chat } : {}),
        });
      const plain = build();
      const chat = build({ system: 'Answer briefly.', render });
      expect(chat).toHaveLength(3);
      chat.forEach((instance, i) => {
        const messages = [
          { role: 'system', content: 'Answer briefly.' },
          { role: 'user', content: plain[i]!.context },
        ];
        expect(instance.context).toBe(render(messages as ChatMessage[]));
        for (const request of instance.requests[0]!) {
          expect(request.kind === 'loglikelihoodRolling' ? undefined : request.messages).toEqual(messages);
          expect('context' in request && request.context).toBe(instance.context);
        }
        // Without a chat format nothing changes: no messages, the plain prompt.
        for (const request of plain[i]!.requests[0]!) expect('messages' in request).toBe(false);
      });
    },
  );
});

describe('buildInstances for acc_mutual_info', () => {
  it('adds lm-eval\'s unconditional ("", delimiter + choice) requests after the conditional ones', async () => {
    const { catalog } = await loadCatalog({ includePaths: [], dataDir: resolveDataDir() });
    const [arc] = catalog.resolve(['arc_easy']).tasks;
    const task = { ...arc!, metrics: [...arc!.metrics, { metric: 'acc_mutual_info' }] };
    const docs = await task.loadDocs({ fewshot: false });
    const options = { numFewshot: 0, limit: 1, rnd: new PythonRandom(1234) };
    const [plain] = buildInstances(arc!, docs, options);
    const [instance] = buildInstances(task, docs, options);
    const choices = instance!.choices!;
    expect(instance!.requests[0]).toEqual([
      ...plain!.requests[0]!,
      ...choices.map((choice) => ({ kind: 'loglikelihood', context: '', continuation: ` ${choice}` })),
    ]);

    // The second half comes back as the unconditional log-likelihoods; acc still reads the first.
    const result = (logprob: number) => ({ logprob, isGreedy: false, tokens: 1, truncated: false });
    const conditional = choices.map((_, i) => result(-1 - i));
    const unconditional = choices.map((_, i) => result(i === choices.length - 1 ? -9 : -1 - i));
    const response = toDocResponse('multiple_choice', instance!, [[...conditional, ...unconditional]]);
    expect(response).toMatchObject({
      logprobs: conditional.map((r) => r.logprob),
      unconditionalLogprobs: unconditional.map((r) => r.logprob),
    });
    const gold = choices.length - 1;
    const [scored] = await createMetricScorer(task).scoreDoc({ ...instance!, target: gold }, response, {});
    // acc picks choice 0 (-1); PMI is 0 for every choice but the last (-k + 9 > 0), which wins.
    expect(scored!.values).toMatchObject({ acc: 0, acc_mutual_info: 1 });
  });
});
