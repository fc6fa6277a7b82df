import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { evalboard, listFiles, readResults, tempDir } from '../../../tests/helpers.ts';
import { aggregationFor, metricFor, stderrFor } from '../index.ts';
import type { ExplainedValue, SampleValue } from '../types.ts';

const METRICS = ['prompt_level_strict_acc', 'inst_level_strict_acc', 'prompt_level_loose_acc', 'inst_level_loose_acc'];

const doc = {
  key: 1,
  prompt: 'Write a short note. Do not use commas and end with "Bye."',
  instruction_id_list: ['punctuation:no_comma', 'startend:end_checker', 'detectable_format:title'],
  kwargs: [{}, { end_phrase: 'Bye.' }, {}],
};

function score(metric: string, response: string): Promise<ExplainedValue> {
  const input = {
    doc,
    target: 0,
    response: { kind: 'text' as const, texts: [response] },
    filtered: response,
    kwargs: {},
  };
  return metricFor(metric)!.score(input) as Promise<ExplainedValue>;
}

describe('IFEval metrics', () => {
  it('score prompts and instructions, strictly and loosely, with the outcomes as details', async () => {
    // The last line breaks end_checker strictly; without it the response ends with "Bye.".
    const response = 'A note without commas. Bye.\nSent, from my phone';
    expect(await score('prompt_level_strict_acc', response)).toEqual({
      value: 0,
      details: { instructions: doc.instruction_id_list, followed: [false, false, false] },
    });
    expect((await score('inst_level_strict_acc', response)).value).toEqual([0, 3]);
    expect((await score('prompt_level_loose_acc', response)).value).toBe(0);
    expect(await score('inst_level_loose_acc', response)).toEqual({
      value: [2, 3],
      details: { instructions: doc.instruction_id_list, followed: [true, true, false] },
    });
    expect((await score('prompt_level_loose_acc', '<<Note>>\nNo commas here. Bye.')).value).toBe(1);
  });

  it('aggregate instruction-level accuracy over the flattened per-prompt lists, with no stderr (as lm-eval)', () => {
    const aggregate = aggregationFor(metricFor('inst_level_strict_acc')!.defaultAggregation)!;
    // Prompts with [T, F, F], [T] and [T, T]: 4 of 6 instructions, not the mean of 1/3, 1, 1.
    const values: SampleValue[] = [
      [1, 3],
      [1, 1],
      [2, 2],
    ];
    expect(aggregate(values)).toBe(4 / 6);
    expect(stderrFor('agg_inst_level_acc', values)).toBeNull();
    expect(metricFor('prompt_level_strict_acc')!.defaultAggregation).toBe('mean');
  });

  it('the shipped ifeval task reports the four metrics and logs per-instruction outcomes', { timeout: 120_000 }, () => {
    const out = tempDir('ifeval-');
    const r = evalboard([
      'run',
      '--model',
      'dummy',
      '--tasks',
      'ifeval',
      '--limit',
      '20',
      '--output_path',
      out,
      '--log_samples',
    ]);
    expect(r.status, r.stderr).toBe(0);
    for (const metric of METRICS) expect(r.stdout).toContain(metric);
    const results = (readResults(out).results as Record<string, Record<string, unknown>>).ifeval!;
    for (const metric of METRICS) {
      const value = results[`${metric},none`];
      expect(typeof value === 'number' && value >= 0 && value <= 1, `${metric}: ${value}`).toBe(true);
    }
    expect(results['inst_level_strict_acc_stderr,none']).toBe('N/A');
    const samples = listFiles(out).find((f) => f.includes('samples_ifeval_'))!;
    const rows = readFileSync(samples, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(rows).toHaveLength(20);
    for (const row of rows) {
      const ids = row.doc.instruction_id_list;
      for (const metric of METRICS) {
        expect(row.evalboard.details[metric].instructions).toEqual(ids);
        expect(row.evalboard.details[metric].followed).toHaveLength(ids.length);
      }
      const looseFollowed = row.evalboard.details.inst_level_loose_acc.followed.filter(Boolean).length;
      expect(row.inst_level_loose_acc).toEqual([looseFollowed, ids.length]);
    }
  });
});
