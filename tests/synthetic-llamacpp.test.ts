import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { naiveScorerNotice, PREBUILT_NOTICE } from '../src/backends/llamacpp/factory.ts';
import { evalboard, listFiles, readResults, STORIES, tempDir, withoutTiming } from './helpers.ts';

const TASKS = ['simplear', 'modar', 'multiar', 'bps', 'lcs'];

describe('evalboard run on stories260K (llama.cpp), the synthetic group', () => {
  it('completes, writes results and samples, and two runs agree byte for byte but for timing', () => {
    const outs = [tempDir(), tempDir()];
    let stderr = '';
    for (const out of outs) {
      const r = evalboard([
        'run',
        '--model',
        'llamacpp',
        '--model_args',
        `pretrained=${STORIES}`,
        '--tasks',
        'synthetic',
        '--limit',
        '25',
        '--num_fewshot',
        '3',
        '--batch_size',
        '16',
        '--output_path',
        out,
        '--log_samples',
        '--seed',
        '1234',
        '--no_cache',
      ]);
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/\|synthetic\|/);
      stderr = r.stderr;
    }
    const results = readResults(outs[0]!) as Record<string, Record<string, Record<string, unknown>>>;
    for (const task of TASKS) {
      expect(results['n-samples']![task]).toEqual({ original: 1000, effective: 25 });
      expect(results['n-shot']![task]).toBe(3);
      const samples = listFiles(outs[0]!).find((f) => f.includes(`samples_${task}_`));
      expect(samples, task).toBeDefined();
      expect(readFileSync(samples!, 'utf8').trim().split('\n')).toHaveLength(25);
    }
    // Multiple-choice accuracies are real numbers from the model, each with a standard error.
    for (const task of ['bps', 'lcs']) {
      const acc = results.results![task]!['acc,none'] as number;
      expect(acc).toBeGreaterThanOrEqual(0);
      expect(acc).toBeLessThanOrEqual(1);
      expect(typeof results.results![task]!['acc_stderr,none']).toBe('number');
    }
    const config = results.config as unknown as { backend: { modelId: string; details: Record<string, unknown> } };
    expect(config.backend.modelId).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(config.backend.details).toHaveProperty('nodeLlamaCppVersion', '3.21.1');
    expect(config.backend.details).toHaveProperty('scorer', 'packed');
    expect(stderr).not.toContain('naive path');
    // The prebuilt binary's cost is announced once; a native build runs silently.
    expect(stderr.includes(PREBUILT_NOTICE)).toBe(config.backend.details.binary === 'prebuilt');
    expect(withoutTiming(outs[0]!)).toBe(withoutTiming(outs[1]!));
  });

  it('says on stderr what the prebuilt binary costs, and records it as the binary', () => {
    const out = tempDir();
    const args = ['run', '--model_args', `pretrained=${STORIES}`, '--tasks', 'bps', '--limit', '4'];
    const r = evalboard([...args, '--output_path', out, '--no_cache'], { EVALBOARD_LLAMA_BINARY: 'prebuilt' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr.split(PREBUILT_NOTICE)).toHaveLength(2); // exactly once
    const config = readResults(out).config as { backend: { details: Record<string, unknown> } };
    expect(config.backend.details).toMatchObject({ binary: 'prebuilt', gpu: false });
  });

  it('without the native helper, says once on stderr what the naive path costs and records which path ran', () => {
    const out = tempDir();
    const args = ['run', '--model_args', `pretrained=${STORIES}`, '--tasks', 'bps', '--limit', '4'];
    const r = evalboard([...args, '--output_path', out, '--no_cache'], { EVALBOARD_NATIVE_HELPER: '0' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr.split(naiveScorerNotice('EVALBOARD_NATIVE_HELPER=0'))).toHaveLength(2); // exactly once
    const config = readResults(out).config as { backend: { details: Record<string, unknown> } };
    expect(config.backend.details).toMatchObject({
      scorer: 'naive',
      logitReader: 'sampler',
      scorerFallbackReason: 'EVALBOARD_NATIVE_HELPER=0',
    });
    const results = readResults(out) as unknown as { results: Record<string, Record<string, number>> };
    const acc = results.results.bps!['acc,none'];
    expect(acc).toBeGreaterThanOrEqual(0);
  });

  it('generations stop at "\\n" and respect max_gen_toks in the samples', () => {
    const out = tempDir();
    const r = evalboard([
      'run',
      '--model_args',
      `pretrained=${STORIES}`,
      '--tasks',
      'simplear',
      '--limit',
      '10',
      '--output_path',
      out,
      '--log_samples',
      '--no_cache',
      '--max_gen_toks',
      '5',
    ]);
    expect(r.status, r.stderr).toBe(0);
    const samples = listFiles(out).find((f) => f.includes('samples_simplear_'))!;
    for (const line of readFileSync(samples, 'utf8').trim().split('\n')) {
      const row = JSON.parse(line);
      const text = row.resps[0][0] as string;
      expect(text).not.toContain('\n');
      expect(row.arguments.gen_args_0.arg_1.max_gen_toks).toBe(5);
    }
    const results = readResults(out) as Record<string, Record<string, Record<string, Record<string, number>>>>;
    expect(results.evalboard!.tasks!.simplear!.generatedTokens).toBeLessThanOrEqual(50);
  });
});
