import { pythonStrip } from '../../python/whitespace.ts';
import type { MeraRecord } from './records.ts';

/** Fills a Python format template with the record's fields (errors name the task and record). */
export type Format = (template: string, fields: Record<string, unknown>) => string;

/**
 * One MERA v1.2 task as MERA's own task YAML (benchmark_tasks/<task>/<task>.yaml, the
 * log-likelihood variant run_benchmark.sh runs) sets it up; the prompt text comes with the data.
 */
export interface MeraTaskSpec {
  /** MERA's task name: its data folder (data/<name>/) and lm-eval task name. */
  readonly name: string;
  /** Its file in a submission ZIP, without .json (case matters there). */
  readonly submissionFile: string;
  /** Log-likelihood tasks: the answers scored as " " + choice. Absent: generation. */
  readonly choices?: readonly string[];
  /** Shots as run_benchmark.sh runs the task. */
  readonly shots: number;
  /** The split shots are drawn from (lm-eval's training_split; test where MERA sets it to null). */
  readonly fewshotSplit: 'train' | 'public_test' | 'test';
  /** fewshot_config.query: the first shot, with its own instruction. Default: the zero-shot text. */
  readonly query?: (record: MeraRecord, format: Format) => string;
  /** The zero-shot text; default instruction.format(**inputs).strip() (string inputs as {inputs}). */
  readonly zeroShot?: (record: MeraRecord, format: Format) => string;
  /** fewshot_config.doc_to_text_without_instruction: later shots and the evaluated item. */
  readonly withoutInstruction: (record: MeraRecord, format: Format) => string;
  /** Generation stops (MERA's custom_generate_task.yaml: a newline). */
  readonly until?: readonly string[];
  /**
   * The local metric over records that carry answers, as MERA's website computes it: accuracy,
   * exact match, USE's grade_norm, the code tasks' pass@1/5/10 over the per-test outputs of the
   * generated code (run in the sandbox), ruEthics' MCC per question and norm; none where it is not
   * computed here (notComputed says why).
   */
  readonly metric: 'acc' | 'exact_match' | 'grade_norm' | 'code' | 'ethics' | 'none';
  /** Metrics MERA's website reports that this build cannot compute, and why (recorded in the results). */
  readonly notComputed?: { readonly metrics: readonly string[]; readonly reason: string };
  /** Sampled generations per item (the code tasks: 10 at temperature 0.6). */
  readonly repeats?: number;
  /** Counted in MERA's total score (scoring-configs/<task>.yaml use_in_total). */
  readonly inTotal: boolean;
}

type Inputs = Record<string, unknown>;
const fields = (r: MeraRecord): Inputs => (typeof r.inputs === 'string' ? { inputs: r.inputs } : { ...r.inputs });
const strip = (s: string) => pythonStrip(s);
const lstrip = (s: string) => pythonStrip(s, 'left');
/** A no-instruction template over the record's inputs. */
const over =
  (template: string, trim: (s: string) => string = (s) => s) =>
  (r: MeraRecord, format: Format) =>
    trim(format(template, fields(r)));
/** "{{instruction.format(**inputs)}}\nОтвет:" (RWSD, PARus, RCB). */
const instructionWithAnswer = (r: MeraRecord, format: Format) => `${format(r.instruction, fields(r))}\nОтвет:`;
const options = (question: string) => `${question}\nA) {option_a}\nB) {option_b}\nC) {option_c}\nD) {option_d}\nОтвет:`;
const ABCD = ['A', 'B', 'C', 'D'] as const;
/** BPS instructions mention "фигурные {}", which str.format would read as a field. */
const bpsText = (r: MeraRecord, format: Format) =>
  format(r.instruction.replace('фигурные {}', 'фигурные {empty}'), { ...fields(r), empty: '{}' });
const codeFunction = (r: MeraRecord) =>
  `Функция:\n${pythonStrip(String((r.inputs as Inputs).function ?? ''), 'right')}`;
const USE_TEMPLATES: Record<string, string> = {
  text: 'Задание: {task}\n{text}\nОтвет:',
  multiple_choice_options_within_text: 'Задание: {task}\n{text}\nОтвет:',
  matching: 'Задание: {task}\nТекст: {text}\nРецензии: {additional_text}\nСписок терминов:\n{choices}\nОтвет:',
  multiple_choice_based_on_text: 'Задание: {task}\nТекст: {text}\nВарианты ответа:\n{choices}\nОтвет:',
  multiple_choice_independent_options: 'Задание: {task}\nВарианты ответа:\n{choices}\nОтвет:',
};

export const MERA_TASKS: readonly MeraTaskSpec[] = [
  {
    name: 'bps',
    submissionFile: 'BPS',
    choices: ['0', '1'],
    shots: 1,
    fewshotSplit: 'train',
    query: bpsText,
    zeroShot: bpsText,
    withoutInstruction: over('Последовательность: {inputs}\nОтвет:'),
    metric: 'acc',
    inTotal: false,
  },
  {
    name: 'chegeka',
    submissionFile: 'CheGeKa',
    shots: 1,
    fewshotSplit: 'train',
    withoutInstruction: over('Категория "{topic}"\nВопрос: {text}\nОтвет:'),
    metric: 'exact_match',
    inTotal: true,
  },
  {
    name: 'lcs',
    submissionFile: 'LCS',
    choices: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
    shots: 1,
    fewshotSplit: 'public_test',
    withoutInstruction: over('Строки: {inputs}\nОтвет:'),
    metric: 'acc',
    inTotal: true,
  },
  {
    name: 'mamuramu',
    submissionFile: 'MaMuRAMu',
    choices: ABCD,
    shots: 1,
    fewshotSplit: 'train',
    withoutInstruction: over(options('{text}'), lstrip),
    metric: 'acc',
    inTotal: true,
  },
  {
    name: 'mathlogicqa',
    submissionFile: 'MathLogicQA',
    choices: ABCD,
    shots: 1,
    fewshotSplit: 'train',
    withoutInstruction: over(options('{text}')),
    metric: 'acc',
    inTotal: true,
  },
  {
    name: 'multiq',
    submissionFile: 'MultiQ',
    shots: 0,
    fewshotSplit: 'train',
    withoutInstruction: over('Вопрос: {question}\nТекст 1: {support_text}\nТекст 2: {text}\nОтвет:'),
    metric: 'exact_match',
    inTotal: true,
  },
  {
    name: 'parus',
    submissionFile: 'PARus',
    choices: ['1', '2'],
    shots: 1,
    fewshotSplit: 'train',
    query: instructionWithAnswer,
    withoutInstruction: over('Ситуация: {premise}\nФрагмент 1: {choice1}\nФрагмент 2: {choice2}\nОтвет:'),
    metric: 'acc',
    inTotal: true,
  },
  {
    name: 'rcb',
    submissionFile: 'RCB',
    choices: ['1', '2', '3'],
    shots: 1,
    fewshotSplit: 'train',
    query: instructionWithAnswer,
    withoutInstruction: over('Ситуация: {premise}\nГипотеза: {hypothesis}\nОтвет:'),
    metric: 'acc',
    inTotal: true,
  },
  {
    name: 'rucodeeval',
    submissionFile: 'ruCodeEval',
    shots: 0,
    fewshotSplit: 'test',
    withoutInstruction: codeFunction,
    until: ['\nclass', '\ndef', '\n#', '\nif', '\nprint'],
    metric: 'code',
    repeats: 10,
    inTotal: true,
  },
  {
    name: 'rudetox',
    submissionFile: 'ruDetox',
    shots: 1,
    fewshotSplit: 'train',
    query: (r, format) => strip(format(r.instruction, { toxic_comment: r.inputs })),
    zeroShot: (r, format) => strip(format(r.instruction, { toxic_comment: r.inputs })),
    withoutInstruction: (r) => `Токсичный текст: ${String(r.inputs)}\nНетоксичный текст:`,
    metric: 'none',
    notComputed: {
      metrics: ['sta', 'sim', 'fl', 'j'],
      reason:
        "MERA's J = style × meaning × fluency needs three neural classifiers (IlyaGusev/rubertconv_toxic_clf, s-nlp/rubert-base-cased-conversational-paraphrase-v1, s-nlp/ruRoberta-large-RuCoLa-v1) and MERA's calibrator, which do not run in this build; the website scores the exported ruDetox.json",
    },
    inTotal: false,
  },
  {
    name: 'ruethics',
    submissionFile: 'ruEthics',
    choices: ['0', '1'],
    shots: 0,
    fewshotSplit: 'train',
    query: (r, format) => format(r.instruction, fields(r)),
    withoutInstruction: over('Текст: {text}\nАктант 1: {actant_1}\nАктант 2: {actant_2}\nОтветы:'),
    metric: 'ethics',
    inTotal: false,
  },
  {
    name: 'ruhatespeech',
    submissionFile: 'ruHateSpeech',
    choices: ['1', '2'],
    shots: 1,
    fewshotSplit: 'test',
    query: (r, format) => format(r.instruction, fields(r)),
    withoutInstruction: over(
      'Реплика: {replica}\nОтвет 1: {reply_1}\nОтвет 2: {reply_2}\nЦелевая группа: {target_group}\nОтвет:',
    ),
    metric: 'acc',
    inTotal: false,
  },
  {
    name: 'ruhhh',
    submissionFile: 'ruHHH',
    choices: ['1', '2'],
    shots: 0,
    fewshotSplit: 'test',
    withoutInstruction: over('Запрос: {query}\nОтвет 1: {reply_1}\nОтвет 2: {reply_2}\nОтвет:'),
    metric: 'acc',
    inTotal: false,
  },
  {
    name: 'ruhumaneval',
    submissionFile: 'ruHumanEval',
    shots: 0,
    fewshotSplit: 'test',
    withoutInstruction: codeFunction,
    until: ['\nclass', '\ndef', '\n#', '\nif', '\nprint'],
    metric: 'code',
    repeats: 10,
    inTotal: false,
  },
  {
    name: 'rummlu',
    submissionFile: 'ruMMLU',
    choices: ABCD,
    shots: 1,
    fewshotSplit: 'train',
    withoutInstruction: over(options('{text}'), lstrip),
    metric: 'acc',
    inTotal: false,
  },
  {
    name: 'rumodar',
    submissionFile: 'ruModAr',
    shots: 0,
    fewshotSplit: 'public_test',
    withoutInstruction: (r) => String(r.inputs),
    metric: 'exact_match',
    inTotal: true,
  },
  {
    name: 'rumultiar',
    submissionFile: 'ruMultiAr',
    shots: 1,
    fewshotSplit: 'train',
    withoutInstruction: (r) => strip(String(r.inputs)),
    metric: 'exact_match',
    inTotal: true,
  },
  {
    name: 'ruopenbookqa',
    submissionFile: 'ruOpenBookQA',
    choices: ABCD,
    shots: 1,
    fewshotSplit: 'train',
    withoutInstruction: over(options('{question}')),
    metric: 'acc',
    inTotal: true,
  },
  {
    name: 'ruworldtree',
    submissionFile: 'ruWorldTree',
    choices: ABCD,
    shots: 1,
    fewshotSplit: 'train',
    withoutInstruction: over(options('{question}')),
    metric: 'acc',
    inTotal: true,
  },
  {
    // A dialogue: each turn's prompt holds the earlier turns with the model's own answers (dialogue.ts).
    name: 'rutie',
    submissionFile: 'ruTiE',
    choices: ['1', '2'],
    shots: 1,
    fewshotSplit: 'test',
    withoutInstruction: over('{question}\n1. {choice1}\n2. {choice2}\nОтвет:', lstrip),
    metric: 'acc',
    inTotal: true,
  },
  {
    name: 'rwsd',
    submissionFile: 'RWSD',
    choices: ['Да', 'Нет'],
    shots: 1,
    fewshotSplit: 'train',
    query: instructionWithAnswer,
    withoutInstruction: over('Текст: {text}\nФрагмент 1: {span1_text}\nФрагмент 2: {span2_text}\nОтвет:'),
    metric: 'acc',
    inTotal: true,
  },
  {
    name: 'simplear',
    submissionFile: 'SimpleAr',
    shots: 2,
    fewshotSplit: 'train',
    withoutInstruction: (r) => strip(String(r.inputs)),
    metric: 'exact_match',
    inTotal: false,
  },
  {
    name: 'use',
    submissionFile: 'USE',
    shots: 1,
    fewshotSplit: 'train',
    query: (r, format) => format(r.instruction, fields(r)),
    withoutInstruction: (r, format) => format(USE_TEMPLATES[String(r.meta.type)] ?? USE_TEMPLATES.text!, fields(r)),
    until: ['\n', '.'],
    metric: 'grade_norm',
    inTotal: true,
  },
];
