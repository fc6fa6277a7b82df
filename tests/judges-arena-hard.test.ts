import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { backends } from '../src/backends/index.ts';
import { type Backend, type CallOptions, reportResult } from '../src/backends/types.ts';
import { registerJudge } from '../src/cli/judge.ts';
import { fitBradleyTerry, ratingsWithIntervals } from '../src/judges/arena-hard/bradley-terry.ts';
import { type Battle, battlesOfQuestion, parseVerdict } from '../src/judges/arena-hard/verdict.ts';
import { readResultsFile, readSamplesFile } from '../src/report/read.ts';
import type { GenerateRequest, GenerateResult } from '../src/requests/types.ts';
import { SeededRandom } from '../src/stats/stats.ts';
import { evalboard, listFiles, ROOT, tempDir } from './helpers.ts';

const V01 = join(ROOT, '../shared/datasets/arena-hard/v0.1');
const V02 = join(ROOT, '../shared/datasets/arena-hard/v2.0');

describe('Arena-Hard verdicts and battles (hand-worked)', () => {
  it('parses verdicts as the published get_score: one distinct label, none (ask again) or conflicting (none)', () => {
    expect(parseVerdict('…so my final verdict is: [[A>>B]]')).toEqual({ verdict: 'A>>B', retry: false });
    expect(parseVerdict('[[B>A]] as said, [[B>A]]')).toEqual({ verdict: 'B>A', retry: false });
    expect(parseVerdict('first [[A>B]], on reflection [[B>A]]')).toEqual({ verdict: null, retry: false });
    expect(parseVerdict('Both answers are good.')).toEqual({ verdict: null, retry: true });
    expect(parseVerdict('[[A]] is not a pairwise label [[C]]')).toEqual({ verdict: 'A', retry: false });
  });

  it('game 1 shows the baseline as A, game 2 the model; strong verdicts count three times', () => {
    const b = (q: string, g1: string | null, g2: string | null) => battlesOfQuestion(q, 'm', 'base', [g1, g2]);
    const winners = (battles: Battle[]) => battles.map((x) => x.winner).join(' ');
    // A>>B in game 1 = the baseline much better; A>B in game 2 = the model better.
    expect(winners(b('q1', 'A>>B', 'A>B'))).toBe('model_a model_a model_a model_b');
    expect(winners(b('q2', 'B>A', 'B>>A'))).toBe('model_b model_a model_a model_a');
    expect(winners(b('q3', 'A=B', 'A=B'))).toBe('tie tie');
    expect(winners(b('q4', null, 'A>B'))).toBe('model_b');
    expect(b('q5', 'A', null)).toEqual([]);
    expect(b('q1', 'A>B', 'A>B').every((x) => x.modelA === 'base' && x.modelB === 'm')).toBe(true);
  });

  it('Bradley–Terry against the anchor alone: the rating whose predicted win rate is the observed share', () => {
    const battles = [
      ...battlesOfQuestion('q1', 'm', 'base', ['A>>B', 'A>B']), // base 3, m 1
      ...battlesOfQuestion('q2', 'm', 'base', ['B>A', 'B>>A']), // m 1, base 3
      ...battlesOfQuestion('q3', 'm', 'base', ['A=B', 'A=B']), // 2 ties
      ...battlesOfQuestion('q4', 'm', 'base', ['B>>A', 'A>>B']), // m 3 + 3
      ...battlesOfQuestion('q5', 'm', 'base', [null, 'A>B']), // m 1
    ];
    // m wins 9, base 6, 2 ties: share (9 + 1) / 17; P = 1 / (1 + 10^(−Δ/400)) ⇒ Δ = 400 log10(10/7).
    const ratings = fitBradleyTerry(battles, 'base');
    expect(ratings.get('base')).toBe(1000);
    expect(ratings.get('m')!).toBeCloseTo(1000 + 400 * Math.log10(10 / 7), 9);
    const [rated] = ratingsWithIntervals(battles, 'base', 10, 1).filter((r) => r.model === 'm');
    expect(rated!.score).toBeCloseTo((100 * 10) / 17, 9);
  });

  it('Bradley–Terry with several models: the fitted ratings satisfy the likelihood equations', () => {
    const battle = (a: string, b: string, winner: Battle['winner'], n: number): Battle[] =>
      Array.from({ length: n }, () => ({ questionId: 'q', modelA: a, modelB: b, winner }));
    const battles = [
      ...battle('base', 'x', 'model_a', 3),
      ...battle('base', 'x', 'model_b', 5),
      ...battle('base', 'y', 'model_a', 6),
      ...battle('base', 'y', 'tie', 2),
      ...battle('base', 'y', 'model_b', 2),
      ...battle('x', 'y', 'model_a', 4),
      ...battle('x', 'y', 'model_b', 3),
    ];
    const r = fitBradleyTerry(battles, 'base');
    // For each model: observed wins (a tie as half) = Σ predicted win probabilities over its battles.
    for (const model of ['base', 'x', 'y']) {
      let observed = 0;
      let expected = 0;
      for (const b of battles) {
        if (b.modelA !== model && b.modelB !== model) continue;
        const own = b.modelA === model ? 'model_a' : 'model_b';
        const other = b.modelA === model ? b.modelB : b.modelA;
        observed += b.winner === own ? 1 : b.winner === 'tie' ? 0.5 : 0;
        expected += 1 / (1 + 10 ** ((r.get(other)! - r.get(model)!) / 400));
      }
      expect(observed - expected, model).toBeCloseTo(0, 9);
    }
  });

  it('bootstrap interval: percentiles of the win share over seeded resamples of the battles', () => {
    const battles = [
      ...Array.from({ length: 7 }, (_, i) => battlesOfQuestion(`w${i}`, 'm', 'base', ['B>A', 'A>B'])).flat(),
      ...Array.from({ length: 3 }, (_, i) => battlesOfQuestion(`l${i}`, 'm', 'base', ['A>>B', 'B>A'])).flat(),
      ...battlesOfQuestion('t', 'm', 'base', ['A=B', 'A=B']),
    ];
    const rounds = 200;
    const [rated] = ratingsWithIntervals(battles, 'base', rounds, 7).filter((r) => r.model === 'm');
    // Independently: the same draws, each resample's win share in closed form, numpy-style percentiles.
    const random = new SeededRandom(7);
    const shares: number[] = [];
    for (let k = 0; k < rounds; k++) {
      let score = 0;
      for (let i = 0; i < battles.length; i++) {
        const b = battles[random.nextIndex(battles.length)]!;
        score += b.winner === 'model_b' ? 1 : b.winner === 'tie' ? 0.5 : 0;
      }
      shares.push((100 * score) / battles.length);
    }
    shares.sort((a, b) => a - b);
    const percentile = (q: number) => {
      const pos = (shares.length - 1) * q;
      const lo = Math.floor(pos);
      return shares[lo]! + (shares[lo + 1]! - shares[lo]!) * (pos - lo);
    };
    // Percentiles are taken on ratings; the rating → win-rate map is monotone, so only the interpolation
    // between two neighbouring order statistics can differ: compare at the order statistics' precision.
    expect(rated!.lower).toBeGreaterThanOrEqual(shares[Math.floor((rounds - 1) * 0.025)]! - 1e-9);
    expect(rated!.lower).toBeLessThanOrEqual(shares[Math.ceil((rounds - 1) * 0.025)]! + 1e-9);
    expect(rated!.upper).toBeGreaterThanOrEqual(shares[Math.floor((rounds - 1) * 0.975)]! - 1e-9);
    expect(rated!.upper).toBeLessThanOrEqual(shares[Math.ceil((rounds - 1) * 0.975)]! + 1e-9);
    expect(Math.abs(rated!.lower - percentile(0.025))).toBeLessThan(2);
    expect(rated!.score).toBeGreaterThan(rated!.lower);
    expect(rated!.score).toBeLessThan(rated!.upper);
  });
});

/** What the scripted judge thinks of question k (by its position in question.jsonl). */
type Truth = 'model>>' | 'model>' | 'tie' | 'base>' | 'base>>' | 'always A>B' | 'late' | 'silent';
const PATTERN: readonly Truth[] = [
  'model>>',
  'model>',
  'model>',
  'tie',
  'base>',
  'base>>',
  'always A>B',
  'late',
  'model>',
  'silent',
];
const RETRY = 'continue your judgment and finish by outputting a final verdict label';

/**
 * A judge that reads each prompt, finds which position holds the model's answer (its text names
 * the question), and answers with the scripted verdict for that question: position-consistent,
 * position-biased ("always A>B"), a verdict only after the follow-up ("late"), or never ("silent").
 */
class ScriptedJudge implements Backend {
  readonly id = 'scripted-judge';
  readonly info = { backend: 'scripted-judge', modelId: 'scripted-judge', settings: {}, details: {} };
  readonly capabilities = new Set(['generateUntil'] as const);
  readonly maxLength = 1 << 20;
  requests = 0;
  /** The question ids the judge was asked about. */
  readonly asked: string[] = [];
  constructor(private readonly truth: ReadonlyMap<string, Truth>) {}
  async loglikelihood(): Promise<never> {
    throw new Error('not a log-likelihood judge');
  }
  async loglikelihoodRolling(): Promise<never> {
    throw new Error('not a log-likelihood judge');
  }
  async generateUntil(reqs: readonly GenerateRequest[], o?: CallOptions): Promise<GenerateResult[]> {
    this.requests += reqs.length;
    return reqs.map((req, i) => {
      const messages = req.messages!;
      const prompt = messages[1]!.content;
      const aAnswer = /<\|The Start of Assistant A's Answer\|>\n([\s\S]*?)\n<\|The End of Assistant A's Answer\|>/.exec(
        prompt,
      )![1]!;
      const id = /answer of the model under test to ([0-9a-f]+)/.exec(prompt)![1]!;
      const modelIsA = aAnswer.includes('answer of the model under test');
      this.asked.push(id);
      const followUp = messages.at(-1)!.content === RETRY;
      const text = verdictText(this.truth.get(id)!, modelIsA, followUp);
      const result = { text, tokens: 10, hitMaxTokens: false, truncated: false };
      reportResult(o, i, 10, result);
      return result;
    });
  }
  async close(): Promise<void> {}
}

function verdictText(truth: Truth, modelIsA: boolean, followUp: boolean): string {
  const [m, b] = modelIsA ? ['A', 'B'] : ['B', 'A'];
  const label: Partial<Record<Truth, string>> = {
    'model>>': `${m}>>${b}`,
    'model>': `${m}>${b}`,
    tie: 'A=B',
    'base>': `${b}>${m}`,
    'base>>': `${b}>>${m}`,
    'always A>B': 'A>B',
    late: followUp ? `${m}>${b}` : undefined,
  };
  const verdict = label[truth];
  return verdict ? `Having compared both answers, my final verdict is [[${verdict}]].` : 'Both answers have merit.';
}

describe('evalboard judge arena-hard with a scripted judge on the 500 v0.1 questions', () => {
  const questions = readFileSync(join(V01, 'question.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { uid: string });
  const truth = new Map(questions.map((q, k) => [q.uid, PATTERN[k % PATTERN.length]!]));

  async function judgeCli(args: string[]): Promise<string> {
    const program = new Command().exitOverride();
    registerJudge(program);
    const writes: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((chunk: string) => writes.push(String(chunk)) > 0) as typeof process.stdout.write;
    try {
      await program.parseAsync(['judge', 'arena-hard', ...args], { from: 'user' });
    } finally {
      process.stdout.write = write;
    }
    return writes.join('');
  }

  it('judges both orders, retries once, rates against the baseline and resumes from the request cache', async () => {
    const dir = tempDir('judge-arena-');
    const answers = join(dir, 'answers.jsonl');
    // Synthetic answers of a model under test; the questions and baseline answers are the real v0.1 files.
    writeFileSync(
      answers,
      questions
        .map((q) =>
          JSON.stringify({
            uid: q.uid,
            model: 'model-under-test',
            messages: [
              { role: 'user', content: '…' },
              { role: 'assistant', content: { answer: `answer of the model under test to ${q.uid}` } },
            ],
          }),
        )
        .join('\n'),
    );
    const judge = new ScriptedJudge(truth);
    backends['scripted-judge'] = async () => judge;
    const args = ['--answers', answers, '--judge', 'scripted-judge', '--use_cache', join(dir, 'cache.sqlite')];
    const output = join(dir, 'out');
    const table = await judgeCli([...args, '--output_path', output, '--json', join(dir, 'board.json')]);

    // Expected, counted from the script alone: battles per question of each kind (strong = 3).
    const perQuestion: Record<Truth, { model: number; base: number; tie: number; malformed: number }> = {
      'model>>': { model: 6, base: 0, tie: 0, malformed: 0 },
      'model>': { model: 2, base: 0, tie: 0, malformed: 0 },
      tie: { model: 0, base: 0, tie: 2, malformed: 0 },
      'base>': { model: 0, base: 2, tie: 0, malformed: 0 },
      'base>>': { model: 0, base: 6, tie: 0, malformed: 0 },
      'always A>B': { model: 1, base: 1, tie: 0, malformed: 0 },
      late: { model: 2, base: 0, tie: 0, malformed: 0 },
      silent: { model: 0, base: 0, tie: 0, malformed: 2 },
    };
    const total = { model: 0, base: 0, tie: 0, malformed: 0 };
    for (const t of truth.values())
      for (const k of Object.keys(total) as (keyof typeof total)[]) total[k] += perQuestion[t][k];
    const expectedScore = (100 * (total.model + total.tie / 2)) / (total.model + total.base + total.tie);
    const retried = [...truth.values()].filter((t) => t === 'late' || t === 'silent').length * 2;
    expect(judge.requests).toBe(1000 + retried);

    const board = JSON.parse(readFileSync(join(dir, 'board.json'), 'utf8'));
    const row = board.rows.find((r: { model: string }) => r.model === 'model-under-test');
    expect(row.scores.score).toBeCloseTo(expectedScore, 9);
    expect(row.scores.battles).toBe(total.model + total.base + total.tie);
    expect(row.ci.score[0]).toBeLessThan(expectedScore);
    expect(row.ci.score[1]).toBeGreaterThan(expectedScore);
    expect(board.malformed['model-under-test']).toBe(total.malformed);
    expect(table).toContain('model-under-test');

    // The results file and samples log, in the report format every reader takes.
    const files = listFiles(output);
    const results = readResultsFile(files.find((f) => /results_.*\.json$/.test(f))!);
    expect(results.results['arena_hard_v0.1']!['score,none']).toBeCloseTo(expectedScore, 9);
    expect(results.evalboard.ci!['arena_hard_v0.1']!['score,none']).toEqual(row.ci.score);
    expect(results.config.model_args).toContain('pretrained=model-under-test');
    const samples = readSamplesFile(files.find((f) => /samples_arena_hard_v0\.1_.*\.jsonl$/.test(f))!);
    expect(samples).toHaveLength(500);
    const late = samples.find((s) => truth.get((s.doc as { question_id: string }).question_id) === 'late')!;
    expect(late.filtered_resps).toEqual(['B>A', 'A>B']);
    expect(late.evalboard.filtered_resps).toEqual(['B>A', 'A>B']);
    expect((late.resps as string[][])[0]![0]).toContain('Both answers have merit.');

    // A second run asks the judge nothing: every judgment comes from the request cache.
    const again = new ScriptedJudge(truth);
    backends['scripted-judge'] = async () => again;
    await judgeCli([...args, '--json', join(dir, 'board2.json')]);
    expect(again.requests).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, 'board2.json'), 'utf8')).rows).toEqual(board.rows);
    delete backends['scripted-judge'];
  }, 120_000);

  it('a judge that fails mid-run loses nothing: the rerun asks only for the judgments not yet made', async () => {
    const dir = tempDir('judge-arena-crash-');
    const answers = join(dir, 'answers.jsonl');
    writeFileSync(
      answers,
      questions
        .slice(0, 100)
        .map((q) =>
          JSON.stringify({
            uid: q.uid,
            model: 'model-under-test',
            messages: [{ role: 'assistant', content: `answer of the model under test to ${q.uid}` }],
          }),
        )
        .join('\n'),
    );
    const failing = new ScriptedJudge(truth);
    const generate = failing.generateUntil.bind(failing);
    failing.generateUntil = async (reqs, o) => {
      // Answers the first 120 requests, reporting each as it finishes, then the connection "drops".
      await generate(reqs.slice(0, 120), o);
      throw new Error('judge connection reset');
    };
    backends['scripted-judge'] = async () => failing;
    const args = ['--answers', answers, '--judge', 'scripted-judge', '--use_cache', join(dir, 'cache.sqlite')];
    await expect(judgeCli([...args, '--limit', '100'])).rejects.toThrow('judge connection reset');
    const healthy = new ScriptedJudge(truth);
    backends['scripted-judge'] = async () => healthy;
    await judgeCli([...args, '--limit', '100', '--json', join(dir, 'board.json')]);
    const retried = questions.slice(0, 100).filter((q) => ['late', 'silent'].includes(truth.get(q.uid)!)).length * 2;
    expect(healthy.requests).toBe(200 - 120 + retried);
    const fresh = new ScriptedJudge(truth);
    backends['scripted-judge'] = async () => fresh;
    await judgeCli([
      ...args.slice(0, -1),
      join(dir, 'fresh-cache.sqlite'),
      '--limit',
      '100',
      '--json',
      join(dir, 'fresh.json'),
    ]);
    expect(JSON.parse(readFileSync(join(dir, 'board.json'), 'utf8')).rows).toEqual(
      JSON.parse(readFileSync(join(dir, 'fresh.json'), 'utf8')).rows,
    );
    delete backends['scripted-judge'];
  }, 120_000);

  it('recomputes a leaderboard from Arena-Hard judgment JSONL without a judge', async () => {
    const dir = tempDir('judge-arena-recompute-');
    const file = join(dir, 'judgments.jsonl');
    const game = (score: string | null) => ({ user_prompt: '…', judgment: `… [[${score}]]`, score });
    // x: 3 questions [B>A, A>B] (2 wins each) and 1 [A>>B, B>>A] (6 losses): share 6/12.
    // y: 2 questions [A=B, A=B] and 1 [B>>A, A>>B] (6 wins): share (6 + 2) / 10.
    const lines = [
      ...[1, 2, 3].map((q) => ({ question_id: `q${q}`, model: 'x', games: [game('B>A'), game('A>B')] })),
      { question_id: 'q4', model: 'x', games: [game('A>>B'), game('B>>A')] },
      ...[1, 2].map((q) => ({ question_id: `q${q}`, model: 'y', games: [game('A=B'), game('A=B')] })),
      { question_id: 'q3', model: 'y', games: [game('B>>A'), game('A>>B')] },
      { question_id: 'q4', model: 'y', games: [game(null), game(null)] },
    ];
    writeFileSync(file, lines.map((l) => JSON.stringify(l)).join('\n'));
    await judgeCli(['--judgments', file, '--json', join(dir, 'board.json')]);
    const board = JSON.parse(readFileSync(join(dir, 'board.json'), 'utf8'));
    const score = (m: string) => board.rows.find((r: { model: string }) => r.model === m).scores.score;
    expect(score('x')).toBeCloseTo(50, 9);
    expect(score('y')).toBeCloseTo(80, 9);
    expect(score('gpt-4-0314')).toBeCloseTo(50, 12);
    expect(board.malformed).toEqual({ x: 0, y: 2 });
  });

  it('v2.0 with style control: hard prompts against o3-mini, the style-controlled score beside the plain one', async () => {
    const dir = tempDir('judge-arena-v2-');
    const v2 = readFileSync(join(V02, 'question.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { uid: string; category: string });
    const hard = v2.filter((q) => q.category === 'hard_prompt').slice(0, 60);
    const answers = join(dir, 'answers.jsonl');
    // Every third answer is long and full of markdown; the others one line.
    writeFileSync(
      answers,
      v2
        .map((q, k) =>
          JSON.stringify({
            uid: q.uid,
            model: 'model-under-test',
            messages: [
              {
                role: 'assistant',
                content: {
                  answer: `answer of the model under test to ${q.uid}${k % 3 === 0 ? '\n## Heading\n- **point**\n'.repeat(50) : ''}`,
                },
              },
            ],
          }),
        )
        .join('\n'),
    );
    const v2Truth = new Map(hard.map((q, k) => [q.uid, PATTERN[k % PATTERN.length]!]));
    const judge = new ScriptedJudge(v2Truth);
    backends['scripted-judge'] = async () => judge;
    const output = join(dir, 'out');
    await judgeCli([
      '--benchmark_version',
      'v2.0',
      '--style_control',
      '--limit',
      '60',
      '--answers',
      answers,
      '--judge',
      'scripted-judge',
      '--no_cache',
      '--output_path',
      output,
    ]);
    delete backends['scripted-judge'];
    // Only hard_prompt questions were asked about, each in both orders (plus follow-ups).
    const asked = new Set(judge.asked);
    expect([...asked].every((uid) => v2Truth.has(uid))).toBe(true);
    expect(asked.size).toBe(60);
    const results = readResultsFile(listFiles(output).find((f) => /results_.*\.json$/.test(f))!);
    const scores = results.results['arena_hard_v2.0']!;
    expect(typeof scores['score,none']).toBe('number');
    expect(typeof scores['style_controlled_score,none']).toBe('number');
    expect(results.evalboard.ci!['arena_hard_v2.0']!['style_controlled_score,none']).toHaveLength(2);
    expect(readSamplesFile(listFiles(output).find((f) => /samples_arena_hard_v2\.0_/.test(f))!)).toHaveLength(60);
  }, 120_000);

  it('refuses a run without a judge, naming the flag', () => {
    const r = evalboard(['judge', 'arena-hard', '--answers', join(V01, 'baseline_gpt-4-0314.jsonl')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--judge: say which model judges');
  });
});
