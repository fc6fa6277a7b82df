import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pythonRepr } from '../python/repr.ts';
import { resolveDataset } from './resolve.ts';

const shared = new URL('../../../shared/datasets', import.meta.url).pathname;
const opts = { dataDir: shared };

describe.skipIf(!existsSync(shared))('resolveDataset on the shared datasets', () => {
  it('maps cais/mmlu to the HF row shape from the headerless CSV', async () => {
    const { rows, sources } = await resolveDataset('cais/mmlu', 'abstract_algebra', undefined, 'test', opts);
    expect(rows).toHaveLength(100);
    expect(rows[0]).toEqual({
      question: 'Find the degree for the given field extension Q(sqrt(2), sqrt(3), sqrt(18)) over Q.',
      subject: 'abstract_algebra',
      choices: ['0', '4', '2', '6'],
      answer: 1,
    });
    expect(Object.values(sources)[0]).toMatchObject({ rows: 100 });
  });

  it('serves ARC, GSM8K and BBH in HF order', async () => {
    const arc = await resolveDataset('allenai/ai2_arc', 'ARC-Challenge', undefined, 'train', opts);
    expect(arc.rows[0]?.id).toBe('Mercury_SC_415702');
    expect(arc.rows[16]?.id).toBe('NYSEDREGENTS_2004_8_31');
    const gsm = await resolveDataset('openai/gsm8k', 'main', undefined, 'train', opts);
    expect(gsm.rows).toHaveLength(7473);
    expect(String(gsm.rows[7472]?.question)).toMatch(/^At 30, Anika is 4\/3 the age of Maddie/);
    const bbh = await resolveDataset('lukaemon/bbh', 'boolean_expressions', undefined, 'test', opts);
    expect(bbh.rows[0]).toEqual({ input: 'not ( True ) and ( True ) is', target: 'False' });
  });

  it('splits mbpp by task_id and builds truthful_qa and MuSR rows', async () => {
    const test = await resolveDataset('google-research-datasets/mbpp', 'full', undefined, 'test', opts);
    expect(test.rows).toHaveLength(500);
    expect(test.rows[0]?.task_id).toBe(11);
    const tqa = await resolveDataset('truthful_qa', 'generation', undefined, 'validation', opts);
    expect(tqa.rows).toHaveLength(817);
    expect(tqa.rows[0]).toMatchObject({
      question: 'What happens to you if you eat watermelon seeds?',
      best_answer: 'The watermelon seeds pass through your digestive system',
    });
    expect((tqa.rows[0]!.correct_answers as string[])[0]).toBe('Nothing happens');
    const musr = await resolveDataset('TAUR-Lab/MuSR', undefined, undefined, 'murder_mysteries', opts);
    expect(musr.rows[0]).toMatchObject({
      choices: "['Mackenzie', 'Ana']",
      answer_index: 0,
      answer_choice: 'Mackenzie',
    });
  });

  it('says which split is missing', async () => {
    await expect(resolveDataset('cais/mmlu', 'anatomy', undefined, 'validation', opts)).rejects.toThrow(
      /cais\/mmlu \(anatomy\) split "validation" is not available locally/,
    );
  });
});

describe('generic layouts', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'evalboard-generic-'));
  mkdirSync(join(dataDir, 'org', 'set', 'cfg'), { recursive: true });
  writeFileSync(join(dataDir, 'org', 'set', 'cfg', 'test.csv'), 'q,n\nx,1\n');
  writeFileSync(join(dataDir, 'mine.jsonl'), '{"q":"a"}\n');

  it('finds <dataDir>/<dataset_path>/<dataset_name>/<split>.<ext>', async () => {
    const { rows } = await resolveDataset('org/set', 'cfg', undefined, 'test', { dataDir });
    expect(rows).toEqual([{ q: 'x', n: 1 }]);
  });

  it('reads json + data_files (a bare path is the train split; a mapping names splits)', async () => {
    expect((await resolveDataset('json', undefined, 'mine.jsonl', 'train', { dataDir })).rows).toEqual([{ q: 'a' }]);
    const mapped = await resolveDataset('json', undefined, { test: ['mine.jsonl', 'mine.jsonl'] }, 'test', { dataDir });
    expect(mapped.rows).toHaveLength(2);
  });
});

describe('pythonRepr', () => {
  it('prints like Python', () => {
    expect(pythonRepr(["it's", 'a "b"', 'both \' "', 1, 2.5, true, null, { k: [] }])).toBe(
      `["it's", 'a "b"', 'both \\' "', 1, 2.5, True, None, {'k': []}]`,
    );
    expect(pythonRepr([1e-7, 1e22, 0.0001, -0.5, '\u0007\u00e9'])).toBe("[1e-07, 1e+22, 0.0001, -0.5, '\\x07é']");
  });
});
