/** A suite fixes the setup its numbers need: a run with other prompts or an older harness is flagged. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compareVersions } from '../src/suites/score.ts';
import { readResultsFile } from '../src/report/read.ts';
import { evalboard, listFiles, tempDir } from './helpers.ts';

function suiteFile(setup: string): string {
  const file = join(tempDir('suite-setup-'), 'lcs_fixed.yaml');
  writeFileSync(
    file,
    `suite: lcs_fixed
description: one benchmark with a fixed setup
total: mean
setup:
  limit: null
  system_instruction: null
  gen_kwargs: null
  max_gen_toks: null
  apply_chat_template: any
${setup}
benchmarks:
  - { name: LCS, task: lcs, metrics: [acc], choices: 11, num_fewshot: 2, docs: 1000 }
`,
  );
  return file;
}

function mismatches(setup: string, extra: readonly string[] = []): string[] {
  const out = tempDir('suite-setup-out-');
  const r = evalboard([
    'run',
    '--model',
    'dummy',
    '--suite',
    suiteFile(setup),
    '--output_path',
    out,
    '--quiet',
    ...extra,
  ]);
  expect(r.status, r.stderr).toBe(0);
  const report = readResultsFile(listFiles(out).find((f) => /results_/.test(f))!);
  return report.suite!.setup.mismatches;
}

describe('suite setup', () => {
  it('matches a run made as the suite fixes it', () => {
    expect(mismatches('  prompts: spread\n  min_evalboard_version: 0.1.0')).toEqual([]);
  });

  it('flags another prompt mode and a harness older than the suite needs', () => {
    expect(mismatches('  prompts: spread\n  min_evalboard_version: 99.0.0', ['--prompts', 'all'])).toEqual([
      '--prompts all: the suite fixes spread',
      'evalboard 0.1.0: the suite needs 99.0.0 or later',
    ]);
  });

  it('compares versions numerically', () => {
    expect(compareVersions('0.10.0', '0.9.9')).toBeGreaterThan(0);
    expect(compareVersions('1.2.3+abc', '1.2.3')).toBe(0);
    expect(compareVersions('1.2', '1.2.1')).toBeLessThan(0);
  });
});
