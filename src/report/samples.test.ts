import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { docSampleRows, openSamplesWriter } from './samples.ts';
import { type SampleRow, sampleRowSchema } from './schema.ts';

const row = (docId: number): SampleRow => ({
  doc_id: docId,
  doc: { q: `question ${docId}`, note: 'naïve – "quoted"' },
  target: docId % 2,
  arguments: { gen_args_0: { arg_0: 'Q:', arg_1: ' A' } },
  resps: [[[-1.5, false]]],
  filtered_resps: [[-1.5, false]],
  filter: 'none',
  metrics: ['acc'],
  doc_hash: 'd',
  prompt_hash: 'p',
  target_hash: 't',
  acc: docId % 2,
});

describe('openSamplesWriter', () => {
  it('creates the folder and has each row in the file as soon as it is written', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'evalboard-samples-')), 'model', 'samples_x.jsonl');
    const samples = openSamplesWriter(path);
    expect(existsSync(path)).toBe(true);
    samples.write(row(0));
    // Not closed yet: what a crash now would leave behind.
    expect(readFileSync(path, 'utf8')).toBe(`${JSON.stringify(row(0))}\n`);
    samples.write(row(1));
    await samples.close();
    expect(() => samples.write(row(2))).toThrow(/is closed/);
  });

  it('writes the bytes of one JSON line per row, as the samples files always had', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'evalboard-samples-')), 'samples_y.jsonl');
    const rows = [row(0), row(1), row(2)];
    const samples = openSamplesWriter(path);
    for (const r of rows) samples.write(r);
    await samples.close();
    expect(readFileSync(path, 'utf8')).toBe(`${rows.map((r) => JSON.stringify(r)).join('\n')}\n`);

    const empty = join(path, '..', 'samples_empty.jsonl');
    await openSamplesWriter(empty).close();
    expect(readFileSync(empty, 'utf8')).toBe('');
  });
});

describe('docSampleRows', () => {
  const instance = {
    docId: 3,
    doc: { q: 'What is 1/2 as a decimal?' },
    context: 'Q: What is 1/2 as a decimal?\nA:',
    target: '0.5',
    requests: [
      [{ kind: 'generateUntil' as const, context: 'Q:', settings: { until: ['\n'], maxGenToks: 8, temperature: 0 } }],
    ],
  };
  const doc = (details?: Record<string, Record<string, unknown>>) => ({
    instance,
    results: [[{ text: ' 1/2', tokens: 2, hitMaxTokens: false, truncated: false }]],
    scored: [{ filter: 'none', filtered: '1/2', values: { exact_match: 1 }, ...(details ? { details } : {}) }],
    thinking: { reasoningTokens: 0, unterminated: false },
  });

  it('writes what a scorer said about its value under details.<metric>, and nothing when none did', () => {
    const task = { name: 't', version: 1, outputType: 'generate_until' as const, config: {} };
    const [explained] = docSampleRows(task, doc({ exact_match: { rule: 'symbolic', gold: '0.5' } }));
    expect(explained).toMatchObject({ exact_match: 1, details: { exact_match: { rule: 'symbolic', gold: '0.5' } } });
    expect(sampleRowSchema.parse(explained)).toMatchObject({ details: { exact_match: { rule: 'symbolic' } } });
    const [plain] = docSampleRows(task, doc());
    expect('details' in plain!).toBe(false);
  });
});
