import type { LlamaModel } from 'node-llama-cpp';
import { UserError } from '../../errors.ts';
import { checkModelFile, errorMessage, getSharedLlama } from '../llamacpp/load.ts';
import type { RequestTokenizer } from '../llamacpp/tokenize.ts';
import { fileSha256 } from '../llamacpp/file-hash.ts';

export interface LoadedTokenizer {
  readonly tokenizer: RequestTokenizer;
  /** sha256 of the GGUF: part of the backend id, since the token split changes the scores. */
  readonly sha256: string;
  close(): Promise<void>;
}

/**
 * The served model's tokenizer, read from a GGUF (vocabulary only, no weights), with exactly the
 * llamacpp backend's rules: requests then split into context and continuation tokens as lm-eval
 * splits them, and the server is sent token ids.
 */
export async function loadGgufTokenizer(path: string): Promise<LoadedTokenizer> {
  await checkModelFile(path);
  const llama = await getSharedLlama(false);
  let model: LlamaModel;
  try {
    model = await llama.loadModel({ modelPath: path, vocabOnly: true });
  } catch (e) {
    throw new UserError(`cannot read a tokenizer from ${path}: ${errorMessage(e)}`, {
      field: '--model_args tokenizer',
    });
  }
  const { tokens } = model;
  const prefixToken = tokens.bos ?? tokens.eos;
  if (prefixToken === null) {
    await model.dispose();
    throw new UserError(`${path} has neither a BOS nor an EOS token`, { field: '--model_args tokenizer' });
  }
  return {
    tokenizer: {
      tokenize: (text) => model.tokenize(text, true),
      addBos: tokens.shouldPrependBosToken,
      bosToken: tokens.bos,
      prefixToken,
      prefixText: tokens.bos !== null ? tokens.bosString : tokens.eosString,
    },
    sha256: await fileSha256(path),
    close: () => model.dispose(),
  };
}
