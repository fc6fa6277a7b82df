import type { PythonRandom } from '../../../python/random.ts';
import type { TaskDefinition } from '../../types.ts';
import { ACC, ACC_NORM, ANSWER_SUFFIX, syntheticTask } from './common.ts';

/**
 * MERA BPS (balanced parentheses sequence): is a sequence over ()[]{} balanced? Half the docs
 * are balanced; the other half are balanced sequences with one small corruption (a bracket of
 * the wrong type, two neighbours swapped, an opener turned into a closer), so near-misses, not
 * random noise, make up the negatives.
 */
export interface BpsDoc {
  readonly sequence: string;
  readonly balanced: boolean;
}

const PAIRS: readonly (readonly [string, string])[] = [
  ['(', ')'],
  ['[', ']'],
  ['{', '}'],
];
const OPENERS = PAIRS.map(([open]) => open);
const CLOSERS = PAIRS.map(([, close]) => close);
const MIN_PAIRS = 2;
const MAX_PAIRS = 8;

export const BPS_CHOICES = ['no', 'yes'] as const;

function balancedSequence(rng: PythonRandom, pairs: number): string[] {
  if (pairs === 0) return [];
  const inside = rng.randrange(pairs);
  const [open, close] = rng.choice(PAIRS) as readonly [string, string];
  return [open, ...balancedSequence(rng, inside), close, ...balancedSequence(rng, pairs - 1 - inside)];
}

export function isBalanced(tokens: readonly string[]): boolean {
  const stack: string[] = [];
  for (const token of tokens) {
    const opener = OPENERS.indexOf(token);
    if (opener >= 0) stack.push(CLOSERS[opener] as string);
    else if (stack.pop() !== token) return false;
  }
  return stack.length === 0;
}

function corrupt(rng: PythonRandom, tokens: readonly string[]): string[] {
  const out = [...tokens];
  const i = rng.randrange(out.length);
  const token = out[i] as string;
  const kind = rng.randrange(3);
  if (kind === 0) {
    const family = OPENERS.includes(token) ? OPENERS : CLOSERS;
    out[i] = rng.choice(family.filter((t) => t !== token));
  } else if (kind === 1) {
    const j = i === out.length - 1 ? i - 1 : i + 1;
    out[i] = out[j] as string;
    out[j] = token;
  } else {
    const opener = OPENERS.indexOf(token);
    out[i] = opener >= 0 ? (CLOSERS[opener] as string) : (OPENERS[CLOSERS.indexOf(token)] as string);
  }
  return out;
}

function generate(rng: PythonRandom, index: number): BpsDoc {
  const balanced = index % 2 === 1;
  for (;;) {
    const tokens = balancedSequence(rng, rng.randint(MIN_PAIRS, MAX_PAIRS));
    if (balanced) return { sequence: tokens.join(' '), balanced };
    const corrupted = corrupt(rng, tokens);
    // Swapping two equal neighbours changes nothing; draw again rather than mislabel.
    if (!isBalanced(corrupted)) return { sequence: corrupted.join(' '), balanced };
  }
}

export function bpsTask(): TaskDefinition {
  return syntheticTask<BpsDoc>({
    name: 'bps',
    seed: 20_254,
    outputType: 'multiple_choice',
    defaultNumFewshot: 2,
    choices: BPS_CHOICES,
    metrics: [ACC, ACC_NORM],
    promptTemplate: 'Is this bracket sequence balanced? {{sequence}}\nAnswer:',
    generate,
    docToText: (doc) => `Is this bracket sequence balanced? ${doc.sequence}${ANSWER_SUFFIX}`,
    docToTarget: (doc) => (doc.balanced ? 1 : 0),
  });
}
