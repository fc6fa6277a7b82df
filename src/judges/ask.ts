import type { ChatMessage, GenerateRequest } from '../requests/types.ts';
import type { JudgeModel } from './types.ts';

/** The judge's sampling: greedy, as every published judge config sets temperature 0. */
export interface JudgeGeneration {
  readonly maxTokens: number;
}

/**
 * One judge request per chat. A local model sees `context` (its chat template applied, or the turns
 * as plain text); an API backend sends `messages`. Both are part of the cache key, so a rerun with
 * the same judge reads every finished judgment from the request cache.
 */
export function judgeRequest(model: JudgeModel, messages: readonly ChatMessage[], g: JudgeGeneration): GenerateRequest {
  const context = model.chatTemplate ? model.chatTemplate(messages, true) : plainChat(messages);
  return { kind: 'generateUntil', context, messages, settings: { until: [], maxGenToks: g.maxTokens, temperature: 0 } };
}

function plainChat(messages: readonly ChatMessage[]): string {
  return `${messages.map((m) => m.content).join('\n\n')}\n\n`;
}

/** Sends the chats in one call (the backend batches and the cache journals them) and returns the replies in order. */
export async function askJudge(
  model: JudgeModel,
  chats: readonly (readonly ChatMessage[])[],
  g: JudgeGeneration,
): Promise<string[]> {
  if (chats.length === 0) return [];
  const results = await model.backend.generateUntil(chats.map((messages) => judgeRequest(model, messages, g)));
  return results.map((r) => r.text);
}
