import type { ChatMessage } from '../requests/types.ts';
import type { TaskDefinition } from '../task/types.ts';
import { labelled, type PromptParts, systemPrompt } from './fewshot.ts';

/**
 * A prompt as the chat lm-eval builds under --apply_chat_template (ConfigurableTask.fewshot_context,
 * ContextSampler.get_chat_context and append_target_question, v0.4.9.2):
 *
 * - system: the system instruction and the description, joined by the few-shot delimiter;
 * - few-shot as turns (fewshot_as_multiturn): each example a user question and an assistant
 *   answer (gen_prefix + " " before it); otherwise all examples as one user turn, in the plain
 *   layout, with the question appended to that same turn;
 * - the question as a user turn, and gen_prefix, when the task has one, as an assistant turn the
 *   model continues.
 */
export function chatMessages(
  task: TaskDefinition,
  parts: PromptParts,
  o: { readonly systemInstruction?: string; readonly fewshotAsMultiturn: boolean },
): ChatMessage[] {
  const messages: { role: ChatMessage['role']; content: string }[] = [];
  const system = systemPrompt(task, parts, o.systemInstruction);
  if (system) messages.push({ role: 'system', content: system });
  const prefix = parts.genPrefix ? `${parts.genPrefix} ` : '';
  if (parts.examples.length > 0) {
    if (o.fewshotAsMultiturn) {
      for (const example of parts.examples) {
        messages.push({ role: 'user', content: example.question });
        messages.push({ role: 'assistant', content: prefix + (example.answer ?? '') });
      }
    } else {
      const shots = parts.examples.map((example) => labelled(task, example, prefix)).join('');
      messages.push({ role: 'user', content: shots });
    }
  }
  const last = messages.at(-1);
  // Without multi-turn shots, the question joins the shots' user turn: turns keep alternating.
  if (!o.fewshotAsMultiturn && last?.role === 'user') last.content += parts.question;
  else messages.push({ role: 'user', content: parts.question });
  if (parts.genPrefix) messages.push({ role: 'assistant', content: parts.genPrefix });
  return messages;
}
