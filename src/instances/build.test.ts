import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderChatTemplate } from '../backends/llamacpp/chat.ts';
import { resolveDataDir } from '../documents/data-dir.ts';
import { PythonRandom } from '../python/random.ts';
import type { ChatMessage } from '../requests/types.ts';
import { toDocResponse } from '../responses/collect.ts';
import { createMetricScorer } from '../scoring/metric-scorer.ts';
import { loadCatalog } from '../task/index.ts';
import { type BuildOptions, buildInstances, type ChatFormat } from './build.ts';
import type { TaskDefinition } from '../task/types.ts';

/** A visible stand-in for a model's template: every turn tagged, the assistant's turn opened. */
const render = (messages: readonly ChatMessage[], addGenerationPrompt: boolean) =>
  `${messages.map((m) => `<|${m.role}|>${m.content}<|end|>`).join('')}${addGenerationPrompt ? '<|assistant|>' : ''}`;

async function build(name: string, shots: number, o: Partial<BuildOptions> = {}) {
  const { catalog } = await loadCatalog({ includePaths: [], dataDir: resolveDataDir() });
  const [task] = catalog.resolve([name]).tasks;
  const docs = await task!.loadDocs({ fewshot: shots > 0 });
  return buildInstances(task!, docs, { numFewshot: shots, limit: 2, rnd: new PythonRandom(1234), ...o });
}

const messagesOf = (instance: Awaited<ReturnType<typeof build>>[number]) => {
  const request = instance.requests[0]![0]!;
  return request.kind === 'loglikelihoodRolling' ? undefined : request.messages;
};

describe('buildInstances: prompts as lm-eval builds them', () => {
  it('a system instruction without a chat template is prepended, joined to the description by the few-shot delimiter', async () => {
    const plain = await build('mmlu_abstract_algebra', 0);
    const withSystem = await build('mmlu_abstract_algebra', 0, { systemInstruction: 'Be brief.' });
    // mmlu's description ends with "\n\n"; lm-eval puts the few-shot delimiter ("\n\n") between.
    expect(withSystem[0]!.context).toBe(`Be brief.\n\n${plain[0]!.context}`);
    expect(plain[0]!.context.startsWith('The following are multiple choice questions')).toBe(true);
    const arc = await build('arc_easy', 0, { systemInstruction: 'Be brief.' });
    const arcPlain = await build('arc_easy', 0);
    expect(arc[0]!.context).toBe(`Be brief.${arcPlain[0]!.context}`); // no description: no delimiter
  });

  it('under a chat template: system = instruction + delimiter + description, the question a user turn, choices without target_delimiter', async () => {
    const chat: ChatFormat = { render, fewshotAsMultiturn: true };
    const plain = await build('mmlu_abstract_algebra', 0);
    const [instance] = await build('mmlu_abstract_algebra', 0, { chat, systemInstruction: 'Be brief.' });
    const description = plain[0]!.context.slice(0, plain[0]!.context.indexOf('\n\n') + 2);
    const question = plain[0]!.context.slice(description.length);
    const expected = [
      { role: 'system', content: `Be brief.\n\n${description}` },
      { role: 'user', content: question },
    ];
    expect(messagesOf(instance!)).toEqual(expected);
    expect(instance!.context).toBe(render(expected as ChatMessage[], true));
    expect(instance!.requests[0]!.map((r) => r.kind === 'loglikelihood' && r.continuation)).toEqual([
      'A',
      'B',
      'C',
      'D',
    ]);
  });

  it('few-shot as turns, or as one user turn the question joins', async () => {
    const plain = await build('gsm8k', 2);
    const turns = await build('gsm8k', 2, { chat: { render, fewshotAsMultiturn: true } });
    const single = await build('gsm8k', 2, { chat: { render, fewshotAsMultiturn: false } });
    const roles = messagesOf(turns[0]!)!.map((m) => m.role);
    expect(roles).toEqual(['user', 'assistant', 'user', 'assistant', 'user']);
    const [q1, a1] = messagesOf(turns[0]!)!;
    // The plain prompt is the same examples laid out as "question answer\n\n" (gsm8k: target_delimiter " ").
    expect(plain[0]!.context.startsWith(`${q1!.content} ${a1!.content}\n\n`)).toBe(true);
    expect(messagesOf(single[0]!)).toEqual([{ role: 'user', content: plain[0]!.context }]);
  });

  it('a multi-turn few-shot chat renders with a real template (SmolLM2’s ChatML) exactly as written out by hand', async () => {
    const config = JSON.parse(
      readFileSync(new URL('../../../shared/models/bpe-49152/tokenizer_config.json', import.meta.url), 'utf8'),
    );
    const template = config.chat_template as string;
    const chat: ChatFormat = {
      fewshotAsMultiturn: true,
      render: (messages, addGenerationPrompt) =>
        renderChatTemplate(template, messages, { addGenerationPrompt, bosToken: '', eosToken: '<|im_end|>' }),
    };
    const [instance] = await build('gsm8k', 1, { chat, systemInstruction: 'Solve it.' });
    const [, q1, a1, q] = messagesOf(instance!)!;
    expect(instance!.context).toBe(
      '<|im_start|>system\nSolve it.<|im_end|>\n' +
        `<|im_start|>user\n${q1!.content}<|im_end|>\n` +
        `<|im_start|>assistant\n${a1!.content}<|im_end|>\n` +
        `<|im_start|>user\n${q!.content}<|im_end|>\n` +
        '<|im_start|>assistant\n',
    );
    expect(q!.content.startsWith('Question: ')).toBe(true);
  });

  it('without a chat format nothing changes: no messages, the plain prompt', async () => {
    for (const request of (await build('arc_easy', 0))[0]!.requests[0]!) expect('messages' in request).toBe(false);
  });
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
