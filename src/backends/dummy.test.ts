import { describe, expect, it } from 'vitest';
import { describeBackendConformance } from './conformance.ts';
import { createDummyBackend } from './dummy.ts';

const factoryOptions = { args: {}, batchSize: 4, seed: 1, verbose: false } as const;

describeBackendConformance('dummy', () => createDummyBackend(factoryOptions));

describe('dummy model_args', () => {
  it('takes its seed from model_args over the run seed, so answers change with it', async () => {
    const request = [{ kind: 'loglikelihood', context: 'The cat', continuation: ' sat' }] as const;
    const [runSeed, ownSeed] = await Promise.all([
      createDummyBackend(factoryOptions),
      createDummyBackend({ ...factoryOptions, args: { seed: '7' } }),
    ]);
    expect(ownSeed.info.settings).toMatchObject({ seed: 7 });
    expect((await ownSeed.loglikelihood(request))[0]!.logprob).not.toBe(
      (await runSeed.loglikelihood(request))[0]!.logprob,
    );
  });

  it('rejects an unknown key or capability by name', async () => {
    await expect(createDummyBackend({ ...factoryOptions, args: { sed: '1' } })).rejects.toThrow(
      /unknown dummy model_args key: sed/,
    );
    await expect(createDummyBackend({ ...factoryOptions, args: { capabilities: 'telepathy' } })).rejects.toThrow(
      /unknown capability "telepathy"/,
    );
  });
});
