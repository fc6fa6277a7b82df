import { execFileSync, spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { aggregateSubtasks, pooledStderr } from './index.ts';

const hasPython = spawnSync('python3', ['-c', 'import numpy']).status === 0;
if (!hasPython) console.warn('aggregate oracle test skipped: python3 with numpy is not available (it is the oracle)');

const STDERRS = [0.0123, 0.0456, 0.0311, 0.02];
const SIZES = [1000, 250, 512, 77];
const VALUES = [0.61, 0.34, 0.5, 0.9];

describe('group aggregation', () => {
  it('aggregateSubtasks: size-weighted or plain mean of subtask scores', () => {
    expect(aggregateSubtasks([0.5, 1], [300, 100], true)).toBeCloseTo(0.625, 15);
    expect(aggregateSubtasks([0.5, 1], [300, 100], false)).toBeCloseTo(0.75, 15);
  });

  it.skipIf(!hasPython)('matches lm-eval pooled_sample_stderr and aggregate_subtask_metrics', () => {
    // Both functions copied from lm_eval/api/metrics.py (v0.4).
    const script = `
import json, numpy as np
def pooled_sample_stderr(stderrs, sizes):
    pooled_sample_var = (sum([(size - 1) * stderr**2 * size for size, stderr in zip(sizes, stderrs)])) / (sum(sizes) - len(sizes))
    return np.sqrt(pooled_sample_var / sum(sizes))
def aggregate_subtask_metrics(metrics, sizes, weight_by_size=True):
    if not weight_by_size:
        sizes = [1] * len(sizes)
    return sum([metric * size for metric, size in zip(metrics, sizes)]) / sum(sizes)
s, n, v = ${JSON.stringify([STDERRS, SIZES, VALUES])}
print(json.dumps([float(pooled_sample_stderr(s, n)), aggregate_subtask_metrics(v, n, True), aggregate_subtask_metrics(v, n, False)]))`;
    const [pooled, weighted, unweighted] = JSON.parse(execFileSync('python3', ['-c', script], { encoding: 'utf8' }));
    expect(pooledStderr(STDERRS, SIZES)).toBeCloseTo(pooled, 15);
    expect(aggregateSubtasks(VALUES, SIZES, true)).toBeCloseTo(weighted, 15);
    expect(aggregateSubtasks(VALUES, SIZES, false)).toBeCloseTo(unweighted, 15);
  });

  it("pooled stderr of one subtask is that subtask's stderr", () => {
    expect(pooledStderr([0.03], [400])).toBeCloseTo(0.03, 15);
  });

  it('rejects mismatched lengths', () => {
    expect(() => pooledStderr([0.1], [1, 2])).toThrow(RangeError);
    expect(() => aggregateSubtasks([0.1, 0.2], [1], true)).toThrow(RangeError);
  });
});
