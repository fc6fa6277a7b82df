/**
 * Is a model's MATH answer the gold answer? Three rules, tried in order, and the first that
 * holds is recorded: `exact` (the same string), `normalised` (the same after Minerva's
 * normalisation and a few canonical rewrites), `symbolic` (the same value, part by part: see
 * symbolic.ts and structure.ts).
 */
import { normalizeFinalAnswer } from './normalise.ts';
import { type AnswerShape, answerShape } from './structure.ts';
import { type SymbolicOutcome, symbolicEqual } from './symbolic.ts';

export type MatchRule = 'exact' | 'normalised' | 'symbolic';

/** The time one comparison may take; lm-eval's leaderboard task gives sympy the same second. */
export const COMPARISON_TIME_LIMIT_MS = 1000;

export interface Judgement {
  /** The rule that matched; undefined when none did. */
  readonly rule: MatchRule | undefined;
  readonly normalisedAnswer: string;
  readonly normalisedGold: string;
  /** What the symbolic comparison found when it ran and did not match. */
  readonly symbolic?: Exclude<SymbolicOutcome, 'equal'>;
}

/** Spellings of one thing that Minerva's normalisation leaves apart: `\dfrac`/`\frac`, `\left(`/`(`, `5.0`/`5`, degrees, `\%`, base subscripts, a final `.`. */
const CANONICAL_REWRITES: readonly (readonly [RegExp, string])[] = [
  [/\\[dtc]frac/g, '\\frac'],
  // Minerva deletes the "ft" of `\left`, leaving `\le` before the bracket.
  [/\\(?:left|right|displaystyle)(?![A-Za-z])|\\le(?=[([.|]|\\\{)/g, ''],
  [/\\[!,;: ]|\s+/g, ''],
  [/\^\{?\\circ\}?|\\circ/g, ''],
  [/\\%|%/g, ''],
  [/(\d)\.0+(?!\d)/g, '$1'],
  // A base-b numeral stays a string (its value in base 10 is a different answer): `1200_{7}` = `1200_7`.
  [/([0-9A-Z])_\{(\d+)\}/g, '$1_$2'],
  // The sentence's full stop, which the "Final Answer" line leaves out.
  [/\.$/, ''],
];

/** Minerva's normalisation, then the canonical rewrites. */
export function normaliseAnswer(answer: string, o: { readonly joinThousands?: boolean } = {}): string {
  let s = normalizeFinalAnswer(answer, o);
  for (const [pattern, replacement] of CANONICAL_REWRITES) s = s.replace(pattern, replacement);
  return s;
}

function firstDifference(outcomes: Iterable<SymbolicOutcome>): SymbolicOutcome {
  for (const outcome of outcomes) if (outcome !== 'equal') return outcome;
  return 'equal';
}

function* pairwise(a: readonly string[], b: readonly string[], deadline: number): Generator<SymbolicOutcome> {
  if (a.length !== b.length) {
    yield 'different';
    return;
  }
  for (const [k, item] of a.entries()) yield expressionsEqual(item, b[k]!, deadline);
}

function expressionsEqual(a: string, b: string, deadline: number): SymbolicOutcome {
  return a === b ? 'equal' : symbolicEqual(a, b, deadline);
}

/** Each item of `a` paired with a different equal item of `b`, in any order. */
function sameItems(a: readonly string[], b: readonly string[], deadline: number): SymbolicOutcome {
  if (a.length !== b.length) return 'different';
  const unused = new Set(b.keys());
  for (const item of a) {
    let found: number | undefined;
    for (const k of unused) {
      const outcome = expressionsEqual(item, b[k]!, deadline);
      if (outcome === 'timeout') return outcome;
      if (outcome === 'equal') {
        found = k;
        break;
      }
    }
    if (found === undefined) return 'different';
    unused.delete(found);
  }
  return 'equal';
}

function shapesEqual(a: AnswerShape, b: AnswerShape, deadline: number): SymbolicOutcome {
  if (a.kind === 'expression' && b.kind === 'expression') return expressionsEqual(a.text, b.text, deadline);
  if (a.kind === 'matrix' && b.kind === 'matrix') {
    if (a.rows.length !== b.rows.length) return 'different';
    return firstDifference(a.rows.flatMap((row, r) => [...pairwise(row, b.rows[r]!, deadline)]));
  }
  if (a.kind === 'union' && b.kind === 'union') {
    if (a.parts.length !== b.parts.length) return 'different';
    return firstDifference(a.parts.map((part, k) => shapesEqual(part, b.parts[k]!, deadline)));
  }
  if (a.kind === 'bracketed' && b.kind === 'bracketed') {
    if (a.open !== b.open || a.close !== b.close) return 'different';
    return firstDifference(pairwise(a.items, b.items, deadline));
  }
  if (a.kind === 'list' && b.kind === 'list') return sameItems(a.items, b.items, deadline);
  return 'different';
}

/** Judges `answer` (already extracted from the output) against `gold`, within the time limit. */
export function judgeAnswer(answer: string, gold: string, timeLimitMs = COMPARISON_TIME_LIMIT_MS): Judgement {
  const normalisedAnswer = normaliseAnswer(answer);
  const normalisedGold = normaliseAnswer(gold);
  const base = { normalisedAnswer, normalisedGold };
  if (answer.trim() === gold.trim()) return { ...base, rule: 'exact' };
  if (normalisedAnswer === normalisedGold) return { ...base, rule: 'normalised' };
  if (normalisedAnswer === '' || normalisedGold === '') return { ...base, rule: undefined, symbolic: 'different' };
  const deadline = performance.now() + timeLimitMs;
  // Lists are compared item by item, so their commas stay.
  const shapeOf = (text: string) => answerShape(normaliseAnswer(text, { joinThousands: false }));
  const outcome = shapesEqual(shapeOf(answer), shapeOf(gold), deadline);
  return outcome === 'equal' ? { ...base, rule: 'symbolic' } : { ...base, rule: undefined, symbolic: outcome };
}
