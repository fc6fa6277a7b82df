import { createHash } from 'node:crypto';
import { GgufFileType, getModuleVersion, type Llama, type LlamaModel } from 'node-llama-cpp';

/** What the report records about the binary and the model; nothing here feeds the cache key. */
export async function describeRun(llama: Llama, model: LlamaModel, threads: number): Promise<Record<string, unknown>> {
  const metadata = model.fileInfo.metadata;
  const general = metadata.general;
  const chatTemplate = metadata.tokenizer?.chat_template;
  const fileType = general.file_type;
  return {
    nodeLlamaCppVersion: await getModuleVersion(),
    llamaCpp: `${llama.llamaCppRelease.repo}@${llama.llamaCppRelease.release}`,
    // 'prebuilt' ships with node-llama-cpp; 'localBuild' was compiled on this machine.
    binary: llama.buildType,
    // Build options ({} = node-llama-cpp's defaults) and llama.cpp's CPU feature line (AVX2 = 1 ...).
    cmakeOptions: llama.cmakeOptions,
    systemInfo: llama.systemInfo,
    gpu: llama.gpu,
    gpuLayers: model.gpuLayers,
    threads,
    model: {
      architecture: general.architecture,
      name: general.name ?? null,
      parameters: model.fileInsights.totalParameters,
      fileType: fileType === undefined ? null : (GgufFileType[fileType] ?? String(fileType)),
      typeDescription: model.typeDescription,
      sizeBytes: model.size,
      trainContextSize: model.trainContextSize,
      vocabularyType: model.vocabularyType,
      vocabularySize: metadata.tokenizer?.ggml.tokens?.length ?? null,
      chatTemplateSha256: chatTemplate ? createHash('sha256').update(chatTemplate).digest('hex') : null,
    },
    tokenizer: tokenizerFacts(metadata.tokenizer?.ggml, chatTemplate ?? null),
  };
}

/**
 * The special tokens as lm-eval's add_tokenizer_info records them ([text, str(id)]), from the GGUF's
 * tokenizer metadata; the results file's tokenizer_* keys are read from here.
 */
function tokenizerFacts(
  ggml: { readonly tokens?: readonly string[]; readonly [key: string]: unknown } | undefined,
  chatTemplate: string | null,
): Record<string, unknown> {
  const token = (key: string): [string, string] | null => {
    const id = ggml?.[key];
    if (typeof id !== 'number') return null;
    const text = ggml?.tokens?.[id];
    return text === undefined ? null : [text, String(id)];
  };
  const eos = ggml?.eos_token_id;
  const eot = ggml?.eot_token_id;
  return {
    pad_token: token('padding_token_id'),
    eos_token: token('eos_token_id'),
    bos_token: token('bos_token_id'),
    // lm-eval's HF model: eot_token_id is the EOS id; a GGUF names its end-of-turn token where it differs.
    eot_token_id: typeof eot === 'number' ? eot : typeof eos === 'number' ? eos : null,
    chat_template: chatTemplate,
  };
}
