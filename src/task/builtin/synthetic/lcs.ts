import type { PythonRandom } from '../../../python/random.ts';
import type { TaskDefinition } from '../../types.ts';
import { ACC, ACC_NORM, ANSWER_SUFFIX, syntheticTask } from './common.ts';

/**
 * MERA LCS: the length of the longest common subsequence of two short strings. A 4-letter
 * alphabet keeps common subsequences long enough to be interesting; strings of at most 10
 * letters keep the answer within the choices "0".."10".
 */
export interface LcsDoc {
  readonly first: string;
  readonly second: string;
  readonly length: number;
}

const ALPHABET = [...'ABCD'];
const MIN_LENGTH = 4;
const MAX_LENGTH = 10;
export const LCS_CHOICES = Array.from({ length: MAX_LENGTH + 1 }, (_, i) => String(i));

/** Classic O(n·m) dynamic programme over prefixes. */
export function lcsLength(first: string, second: string): number {
  let previous = new Array<number>(second.length + 1).fill(0);
  for (const char of first) {
    const current = [0];
    for (let j = 1; j <= second.length; j++) {
      current[j] =
        char === second[j - 1]
          ? (previous[j - 1] as number) + 1
          : Math.max(previous[j] as number, current[j - 1] as number);
    }
    previous = current;
  }
  return previous[second.length] as number;
}

function randomString(rng: PythonRandom): string {
  const length = rng.randint(MIN_LENGTH, MAX_LENGTH);
  return Array.from({ length }, () => rng.choice(ALPHABET)).join('');
}

export function lcsTask(): TaskDefinition {
  return syntheticTask<LcsDoc>({
    name: 'lcs',
    seed: 20_255,
    outputType: 'multiple_choice',
    defaultNumFewshot: 2,
    choices: LCS_CHOICES,
    metrics: [ACC, ACC_NORM],
    promptTemplate: 'What is the length of the longest common subsequence of {{first}} and {{second}}?\nAnswer:',
    generate(rng) {
      const first = randomString(rng);
      const second = randomString(rng);
      return { first, second, length: lcsLength(first, second) };
    },
    docToText: (doc) =>
      `What is the length of the longest common subsequence of ${doc.first} and ${doc.second}?${ANSWER_SUFFIX}`,
    docToTarget: (doc) => doc.length,
  });
}
