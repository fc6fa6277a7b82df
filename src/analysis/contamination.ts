/**
 * Test-set contamination: n-gram overlap between each task's documents and a user corpus, with
 * lm-eval's decontamination normalisation (lm_eval/decontamination/janitor.py: ASCII letters
 * lower-cased, ASCII punctuation deleted, split on whitespace, 13-grams joined by spaces).
 *
 * Memory stays bounded by the tasks, not the corpus: the tasks' n-grams are held as 52-bit hashes
 * and the corpus is streamed past them line by line. In plain text, n-grams run on across line
 * breaks (a sentence wrapped over two lines still matches); in JSONL, each line is one document.
 */
import { createReadStream, statSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { UserError } from '../errors.ts';
import { isObject } from './read-results.ts';
import type { TaskSamples } from './read-samples.ts';

export interface ContaminationOptions {
  /** Words per n-gram (default 13, as lm-eval). */
  readonly ngram?: number;
}

export interface TaskContamination {
  readonly task: string;
  readonly documents: number;
  /** Documents with fewer than n words in every field: they can never match. */
  readonly tooShort: number;
  readonly contaminated: number;
  readonly share: number;
  /** doc_id of each contaminated document, ascending. */
  readonly contaminatedDocIds: readonly number[];
  /** Per metric logged per item: the mean on all documents and on the clean ones. */
  readonly rescored: readonly { metric: string; all: number; clean: number; cleanDocuments: number }[];
}

export interface ContaminationReport {
  readonly ngram: number;
  readonly corpora: readonly { file: string; bytes: number }[];
  readonly tasks: readonly TaskContamination[];
}

const PUNCTUATION = /[!-/:-@[-`{-~]/g;
const UPPERCASE = /[A-Z]+/g;
/** Python's str.split() separators: Unicode whitespace plus the ASCII information separators. */
const WHITESPACE = /[\s\x1c-\x1f]+/;

/** janitor.py's normalize_string then split: only ASCII letters are lower-cased, as Python's translate table does. */
export function normalizedWords(text: string): string[] {
  return text
    .replace(UPPERCASE, (s) => s.toLowerCase())
    .replace(PUNCTUATION, '')
    .split(WHITESPACE)
    .filter((w) => w !== '');
}

/** Two FNV-1a variants over the word's UTF-16 units: 52 bits of n-gram key after mixing. */
function wordHashes(word: string): [number, number] {
  let a = 0x811c9dc5;
  let b = 0x01000193;
  for (let i = 0; i < word.length; i++) {
    const c = word.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
  }
  return [a >>> 0, (b ^ (b >>> 13)) >>> 0];
}

/** Hashes of the n-grams in a word sequence, carried across calls (a line at a time). */
class NgramWindow {
  private readonly first: Uint32Array;
  private readonly second: Uint32Array;
  private filled = 0;
  private next = 0;

  constructor(private readonly n: number) {
    this.first = new Uint32Array(n);
    this.second = new Uint32Array(n);
  }

  reset(): void {
    this.filled = 0;
    this.next = 0;
  }

  /** Adds a word; returns the key of the n-gram it completes, or -1 while fewer than n words are in. */
  push(word: string): number {
    const [a, b] = wordHashes(word);
    this.first[this.next] = a;
    this.second[this.next] = b;
    this.next = (this.next + 1) % this.n;
    if (this.filled < this.n) this.filled++;
    if (this.filled < this.n) return -1;
    let h1 = 0x12345678;
    let h2 = 0x9abcdef0;
    for (let k = 0; k < this.n; k++) {
      const slot = (this.next + k) % this.n;
      h1 = Math.imul(h1 ^ this.first[slot]!, 0x9e3779b1);
      h1 ^= h1 >>> 15;
      h2 = Math.imul(h2 ^ this.second[slot]!, 0x85ebca77);
      h2 ^= h2 >>> 13;
    }
    return (h1 >>> 0) * 0x100000 + (h2 & 0xfffff);
  }
}

interface DocumentRef {
  readonly task: number;
  readonly key: string;
}

export async function checkContamination(
  tasks: readonly TaskSamples[],
  corpora: readonly string[],
  options: ContaminationOptions = {},
): Promise<ContaminationReport> {
  const n = options.ngram ?? 13;
  if (!Number.isInteger(n) || n < 1) throw new UserError(`${n} is not a positive whole number`, { field: '--ngram' });
  const documents: DocumentRef[] = [];
  const ngrams = new Map<number, number[]>();
  const tooShort = tasks.map(() => 0);
  const window = new NgramWindow(n);
  tasks.forEach((samples, t) => {
    for (const [key, item] of samples.items) {
      const index = documents.push({ task: t, key }) - 1;
      let any = false;
      for (const text of stringsIn(item.doc)) {
        window.reset();
        for (const word of normalizedWords(text)) {
          const hash = window.push(word);
          if (hash < 0) continue;
          any = true;
          const refs = ngrams.get(hash);
          if (!refs) ngrams.set(hash, [index]);
          else if (refs.at(-1) !== index) refs.push(index);
        }
      }
      if (!any) tooShort[t]!++;
    }
  });
  const hit = new Uint8Array(documents.length);
  const scanned: { file: string; bytes: number }[] = [];
  for (const file of corpora) scanned.push(await scanCorpus(file, window, ngrams, hit));
  return {
    ngram: n,
    corpora: scanned,
    tasks: tasks.map((samples, t) => taskSummary(samples, documents, hit, t, tooShort[t]!)),
  };
}

async function scanCorpus(
  file: string,
  window: NgramWindow,
  ngrams: ReadonlyMap<number, readonly number[]>,
  hit: Uint8Array,
): Promise<{ file: string; bytes: number }> {
  let bytes: number;
  try {
    bytes = statSync(file).size;
  } catch {
    throw new UserError('no such corpus file', { file, field: '--contamination' });
  }
  const jsonl = /\.jsonl$/i.test(file);
  const lines = createInterface({ input: createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity });
  let lineNumber = 0;
  window.reset();
  for await (const line of lines) {
    lineNumber++;
    let texts: string[] = [line];
    if (jsonl) {
      if (!line.trim()) continue;
      texts = corpusTexts(line, file, lineNumber);
    }
    for (const text of texts) {
      if (jsonl) window.reset();
      for (const word of normalizedWords(text)) {
        const hash = window.push(word);
        if (hash < 0) continue;
        const refs = ngrams.get(hash);
        if (refs) for (const index of refs) hit[index] = 1;
      }
    }
  }
  return { file, bytes };
}

/** A JSONL corpus line: its `text` field when it has one, else every string in it. */
function corpusTexts(line: string, file: string, lineNumber: number): string[] {
  let row: unknown;
  try {
    row = JSON.parse(line);
  } catch (e) {
    throw new UserError(`not valid JSON: ${(e as Error).message}`, { file, line: lineNumber });
  }
  if (isObject(row) && typeof row.text === 'string') return [row.text];
  return [...stringsIn(row)];
}

/** Every string inside a logged document, each checked on its own (fields are not run together). */
function* stringsIn(value: unknown): Generator<string> {
  if (typeof value === 'string') yield value;
  else if (Array.isArray(value)) for (const v of value) yield* stringsIn(v);
  else if (isObject(value)) for (const v of Object.values(value)) yield* stringsIn(v);
}

function taskSummary(
  samples: TaskSamples,
  documents: readonly DocumentRef[],
  hit: Uint8Array,
  t: number,
  tooShort: number,
): TaskContamination {
  const dirty = new Set<string>();
  documents.forEach((doc, i) => {
    if (doc.task === t && hit[i]) dirty.add(doc.key);
  });
  const metrics = new Set<string>();
  for (const item of samples.items.values()) for (const m of item.values.keys()) metrics.add(m);
  const rescored = [...metrics].sort().map((metric) => {
    let all = 0;
    let allCount = 0;
    let clean = 0;
    let cleanCount = 0;
    for (const [key, item] of samples.items) {
      const value = item.values.get(metric);
      if (value === undefined) continue;
      all += value;
      allCount++;
      if (!dirty.has(key)) {
        clean += value;
        cleanCount++;
      }
    }
    return {
      metric,
      all: all / allCount,
      clean: cleanCount ? clean / cleanCount : Number.NaN,
      cleanDocuments: cleanCount,
    };
  });
  const ids = [...dirty].map((key) => samples.items.get(key)!.docId).sort((a, b) => a - b);
  return {
    task: samples.task,
    documents: samples.items.size,
    tooShort,
    contaminated: dirty.size,
    share: samples.items.size ? dirty.size / samples.items.size : 0,
    contaminatedDocIds: ids,
    rescored,
  };
}
