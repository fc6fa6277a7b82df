import { describe, expect, it } from 'vitest';
import type { ChatMessage } from '../requests/types.ts';
import { resolveDataDir } from '../documents/data-dir.ts';
import { loadCatalog } from '../task/index.ts';
import { PythonRandom } from '../python/random.ts';
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
