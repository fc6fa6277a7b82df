import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { docSampleRows, openSamplesWriter, samplesLine } from './samples.ts';
import { type SampleRow, sampleRowSchema } from './schema.ts';

const row = (docId: number): SampleRow => ({
  doc_id: docId,
  doc: { q: `question ${docId}`, note: 'naïve – "quoted"' },
  target: String(docId % 2),
  arguments: { gen_args_0: { arg_0: 'Q:', arg_1: ' A' } },
  resps: [[['-1.5', 'False']]],
  filtered_resps: [['-1.5', 'False']],
  filter: 'none',
  metrics: ['acc'],
  doc_hash: 'd',
  prompt_hash: 'p',
  target_hash: 't',
  acc: docId % 2,
  evalboard: { target: docId % 2, resps: [[[-1.5, false]]], filtered_resps: [[-1.5, false]] },
});

describe('openSamplesWriter', () => {
  it('creates the folder and has each row in the file as soon as it is written', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'evalboard-samples-')), 'model', 'samples_x.jsonl');
    const samples = openSamplesWriter(path);
    expect(existsSync(path)).toBe(true);
    samples.write(row(0));
    // Not closed yet: what a crash now would leave behind.
    expect(readFileSync(path, 'utf8')).toBe(samplesLine(row(0)));
    samples.write(row(1));
    await samples.close();
    expect(() => samples.write(row(2))).toThrow(/is closed/);
  });

  it('writes one JSON line per row with Python json.dumps separators and floats, as lm-eval writes them', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'evalboard-samples-')), 'samples_y.jsonl');
    const rows = [row(0), row(1), row(2)];
    const samples = openSamplesWriter(path);
    for (const r of rows) samples.write(r);
    await samples.close();
    const lines = readFileSync(path, 'utf8').split('\n');
    expect(lines.slice(0, 3).map((l) => JSON.parse(l))).toEqual(rows);
    // acc is a float in lm-eval's rows (1.0, 0.0); the typed copy under evalboard stays as it is.
    expect(lines[1]).toContain('"target_hash": "t", "acc": 1.0, "evalboard": {"target": 1, ');
    expect(lines[0]).toContain('"doc": {"q": "question 0", "note": "naïve – \\"quoted\\""}');

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

  it('writes what a scorer said about its value under evalboard.details.<metric>, and nothing when none did', () => {
    const task = { name: 't', version: 1, outputType: 'generate_until' as const, config: {} };
    const [explained] = docSampleRows(task, doc({ exact_match: { rule: 'symbolic', gold: '0.5' } }));
    expect(explained).toMatchObject({
      exact_match: 1,
      evalboard: { details: { exact_match: { rule: 'symbolic', gold: '0.5' } } },
    });
    expect(sampleRowSchema.parse(explained)).toMatchObject({
      evalboard: { details: { exact_match: { rule: 'symbolic' } } },
    });
    const [plain] = docSampleRows(task, doc());
    expect('details' in plain!.evalboard).toBe(false);
  });

  it("gives a generation lm-eval's fields: the task's generation_kwargs whole, [[text]] and [filtered]", () => {
    const generation_kwargs = { until: ['\n'], do_sample: false, temperature: 0, max_gen_toks: 8 };
    const task = { name: 't', version: 1, outputType: 'generate_until' as const, config: { generation_kwargs } };
    const [row] = docSampleRows(task, doc());
    expect(row).toMatchObject({
      target: '0.5',
      arguments: { gen_args_0: { arg_0: 'Q:', arg_1: generation_kwargs } },
      resps: [[' 1/2']],
      filtered_resps: ['1/2'],
      evalboard: { target: '0.5', resps: [[' 1/2']], filtered_resps: '1/2', reasoning_tokens: 0 },
    });
    // lm-eval's TaskConfig makes temperature a float; the metric value is a float in its rows too.
    expect(samplesLine(row!)).toContain('"do_sample": false, "temperature": 0.0, "max_gen_toks": 8}}');
    expect(samplesLine(row!)).toContain('"exact_match": 1.0, "evalboard"');
  });
});
