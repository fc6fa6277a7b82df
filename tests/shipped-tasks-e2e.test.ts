import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { notComputedLocally } from '../src/report/build.ts';
import { filterPipelines } from '../src/scoring/metric-scorer.ts';
import { loadCatalog } from '../src/task/index.ts';
import { evalboard, readResults, STORIES, tempDir } from './helpers.ts';

/*
 * Every task that `evalboard tasks` lists runs end to end — data, prompts, the real llama.cpp
 * backend on stories260K, filters, metrics, report — with --limit 10. One CLI run per family
 * (small families share one) keeps start-up cost down. Speed knobs, which change no code path:
 * n_ctx=256 (prompt cost on this model grows with the square of the kept context; 512 is ~5×
 * slower on bbh) and --max_gen_toks 32 for the generation tasks.
 */
const dataDir = process.env.EVALBOARD_DATA_DIR ?? '';
const MODEL_ARGS = `pretrained=${STORIES},n_ctx=256`;
const FAST = ['--limit', '10', '--max_gen_toks', '32'];

interface Family {
  readonly tasks: readonly string[];
  readonly args?: readonly string[];
  /** Set while the family cannot run yet: why. */
  readonly skip?: string;
}

const FAMILIES: Record<string, Family> = {
  small: {
    tasks: [
      'arc_easy',
      'arc_challenge',
      'gsm8k',
      'truthfulqa_gen',
      'truthfulqa_mc1_csv',
      'truthfulqa_mc2_csv',
      'synthetic',
    ],
  },
  musr: { tasks: ['leaderboard_musr'] },
  mera: { tasks: ['mera_diagnostics'] },
  // Zero-shot keeps the CoT prompts (and this run) short.
  mmlu_pro: { tasks: ['mmlu_pro'], args: ['--num_fewshot', '0'] },
  // Open LLM Leaderboard v2 setups (suite openllm_v2); MuSR's is the musr family.
  leaderboard: { tasks: ['leaderboard_bbh', 'leaderboard_gpqa', 'leaderboard_mmlu_pro'] },
  bbh: { tasks: ['bbh'] },
  mmlu: { tasks: ['mmlu'] },
  variants: {
    tasks: ['mmlu_variants', 'arc_challenge_variants'],
    skip: 'tests/mmlu-variants-run.test.ts runs them on this model (one subject each, --limit 20)',
  },
  ifeval: { tasks: ['ifeval', 'leaderboard_ifeval'] },
  math: { tasks: ['math_hard', 'math', 'leaderboard_math_hard'] },
  // Model-written code runs in the sandbox: pass@1 per problem, and 10 samples for pass@1/5/10.
  code: { tasks: ['humaneval', 'mbpp'], args: ['--confirm_run_unsafe_code'] },
  code_sampled: { tasks: ['humaneval_10'], args: ['--confirm_run_unsafe_code', '--limit', '2'] },
};

const ready = existsSync(STORIES) && existsSync(dataDir);

describe.skipIf(!ready)('every shipped task on stories260K, --limit 10', async () => {
  const { catalog } = await loadCatalog({ includePaths: [], dataDir });
  const leaves = (names: readonly string[]) => catalog.resolve(names).tasks;

  it('the families cover every task `evalboard tasks` lists', () => {
    const covered = new Set(Object.values(FAMILIES).flatMap((f) => leaves(f.tasks).map((t) => t.name)));
    // MERA's own tasks read the user's copy of MERA's data (tests/mera-run.test.ts runs them on a fixture).
    const needsUserData = (name: string) => catalog.getTask(name)?.missingData?.() !== undefined;
    expect(catalog.taskNames().filter((name) => !covered.has(name) && !needsUserData(name))).toEqual([]);
  });

  for (const [family, { tasks, args = [], skip }] of Object.entries(FAMILIES)) {
    (skip ? it.skip : it)(`${family}${skip ? ` (skipped: ${skip})` : ''}`, { timeout: 300_000 }, () => {
      const out = tempDir('e2e-');
      const run = ['run', '--model', 'llamacpp', '--model_args', MODEL_ARGS, '--tasks', tasks.join(',')];
      const r = evalboard([...run, ...FAST, ...args, '--output_path', out, '--quiet']);
      expect(r.status, r.stderr).toBe(0);
      const results = readResults(out).results as Record<string, Record<string, unknown>>;
      for (const task of leaves(tasks)) {
        const entries = results[task.name];
        expect(entries, task.name).toBeDefined();
        // A metric the benchmark reports but this build cannot compute (MERA's ruDetox J) is null, with its reason.
        const notComputed = notComputedLocally(task.config);
        for (const key of Object.keys(notComputed)) expect(entries![key], `${task.name} ${key}`).toBeNull();
        const reported = Object.keys(entries!).filter(
          (k) => k.includes(',') && !k.includes('_stderr,') && !(k in notComputed),
        );
        const declared = task.metrics.flatMap((m) => filterPipelines(task).map((f) => `${m.metric},${f.name}`));
        // process_results may leave per-category metrics out of 10 docs; its headline metric is always there.
        const expected = task.processResults ? declared.slice(0, 1) : declared;
        expect(reported, task.name).toEqual(expect.arrayContaining(expected));
        expect(declared, task.name).toEqual(expect.arrayContaining(reported));
        for (const key of reported) expect(Number.isFinite(entries![key]), `${task.name} ${key}`).toBe(true);
      }
    });
  }
});
