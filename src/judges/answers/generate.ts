import { hash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { UserError } from '../../errors.ts';
import type { ChatMessage, GenerateResult } from '../../requests/types.ts';
import { readQuestions as readArenaQuestions } from '../arena-hard/data.ts';
import { judgeRequest } from '../ask.ts';
import { readRecords, stringField } from '../files.ts';
import { readMtBenchQuestions } from '../mt-bench/index.ts';
import type { JudgeModel } from '../types.ts';

/** The answer sets `evalboard generate` makes, by the name given to --tasks. */
export const ANSWER_TASKS = ['arena_hard_v0.1', 'arena_hard_v2.0', 'mt_bench', 'alpaca_eval'] as const;
export type AnswerTask = (typeof ANSWER_TASKS)[number];

export function isAnswerTask(name: string): name is AnswerTask {
  return (ANSWER_TASKS as readonly string[]).includes(name);
}

/**
 * Where each benchmark's questions are in the data folder, and how long an answer may be by default:
 * the published generation configs' max_tokens (Arena-Hard's gen_answer_config 4096, FastChat's
 * max_new_token 1024; AlpacaEval's model configs mostly 2048).
 */
const SOURCES: Record<AnswerTask, { readonly questions: string; readonly maxTokens: number }> = {
  'arena_hard_v0.1': { questions: 'arena-hard/v0.1/question.jsonl', maxTokens: 4096 },
  'arena_hard_v2.0': { questions: 'arena-hard/v2.0/question.jsonl', maxTokens: 4096 },
  mt_bench: { questions: 'mt-bench/question.jsonl', maxTokens: 1024 },
  alpaca_eval: { questions: 'judgments/alpaca-eval/instructions.jsonl', maxTokens: 2048 },
};

export interface GenerateAnswersOptions {
  /** The answering model's name in the answer file (model / model_id / generator). */
  readonly modelName: string;
  /** The folder the answer files go under, each in its benchmark's own layout (answerFilePath). */
  readonly outputDir: string;
  /** The questions file; default: the benchmark's file under dataDir. */
  readonly questions?: string | undefined;
  readonly dataDir?: string | undefined;
  /** Answer only the first N questions. */
  readonly limit?: number | undefined;
  readonly maxTokens?: number | undefined;
}

/** One benchmark's answers, written. */
export interface GeneratedAnswers {
  readonly task: AnswerTask;
  readonly path: string;
  readonly questions: number;
  /** Generations made (two per MT-Bench question), and how many stopped at the token limit. */
  readonly generations: number;
  readonly hitMaxTokens: number;
}

/**
 * The file a benchmark's own tooling expects: arena-hard-auto's data/<bench>/model_answer/<model>.jsonl,
 * FastChat's data/mt_bench/model_answer/<model>.jsonl, AlpacaEval's results/<model>/model_outputs.json.
 */
export function answerFilePath(outputDir: string, task: AnswerTask, modelName: string): string {
  if (task === 'alpaca_eval') return join(outputDir, 'alpaca_eval', modelName, 'model_outputs.json');
  const bench = task === 'mt_bench' ? 'mt_bench' : task.replace(/_/g, '-');
  return join(outputDir, bench, 'model_answer', `${modelName}.jsonl`);
}

export function questionsPath(task: AnswerTask, given: string | undefined, dataDir: string | undefined): string {
  if (given) return given;
  if (!dataDir)
    throw new UserError(`no data folder for the ${task} questions`, { field: '--questions' }, 'pass --data_dir');
  return join(dataDir, SOURCES[task].questions);
}

/**
 * Asks the model every question of one benchmark and writes the answers in that benchmark's format.
 * Requests go as chats (the model's chat template renders them for a local model; an API chat backend
 * sends the messages), greedy, all in one call, so the request cache makes a rerun resume.
 */
export async function generateAnswers(
  model: JudgeModel,
  task: AnswerTask,
  options: GenerateAnswersOptions,
): Promise<GeneratedAnswers> {
  const questions = questionsPath(task, options.questions, options.dataDir);
  const generation = { maxTokens: options.maxTokens ?? SOURCES[task].maxTokens };
  const ask = async (chats: readonly (readonly ChatMessage[])[]): Promise<GenerateResult[]> =>
    chats.length === 0
      ? []
      : model.backend.generateUntil(chats.map((messages) => judgeRequest(model, messages, generation)));
  const name = options.modelName;
  const tstamp = Date.now() / 1000;
  let records: unknown[];
  let results: GenerateResult[];
  if (task === 'mt_bench') {
    const list = [...readMtBenchQuestions(questions).values()].slice(0, options.limit);
    // Turn 2 is asked with the model's own first answer in the history, as FastChat's gen_model_answer does.
    const first = await ask(list.map((q) => [{ role: 'user', content: q.turns[0]! }]));
    const second = await ask(
      list.map((q, i) => [
        { role: 'user', content: q.turns[0]! },
        { role: 'assistant', content: first[i]!.text },
        { role: 'user', content: q.turns[1] ?? '' },
      ]),
    );
    results = [...first, ...second];
    records = list.map((q, i) => ({
      question_id: Number(q.id),
      answer_id: answerId(name, q.id),
      model_id: name,
      choices: [{ index: 0, turns: [first[i]!.text, second[i]!.text] }],
      tstamp,
    }));
  } else if (task === 'alpaca_eval') {
    const rows = readRecords(questions, '--questions').slice(0, options.limit);
    const list = rows.map((row, i) => ({
      instruction: stringField(row, 'instruction', questions, i),
      dataset: typeof row.dataset === 'string' ? row.dataset : undefined,
    }));
    results = await ask(list.map((q) => [{ role: 'user', content: q.instruction }]));
    records = list.map((q, i) => ({
      instruction: q.instruction,
      output: results[i]!.text,
      generator: name,
      ...(q.dataset ? { dataset: q.dataset } : {}),
    }));
  } else {
    const list = readArenaQuestions(questions).slice(0, options.limit);
    results = await ask(list.map((q) => [{ role: 'user', content: q.prompt }]));
    records = list.map((q, i) =>
      task === 'arena_hard_v0.1'
        ? // arena-hard-auto v0.1's gen_answer.py layout.
          {
            question_id: q.id,
            answer_id: answerId(name, q.id),
            model_id: name,
            choices: [{ index: 0, turns: [{ content: results[i]!.text, token_len: results[i]!.tokens }] }],
            tstamp,
          }
        : // arena-hard-auto v2's layout: the chat, the answer under content.answer, token_len in metadata.
          {
            uid: q.id,
            ans_id: answerId(name, q.id),
            model: name,
            messages: [
              { role: 'user', content: q.prompt },
              { role: 'assistant', content: { answer: results[i]!.text } },
            ],
            tstamp,
            metadata: { token_len: results[i]!.tokens },
          },
    );
  }
  const path = answerFilePath(options.outputDir, task, name);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(
    path,
    task === 'alpaca_eval'
      ? `${JSON.stringify(records, null, 2)}\n`
      : records.map((r) => `${JSON.stringify(r)}\n`).join(''),
  );
  return {
    task,
    path,
    questions: records.length,
    generations: results.length,
    hitMaxTokens: results.filter((r) => r.hitMaxTokens).length,
  };
}

/** Upstream draws a random shortuuid; a digest of model and question keeps the ids the same on a rerun. */
function answerId(model: string, questionId: string): string {
  return hash('sha256', `${model}\n${questionId}`, 'hex').slice(0, 22);
}

/** The model's name for answer files: the model_args' model, else the GGUF's file name, else the backend. */
export function defaultModelName(backend: string, modelArgs: Readonly<Record<string, unknown>>): string {
  const given = modelArgs.model ?? modelArgs.pretrained;
  const base = typeof given === 'string' ? (given.split(/[/\\:]/).pop() ?? given) : backend;
  return base.replace(/\.gguf$/i, '').replace(/[^A-Za-z0-9._-]+/g, '_') || backend;
}
