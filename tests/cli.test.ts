import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { evalboard, listFiles, readResults, tempDir, withoutTiming } from './helpers.ts';

describe('evalboard CLI with the dummy backend', () => {
  it('lists the synthetic group and its tasks', () => {
    const r = evalboard(['tasks']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/synthetic: .*simplear/);
    for (const t of ['simplear', 'modar', 'multiar', 'bps', 'lcs']) expect(r.stdout).toMatch(new RegExp(`\\b${t}\\b`));
  });

  it('writes lm-eval-shaped results and samples, identical across two runs but for timing', () => {
    const outs = [tempDir(), tempDir()];
    for (const out of outs) {
      const r = evalboard([
        'run',
        '--model',
        'dummy',
        '--tasks',
        'synthetic',
        '--limit',
        '30',
        '--num-fewshot',
        '2',
        '--output-path',
        out,
        '--log_samples',
        '--seed',
        '1234',
      ]);
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/\|Tasks +\|Version\|Filter\|n-shot\|Metric/);
    }
    const results = readResults(outs[0]!) as Record<string, Record<string, unknown>>;
    for (const k of [
      'results',
      'groups',
      'group_subtasks',
      'configs',
      'versions',
      'n-shot',
      'higher_is_better',
      'n-samples',
      'config',
    ])
      expect(results).toHaveProperty(k);
    expect(results.results!.bps).toHaveProperty(['acc,none']);
    expect(results.results!.bps).toHaveProperty(['acc_stderr,none']);
    expect(results['n-samples']!.simplear).toEqual({ original: 1000, effective: 30 });
    expect(results['n-shot']!.lcs).toBe(2);
    expect(results.group_subtasks!.synthetic).toEqual(['simplear', 'modar', 'multiar', 'bps', 'lcs']);
    expect(withoutTiming(outs[0]!)).toBe(withoutTiming(outs[1]!));

    const samples = listFiles(outs[0]!).filter((f) => f.includes('samples_bps_'));
    expect(samples).toHaveLength(1);
    const rows = readFileSync(samples[0]!, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(rows).toHaveLength(30);
    for (const key of [
      'doc_id',
      'doc',
      'target',
      'arguments',
      'resps',
      'filtered_resps',
      'filter',
      'metrics',
      'acc',
      'acc_norm',
    ])
      expect(rows[0]).toHaveProperty(key);
    expect(rows[0].arguments.gen_args_1.arg_1).toBe(' yes');
  });

  it('resumes from the request cache: the second run is all hits with identical results', () => {
    const cache = tempDir('cache-');
    const outs = [tempDir(), tempDir()];
    for (const out of outs) {
      const r = evalboard(
        ['run', '--model', 'dummy', '--tasks', 'bps,simplear', '--limit', '10', '--output_path', out],
        {
          EVALBOARD_CACHE: cache,
        },
      );
      expect(r.status, r.stderr).toBe(0);
    }
    const [first, second] = outs.map((o) => readResults(o).timing as { cache: { hits: number; fresh: number } });
    expect(first!.cache).toMatchObject({ hits: 0, fresh: 30 });
    expect(second!.cache).toMatchObject({ hits: 30, fresh: 0 });
    expect(withoutTiming(outs[0]!)).toBe(withoutTiming(outs[1]!));
  });

  it('prints plain progress lines when stderr is not a TTY', () => {
    const r = evalboard(['run', '--model', 'dummy', '--tasks', 'bps', '--limit', '5', '--no_cache']);
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/progress: 10\/10 requests \(100\.0%\)/);
  });

  it.each([
    [
      ['run', '--model', 'dummy', '--tasks', 'simplearr'],
      /unknown task: simplearr .*did you mean: simplearr → simplear/,
    ],
    [['run', '--model', 'nosuch'], /unknown model backend "nosuch"/],
    [['run', '--model', 'dummy', '--model_args', 'seed'], /--model_args: "seed" is not key=value/],
    [['run', '--model', 'dummy', '--model_args', 'sed=1'], /unknown dummy model_args key: sed/],
    [['run', '--model', 'dummy', '--limit', '-3'], /--limit: "-3" is not a positive number/],
    [['run', '--model', 'dummy', '--batch_size', 'big'], /--batch_size: "big" is not a batch size/],
    [['run', '--model', 'dummy', '--seed', '1,2'], /--seed: "1,2" is not a seed/],
    [['run', '--frobnicate'], /unknown option '--frobnicate'/],
    [['run', '--model', 'dummy', '--predict_only'], /--predict_only: .*add --log_samples and --output_path/],
    [
      ['run', '--model', 'llamacpp', '--model_args', 'pretrained=/nonexistent/model.gguf'],
      /model file not found.*\/nonexistent\/model.gguf/,
    ],
  ])('bad input %j → one line, exit 2, no stack', (args, message) => {
    const r = evalboard(args);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('fails before any request when the backend lacks a capability, listing every task', () => {
    const r = evalboard([
      'run',
      '--model',
      'dummy',
      '--model_args',
      'capabilities=generateUntil',
      '--tasks',
      'synthetic',
      '--no_cache',
    ]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(
      /bps \(multiple_choice\) lacks loglikelihood: multiple_choice needs prompt log-probabilities/,
    );
    expect(r.stderr).toMatch(/lcs \(multiple_choice\) lacks loglikelihood/);
    expect(r.stderr).not.toMatch(/progress:/);
  });
});
