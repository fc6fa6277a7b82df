import { describe, expect, it } from 'vitest';
import type { ChatMessage } from '../requests/types.ts';
import { resolveDataDir } from '../documents/data-dir.ts';
import { loadCatalog } from '../task/index.ts';
import { PythonRandom } from '../python/random.ts';
import type { TaskDefinition } from '../task/types.ts';
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

describe('buildInstances with sampled repeats', () => {
  it('gives each sample of each doc its own seed, derived from the run seed alone', async () => {
    const { catalog } = await loadCatalog({ includePaths: [], dataDir: resolveDataDir() });
    const [greedy] = catalog.resolve(['humaneval']).tasks;
    const sampled = {
      ...greedy!,
      repeats: 4,
      generation: { ...greedy!.generation!, doSample: true, temperature: 0.8, topP: 0.95 },
    };
    const docs = await greedy!.loadDocs();
    const build = (task: TaskDefinition, limit: number, samplingSeed: number) =>
      buildInstances(task, docs, { numFewshot: 0, limit, rnd: new PythonRandom(1234), samplingSeed });
    const seedsOf = (instances: ReturnType<typeof build>) =>
      instances.map((i) => i.requests.map((r) => (r[0]!.kind === 'generateUntil' ? r[0]!.settings.seed : null)));

    const three = build(sampled, 3, 0);
    const seeds = seedsOf(three).flat();
    expect(new Set(seeds).size).toBe(12);
    for (const seed of seeds) expect(Number.isSafeInteger(seed)).toBe(true);
    const settings = three[0]!.requests[0]![0]!.kind === 'generateUntil' && three[0]!.requests[0]![0]!.settings;
    expect(settings).toMatchObject({ temperature: 0.8, topP: 0.95 });
    // The same samples whatever else runs with them; another run seed, other samples.
    expect(seedsOf(build(sampled, 2, 0))).toEqual(seedsOf(three).slice(0, 2));
    expect(
      seedsOf(build(sampled, 3, 1))
        .flat()
        .some((seed, i) => seed === seeds[i]),
    ).toBe(false);
    // Greedy tasks keep their requests (and cache keys) as they were: no seed.
    expect(seedsOf(build(greedy!, 3, 0)).flat()).toEqual([undefined, undefined, undefined]);
  });
});
