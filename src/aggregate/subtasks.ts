/**
 * Group scores from subtask scores, as lm-eval's aggregate_subtask_metrics and
 * pooled_sample_stderr compute them.
 */

/** Mean of subtask scores, weighted by subtask size or not (lm-eval's `weight_by_size`). */
export function aggregateSubtasks(values: readonly number[], sizes: readonly number[], weightBySize: boolean): number {
  if (values.length !== sizes.length) throw new RangeError('aggregateSubtasks: values and sizes differ in length');
  const weights = weightBySize ? sizes : sizes.map(() => 1);
  let weighted = 0;
  let total = 0;
  values.forEach((value, i) => {
    weighted += value * (weights[i] as number);
    total += weights[i] as number;
  });
  return weighted / total;
}

/**
 * Pooled standard error of a group (https://en.wikipedia.org/wiki/Pooled_variance): each
 * subtask's variance is stderr² · size, pooled with (size - 1) degrees of freedom. lm-eval uses
 * it whatever the weighting, and it approximates the stderr of all samples concatenated.
 */
export function pooledStderr(stderrs: readonly number[], sizes: readonly number[]): number {
  if (stderrs.length !== sizes.length) throw new RangeError('pooledStderr: stderrs and sizes differ in length');
  let pooledVarianceNumerator = 0;
  let totalSize = 0;
  stderrs.forEach((stderr, i) => {
    const size = sizes[i] as number;
    pooledVarianceNumerator += (size - 1) * stderr ** 2 * size;
    totalSize += size;
  });
  const pooledVariance = pooledVarianceNumerator / (totalSize - sizes.length);
  return Math.sqrt(pooledVariance / totalSize);
}
