import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { UserError } from '../errors.ts';
import type { GgufEntry } from './format.ts';
import { readGgufInfo } from './read.ts';

export type TokenizerSource =
  /** Copy every tokenizer.* key from an existing GGUF file. */
  | { readonly from: 'gguf'; readonly path: string }
  /**
   * Build tokenizer.ggml.* for a byte-level BPE tokenizer.json (Hugging Face layout), as llama.cpp's
   * convert_hf_to_gguf.py would. `pre` names llama.cpp's pre-tokenizer; guessed when left out.
   */
  | { readonly from: 'hf'; readonly dir: string; readonly pre?: string };

export interface TokenizerMetadata {
  readonly entries: readonly GgufEntry[];
  readonly vocabSize: number;
}

export async function loadTokenizerMetadata(source: TokenizerSource): Promise<TokenizerMetadata> {
  return source.from === 'gguf' ? copyFromGguf(source.path) : buildFromHuggingFace(source.dir, source.pre);
}

async function copyFromGguf(path: string): Promise<TokenizerMetadata> {
  const info = await readGgufInfo(path);
  const tokens = info.metadata['tokenizer.ggml.tokens'];
  if (!Array.isArray(tokens)) {
    throw new UserError('has no tokenizer.ggml.tokens', { file: path }, 'pick a GGUF file that includes a tokenizer');
  }
  const entries = Object.keys(info.metadata)
    .filter((key) => key.startsWith('tokenizer.'))
    .map((key) => ({ key, value: info.metadata[key]!, ...info.metadataTypes[key]! }));
  return { entries, vocabSize: tokens.length };
}

/** llama.cpp's token types (llama_token_type). */
const TOKEN_TYPE = { normal: 1, control: 3, userDefined: 4 } as const;

interface HfAddedToken {
  readonly id: number;
  readonly content: string;
  readonly special?: boolean;
}

interface HfTokenizerJson {
  readonly model?: { type?: string; vocab?: Record<string, number>; merges?: (string | [string, string])[] };
  readonly added_tokens?: HfAddedToken[];
  readonly pre_tokenizer?: HfPreTokenizer | null;
}

interface HfPreTokenizer {
  readonly type?: string;
  readonly pretokenizers?: HfPreTokenizer[];
  readonly individual_digits?: boolean;
  readonly use_regex?: boolean;
}

type SpecialRole = 'bos' | 'eos' | 'unk' | 'pad';
const SPECIAL_ROLE_KEYS: Record<SpecialRole, string> = {
  bos: 'tokenizer.ggml.bos_token_id',
  eos: 'tokenizer.ggml.eos_token_id',
  unk: 'tokenizer.ggml.unknown_token_id',
  pad: 'tokenizer.ggml.padding_token_id',
};

async function buildFromHuggingFace(dir: string, pre: string | undefined): Promise<TokenizerMetadata> {
  const tokenizerPath = join(dir, 'tokenizer.json');
  const tokenizer = (await readJson(tokenizerPath, true)) as HfTokenizerJson;
  const config = ((await readJson(join(dir, 'tokenizer_config.json'), false)) ?? {}) as Record<string, unknown>;
  const modelConfig = ((await readJson(join(dir, 'config.json'), false)) ?? {}) as Record<string, unknown>;

  const model = tokenizer.model;
  if (model?.type !== 'BPE' || !model.vocab || !model.merges) {
    throw new UserError(
      `model.type is ${JSON.stringify(model?.type)}, expected a BPE model with vocab and merges`,
      { file: tokenizerPath, field: 'model' },
      'only byte-level BPE tokenizers (GPT-2 style) can be converted; use { from: "gguf" } for others',
    );
  }
  const { tokens, tokenTypes } = vocabularyInIdOrder(model.vocab, tokenizer.added_tokens ?? [], tokenizerPath);
  const idOf = new Map(tokens.map((token, id) => [token, id]));
  const entries: GgufEntry[] = [
    { key: 'tokenizer.ggml.model', type: 'string', value: 'gpt2' },
    {
      key: 'tokenizer.ggml.pre',
      type: 'string',
      value: pre ?? guessPreTokenizer(tokenizer.pre_tokenizer, tokenizerPath),
    },
    { key: 'tokenizer.ggml.tokens', type: 'array', elementType: 'string', value: tokens },
    { key: 'tokenizer.ggml.token_type', type: 'array', elementType: 'int32', value: tokenTypes },
    {
      key: 'tokenizer.ggml.merges',
      type: 'array',
      elementType: 'string',
      value: model.merges.map((merge) => (Array.isArray(merge) ? merge.join(' ') : merge)),
    },
  ];
  for (const role of Object.keys(SPECIAL_ROLE_KEYS) as SpecialRole[]) {
    const id = specialTokenId(role, config, modelConfig, idOf);
    if (id !== undefined) entries.push({ key: SPECIAL_ROLE_KEYS[role], type: 'uint32', value: id });
  }
  // llama.cpp's converter writes add_bos_token from tokenizer_config.json, and false for the 49152
  // vocabulary (SmolLM); false is also llama.cpp's default for BPE vocabularies.
  const addBos = typeof config.add_bos_token === 'boolean' ? config.add_bos_token : false;
  entries.push({ key: 'tokenizer.ggml.add_bos_token', type: 'bool', value: addBos });
  if (typeof config.add_eos_token === 'boolean') {
    entries.push({ key: 'tokenizer.ggml.add_eos_token', type: 'bool', value: config.add_eos_token });
  }
  if (typeof config.add_prefix_space === 'boolean') {
    entries.push({ key: 'tokenizer.ggml.add_space_prefix', type: 'bool', value: config.add_prefix_space });
  }
  entries.push(...chatTemplateEntries(config.chat_template));
  return { entries, vocabSize: tokens.length };
}

async function readJson(path: string, required: boolean): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if (!required && (error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new UserError('cannot read tokenizer file', { file: path }, (error as Error).message);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UserError('is not valid JSON', { file: path }, (error as Error).message);
  }
}

/** Tokens by id, with added tokens (which may sit beyond the BPE vocab) typed as llama.cpp's converter does. */
function vocabularyInIdOrder(
  vocab: Record<string, number>,
  addedTokens: readonly HfAddedToken[],
  file: string,
): { tokens: string[]; tokenTypes: Int32Array } {
  const byId = new Map<number, string>();
  for (const [token, id] of Object.entries(vocab)) byId.set(id, token);
  for (const added of addedTokens) byId.set(added.id, added.content);
  let size = 0;
  for (const id of byId.keys()) size = Math.max(size, id + 1);
  const tokens: string[] = [];
  for (let id = 0; id < size; id++) {
    const token = byId.get(id);
    if (token === undefined) {
      throw new UserError(
        `token ids are not contiguous: no token has id ${id}`,
        { file, field: 'model.vocab' },
        'the tokenizer.json is incomplete',
      );
    }
    tokens.push(token);
  }
  const tokenTypes = new Int32Array(size).fill(TOKEN_TYPE.normal);
  for (const added of addedTokens) {
    tokenTypes[added.id] = added.special ? TOKEN_TYPE.control : TOKEN_TYPE.userDefined;
  }
  return { tokens, tokenTypes };
}

/**
 * llama.cpp picks the pre-tokenizer by hashing how a test string tokenizes (get_vocab_base_pre);
 * without a tokenizer implementation we recognise the two layouts byte-level BPE files commonly use.
 */
function guessPreTokenizer(preTokenizer: HfPreTokenizer | null | undefined, file: string): string {
  const parts = preTokenizer?.type === 'Sequence' ? (preTokenizer.pretokenizers ?? []) : [preTokenizer ?? {}];
  const shape = parts
    .map((part) => (part.type === 'Digits' && part.individual_digits ? 'Digits1' : part.type))
    .join('+');
  // Digits(individual) + GPT-2 regex is what smollm, starcoder and refact share in llama.cpp.
  if (shape === 'Digits1+ByteLevel') return 'smollm';
  if (shape === 'ByteLevel' && preTokenizer?.use_regex !== false) return 'gpt-2';
  throw new UserError(
    `cannot tell which llama.cpp pre-tokenizer matches pre_tokenizer ${shape || 'null'}`,
    { file, field: 'pre_tokenizer' },
    "pass the name explicitly, e.g. tokenizer: { from: 'hf', dir, pre: 'llama3' }",
  );
}

/** As gguf-py's SpecialVocab: the token named in tokenizer_config.json, else config.json's `<role>_token_id`. */
function specialTokenId(
  role: SpecialRole,
  config: Record<string, unknown>,
  modelConfig: Record<string, unknown>,
  idOf: ReadonlyMap<string, number>,
): number | undefined {
  const named = config[`${role}_token`];
  const content = typeof named === 'string' ? named : (named as { content?: unknown } | undefined)?.content;
  if (typeof content === 'string' && idOf.has(content)) return idOf.get(content);
  const fromModelConfig = modelConfig[`${role}_token_id`];
  return typeof fromModelConfig === 'number' && fromModelConfig >= 0 ? fromModelConfig : undefined;
}

/** A single template, or the list form [{ name, template }] where "default" is the main one. */
function chatTemplateEntries(template: unknown): GgufEntry[] {
  const entry = (key: string, value: string): GgufEntry => ({ key, type: 'string', value });
  if (typeof template === 'string') return [entry('tokenizer.chat_template', template)];
  if (!Array.isArray(template)) return [];
  return template
    .filter((named): named is { name: string; template: string } => typeof named?.template === 'string')
    .map((named) =>
      entry(
        named.name === 'default' ? 'tokenizer.chat_template' : `tokenizer.chat_template.${named.name}`,
        named.template,
      ),
    );
}
