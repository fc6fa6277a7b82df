import { codePointLength } from '../files.ts';

/**
 * Arena-Hard v2's style features of one answer against the baseline's: the relative length
 * difference and, for headers, list items and bold spans (counted outside ``` code blocks, with
 * its add_markdown_info patterns), the relative difference of their densities per unit of length.
 */
export interface AnswerStyle {
  /** Tokens when the answer file records them (`metadata.token_len`), else Unicode code points. */
  readonly length: number;
  readonly headers: number;
  readonly listItems: number;
  readonly bold: number;
}

const CODE_BLOCK = /```([^`]*)```/g;

export function answerStyle(text: string, tokenLength?: number): AnswerStyle {
  const prose = text.replace(CODE_BLOCK, '');
  const count = (pattern: RegExp) => (prose.match(pattern) ?? []).length;
  let headers = 0;
  for (let level = 1; level <= 6; level++) headers += count(new RegExp(`^#{${level}}\\s`, 'gm'));
  return {
    length: tokenLength ?? codePointLength(text),
    headers,
    listItems: count(/^\s*\d+\.\s/gm) + count(/^\s*[-*+]\s/gm),
    bold: count(/\*\*[^*\n]+\*\*/g) + count(/__[^_\n]+__/g),
  };
}

/** [length, headers, lists, bold] features of the model's answer against the baseline's, before standardising. */
export function styleFeatures(model: AnswerStyle, baseline: AnswerStyle): number[] {
  const lengthSum = model.length + baseline.length;
  const features = [lengthSum > 0 ? (model.length - baseline.length) / lengthSum : 0];
  for (const key of ['headers', 'listItems', 'bold'] as const) {
    const m = model.length > 0 ? model[key] / model.length : 0;
    const b = baseline.length > 0 ? baseline[key] / baseline.length : 0;
    features.push((m - b) / (m + b + 1));
  }
  return features;
}

/** Each column to mean 0 and (sample) standard deviation 1; a constant column becomes 0. */
export function standardise(rows: readonly (readonly number[])[]): number[][] {
  if (rows.length === 0) return [];
  const width = rows[0]!.length;
  const out = rows.map((r) => [...r]);
  for (let j = 0; j < width; j++) {
    const mean = rows.reduce((s, r) => s + r[j]!, 0) / rows.length;
    const sd = Math.sqrt(rows.reduce((s, r) => s + (r[j]! - mean) ** 2, 0) / Math.max(1, rows.length - 1));
    for (const r of out) r[j] = sd > 0 ? (r[j]! - mean) / sd : 0;
  }
  return out;
}
