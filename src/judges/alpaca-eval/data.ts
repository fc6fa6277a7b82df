import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Doc } from '../../documents/types.ts';
import { UserError } from '../../errors.ts';
import { codePointLength, numberField, readRecords, stringField } from '../files.ts';
import type { LengthControlWeights } from './length-control.ts';

/** One model's preferences against the baseline, with both answers' lengths where known. */
export interface ModelPreferences {
  readonly model: string;
  /** Instruction position (0–804 for AlpacaEval's set), preference, lengths in code points. */
  readonly rows: readonly {
    readonly index: number;
    readonly preference: number;
    readonly modelLength: number;
    readonly baselineLength: number | undefined;
  }[];
}

/**
 * AlpacaEval's `annotations.json` (one file per model: `generator_2` against `generator_1`, with
 * both outputs), or a preferences CSV `model,index,preference,len_output` whose baseline lengths
 * come from `instructions.jsonl` (`len_baseline_output`), found next to it unless named.
 */
export function readPreferences(path: string, instructionsPath?: string): ModelPreferences[] {
  const records = readRecords(path, '--preferences');
  const first = records[0];
  if (!first) throw new UserError('no preferences in the file', { file: path, field: '--preferences' });
  if ('output_2' in first) return fromAnnotations(records, path);
  if (!('len_output' in first))
    throw new UserError(
      'neither annotations.json records (output_1, output_2, preference) nor model,index,preference,len_output rows',
      { file: path, field: '--preferences' },
    );
  const sibling = join(dirname(path), 'instructions.jsonl');
  const instructions = instructionsPath ?? (existsSync(sibling) ? sibling : undefined);
  const baselineLengths = instructions ? readBaselineLengths(instructions) : undefined;
  const byModel = new Map<string, ModelPreferences['rows'][number][]>();
  records.forEach((row, i) => {
    const model = stringField(row, 'model', path, i);
    const index = numberField(row, 'index', path, i);
    const list = byModel.get(model) ?? [];
    list.push({
      index,
      preference: numberField(row, 'preference', path, i),
      modelLength: numberField(row, 'len_output', path, i),
      baselineLength: baselineLengths?.get(index),
    });
    byModel.set(model, list);
  });
  return [...byModel].map(([model, rows]) => ({ model, rows }));
}

function fromAnnotations(records: readonly Doc[], path: string): ModelPreferences[] {
  const byModel = new Map<string, ModelPreferences['rows'][number][]>();
  records.forEach((row, i) => {
    const model = stringField(row, 'generator_2', path, i);
    const list = byModel.get(model) ?? [];
    list.push({
      index: list.length,
      preference: numberField(row, 'preference', path, i),
      modelLength: codePointLength(stringField(row, 'output_2', path, i)),
      baselineLength: codePointLength(stringField(row, 'output_1', path, i)),
    });
    byModel.set(model, list);
  });
  return [...byModel].map(([model, rows]) => ({ model, rows }));
}

function readBaselineLengths(path: string): Map<number, number> {
  const rows = readRecords(path, '--instructions');
  return new Map(
    rows.map((row, i) => [numberField(row, 'index', path, i), numberField(row, 'len_baseline_output', path, i)]),
  );
}

/** The weights CSV: model, then the length, difficulty and model coefficients of `length_controlled_v1`. */
export function readLengthControlWeights(path: string): Map<string, LengthControlWeights> {
  const rows = readRecords(path, '--lc_weights');
  return new Map(
    rows.map((row, i) => {
      const values = Object.values(row);
      const numbers = values.slice(1).map(Number);
      if (numbers.length !== 3 || numbers.some(Number.isNaN))
        throw new UserError(`record ${i + 1} is not model and three coefficients`, {
          file: path,
          field: '--lc_weights',
        });
      return [String(values[0]), { length: numbers[0]!, difficulty: numbers[1]!, model: numbers[2]! }];
    }),
  );
}

/** AlpacaEval's `instruction_difficulty.csv`: one difficulty per instruction position, in order. */
export function readInstructionDifficulty(path: string): number[] {
  const rows = readRecords(path, '--instruction_difficulty');
  return rows.map((row, i) => {
    const values = Object.values(row);
    const value = Number(values[values.length - 1]);
    if (Number.isNaN(value))
      throw new UserError(`record ${i + 1} has no difficulty`, { file: path, field: '--instruction_difficulty' });
    return value;
  });
}

/** AlpacaEval's model_outputs.json: `instruction`, `output` (and `generator`) per record. */
export interface ModelOutput {
  readonly instruction: string;
  readonly output: string;
  readonly generator: string | undefined;
}

/** A model's outputs, or, for the baseline, an annotations.json whose `output_1` is the baseline's. */
export function readModelOutputs(path: string, field: string): ModelOutput[] {
  const rows = readRecords(path, field);
  return rows.map((row, i) => {
    const isAnnotation = 'output_1' in row && !('output' in row);
    const generator = row[isAnnotation ? 'generator_1' : 'generator'];
    return {
      instruction: stringField(row, 'instruction', path, i),
      output: stringField(row, isAnnotation ? 'output_1' : 'output', path, i),
      generator: typeof generator === 'string' ? generator : undefined,
    };
  });
}
