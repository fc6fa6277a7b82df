/**
 * `evalboard compare` end to end: real runs made with the CLI, compared with the CLI, and the
 * numbers checked against a recomputation straight from the samples JSONL.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ComparisonReport } from '../src/analysis/compare.ts';
import { binomialCdf } from '../src/stats/stats.ts';
import { dummyRun, samplesOf } from './analysis-helpers.ts';
import { evalboard, tempDir } from './helpers.ts';

const run = (seed: number, limit: number): string => dummyRun('arc_easy,arc_challenge', limit, seed);

/** doc_hash → acc from a run's samples file for a task, read without evalboard's readers. */
function accByHash(resultsFile: string, task: string): Map<string, number> {
  const rows = readFileSync(samplesOf(resultsFile, task), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { doc_hash: string; acc: number });
  return new Map(rows.map((r) => [r.doc_hash, r.acc]));
}

describe('evalboard compare on two real runs', () => {
  let first: string;
  let second: string;
  let shorter: string;
  beforeAll(() => {
    first = run(1, 60);
    second = run(2, 60);
    shorter = run(2, 40);
  });

  it('reports per task and metric the paired difference, McNemar p and Holm flag, as JSON and HTML', () => {
    const out = tempDir('compare-out-');
    const r = evalboard(['compare', first, second, '--json', join(out, 'c.json'), '--html', join(out, 'c.html')]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('dummy (seed=2)  vs  dummy (seed=1) (baseline)');
    const report = JSON.parse(readFileSync(join(out, 'c.json'), 'utf8')) as ComparisonReport;
    expect(report.rows.map((row) => `${row.task}/${row.metric}`)).toEqual([
      'arc_challenge/acc',
      'arc_challenge/acc_norm',
      'arc_easy/acc',
      'arc_easy/acc_norm',
    ]);
    expect(report.mismatches).toEqual([]);
    for (const task of ['arc_easy', 'arc_challenge']) {
      const a = accByHash(first, task);
      const b = accByHash(second, task);
      let onlyA = 0;
      let onlyB = 0;
      let diff = 0;
      for (const [hash, va] of a) {
        const vb = b.get(hash)!;
        diff += vb - va;
        if (va > vb) onlyA++;
        if (vb > va) onlyB++;
      }
      const row = report.rows.find((x) => x.task === task && x.metric === 'acc')!;
      expect(row.items).toBe(60);
      expect(row.test).toBe('mcnemar-exact');
      expect(row.difference).toBeCloseTo(diff / 60, 12);
      expect(row.ci.low).toBeLessThanOrEqual(row.difference);
      expect(row.ci.high).toBeGreaterThanOrEqual(row.difference);
      expect(row.pValue).toBeCloseTo(Math.min(1, 2 * binomialCdf(Math.min(onlyA, onlyB), onlyA + onlyB, 0.5)), 12);
      expect(row.adjustedP).toBeGreaterThanOrEqual(row.pValue);
    }
    const html = readFileSync(join(out, 'c.html'), 'utf8');
    expect(html).toContain('<svg');
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org)/);
  });

  it('finds no difference between a run and itself', () => {
    const out = tempDir('compare-self-');
    const r = evalboard(['compare', first, first, '--json', join(out, 'c.json')]);
    expect(r.status, r.stderr).toBe(0);
    const report = JSON.parse(readFileSync(join(out, 'c.json'), 'utf8')) as ComparisonReport;
    expect(report.runs).toEqual(['dummy (seed=1) [1]', 'dummy (seed=1) [2]']);
    for (const row of report.rows) {
      expect(row).toMatchObject({ difference: 0, pValue: 1, significant: false });
    }
  });

  it('compares only the items both runs scored and reports the rest', () => {
    const samplesFile = samplesOf(shorter, 'arc_easy');
    const out = tempDir('compare-mismatch-');
    const r = evalboard(['compare', first, samplesFile, '--json', join(out, 'c.json')]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/warning: arc_easy: 40 items matched by doc hash, 20 only in dummy \(seed=1\)/);
    expect(r.stdout).toMatch(/warning: arc_challenge: 0 items matched/);
    const report = JSON.parse(readFileSync(join(out, 'c.json'), 'utf8')) as ComparisonReport;
    expect(report.rows.every((row) => row.task === 'arc_easy' && row.items === 40)).toBe(true);
  });

  it('names the file when samples are missing', () => {
    const r = evalboard(['compare', first, join(first, '..', 'nope.json')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/nope\.json/);
  });
});
