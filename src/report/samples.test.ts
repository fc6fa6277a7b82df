import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openSamplesWriter } from './samples.ts';
import type { SampleRow } from './schema.ts';

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
