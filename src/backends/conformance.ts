/**
 * The contract every Backend keeps, as a vitest suite a backend's own test file runs:
 *   describeBackendConformance('dummy', () => createDummyBackend(...));
 * A wrapper (such as the caching backend) runs it too, created as a subject that names the
 * backend it wraps: it must keep the same contract and every optional method of the inner one.
 * A backend that cannot pass a case lists it in `skip` with the reason (shown in the test name).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPTIONAL_METHOD_NAMES } from './optional-methods.ts';
import type { Backend, CallOptions } from './types.ts';

export type ConformanceCase =
  | 'identity'
  | 'emptyCalls'
  | 'loglikelihood'
  | 'loglikelihoodRolling'
  | 'generateUntil'
  | 'optionalMethods';

export interface ConformanceOptions {
  /** Cases this backend skips, with why. */
  readonly skip?: Partial<Record<ConformanceCase, string>>;
  /** For a wrapper: its name, shown in the suite's title beside the wrapped backend's. */
  readonly wrapper?: string;
}

/** A backend under test, with the one it wraps (if any) and how to release both. */
export interface ConformanceSubject {
  readonly backend: Backend;
  readonly inner?: Backend;
  close(): Promise<void>;
}

/** Collects onResult calls so a case can check each index is reported exactly once. */
function recorder(): { options: CallOptions; indexes: () => number[] } {
  const seen: number[] = [];
  return { options: { onResult: (i) => seen.push(i) }, indexes: () => [...seen].sort((a, b) => a - b) };
}

const indexesOf = (n: number) => Array.from({ length: n }, (_, i) => i);

const asSubject = (created: Backend | ConformanceSubject): ConformanceSubject =>
  'loglikelihood' in created ? { backend: created, close: () => created.close() } : created;

/** Texts for countTokens: empty, short, and longer with non-ASCII characters. */
const TOKEN_TEXTS = ['', 'The cat', 'The cat sat on the mat, then – naïvely – on the roof.'];

export function describeBackendConformance(
  name: string,
  create: () => Promise<Backend | ConformanceSubject>,
  o: ConformanceOptions = {},
): void {
  describe(`${o.wrapper ? `${o.wrapper} over ${name}` : name} backend conformance`, () => {
    let subject: ConformanceSubject | undefined;
    let backend: Backend;
    beforeAll(async () => {
      subject = asSubject(await create());
      backend = subject.backend;
    });
    afterAll(async () => {
      await subject?.close();
    });

    const testCase = (c: ConformanceCase, title: string, body: () => Promise<void>) => {
      const reason = o.skip?.[c];
      if (reason !== undefined) it.skip(`${title} (skipped: ${reason})`, body);
      else it(title, body);
    };

    testCase('identity', 'has a non-empty id, info and a positive maxLength', async () => {
      expect(backend.id.length).toBeGreaterThan(0);
      expect(backend.info.backend).toBe(name);
      expect(backend.maxLength).toBeGreaterThan(0);
      if (backend.capabilities.has('chat')) expect(typeof backend.applyChatTemplate).toBe('function');
    });

    testCase('emptyCalls', 'answers empty batches with empty arrays and reports nothing', async () => {
      const r = recorder();
      expect(await backend.loglikelihood([], r.options)).toEqual([]);
      expect(await backend.loglikelihoodRolling([], r.options)).toEqual([]);
      expect(await backend.generateUntil([], r.options)).toEqual([]);
      expect(r.indexes()).toEqual([]);
    });

    testCase('loglikelihood', 'scores every request in input order, each reported once', async () => {
      if (!backend.capabilities.has('loglikelihood')) return;
      const requests = [
        { kind: 'loglikelihood', context: 'The cat sat on the', continuation: ' mat' },
        { kind: 'loglikelihood', context: '', continuation: 'Hello' },
        { kind: 'loglikelihood', context: 'The cat sat on the', continuation: ' roof of the house' },
        { kind: 'loglikelihood', context: 'The cat sat on the', continuation: ' mat' },
      ] as const;
      const r = recorder();
      const results = await backend.loglikelihood(requests, r.options);
      expect(results).toHaveLength(requests.length);
      expect(r.indexes()).toEqual(indexesOf(requests.length));
      for (const result of results) {
        expect(Number.isFinite(result.logprob) && result.logprob <= 0).toBe(true);
        expect(result.tokens).toBeGreaterThan(0);
        expect(typeof result.isGreedy).toBe('boolean');
      }
      // The same request twice in one call scores the same (to float rounding).
      expect(Math.abs(results[0]!.logprob - results[3]!.logprob)).toBeLessThan(1e-4);
      expect(results[2]!.tokens).toBeGreaterThan(results[0]!.tokens);
    });

    testCase('loglikelihoodRolling', 'scores whole texts, each reported once', async () => {
      if (!backend.capabilities.has('loglikelihoodRolling')) return;
      const texts = ['The cat sat on the mat.', 'A much longer text, '.repeat(20)];
      const r = recorder();
      const results = await backend.loglikelihoodRolling(
        texts.map((text) => ({ kind: 'loglikelihoodRolling', text })),
        r.options,
      );
      expect(results).toHaveLength(texts.length);
      expect(r.indexes()).toEqual(indexesOf(texts.length));
      for (const result of results) expect(Number.isFinite(result.logprob) && result.logprob < 0).toBe(true);
      expect(results[1]!.tokens).toBeGreaterThan(results[0]!.tokens);
    });

    testCase('generateUntil', 'honours stop strings and max_gen_toks, in input order', async () => {
      if (!backend.capabilities.has('generateUntil')) return;
      const settings = { until: [] as string[], maxGenToks: 4, temperature: 0 };
      const requests = [
        { kind: 'generateUntil', context: 'Once upon a time', settings },
        { kind: 'generateUntil', context: 'Once upon a time', settings: { ...settings, until: [' '], maxGenToks: 16 } },
      ] as const;
      const r = recorder();
      const [limited, stopped] = await backend.generateUntil(requests, r.options);
      expect(r.indexes()).toEqual([0, 1]);
      expect(limited!.tokens).toBeLessThanOrEqual(4);
      expect(limited!.hitMaxTokens || limited!.tokens < 4).toBe(true);
      expect(stopped!.text).not.toContain(' ');
      expect(stopped!.tokens).toBeLessThanOrEqual(16);
    });

    testCase('optionalMethods', 'has every optional method of a wrapped backend, with the same answers', async () => {
      const inner = subject?.inner ?? backend;
      for (const method of OPTIONAL_METHOD_NAMES)
        expect([method, typeof backend[method]]).toEqual([method, typeof inner[method]]);
      if (backend.countTokens) {
        const counts = TOKEN_TEXTS.map((text) => backend.countTokens!(text));
        expect(counts).toEqual(TOKEN_TEXTS.map((text) => inner.countTokens!(text)));
        for (const n of counts) expect(Number.isInteger(n) && n >= 0).toBe(true);
        expect(counts[2]!).toBeGreaterThan(counts[1]!);
      }
      if (backend.applyChatTemplate && backend.capabilities.has('chat')) {
        const chat = [{ role: 'user', content: 'Hello' }] as const;
        expect(backend.applyChatTemplate(chat, true)).toBe(inner.applyChatTemplate!(chat, true));
      }
    });
  });
}
