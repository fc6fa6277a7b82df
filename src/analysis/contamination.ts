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

/** Python's str.isspace() outside ASCII: what str.split() also splits on. */
function isUnicodeSpace(c: number): boolean {
  return (
    c === 0x85 ||
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000
  );
}

/** ASCII whitespace as Python splits it: \t \n \v \f \r, the information separators 0x1c–0x1f, and space. */
function isAsciiSpace(c: number): boolean {
  return c === 0x20 || (c >= 0x09 && c <= 0x0d) || (c >= 0x1c && c <= 0x1f);
}

function isAsciiPunctuation(c: number): boolean {
  return (c >= 0x21 && c <= 0x2f) || (c >= 0x3a && c <= 0x40) || (c >= 0x5b && c <= 0x60) || (c >= 0x7b && c <= 0x7e);
}

const BASE_1 = 0x9e3779b1;
const BASE_2 = 0x85ebca77;

/**
 * The same normalisation as normalizedWords, done in one pass over the characters without
 * building any string: each word is hashed as it is read (two FNV-1a variants), and each n-gram
 * key is a rolling polynomial hash of its words' hashes (two 32-bit halves, 52 bits kept), so the
 * cost per word does not grow with n. Text may arrive in chunks; a word cut by a chunk boundary
 * carries over.
 */
export class NgramScanner {
  private readonly words1: Uint32Array;
  private readonly words2: Uint32Array;
  private readonly drop1: number;
  private readonly drop2: number;
  private slot = 0;
  private filled = 0;
  private rolling1 = 0;
  private rolling2 = 0;
  private word1 = 0;
  private word2 = 0;
  private inWord = false;

  constructor(private readonly n: number) {
    this.words1 = new Uint32Array(n);
    this.words2 = new Uint32Array(n);
    let power1 = 1;
    let power2 = 1;
    for (let i = 0; i < n; i++) {
      power1 = Math.imul(power1, BASE_1);
      power2 = Math.imul(power2, BASE_2);
    }
    this.drop1 = power1;
    this.drop2 = power2;
  }

  /** Starts a new document: no n-gram spans the boundary. */
  reset(): void {
    this.slot = 0;
    this.filled = 0;
    this.rolling1 = 0;
    this.rolling2 = 0;
    this.words1.fill(0);
    this.words2.fill(0);
    this.inWord = false;
  }

  feed(text: string, onNgram: (key: number) => void): void {
    for (let i = 0; i < text.length; i++) {
      let c = text.charCodeAt(i);
      if (c < 0x80) {
        if (isAsciiSpace(c)) {
          if (this.inWord) this.endWord(onNgram);
          continue;
        }
        if (isAsciiPunctuation(c)) continue;
        if (c >= 0x41 && c <= 0x5a) c += 0x20;
      } else if (isUnicodeSpace(c)) {
        if (this.inWord) this.endWord(onNgram);
        continue;
      }
      if (!this.inWord) {
        this.inWord = true;
        this.word1 = 0x811c9dc5;
        this.word2 = 0x01000193;
      }
      this.word1 = Math.imul(this.word1 ^ c, 0x01000193);
      this.word2 = Math.imul(this.word2 ^ c, 0x5bd1e995);
    }
  }

  /** Ends the text: the word in progress counts. */
  finish(onNgram: (key: number) => void): void {
    if (this.inWord) this.endWord(onNgram);
  }

  private endWord(onNgram: (key: number) => void): void {
    this.inWord = false;
    const hash1 = this.word1 >>> 0;
    const hash2 = (this.word2 ^ (this.word2 >>> 13)) >>> 0;
    this.rolling1 = (Math.imul(this.rolling1, BASE_1) + hash1 - Math.imul(this.words1[this.slot]!, this.drop1)) | 0;
    this.rolling2 = (Math.imul(this.rolling2, BASE_2) + hash2 - Math.imul(this.words2[this.slot]!, this.drop2)) | 0;
    this.words1[this.slot] = hash1;
    this.words2[this.slot] = hash2;
    this.slot = (this.slot + 1) % this.n;
    if (this.filled < this.n) this.filled++;
    if (this.filled === this.n) onNgram((this.rolling1 >>> 0) * 0x100000 + (this.rolling2 & 0xfffff));
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
  const scanner = new NgramScanner(n);
  tasks.forEach((samples, t) => {
    for (const [key, item] of samples.items) {
      const index = documents.push({ task: t, key }) - 1;
      let any = false;
      const register = (hash: number): void => {
        any = true;
        const refs = ngrams.get(hash);
        if (!refs) ngrams.set(hash, [index]);
        else if (refs.at(-1) !== index) refs.push(index);
      };
      for (const text of stringsIn(item.doc)) {
        scanner.reset();
        scanner.feed(text, register);
        scanner.finish(register);
      }
      if (!any) tooShort[t]!++;
    }
  });
  const hit = new Uint8Array(documents.length);
  // Almost every corpus n-gram misses: a bit per key's low 25 bits answers most lookups without
  // touching the Map (whose 52-bit keys are boxed doubles).
  const seen = new Uint32Array(1 << 20);
  for (const hash of ngrams.keys()) {
    const low = hash % 0x2000000;
    seen[low >>> 5]! |= 1 << (low & 31);
  }
  const mark = (hash: number): void => {
    const low = hash % 0x2000000;
    if ((seen[low >>> 5]! & (1 << (low & 31))) === 0) return;
    const refs = ngrams.get(hash);
    if (refs) for (const index of refs) hit[index] = 1;
  };
  const scanned: { file: string; bytes: number }[] = [];
  for (const file of corpora) scanned.push(await scanCorpus(file, scanner, mark));
  return {
    ngram: n,
    corpora: scanned,
    tasks: tasks.map((samples, t) => taskSummary(samples, documents, hit, t, tooShort[t]!)),
  };
}

/**
 * Plain text is fed in stream chunks (a line break is just whitespace); JSONL line by line, each
 * line's text a document of its own.
 */
async function scanCorpus(
  file: string,
  scanner: NgramScanner,
  mark: (hash: number) => void,
): Promise<{ file: string; bytes: number }> {
  let bytes: number;
  try {
    bytes = statSync(file).size;
  } catch {
    throw new UserError('no such corpus file', { file, field: '--contamination' });
  }
  const input = createReadStream(file, { encoding: 'utf8', highWaterMark: 1 << 20 });
  scanner.reset();
  if (!/\.jsonl$/i.test(file)) {
    for await (const chunk of input) scanner.feed(chunk as string, mark);
    scanner.finish(mark);
    return { file, bytes };
  }
  let lineNumber = 0;
  for await (const line of createInterface({ input, crlfDelay: Infinity })) {
    lineNumber++;
    if (!line.trim()) continue;
    for (const text of corpusTexts(line, file, lineNumber)) {
      scanner.reset();
      scanner.feed(text, mark);
      scanner.finish(mark);
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
