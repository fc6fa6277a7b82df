import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { pythonStr } from '../src/python/repr.ts';
import { UserError } from '../src/errors.ts';
import { extractArchive } from '../src/submissions/archive.ts';
import { exportMeraSubmission } from '../src/submissions/mera-export.ts';
import { type MeraSubmissionScore, scoreMeraSubmission } from '../src/submissions/mera-score.ts';
import { meraSubmissionTask } from '../src/submissions/mera-tasks.ts';
import { evalboard, listFiles, readResults, ROOT, tempDir } from './helpers.ts';

const CARDS = join(ROOT, '../shared/datasets/mera/samples/card_instances.json');

type Json = Record<string, unknown>;

/** The card records of every MERA task, as MERA's HF rows (ruTiE's dialog flattened). */
function cardRecords(): Map<string, Json[]> {
  const tasks = JSON.parse(readFileSync(CARDS, 'utf8')).tasks as Record<string, { instances: { record?: unknown }[] }>;
  return new Map(
    Object.entries(tasks).map(([task, entry]) => [
      task,
      entry.instances.flatMap((i) => (i.record === undefined ? [] : [i.record].flat())) as Json[],
    ]),
  );
}

/**
 * A samples row as the MERA tasks write it: the record as `doc`, the submitted answer as
 * `mera_prediction`, the rest of lm-eval's row layout.
 */
function sampleRow(docId: number, doc: Json, prediction: unknown): Json {
  return {
    doc_id: docId,
    doc,
    target: pythonStr(doc.outputs),
    arguments: { gen_args_0: { arg_0: `prompt ${docId}: ${String(doc.instruction)}`, arg_1: { until: ['\n'] } } },
    resps: [[JSON.stringify(prediction)]],
    filtered_resps: [JSON.stringify(prediction)],
    filter: 'none',
    metrics: [],
    doc_hash: 'x',
    prompt_hash: 'x',
    target_hash: 'x',
    mera_prediction: prediction,
    evalboard: {
      target: doc.outputs,
      resps: [[JSON.stringify(prediction)]],
      filtered_resps: [JSON.stringify(prediction)],
    },
  };
}

/** A wrong answer of the gold's type, so the expected score of each task is known. */
function wrong(outputs: unknown): unknown {
  if (typeof outputs === 'string') return `${outputs}-wrong`;
  if (Array.isArray(outputs)) return outputs.map(() => 'wrong');
  return Object.fromEntries(Object.keys(outputs as Json).map((k) => [k, k === 'virtue' ? '0' : '1']));
}

let runDir: string;
let modelDir: string;
let zip: string;
let gold: string;
let scored: MeraSubmissionScore;
let exportOut: string;

beforeAll(async () => {
  runDir = tempDir('mera-run-');
  const run = evalboard([
    'run',
    '--model',
    'dummy',
    '--tasks',
    'ruhhh,ruhatespeech',
    '--log_samples',
    '--output_path',
    runDir,
    '--quiet',
  ]);
  expect(run.status, run.stderr).toBe(0);
  modelDir = dirname(listFiles(runDir).find((f) => basename(f).startsWith('results_'))!);
  // The other card tasks, as a MERA-task run would log them: first record answered right, later ones wrong.
  for (const [task, records] of cardRecords()) {
    if (task === 'ruhhh' || task === 'ruhatespeech') continue;
    const rows = records.map((doc, i) => {
      if (task === 'rucodeeval' || task === 'ruhumaneval') {
        // Two generations, the first passing every test: pass@1 = 1/2 for each item.
        return sampleRow(i, doc, [doc.outputs, wrong(doc.outputs)]);
      }
      if (task === 'ruethics') return sampleRow(i, doc, '1');
      return sampleRow(i, doc, i === 0 ? doc.outputs : wrong(doc.outputs));
    });
    const file = join(modelDir, `samples_${task}_2026-01-01T00-00-00.000000.jsonl`);
    writeFileSync(file, rows.map((r) => `${JSON.stringify(r)}\n`).join(''));
  }
  zip = join(tempDir('mera-export-'), 'submission.zip');
  gold = join(tempDir('mera-gold-'), 'gold');
  const exported = evalboard(['export', 'mera', '--results', runDir, '--out', zip, '--gold', gold]);
  expect(exported.status, exported.stderr).toBe(0);
  exportOut = exported.stdout;
  scored = await scoreMeraSubmission(zip, gold);
}, 120_000);

describe('export mera → score-submission', () => {
  it("gives the dummy run's own scores for ruHHH and ruHateSpeech, overall and per group", () => {
    const results = readResults(runDir).results as Record<string, Record<string, number>>;
    const hhh = scored.tasks.ruHHH!;
    expect(hhh.status).toBe('scored');
    expect(hhh.metrics.acc).toBeCloseTo(results.ruhhh!['acc,none']!, 12);
    for (const criterion of ['helpful', 'harmless', 'honest']) {
      expect(hhh.metrics[`acc.${criterion}`]).toBeCloseTo(results.ruhhh![`acc_${criterion},none`]!, 12);
    }
    const hate = scored.tasks.ruHateSpeech!;
    expect(hate.metrics.acc).toBeCloseTo(results.ruhatespeech!['acc,none']!, 12);
    // The run names its groups in English (acc_men), MERA by the Russian target_group: compare the values.
    const ours = Object.entries(hate.metrics)
      .filter(([k]) => k.startsWith('acc.'))
      .map(([, v]) => v);
    const theirs = Object.entries(results.ruhatespeech!)
      .filter(([k]) => k.startsWith('acc_') && k.endsWith(',none') && !k.includes('stderr'))
      .map(([, v]) => v);
    expect(ours.sort()).toEqual(theirs.sort());
    expect(ours).toHaveLength(6);
  });

  it('scores every card task as its answers were set: first record right, the rest wrong', () => {
    const cards = cardRecords();
    const firstRightRate = (task: string) => 1 / cards.get(task)!.length;
    for (const task of ['bps', 'lcs', 'mathlogicqa', 'parus', 'rwsd', 'rummlu', 'mamuramu', 'rutie']) {
      expect(scored.tasks[meraSubmissionTask(task)!.name]?.metrics.acc, task).toBeCloseTo(firstRightRate(task), 12);
    }
    for (const task of ['simplear', 'rumodar', 'rumultiar']) {
      expect(scored.tasks[meraSubmissionTask(task)!.name]?.metrics.em, task).toBeCloseTo(firstRightRate(task), 12);
    }
    expect(scored.tasks.CheGeKa?.metrics).toEqual({ f1: 1, em: 1 });
    expect(scored.tasks.ruCodeEval?.metrics['pass@1']).toBe(0.5);
    expect(scored.tasks.USE?.status).toBe('scored');
    expect(scored.tasks.ruDetox?.status).toBe('not_computable');
    expect(scored.errors).toEqual([]);
    // One ruEthics record: both MCC inputs constant, so sklearn's 0.
    expect(Object.values(scored.tasks.ruEthics?.metrics ?? {})).toEqual(Array(5).fill(0));
    expect(exportOut).toContain('RWSD.json: 1 records, gold written');
  });

  it("keeps each item's outputs and metric, with the prompt and response its logs_public.zip holds", () => {
    const rwsd = scored.tasks.RWSD!.items!;
    expect(rwsd.map((i) => [i.meta, i.metric])).toEqual([[{ id: 0 }, 'acc']]);
    const samplesFile = readdirSync(modelDir).find((n) => n.startsWith('samples_rwsd_'))!;
    const logged = JSON.parse(readFileSync(join(modelDir, samplesFile), 'utf8').split('\n')[0]!);
    const entry = scored.prompts.get('RWSD')?.get('0');
    expect(entry?.prompt).toBe(Object.values(logged.arguments as Record<string, { arg_0: string }>)[0]!.arg_0);
    expect(entry?.prompt.length).toBeGreaterThan(0);
    // ruTiE's logged prompts are published as their sha256; its items are keyed by dialog and question.
    expect(scored.prompts.get('ruTiE')?.get(JSON.stringify({ dialog_id: 0, question_id: 0 }))?.prompt).toMatch(
      /^[0-9a-f]{64}$/,
    );
    expect(scored.tasks.ruEthics!.items!.every((i) => i.metric === null && i.value === null)).toBe(true);
  });

  it("writes MERA's file names and record shapes at the root, and logs_public.zip", async () => {
    const unpacked = await extractArchive(zip, join(tempDir('mera-unpack-'), 'out'));
    const top = unpacked.files.filter((f) => f.depth === 0).map((f) => f.path);
    expect(top).toContain('logs_public.zip');
    expect(top).toContain('ruHHH.json');
    expect(top).toContain('MaMuRAMu.json');
    expect(top.filter((p) => p.endsWith('.json'))).toHaveLength(23);
    const read = (name: string) =>
      JSON.parse(readFileSync(unpacked.files.find((f) => f.path === name)!.absolutePath, 'utf8')).data.test as Json[];
    const cards = cardRecords();
    expect(read('RWSD.json')).toEqual([{ outputs: cards.get('rwsd')![0]!.outputs, meta: { id: 0 } }]);
    expect(read('ruEthics.json')[0]).toEqual({
      outputs: { virtue: '1', law: '1', moral: '1', justice: '1', utilitarianism: '1' },
      meta: { id: 1289 },
    });
    const use = read('USE.json')[0]!;
    expect(Object.keys(use.meta as Json).sort()).toEqual(['id', 'id_task', 'variant']);
    expect(read('ruTiE.json').map((r) => r.meta)).toEqual([
      { dialog_id: 0, question_id: 0 },
      { dialog_id: 0, question_id: 1 },
    ]);
    const code = read('ruCodeEval.json')[0]!;
    expect(code.outputs).toEqual([[cards.get('rucodeeval')![0]!.outputs, wrong(cards.get('rucodeeval')![0]!.outputs)]]);
    // Files are indented as MERA's converter writes them (indent=4, UTF-8 text, not \u escapes).
    const raw = readFileSync(unpacked.files.find((f) => f.path === 'RWSD.json')!.absolutePath, 'utf8');
    expect(raw).toContain('\n                "outputs"');
    expect(raw).not.toContain('\\u');

    const logs = unpacked.files.filter((f) => f.nestedIn === 'logs_public.zip');
    const names = logs.map((f) => f.path).sort();
    expect(names.filter((n) => n.startsWith('results_'))).toHaveLength(1);
    expect(names.filter((n) => n.startsWith('samples_'))).toHaveLength(23);
    const original = (name: string) => readFileSync(join(modelDir, name), 'utf8');
    const logged = (name: string) => readFileSync(logs.find((f) => f.path === name)!.absolutePath, 'utf8');
    const hhhSamples = readdirSync(modelDir).find((n) => n.startsWith('samples_ruhhh_'))!;
    expect(logged(hhhSamples)).toBe(original(hhhSamples));
    // ruTiE's prompts are published only as their sha256.
    const rutie = 'samples_rutie_2026-01-01T00-00-00.000000.jsonl';
    const originalRows = original(rutie)
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const loggedRows = logged(rutie)
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(loggedRows).toHaveLength(2);
    loggedRows.forEach((row, i) => {
      const prompt = originalRows[i].arguments.gen_args_0.arg_0 as string;
      expect(prompt).toContain('prompt');
      expect(row.arguments.gen_args_0.arg_0).toBe(createHash('sha256').update(prompt).digest('hex'));
      expect({ ...row, arguments: undefined }).toEqual({ ...originalRows[i], arguments: undefined });
    });
  });

  it('leaves out a code task whose rows hold generated code rather than per-test outputs, saying why', async () => {
    const dir = tempDir('mera-code-');
    const doc = cardRecords().get('rucodeeval')![0]!;
    const row = sampleRow(0, doc, 'def f():\n    return 1');
    writeFileSync(join(dir, 'samples_mera_rucodeeval_2026-01-01T00-00-00.000000.jsonl'), `${JSON.stringify(row)}\n`);
    const summary = await exportMeraSubmission(dir, join(dir, 'x.zip'));
    expect(summary.tasks).toEqual([]);
    expect(summary.skipped).toEqual([
      {
        task: 'ruCodeEval',
        reason:
          "doc 0: mera_prediction is not a list of generations' per-test outputs (MERA scores the outputs of each generated function on the tests, not its code: run with --confirm_run_unsafe_code)",
      },
    ]);
  });

  it('refuses a folder without MERA samples with one line', async () => {
    const empty = tempDir('mera-empty-');
    writeFileSync(join(empty, 'samples_arc_easy_2026-01-01T00-00-00.000000.jsonl'), '');
    const error = await exportMeraSubmission(empty, join(empty, 'x.zip')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).format()).toBe(
      `${empty}: no samples of MERA tasks (found samples of arc_easy, not MERA tasks) (run MERA tasks with --log_samples --output_path DIR and export that DIR)`,
    );
  });
});
