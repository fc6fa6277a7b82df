/**
 * An lm-eval output folder as a submission: the Pythia-1.4B checkpoint results of
 * ../shared/datasets/checkpoint-evals (an older lm-eval's results JSON) scored through a suite.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { scores, submissions } from '../src/service/db/schema.ts';
import { ingestSubmission } from '../src/service/ingest/ingest.ts';
import { syncSuite } from '../src/service/suites.ts';
import { parseSuite } from '../src/suites/definition.ts';
import { ROOT } from './helpers.ts';
import { tarGzOf } from './service-fixtures.ts';
import { DATABASE_KINDS, openTestDatabase, type TestDatabase } from './service-helpers.ts';

const PYTHIA = join(
  ROOT,
  '../shared/datasets/checkpoint-evals/pythia/pythia-v1/pythia-1.4b/five-shot/1.4b-5shot_step53000.json',
);
const SUITE = `suite: pythia_test
description: two lm-eval tasks
total: mean
setup: {limit: null, system_instruction: null, gen_kwargs: null, max_gen_toks: null, apply_chat_template: any}
benchmarks:
  - {name: PIQA, task: piqa, metrics: [acc_norm], choices: 2, num_fewshot: 5, docs: 1838}
  - {name: SciQ, task: sciq, metrics: [acc], choices: 4, num_fewshot: 5, docs: 1000}
`;

describe.each(DATABASE_KINDS)('lm-eval results on %s', (kind) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await openTestDatabase(kind);
    await syncSuite(database.db, parseSuite(SUITE, 'pythia_test.yaml'));
  });
  afterAll(async () => database?.close());

  it('scores the tasks it names, carries their stderr, and marks the unrecorded setup non-standard', async () => {
    const json = JSON.parse(readFileSync(PYTHIA, 'utf8'));
    const archive = await tarGzOf([{ name: 'pythia-1.4b/results_step53000.json', data: JSON.stringify(json) }]);
    const r = await ingestSubmission(database.db, archive, {
      modelId: 'EleutherAI/pythia-1.4b',
      suite: 'pythia_test',
      visibility: 'public',
      ownerId: null,
    });
    expect(r.status, JSON.stringify(r.validation)).toBe('scored');
    const rows = await database.db.select().from(scores).where(eq(scores.submissionId, r.id));
    const piqa = rows.find((s) => s.taskId === 'piqa')!;
    expect(piqa.raw).toBe(json.results.piqa.acc_norm);
    expect(piqa.normalised).toBeCloseTo(((json.results.piqa.acc_norm - 0.5) / 0.5) * 100, 9);
    expect(piqa.stderr).toBe(json.results.piqa.acc_norm_stderr);
    expect(piqa.normalisedStderr).toBeCloseTo(json.results.piqa.acc_norm_stderr * 200, 9);
    const sciq = rows.find((s) => s.taskId === 'sciq')!;
    expect(sciq.normalised).toBeCloseTo(((json.results.sciq.acc - 0.25) / 0.75) * 100, 9);
    const [sub] = await database.db.select().from(submissions).where(eq(submissions.id, r.id));
    expect(sub!.standardSetup).toBe(false);
    expect(sub!.harnessVersion).toMatch(/^lm-eval/);
    expect(r.validation.warnings.some((w) => w.message.includes('PIQA'))).toBe(true);
  });
});
