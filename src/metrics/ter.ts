/**
 * sacrebleu's corpus_ter with its defaults, as lm-eval's ter aggregation calls it: lowercased,
 * whitespace-tokenised, Tercom's shift heuristics and beam edit distance (sacrebleu's
 * metrics/lib_ter.py). `refs[i]` are the references of hypothesis i; 0–100 scale.
 *
 * sacrebleu also caches edit-distance rows by hypothesis prefix; that only saves time (every
 * hypothesis of one segment has the same length, so a shared prefix has the same rows), so it is
 * left out here.
 */
import { pythonStrip, pythonStrSplit } from '../python/whitespace.ts';

const MAX_SHIFT_SIZE = 10;
const MAX_SHIFT_DIST = 50;
const BEAM_WIDTH = 25;
const MAX_SHIFT_CANDIDATES = 1000;

/** Edit operations: no change, substitution, insertion, deletion. */
type Op = ' ' | 's' | 'i' | 'd' | 'x';
interface Cell {
  cost: number;
  op: Op;
}

/** Tercom's tokenisation with sacrebleu's defaults: lowercase, whitespace runs to one space. */
function terWords(sentence: string): string[] {
  return pythonStrSplit(pythonStrip(sentence, 'right').toLowerCase());
}

/** Edit distance of hyp against ref, searched in a beam around the (length-scaled) diagonal, and its trace. */
function beamEditDistance(hyp: readonly string[], ref: readonly string[]): { distance: number; trace: Op[] } {
  const rows: Cell[][] = [Array.from({ length: ref.length + 1 }, (_, j) => ({ cost: j, op: 'i' as Op }))];
  const lengthRatio = hyp.length > 0 ? ref.length / hyp.length : 1;
  const beamWidth = BEAM_WIDTH < lengthRatio / 2 ? Math.ceil(lengthRatio / 2 + BEAM_WIDTH) : BEAM_WIDTH;
  for (let i = 1; i <= hyp.length; i++) {
    const row: Cell[] = Array.from({ length: ref.length + 1 }, () => ({ cost: Number.POSITIVE_INFINITY, op: 'x' }));
    const previous = rows[i - 1]!;
    const diagonal = Math.floor(i * lengthRatio);
    const minJ = Math.max(0, diagonal - beamWidth);
    const maxJ = i === hyp.length ? ref.length + 1 : Math.min(ref.length + 1, diagonal + beamWidth);
    for (let j = minJ; j < maxJ; j++) {
      if (j === 0) {
        row[0] = { cost: previous[0]!.cost + 1, op: 'd' };
        continue;
      }
      const same = hyp[i - 1] === ref[j - 1];
      // Ties keep the first: substitution (or match), then deletion, then insertion.
      const candidates: [number, Op][] = [
        [previous[j - 1]!.cost + (same ? 0 : 1), same ? ' ' : 's'],
        [previous[j]!.cost + 1, 'd'],
        [row[j - 1]!.cost + 1, 'i'],
      ];
      for (const [cost, op] of candidates) if (row[j]!.cost > cost) row[j] = { cost, op };
    }
    rows.push(row);
  }
  const trace: Op[] = [];
  let i = hyp.length;
  let j = ref.length;
  while (i > 0 || j > 0) {
    const op = rows[i]![j]!.op;
    trace.push(op);
    if (op === ' ' || op === 's') {
      i--;
      j--;
    } else if (op === 'i') j--;
    else if (op === 'd') i--;
    else throw new Error(`TER: no edit path through (${i}, ${j})`);
  }
  return { distance: rows[hyp.length]![ref.length]!.cost, trace: trace.reverse() };
}

/** Where each reference word aligns in the hypothesis, and which positions of each are errors. */
function traceToAlignment(trace: readonly Op[]): { align: Map<number, number>; refErr: number[]; hypErr: number[] } {
  let hypPos = -1;
  let refPos = -1;
  const align = new Map<number, number>();
  const refErr: number[] = [];
  const hypErr: number[] = [];
  for (const op of trace) {
    if (op === ' ' || op === 's') {
      hypPos++;
      refPos++;
      align.set(refPos, hypPos);
      const error = op === 's' ? 1 : 0;
      hypErr.push(error);
      refErr.push(error);
    } else if (op === 'i') {
      hypPos++;
      hypErr.push(1);
    } else if (op === 'd') {
      refPos++;
      align.set(refPos, hypPos);
      refErr.push(1);
    }
  }
  return { align, refErr, hypErr };
}

/** words with words[start, start + length) moved to `target`. */
function performShift(words: readonly string[], start: number, length: number, target: number): string[] {
  const moved = words.slice(start, start + length);
  if (target < start)
    return [...words.slice(0, target), ...moved, ...words.slice(target, start), ...words.slice(start + length)];
  if (target > start + length)
    return [...words.slice(0, start), ...words.slice(start + length, target), ...moved, ...words.slice(target)];
  return [
    ...words.slice(0, start),
    ...words.slice(start + length, length + target),
    ...moved,
    ...words.slice(length + target),
  ];
}

/** Every (hypStart, refStart, length) whose words agree, up to MAX_SHIFT_SIZE long and MAX_SHIFT_DIST apart. */
function* shiftedPairs(hyp: readonly string[], ref: readonly string[]): Generator<[number, number, number]> {
  for (let startH = 0; startH < hyp.length; startH++) {
    for (let startR = 0; startR < ref.length; startR++) {
      if (Math.abs(startR - startH) > MAX_SHIFT_DIST) continue;
      let length = 0;
      while (hyp[startH + length] === ref[startR + length] && length < MAX_SHIFT_SIZE) {
        length++;
        yield [startH, startR, length];
        if (hyp.length === startH + length || ref.length === startR + length) break;
      }
    }
  }
}

/** The shift that lowers the edit distance most (Tercom's order of preference for ties). */
function bestShift(
  hyp: readonly string[],
  ref: readonly string[],
  checked: number,
): { gain: number; shifted: readonly string[]; checked: number } {
  const { distance: before, trace } = beamEditDistance(hyp, ref);
  // sacrebleu aligns on the flipped trace (insertions and deletions swapped).
  const flipped = trace.map((op): Op => (op === 'i' ? 'd' : op === 'd' ? 'i' : op));
  const { align, refErr, hypErr } = traceToAlignment(flipped);
  const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);
  let best: { key: [number, number, number, number]; shifted: string[] } | undefined;
  for (const [startH, startR, length] of shiftedPairs(hyp, ref)) {
    if (sum(hypErr.slice(startH, startH + length)) === 0) continue;
    if (sum(refErr.slice(startR, startR + length)) === 0) continue;
    const aligned = align.get(startR)!;
    if (startH <= aligned && aligned < startH + length) continue;
    let previousIdx = -1;
    for (let offset = -1; offset < length; offset++) {
      let idx: number;
      if (startR + offset === -1) idx = 0;
      else if (align.has(startR + offset)) idx = align.get(startR + offset)! + 1;
      else break;
      if (idx === previousIdx) continue;
      previousIdx = idx;
      const shifted = performShift(hyp, startH, length, idx);
      // Highest gain, then the longest, earliest match, then the earliest target.
      const key: [number, number, number, number] = [
        before - beamEditDistance(shifted, ref).distance,
        length,
        -startH,
        -idx,
      ];
      checked++;
      if (!best || isGreater(key, best.key)) best = { key, shifted };
    }
    if (checked >= MAX_SHIFT_CANDIDATES) break;
  }
  return best ? { gain: best.key[0], shifted: best.shifted, checked } : { gain: 0, shifted: hyp, checked };
}

function isGreater(a: readonly number[], b: readonly number[]): boolean {
  for (let k = 0; k < a.length; k++) if (a[k] !== b[k]) return a[k]! > b[k]!;
  return false;
}

/** sacrebleu's translation_edit_rate: (shifts + edit distance after them, reference length). */
export function translationEditRate(
  hyp: readonly string[],
  ref: readonly string[],
): [edits: number, refLength: number] {
  if (ref.length === 0) return [hyp.length, 0];
  let shifts = 0;
  let words = hyp;
  let checked = 0;
  for (;;) {
    const step = bestShift(words, ref, checked);
    checked = step.checked;
    // As sacrebleu: past the candidate budget even the shift just found is not applied.
    if (checked >= MAX_SHIFT_CANDIDATES || step.gain <= 0) break;
    shifts++;
    words = step.shifted;
  }
  return [shifts + beamEditDistance(words, ref).distance, ref.length];
}

/** sacrebleu's corpus_ter(hyps, refs).score: Σ fewest edits / Σ average reference length. */
export function corpusTer(hyps: readonly string[], refs: readonly (readonly string[])[]): number {
  let edits = 0;
  let refLength = 0;
  hyps.forEach((hyp, i) => {
    const hypWords = terWords(hyp);
    const segmentRefs = refs[i] ?? [];
    let fewest = Number.POSITIVE_INFINITY;
    let lengths = 0;
    for (const ref of segmentRefs) {
      const [segmentEdits, length] = translationEditRate(hypWords, terWords(ref));
      lengths += length;
      if (segmentEdits < fewest) fewest = segmentEdits;
    }
    edits += fewest;
    refLength += lengths / segmentRefs.length;
  });
  if (refLength > 0) return (100 * edits) / refLength;
  // An empty reference against a non-empty hypothesis is all error; both empty is none.
  return edits > 0 ? 100 : 0;
}
