/**
 * `evalboard report` on real runs: a grouped task (MMLU's categories and subjects) and a plain one,
 * compared by paired tests when samples exist and by CI overlap when they do not.
 */
import { copyFileSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { dummyRun } from './analysis-helpers.ts';
import { evalboard, tempDir } from './helpers.ts';

const run = (seed: number): string => dummyRun('mmlu,arc_easy', 3, seed);

describe('evalboard report', () => {
  let first: string;
  let second: string;
  beforeAll(() => {
    first = run(1);
    second = run(2);
  });

  it('writes one self-contained page with CI bars, group breakdowns and paired comparisons', () => {
    const page = join(tempDir('report-out-'), 'r.html');
    const r = evalboard(['report', first, second, '--html', page]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('(2 runs, 2 with samples)');
    const html = readFileSync(page, 'utf8');
    expect(html).not.toMatch(/<script|<link|src=|https?:\/\/(?!www\.w3\.org)/);
    expect(html).toContain('<h2>Models side by side</h2>');
    for (const group of ['mmlu', 'mmlu_stem', 'mmlu_humanities', 'mmlu_other', 'mmlu_social_sciences']) {
      expect(html).toContain(`<h2>${group}: dummy (seed=1)</h2>`);
    }
    expect(html).toContain('<td>mmlu_abstract_algebra</td>');
    // Subjects have samples: paired tests. The groups' aggregates have none: CI overlap, labelled.
    expect(html).toMatch(/<td>mmlu_anatomy<\/td><td>acc<\/td>.*\(paired, p=/);
    expect(html).toMatch(/<td>mmlu_stem<\/td><td>acc<\/td>.*\(CI overlap\)/);
    expect((html.match(/<svg/g) ?? []).length).toBe(1 + 5 + 1 + 5);
  });

  it('falls back to CI overlap for a results file without samples', () => {
    const lone = join(tempDir('report-lone-'), basename(second));
    copyFileSync(second, lone);
    const page = join(tempDir('report-out-'), 'r.html');
    const r = evalboard(['report', first, lone, '--html', page]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('(2 runs, 1 with samples)');
    const html = readFileSync(page, 'utf8');
    expect(html).not.toContain('(paired');
    expect(html).toMatch(/<td>arc_easy<\/td><td>acc<\/td>.*CIs (overlap|disjoint) \(CI overlap\)/);
  });
});
