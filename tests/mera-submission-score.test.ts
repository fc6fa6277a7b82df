import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import yazl from 'yazl';
import type { UserError } from '../src/errors.ts';
import { submissionTable } from '../src/cli/score-submission.ts';
import { isHostileArchiveError } from '../src/submissions/archive.ts';
import {
  codeGenerations,
  codePassAtK,
  macroF1,
  squadScores,
  examItemPoints,
  examGradeMetrics,
} from '../src/submissions/mera-metrics.ts';
import { type MeraSubmissionScore, scoreMeraSubmission } from '../src/submissions/mera-score.ts';
import { MERA_SUBMISSION_TASKS } from '../src/submissions/mera-tasks.ts';
import { evalboard, ROOT, tempDir } from './helpers.ts';

const MERA = join(ROOT, '../shared/datasets/mera');
const EXAMPLES = join(MERA, 'submission-example');
const GOOD_ZIP = join(EXAMPLES, 'sample_submission_v1.1.zip');
const BAD_ZIP = join(EXAMPLES, 'sample_submission_bad.zip');

type Json = Record<string, unknown>;
type Rec = { outputs: unknown; meta: Json };

function unzip(zip: string): string {
  const dir = tempDir('mera-sample-');
  execFileSync('unzip', ['-q', zip, '-d', dir]);
  return dir;
}

function taskFile(dir: string, name: string): { data: { test: unknown[] } } {
  return JSON.parse(readFileSync(join(dir, name), 'utf8'));
}

/**
 * A gold folder made from the v1.1 sample's own answers (MERA's real gold is hidden): the same ids and
 * types, so the sample must validate cleanly against it and score 1 wherever scoring is exact match.
 * USE and ruEthics items get the meta the website reads (type, score; question); code tasks' gold is each
 * item's first generation.
 */
function goldFromSample(sampleDir: string): string {
  const gold = tempDir('mera-gold-');
  for (const name of readdirSync(sampleDir)) {
    const file = taskFile(sampleDir, name);
    for (const record of file.data.test.flat() as Rec[]) {
      // MERA asks each ruEthics text three questions; the sample has 645 texts × 3 records.
      if (name === 'ruEthics.json') record.meta.question = ['correct', 'good', 'ethical'][Number(record.meta.id) % 3];
      if (name === 'ruHumanEval.json') record.outputs = (record.outputs as unknown[])[0];
      if (name === 'USE.json') {
        record.meta.type = 'multiple_choice';
        // Task 16's points for a perfect answer are its distinct choices (its partial-credit rule).
        record.meta.score = record.meta.id_task === '16' ? new Set(String(record.outputs).split(',')).size : 1;
      }
    }
    writeFileSync(join(gold, name), JSON.stringify(file));
  }
  return gold;
}

function zipOf(files: Record<string, string | Buffer>): Promise<string> {
  const zip = new yazl.ZipFile();
  for (const [name, data] of Object.entries(files)) zip.addBuffer(Buffer.from(data), name);
  zip.end();
  const out = join(tempDir('mera-zip-'), 'submission.zip');
  const chunks: Buffer[] = [];
  return new Promise((resolve, reject) => {
    zip.outputStream.on('data', (c: Buffer) => chunks.push(c));
    zip.outputStream.on('end', () => {
      writeFileSync(out, Buffer.concat(chunks));
      resolve(out);
    });
    zip.outputStream.on('error', reject);
  });
}

function submission(records: unknown[]): string {
  return JSON.stringify({ data: { test: records } });
}

let sampleDir: string;
let goldDir: string;

beforeAll(() => {
  sampleDir = unzip(GOOD_ZIP);
  goldDir = goldFromSample(sampleDir);
});

describe('scoreMeraSubmission on the sample ZIPs', () => {
  let good: MeraSubmissionScore;

  beforeAll(async () => {
    good = await scoreMeraSubmission(GOOD_ZIP, goldDir);
  });

  it('scores the v1.1 sample without errors, every exact-match task at 1 against its own answers', () => {
    expect(good.errors).toEqual([]);
    for (const [name, result] of Object.entries(good.tasks)) {
      if (name === 'MaMuRAMu' || name === 'ruCodeEval') expect(result.status).toBe('no_gold');
      else if (name === 'ruDetox') expect(result.status).toBe('not_computable');
      else expect(result.status, name).toBe('scored');
    }
    for (const name of ['BPS', 'LCS', 'RWSD', 'ruTiE', 'RCB', 'MultiQ', 'CheGeKa', 'USE', 'SimpleAr', 'ruMMLU']) {
      expect(good.tasks[name]?.score, name).toBe(1);
    }
    expect(good.tasks.RCB?.metrics).toEqual({ acc: 1, f1_macro: 1 });
    expect(Object.keys(good.tasks.ruEthics?.metrics ?? {}).sort()).toHaveLength(15);
    // The sample has ruEthics labels with both classes per category, so self-agreement is a perfect correlation.
    for (const v of Object.values(good.tasks.ruEthics?.metrics ?? {})) expect(v).toBeCloseTo(1, 12);
    // The v1.1 sample lacks MaMuRAMu and ruCodeEval, so 13 of the 15 in-total tasks have gold.
    expect(good.total_over).toHaveLength(13);
    expect(good.total).toBe(1);
    expect(good.ready_for_public).toBe(false);
    expect(good.use_in_total).toHaveLength(15);
  });

  it('scores ruHumanEval (v1.1: no outer list) by pass@k counted independently', () => {
    const records = taskFile(sampleDir, 'ruHumanEval.json').data.test as Rec[];
    const passRates = records.map((r) => {
      const gens = r.outputs as string[][];
      const passing = gens.filter((g) => JSON.stringify(g) === JSON.stringify(gens[0])).length;
      return passing / gens.length;
    });
    const pass1 = passRates.reduce((a, b) => a + b, 0) / passRates.length;
    expect(good.tasks.ruHumanEval?.metrics['pass@1']).toBeCloseTo(pass1, 12);
    expect(good.tasks.ruHumanEval?.metrics['pass@10']).toBe(1);
  });

  it('lists every error of sample_response_bad.json, with task and record', async () => {
    const bad = await scoreMeraSubmission(BAD_ZIP, goldDir);
    const reply = JSON.parse(readFileSync(join(EXAMPLES, 'sample_response_bad.json'), 'utf8')) as {
      error_reason: Record<string, { type: string; doc_id?: number; example_number?: number }[]>;
    };
    const ours = bad.errors.map((e) => `${e.task} ${e.type} ${e.id ?? e.example_number ?? ''}`.trim());
    const theirs = Object.entries(reply.error_reason).flatMap(([task, errors]) =>
      errors.map((e) => `${task} ${e.type} ${e.doc_id ?? e.example_number ?? ''}`.trim()),
    );
    // RWSD id 61 is a plain string in the ZIP, as in every other record: the old scorer's type error for
    // it cannot come from this file (mera/SOURCE.md, Caveats), so it is the one listed error we do not give.
    const reproducible = theirs.filter((e) => e !== 'RWSD doc_output_type_error 61');
    expect(reproducible).toHaveLength(8);
    expect(ours.sort()).toEqual(reproducible.sort());
    for (const error of bad.errors) {
      expect(error.message).not.toContain('\n');
      expect(bad.tasks[error.task]?.score).toBe(0);
      expect(bad.tasks[error.task]?.status).toBe('error');
    }
    expect(bad.errors.find((e) => e.task === 'ruOpenBookQA')?.message).toBe('the archive has no ruOpenBookQA.json');
    expect(bad.errors.find((e) => e.task === 'ruEthics')?.message).toContain('".jso"');
    expect(bad.tasks.RWSD?.status).toBe('scored');
    // The files sit in a folder inside the ZIP: matched by name at any depth.
    expect(bad.tasks.BPS?.status).toBe('scored');
    const inTotal = bad.total_over.map((name) => bad.tasks[name]?.score ?? 0);
    expect(bad.total).toBeCloseTo(inTotal.reduce((a, b) => a + b, 0) / 13, 12);

    const table = submissionTable(bad).split('\n');
    expect(table).toContain('ruOpenBookQA: 1 error(s), task scored 0');
    expect(table).toContain('  [no_task] the archive has no ruOpenBookQA.json');
    expect(table.find((l) => l.startsWith('MathLogicQA '))).toMatch(/^MathLogicQA +yes +error +0\.0000 +acc=0\.0000$/);
    expect(table).toContain(
      `total: ${bad.total?.toFixed(4)} (mean over the 13 of MERA's 15 in-total tasks the gold folder has; missing or erroneous ones count 0)`,
    );
  });
});

describe('scoreMeraSubmission validation', () => {
  const rwsd = () => taskFile(sampleDir, 'RWSD.json').data.test as Rec[];

  it('an answer flipped is one item less of accuracy; a number where gold has a string is a type error', async () => {
    const records = rwsd();
    records[5]!.outputs = records[5]!.outputs === 'Да' ? 'Нет' : 'Да';
    const flipped = await scoreMeraSubmission(await zipOf({ 'RWSD.json': submission(records) }), goldDir);
    expect(flipped.tasks.RWSD?.metrics.acc).toBe(259 / 260);
    // Every other task is missing from this ZIP: each an error, each 0 in the total.
    expect(flipped.total).toBeCloseTo(259 / 260 / 13, 12);
    expect(flipped.tasks.LCS?.errors[0]?.type).toBe('no_task');

    records[7]!.outputs = 1;
    const typed = await scoreMeraSubmission(await zipOf({ 'RWSD.json': submission(records) }), goldDir);
    const error = typed.errors.find((e) => e.task === 'RWSD');
    expect(error).toMatchObject({ type: 'doc_output_type_error', id: records[7]!.meta.id });
    expect(error?.message).toContain('outputs is a number, expected a string');
    expect(typed.tasks.RWSD?.metrics).toEqual({ acc: 0 });
  });

  it('reports unknown and duplicate ids, ids of the wrong JSON type, unreadable JSON and wrong case', async () => {
    const records = rwsd();
    const zip = await zipOf({
      'RWSD.json': submission([...records, { outputs: 'Да', meta: { id: 99999 } }, records[0]]),
      'deep/folder/LCS.json': '{"data": {"test": [',
      'rcb.json': submission([]),
      'PARus.json': submission(
        (taskFile(sampleDir, 'PARus.json').data.test as Rec[]).map((r) => ({ ...r, meta: { id: String(r.meta.id) } })),
      ),
    });
    const result = await scoreMeraSubmission(zip, goldDir);
    const rwsdErrors = result.tasks.RWSD?.errors.map((e) => [e.type, e.id]);
    expect(rwsdErrors).toEqual([['duplicate_id', records[0]!.meta.id]]);
    expect(result.tasks.LCS?.errors[0]?.type).toBe('unreadable_file');
    expect(result.tasks.LCS?.errors[0]?.message).toMatch(/^deep\/folder\/LCS.json is not valid JSON/);
    expect(result.tasks.RCB?.errors[0]?.message).toBe(
      'the archive has no RCB.json (found rcb.json: names are case-sensitive)',
    );
    // "0" is not 0: the website keys records by the JSON value, so every gold id is missing.
    expect(result.tasks.PARus?.errors).toHaveLength(500 + 500);
    expect(result.tasks.PARus?.errors[0]?.type).toBe('no_id');
    expect(result.tasks.PARus?.errors.at(-1)?.type).toBe('unknown_id');

    const unknownOnly = await zipOf({ 'RWSD.json': submission([...records, { outputs: 'Да', meta: { id: 99999 } }]) });
    const unknown = await scoreMeraSubmission(unknownOnly, goldDir);
    expect(unknown.tasks.RWSD?.errors.map((e) => [e.type, e.id])).toEqual([['unknown_id', 99999]]);
  });

  it('refuses a hostile archive before scoring anything, from the CLI with one line', async () => {
    const zip = await zipOf({ 'XXRWSD.json': submission([]) });
    const bytes = readFileSync(zip);
    const patched = Buffer.from(bytes.toString('latin1').replaceAll('XXRWSD.json', '/.RWSD.json'), 'latin1');
    writeFileSync(zip, patched);
    const error = await scoreMeraSubmission(zip, goldDir).catch((e: unknown) => e);
    expect(isHostileArchiveError(error)).toBe(true);
    const cli = evalboard(['score-submission', zip, '--gold', goldDir]);
    expect(cli.status).toBe(2);
    expect(cli.stderr).toBe(`error: ${zip}: refused: entry /.RWSD.json has an absolute path\n`);
    expect(cli.stdout).toBe('');
  });

  it('refuses a gold folder without task files, or with records the scorer cannot use, with one line', async () => {
    const empty = tempDir('mera-gold-empty-');
    mkdirSync(join(empty, 'nothing'));
    await expect(scoreMeraSubmission(GOOD_ZIP, empty)).rejects.toThrow('the gold folder has no MERA task files');
    // USE is scored by each item's type and points: a gold record without them is the gold's fault, named as such.
    const useOnly = tempDir('mera-gold-use-');
    writeFileSync(join(useOnly, 'USE.json'), submission([{ outputs: '1', meta: { id: 0, id_task: '1', variant: 1 } }]));
    const error = await scoreMeraSubmission(GOOD_ZIP, useOnly).catch((e: unknown) => e);
    expect((error as UserError).format()).toBe(
      `${join(useOnly, 'USE.json')}: meta.type: gold record 0 has no meta.type, which USE is scored by`,
    );
  });
});

describe('MERA website metrics', () => {
  it('SQuAD F1 and EM over ";"-separated gold answers, checked by hand', () => {
    // "Пётр Первый" vs "Пётр I": one of two tokens shared each way: P = R = 1/2.
    expect(squadScores(['Пётр Первый'], 'Пётр I')).toEqual({ f1: 0.5, em: 0 });
    // Punctuation and English articles are dropped, case folded; the best alternative counts.
    expect(squadScores('Москва;the Moscow'.split(';'), 'moscow!')).toEqual({ f1: 1, em: 1 });
    // 3 predicted tokens, 2 gold, 1 shared: P = 1/3, R = 1/2, F1 = 2/5.
    const { f1, em } = squadScores(['красная площадь'], 'на красная площади');
    expect(f1).toBeCloseTo(0.4, 12);
    expect(em).toBe(0);
  });

  it('macro-F1 over string labels, as sklearn computes it', () => {
    // Label 1: tp 1, fp 1, fn 0 → 2/3. Label 2: tp 1, fp 1, fn 1 → 1/2. Label 3: tp 0 → 0.
    expect(macroF1(['1', '2', '2', '3'], ['1', '2', '1', '2'])).toBeCloseTo((2 / 3 + 1 / 2 + 0) / 3, 12);
  });

  it('USE points by item type, and grade_norm per variant', () => {
    expect(examItemPoints('matching', '26', '1,2,3,4', '1,3,3,4')).toBe(3);
    expect(examItemPoints('matching', '26', '1,2,3,4', '1,2,3')).toBe(0);
    expect(examItemPoints('text', '7', 'бережливый,бережный', 'Бережливый.')).toBe(1);
    expect(examItemPoints('multiple_choice', '1', '2,4', '4,2')).toBe(1);
    expect(examItemPoints('multiple_choice', '1', '2,4', '2')).toBe(0);
    // Task 16: |A ∩ P| − |P| + |A| = 1 − 2 + 2.
    expect(examItemPoints('multiple_choice', '16', '1,3', '1,2')).toBe(1);
    const metrics = examGradeMetrics([
      { score: 1, maxScore: 1, variant: '1', idTask: '1' },
      { score: 3, maxScore: 4, variant: '1', idTask: '26' },
      { score: 0, maxScore: 1, variant: '2', idTask: '1' },
    ]);
    // Variant 1: 4/5, variant 2: 0/1.
    expect(metrics.grade_norm).toBeCloseTo(0.4, 12);
    expect(metrics['grade_norm.task1']).toBe(0.5);
  });

  it('code outputs: v1.2 nests the generations in one list, v1.1 does not; pass@k counts exact per-test matches', () => {
    const gold = ['[1]', '[2]'];
    const v12 = [[['[1]', '[2]'], ['[1]', null], 'timed out']];
    const v11 = [
      ['[1]', '[2]'],
      ['[1]', null],
    ];
    expect(codeGenerations(v12)).toHaveLength(3);
    expect(codeGenerations(v11)).toHaveLength(2);
    expect(codeGenerations([['timed out', 'timed out']])).toHaveLength(2);
    // n = 3, c = 1: pass@1 = 1/3; pass@5 with n − c = 2 < 5 is 1.
    const passes = codePassAtK(gold, codeGenerations(v12), [1, 5]);
    expect(passes['pass@1']).toBeCloseTo(1 / 3, 12);
    expect(passes['pass@5']).toBe(1);
  });

  it('knows MERA v1.2 scoring-configs: the same 15 tasks count in the total', () => {
    const configs = readdirSync(join(MERA, 'scoring-configs')).filter((f) => f.endsWith('.yaml'));
    for (const task of MERA_SUBMISSION_TASKS) {
      const file = `${task.task}.yaml`;
      expect(configs, file).toContain(file);
      const text = readFileSync(join(MERA, 'scoring-configs', file), 'utf8');
      expect(text, file).toContain(`use_in_total: ${task.useInTotal}`);
      if (task.ks) expect(text).toContain(`ks: [${task.ks.join(', ')}]`);
    }
  });
});
