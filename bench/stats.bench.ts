/**
 * Benchmark of the analysis library: the bootstrap (10,000 items × 1,000 resamples), the task ×
 * task Spearman and Kendall matrices over the Open LLM Leaderboard v2 table (3,827 models × 6
 * benchmarks), and contamination throughput on a generated corpus (default 200 MB) against the
 * 2,376 ARC-Easy test questions, with peak RSS.
 *
 *   npm run bench -- stats [--mb 200]
 */
import { createWriteStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzeAgreement } from '../src/analysis/agreement.ts';
import { checkContamination, normalizedWords } from '../src/analysis/contamination.ts';
import { readLeaderboardCsv } from '../src/analysis/read-leaderboard.ts';
import type { SampleItem, TaskSamples } from '../src/analysis/read-samples.ts';
import { scoreOf } from '../src/analysis/scores.ts';
import { bootstrapMeanCI, SeededRandom, spearman } from '../src/stats/stats.ts';
import { argValue, machineLine } from './lib/workloads.ts';

const DATA = process.env.EVALBOARD_DATA_DIR ?? new URL('../../shared/datasets', import.meta.url).pathname;
const OPEN_LLM = join(DATA, 'leaderboards/open-llm-v2/open_llm_leaderboard_contents_2025-02.csv');
const BENCHMARKS = ['IFEval Raw', 'BBH Raw', 'MATH Lvl 5 Raw', 'GPQA Raw', 'MUSR Raw', 'MMLU-PRO Raw'];

function best(times: number, run: () => void): number {
  let fastest = Number.POSITIVE_INFINITY;
  for (let i = 0; i < times; i++) {
    const start = performance.now();
    run();
    fastest = Math.min(fastest, performance.now() - start);
  }
  return fastest;
}

function peakRssMiB(): number {
  return process.resourceUsage().maxRSS / 1024;
}

export default async function stats(args: string[]): Promise<void> {
  const megabytes = Number(argValue(args, '--mb') ?? 200);
  process.stdout.write(`machine: ${machineLine()}; node ${process.version}\n`);

  const random = new SeededRandom(1);
  const items = Float64Array.from({ length: 10_000 }, () => (random.nextUint32() < 2 ** 31 ? 1 : 0));
  const bootstrapMs = best(3, () => bootstrapMeanCI(items, { iterations: 1000 }));
  process.stdout.write(`bootstrap 10,000 items × 1,000 resamples: ${bootstrapMs.toFixed(0)} ms (best of 3)\n`);

  const models = readLeaderboardCsv(OPEN_LLM, { model: 'eval_name', scores: BENCHMARKS });
  const columns = BENCHMARKS.map((task) => models.map((m) => scoreOf(m, task)!.value));
  const spearmanMs = best(3, () => {
    for (let i = 0; i < columns.length; i++)
      for (let j = i + 1; j < columns.length; j++) spearman(columns[i]!, columns[j]!);
  });
  const agreementMs = best(1, () => analyzeAgreement(models));
  process.stdout.write(
    `Spearman matrix ${models.length} × ${BENCHMARKS.length}: ${spearmanMs.toFixed(0)} ms; with Kendall τ-b and pairwise-complete bookkeeping: ${agreementMs.toFixed(0)} ms\n`,
  );

  const task = arcEasyTask();
  const dir = mkdtempSync(join(tmpdir(), 'evalboard-bench-corpus-'));
  try {
    const corpus = join(dir, 'corpus.txt');
    const generateStart = performance.now();
    const planted = await writeCorpus(corpus, megabytes * 1024 * 1024, task);
    process.stdout.write(
      `generated ${megabytes} MB corpus in ${((performance.now() - generateStart) / 1000).toFixed(1)} s\n`,
    );
    const rssBefore = peakRssMiB();
    const start = performance.now();
    const cpuStart = process.cpuUsage();
    const report = await checkContamination([task], [corpus]);
    const seconds = (performance.now() - start) / 1000;
    const cpu = process.cpuUsage(cpuStart);
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    const found = report.tasks[0]!.contaminated;
    process.stdout.write(
      `contamination, 13-grams of ${task.items.size} ARC-Easy questions vs ${megabytes} MB: ${seconds.toFixed(1)} s, ` +
        `${(megabytes / seconds).toFixed(1)} MB/s (CPU ${cpuSeconds.toFixed(1)} s: ${(megabytes / cpuSeconds).toFixed(1)} MB/s per CPU second); ${found} contaminated (${planted} planted); peak RSS ${peakRssMiB().toFixed(0)} MiB (${rssBefore.toFixed(0)} MiB before the scan)\n`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function arcEasyTask(): TaskSamples {
  const file = join(DATA, 'arc-easy/test.jsonl');
  const items = new Map<string, SampleItem>();
  readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .forEach((line, docId) => {
      items.set(`doc_id:${docId}`, { docId, doc: JSON.parse(line), values: new Map([['acc', docId % 2]]) });
    });
  return { task: 'arc_easy', file, items };
}

/** Random words from a 5,000-word vocabulary, 12 words a line; every 20 MB one ARC question is planted. */
async function writeCorpus(file: string, bytes: number, task: TaskSamples): Promise<number> {
  const random = new SeededRandom(7);
  const vocabulary = Array.from({ length: 5000 }, (_, i) => `w${i.toString(36)}${'xyz'.slice(0, i % 4)}`);
  // Only questions long enough to hold a 13-gram, each planted once, so every plant must be found.
  const questions = [...task.items.values()]
    .map((item) => (item.doc as { question: string }).question)
    .filter((q) => normalizedWords(q).length >= 13);
  const stream = createWriteStream(file);
  let written = 0;
  let planted = 0;
  let nextPlant = 0;
  while (written < bytes) {
    const lines: string[] = [];
    for (let l = 0; l < 2000; l++) {
      const words: string[] = [];
      for (let w = 0; w < 12; w++) words.push(vocabulary[random.nextIndex(vocabulary.length)]!);
      lines.push(words.join(' '));
    }
    if (written >= nextPlant) {
      lines.push(questions[(planted * 97) % questions.length]!);
      planted++;
      nextPlant += 20 * 1024 * 1024;
    }
    const chunk = `${lines.join('\n')}\n`;
    written += Buffer.byteLength(chunk);
    if (!stream.write(chunk)) await new Promise<void>((resolve) => stream.once('drain', () => resolve()));
  }
  await new Promise<void>((resolve) => stream.end(() => resolve()));
  return planted;
}
