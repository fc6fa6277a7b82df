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
  };
}
