/**
 * `evalboard analyze --contamination` on a real run's samples and a crafted corpus whose overlaps
 * are known: one across a line break with punctuation and case changed, one below 13 words, one
 * inside a JSONL document, and one split over two JSONL documents (which must not count).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { AnalysisReport } from '../src/analysis/analyze.ts';
import { normalizedWords } from '../src/analysis/contamination.ts';
import { dummyRun, samplesOf } from './analysis-helpers.ts';
import { evalboard, tempDir } from './helpers.ts';

interface Row {
  doc_id: number;
  doc: { question: string };
  acc: number;
}

describe('normalizedWords (lm-eval janitor.py normalisation)', () => {
  it('lower-cases ASCII letters only, deletes ASCII punctuation, splits on whitespace', () => {
    // The source string of janitor.py's own commented-out tests, normalised as its translate table does.
    const source = "   ,, I'm a very !dirty,, ,,  dirty boy. Clean me daddy. \n\nhe he he hehe heh.  lastword  ";
    expect(normalizedWords(source)).toEqual(
      'im a very dirty dirty boy clean me daddy he he he hehe heh lastword'.split(' '),
    );
    expect(normalizedWords('ÉCLAIR — co-op')).toEqual(['Éclair', '—', 'coop']);
  });
});

describe('analyze --contamination', () => {
  let samplesFile: string;
  let rows: Row[];
  beforeAll(() => {
    samplesFile = samplesOf(dummyRun('arc_easy', 40), 'arc_easy');
    rows = readFileSync(samplesFile, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Row);
  });

  it('finds exactly the planted overlaps and rescores the task on the clean documents', () => {
    const long = rows.filter((r) => normalizedWords(r.doc.question).length >= 16);
    expect(long.length).toBeGreaterThanOrEqual(4);
    const [acrossLines, tooFewWords, inJsonl, splitDocuments] = long as [Row, Row, Row, Row];
    const words = (row: Row) => row.doc.question.split(/\s+/);

    // Wrapped over a line break, shouted, with punctuation sprinkled in: still the same 13-grams.
    const wrapped = words(acrossLines);
    const middle = Math.floor(wrapped.length / 2);
    const text = [
      'Some unrelated text about the weather and the sea.',
      `${wrapped.slice(0, middle).join(' ').toUpperCase()},`,
      `"${wrapped.slice(middle).join(' ... ')}"!`,
      // Only 12 of the words: one short of an n-gram.
      words(tooFewWords).slice(0, 12).join(' '),
    ].join('\n');
    const textCorpus = join(tempDir('corpus-'), 'web.txt');
    writeFileSync(textCorpus, `${text}\n`);

    // In JSONL each line is a document: a question split over two lines is not an overlap.
    const split = words(splitDocuments);
    const half = Math.floor(split.length / 2);
    const jsonlCorpus = join(tempDir('corpus-'), 'pages.jsonl');
    writeFileSync(
      jsonlCorpus,
      [
        { text: `intro. ${words(inJsonl).join('  ').replaceAll('e', 'e-')} outro` },
        { text: split.slice(0, half).join(' ') },
        { text: split.slice(half).join(' ') },
      ]
        .map((o) => JSON.stringify(o))
        .join('\n'),
    );

    const out = tempDir('contamination-out-');
    const r = evalboard([
      'analyze',
      samplesFile,
      '--contamination',
      textCorpus,
      jsonlCorpus,
      '--json',
      join(out, 'a.json'),
    ]);
    expect(r.status, r.stderr).toBe(0);
    const report = JSON.parse(readFileSync(join(out, 'a.json'), 'utf8')) as AnalysisReport;
    const task = report.contamination!.tasks[0]!;
    const expected = [acrossLines.doc_id, inJsonl.doc_id].sort((a, b) => a - b);
    expect(task).toMatchObject({ task: 'arc_easy', documents: 40, contaminated: 2, share: 2 / 40 });
    expect(task.contaminatedDocIds).toEqual(expected);
    expect(r.stdout).toContain(`arc_easy contaminated doc_ids: ${expected.join(', ')}`);

    const clean = rows.filter((row) => !expected.includes(row.doc_id));
    const acc = task.rescored.find((s) => s.metric === 'acc')!;
    expect(acc.all).toBeCloseTo(rows.reduce((s, row) => s + row.acc, 0) / 40, 12);
    expect(acc.clean).toBeCloseTo(clean.reduce((s, row) => s + row.acc, 0) / clean.length, 12);
    expect(acc.cleanDocuments).toBe(38);
  });

  it('at a shorter n-gram the 12-word overlap counts too', () => {
    const long = rows.filter((r) => normalizedWords(r.doc.question).length >= 16);
    const corpus = join(tempDir('corpus-'), 'short.txt');
    writeFileSync(corpus, `${long[1]!.doc.question.split(/\s+/).slice(0, 12).join(' ')}\n`);
    const out = tempDir('contamination-out-');
    const r = evalboard([
      'analyze',
      samplesFile,
      '--contamination',
      corpus,
      '--ngram',
      '12',
      '--json',
      join(out, 'a.json'),
    ]);
    expect(r.status, r.stderr).toBe(0);
    const task = (JSON.parse(readFileSync(join(out, 'a.json'), 'utf8')) as AnalysisReport).contamination!.tasks[0]!;
    expect(task.contaminatedDocIds).toContain(long[1]!.doc_id);
  });

  it('needs samples to check', () => {
    const data = process.env.EVALBOARD_DATA_DIR ?? join(import.meta.dirname, '../../shared/datasets');
    const csv = join(data, 'checkpoint-evals/tinyllama/instruct_eval.csv');
    const r = evalboard(['analyze', csv, '--contamination', 'c.txt']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--contamination: needs samples/);
  });
});
