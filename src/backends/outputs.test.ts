import { describe, expect, it } from 'vitest';
import { describeBackendConformance } from './conformance.ts';
import { OutputsBackend } from './outputs.ts';

function backendWith(outputs: Record<string, readonly string[]>): OutputsBackend {
  const backend = new OutputsBackend('outputs.jsonl', 'abc');
  Object.entries(outputs).forEach(([context, texts], docId) => {
    backend.bind(context, docId, texts);
  });
  return backend;
}

describeBackendConformance('outputs', async () => backendWith({ 'Once upon a time': [' there was a cat'] }), {
  skip: {
    loglikelihood: 'answers generate requests only',
    loglikelihoodRolling: 'answers generate requests only',
  },
});

describe('the outputs backend', () => {
  const settings = { until: ['\n#'], maxGenToks: 16, temperature: 0 };

  it('answers each repeat with its own output, cut at the stop strings', async () => {
    const backend = backendWith({ 'def f():': ['    return 1\n# done', '    return 2'] });
    const request = { kind: 'generateUntil', context: 'def f():', settings } as const;
    const results = await backend.generateUntil([request, request], { repeats: [0, 1] } as never);
    expect(results.map((r) => r.text)).toEqual(['    return 1', '    return 2']);
  });

  it('refuses a repeat with no output, and two docs with one prompt but different outputs', async () => {
    const backend = backendWith({ p: ['a'] });
    await expect(
      backend.generateUntil([{ kind: 'generateUntil', context: 'p', settings }], { repeats: [1] } as never),
    ).rejects.toThrow(/doc_id 0 has 1 outputs; the task asks for a repeat 2/);
    expect(() => backend.bind('p', 7, ['b'])).toThrow(/doc_id 0 and 7 have the same prompt/);
  });
});
