import { type GgufValue, LLAMA_FILE_TYPES } from './format.ts';
// import cycle: type only, erased at run time; read.ts re-exports these summaries beside the reader.
import type { GgufInfo } from './read.ts';

/** What a report or a backend needs to know about a model file, without the big arrays. */
export interface GgufSummary {
  readonly architecture: string | null;
  readonly name: string | null;
  /** Sum of the tensors' element counts. */
  readonly parameterCount: number;
  /** `general.file_type` (llama_ftype), null when the file does not say. */
  readonly fileType: number | null;
  /** "Q4_K - Medium", "F16"...; guessed from the tensors when general.file_type is absent. */
  readonly quantisation: string;
  readonly contextLength: number | null;
  readonly chatTemplate: string | null;
  readonly addBosToken: boolean;
  readonly vocabSize: number | null;
}

export function summarizeGguf(info: GgufInfo): GgufSummary {
  const { metadata } = info;
  const architecture = stringAt(metadata, 'general.architecture');
  const fileType = numberAt(metadata, 'general.file_type');
  const tokens = metadata['tokenizer.ggml.tokens'];
  const vocabSize = Array.isArray(tokens)
    ? tokens.length
    : numberAt(metadata, architecture ? `${architecture}.vocab_size` : '');
  return {
    architecture,
    name: stringAt(metadata, 'general.name'),
    parameterCount: info.tensors.reduce((sum, tensor) => sum + tensor.elementCount, 0),
    fileType,
    quantisation: (fileType !== null ? LLAMA_FILE_TYPES[fileType] : undefined) ?? dominantWeightType(info),
    contextLength: architecture ? numberAt(metadata, `${architecture}.context_length`) : null,
    chatTemplate: stringAt(metadata, 'tokenizer.chat_template'),
    addBosToken: addsBosToken(metadata),
    vocabSize,
  };
}

/**
 * llama.cpp's default when `tokenizer.ggml.add_bos_token` is absent: SentencePiece ("llama") and
 * WordPiece ("bert") vocabularies add BOS, the others do not. (A few BPE pre-tokenizers such as
 * llama3 also default to true, but their converters always write the key.)
 */
function addsBosToken(metadata: GgufInfo['metadata']): boolean {
  const explicit = metadata['tokenizer.ggml.add_bos_token'];
  if (typeof explicit === 'boolean') return explicit;
  const model = stringAt(metadata, 'tokenizer.ggml.model');
  return model === 'llama' || model === 'bert';
}

/** The type holding most weights (matrices only: norms and biases stay F32 in every file type). */
function dominantWeightType(info: GgufInfo): string {
  const elementsByType = new Map<string, number>();
  for (const tensor of info.tensors) {
    if (tensor.dims.length < 2) continue;
    elementsByType.set(tensor.typeName, (elementsByType.get(tensor.typeName) ?? 0) + tensor.elementCount);
  }
  const [dominant] = [...elementsByType].sort((a, b) => b[1] - a[1]);
  if (!dominant) return 'unknown';
  return dominant[0] === 'F32' ? 'all F32' : dominant[0];
}

function stringAt(metadata: GgufInfo['metadata'], key: string): string | null {
  const value = metadata[key];
  return typeof value === 'string' ? value : null;
}

function numberAt(metadata: GgufInfo['metadata'], key: string): number | null {
  const value = metadata[key];
  return typeof value === 'number' ? value : null;
}

/** A printable form of a metadata value: big arrays become "[string × 49152: "a", "b", …]". */
export function describeGgufValue(value: GgufValue, maxItems = 4): string | number | boolean {
  if (typeof value === 'bigint') return value.toString();
  if (typeof value !== 'object') return value;
  const items = Array.from(value as ArrayLike<GgufValue>);
  const elementType = ArrayBuffer.isView(value) ? value.constructor.name.replace('Array', '') : elementKind(items);
  const shown = items.slice(0, maxItems).map((item) => {
    const described = describeGgufValue(item, maxItems);
    return typeof described === 'string' && typeof item === 'string' ? JSON.stringify(described) : String(described);
  });
  const more = items.length > maxItems ? ', …' : '';
  return `[${elementType} × ${items.length}${items.length ? ': ' : ''}${shown.join(', ')}${more}]`;
}

function elementKind(items: readonly GgufValue[]): string {
  const first = items[0];
  if (first === undefined) return 'empty';
  return typeof first === 'object' ? 'array' : typeof first;
}
