import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { aggregations } from '../aggregations.ts';
import type { SampleValue } from '../types.ts';
import { examGradeMetrics, examItemPoints, grade_norm } from './exam.ts';

const CARDS = join(
  new URL('../../..', import.meta.url).pathname,
  '../shared/datasets/mera/samples/card_instances.json',
);

type Record_ = { outputs: string; meta: { id_task: string; variant: number; score: number; type: string } };
const records = (
  JSON.parse(readFileSync(CARDS, 'utf8')) as { tasks: { use: { instances: { record: Record_ }[] } } }
).tasks.use.instances.map((i) => i.record);

const score = (doc: unknown, filtered: string) =>
  grade_norm.score({
    doc: doc as never,
    target: '',
    response: { kind: 'text', texts: [filtered] },
    filtered,
    kwargs: {},
  });

describe('grade_norm as a run metric, on the USE card records', () => {
  it('gives each document [points, possible, variant] and aggregates per variant as the website', () => {
    // Each record answered with its own gold, then with the first of its comma list only.
    const predictions = [...records.map((r) => r.outputs), ...records.map((r) => r.outputs.split(',')[0]!)];
    const docs = [...records, ...records];
    const values = docs.map((doc, i) => score(doc, predictions[i]!));
    expect(values.slice(0, records.length)).toEqual(
      records.map((r) => [r.meta.score, r.meta.score, String(r.meta.variant)]),
    );
    const items = docs.map((doc, i) => ({
      score: examItemPoints(doc.meta.type, doc.meta.id_task, doc.outputs, predictions[i]!),
      maxScore: doc.meta.score,
      variant: String(doc.meta.variant),
      idTask: doc.meta.id_task,
    }));
    const aggregate = aggregations.grade_norm!(values as SampleValue[]);
    expect(aggregate).toBe(examGradeMetrics(items).grade_norm);
    // Variants 104 (text): 2/2; 29 (matching "8,1,9,7" vs "8"): 4/8; 100 ("1,3" vs "1"): 1/2; 11: 1/2; 0 ("9"): 2/2.
    expect(aggregate).toBeCloseTo((1 + 0.5 + 0.5 + 0.5 + 1) / 5, 12);
  });

  it('scores a closed-test record (outputs "") as 0 without failing, and names what a malformed one lacks', () => {
    const closed = { ...records[1]!, outputs: '' };
    expect(score(closed, '8,1,9,7')).toEqual([0, 4, '29']);
    const broken = { ...records[1]!, meta: { ...records[1]!.meta, score: undefined } };
    expect(() => score(broken, '8,1,9,7')).toThrow(/needs outputs \(a string\), meta\.score/);
  });
});
