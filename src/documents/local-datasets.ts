import { join } from 'node:path';
import { readCsv } from './csv-rows.ts';
import { readGpqaSplit } from './gpqa.ts';
import { readJson, readJsonl } from './json-rows.ts';
import type { Doc, LoadedRows } from './types.ts';

/**
 * The datasets we have on disk (/work/shared/datasets layout), keyed by the `dataset_path`
 * values lm-eval task YAML uses. Each loader returns rows in the HF dataset's row shape and row
 * order, or undefined when that config/split is not available locally.
 */
export interface LocalDatasetRule {
  readonly hfPaths: readonly string[];
  readonly load: (dataDir: string, name: string | undefined, split: string) => Promise<LoadedRows | undefined>;
}

const jsonlSplit = (folder: string, splits: readonly string[]) => (dataDir: string, split: string) =>
  splits.includes(split) ? readJsonl(join(dataDir, folder, `${split}.jsonl`)) : undefined;

const arcFolders: Record<string, string> = { 'ARC-Challenge': 'arc-challenge', 'ARC-Easy': 'arc-easy' };
const arcSplits = ['train', 'validation', 'test'];

/** HF mbpp "full": the upstream README's task_id ranges per split. */
const mbppRanges: Record<string, [number, number]> = {
  prompt: [1, 10],
  test: [11, 510],
  validation: [511, 600],
  train: [601, 974],
};

/** HF TAUR-Lab/MuSR's split files (byte-for-byte copies of the hub's CSVs). */
const musrFiles: Record<string, string> = {
  murder_mysteries: 'murder_mystery.csv',
  object_placements: 'object_placements.csv',
  team_allocation: 'team_allocation.csv',
};

const meraFiles: Record<string, { file: string; kind: 'json' | 'csv' }> = {
  ruethics: { file: 'ruEthics.json', kind: 'json' },
  ruhhh: { file: 'ruHHH.csv', kind: 'csv' },
  ruhatespeech: { file: 'ruHateSpeech.csv', kind: 'csv' },
  rudetox: { file: 'ruDetox.csv', kind: 'csv' },
};

export const localDatasetRules: readonly LocalDatasetRule[] = [
  {
    hfPaths: ['allenai/ai2_arc', 'ai2_arc'],
    load: async (dataDir, name, split) => {
      const folder = name ? arcFolders[name] : undefined;
      return folder && arcSplits.includes(split) ? readJsonl(join(dataDir, folder, `${split}.jsonl`)) : undefined;
    },
  },
  {
    hfPaths: ['openai/gsm8k', 'gsm8k'],
    load: async (dataDir, name, split) => {
      if (name === 'main' || name === undefined) return jsonlSplit('gsm8k', ['train', 'test'])(dataDir, split);
      return name === 'socratic' && split === 'test'
        ? readJsonl(join(dataDir, 'gsm8k', 'test_socratic.jsonl'))
        : undefined;
    },
  },
  {
    hfPaths: ['cais/mmlu', 'hendrycks_test', 'lukaemon/mmlu'],
    load: async (dataDir, name, split) => {
      if (!name || !['test', 'dev'].includes(split)) return undefined;
      const loaded = await readCsv(join(dataDir, 'mmlu', split, `${name}_${split}.csv`), {
        header: false,
        columns: ['question', 'A', 'B', 'C', 'D', 'answer'],
      });
      // HF cais/mmlu row: question, subject, choices[4], answer as the ClassLabel index of A-D.
      const rows = loaded.rows.map((r) => ({
        question: r.question,
        subject: name,
        choices: [r.A, r.B, r.C, r.D],
        answer: 'ABCD'.indexOf(String(r.answer)),
      }));
      return { rows, sources: loaded.sources };
    },
  },
  {
    hfPaths: ['lukaemon/bbh', 'SaylorTwift/bbh'],
    load: async (dataDir, name, split) =>
      name && split === 'test'
        ? readJson(join(dataDir, 'bbh', 'bbh', `${name}.json`), { field: 'examples' })
        : undefined,
  },
  {
    hfPaths: ['TIGER-Lab/MMLU-Pro'],
    load: async (dataDir, _name, split) => jsonlSplit('mmlu-pro', ['test', 'validation'])(dataDir, split),
  },
  {
    hfPaths: ['truthfulqa/truthful_qa', 'truthful_qa'],
    load: async (dataDir, name, split) => {
      if (name !== 'generation' || split !== 'validation') return undefined;
      const loaded = await readCsv(join(dataDir, 'truthfulqa', 'TruthfulQA.csv'));
      return { rows: truthfulqaGenerationRows(loaded.rows), sources: loaded.sources };
    },
  },
  {
    hfPaths: ['TAUR-Lab/MuSR'],
    load: async (dataDir, _name, split) => {
      const file = musrFiles[split];
      // Typed like HF's CSV builder: answer_index is an int, `choices` stays a Python list literal.
      return file ? readCsv(join(dataDir, 'musr', file), { inferTypes: true }) : undefined;
    },
  },
  {
    hfPaths: ['google/IFEval', 'wis-k/instruction-following-eval'],
    load: async (dataDir, _name, split) =>
      split === 'train' ? readJsonl(join(dataDir, 'ifeval', 'input_data.jsonl')) : undefined,
  },
  {
    hfPaths: ['openai/openai_humaneval', 'openai_humaneval'],
    load: async (dataDir, _name, split) =>
      split === 'test' ? readJsonl(join(dataDir, 'humaneval', 'HumanEval.jsonl')) : undefined,
  },
  {
    hfPaths: ['google-research-datasets/mbpp', 'mbpp'],
    load: async (dataDir, name, split) => {
      const range = mbppRanges[split];
      if ((name !== undefined && name !== 'full') || !range) return undefined;
      const loaded = await readJsonl(join(dataDir, 'mbpp', 'mbpp.jsonl'));
      const rows = loaded.rows.filter((r) => Number(r.task_id) >= range[0] && Number(r.task_id) <= range[1]);
      const [file, source] = Object.entries(loaded.sources)[0]!;
      return { rows, sources: { [file]: { ...source, rows: rows.length } } };
    },
  },
  {
    // The authors' encrypted archive, decrypted in memory (see gpqa.ts).
    hfPaths: ['Idavidrein/gpqa'],
    load: async (dataDir, name, split) => (split === 'train' && name ? readGpqaSplit(dataDir, name) : undefined),
  },
  {
    // MERA's open diagnostic sets in their human-benchmark layout (not the HF instruction/inputs layout).
    hfPaths: ['MERA-evaluation/MERA', 'ai-forever/MERA'],
    load: async (dataDir, name, split) => {
      const entry = name ? meraFiles[name.toLowerCase()] : undefined;
      if (!entry || split !== 'test') return undefined;
      const path = join(dataDir, 'mera-diagnostics', entry.file);
      return entry.kind === 'json' ? readJson(path) : readCsv(path);
    },
  },
];

/** HF truthful_qa "generation": skips rows without references and splits the ";" lists. */
function truthfulqaGenerationRows(rows: readonly Doc[]): Doc[] {
  const splitList = (s: unknown) =>
    String(s ?? '')
      .trim()
      .split(';')
      .map((item) => item.trim());
  return rows
    .filter((r) => r['Correct Answers'] && r['Incorrect Answers'])
    .map((r) => ({
      type: r.Type,
      category: r.Category,
      question: r.Question,
      best_answer: r['Best Answer'],
      correct_answers: splitList(r['Correct Answers']),
      incorrect_answers: splitList(r['Incorrect Answers']),
      source: r.Source,
    }));
}
