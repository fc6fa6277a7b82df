import { UserError } from '../errors.ts';
import { createDummyBackend } from './dummy.ts';
import type { BackendFactory } from './types.ts';

export { checkArgKeys, intArg, parseModelArgs } from './model-args.ts';

/** Every backend, by the name given to --model. Heavy ones load their code on first use. */
export const backends: Record<string, BackendFactory> = {
  dummy: createDummyBackend,
  llamacpp: async (o) => (await import('./llamacpp/factory.ts')).createLlamaCppFromArgs(o),
  'openai-completions': async (o) => (await import('./openai/completions.ts')).createOpenAiCompletions(o),
  'openai-chat': async (o) => (await import('./openai/chat.ts')).createOpenAiChat(o),
};

export const DEFAULT_MODEL = 'llamacpp';
export const DEFAULT_MODEL_ARGS = 'pretrained=hf:ggml-org/models/tinyllamas/stories260K.gguf';

export function backendFactory(name: string): BackendFactory {
  const factory = backends[name];
  if (!factory)
    throw new UserError(
      `unknown model backend "${name}"`,
      { field: '--model' },
      `use one of: ${Object.keys(backends).join(', ')}`,
    );
  return factory;
}
