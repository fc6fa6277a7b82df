import { Template } from '@huggingface/jinja';
import { UserError } from '../../errors.ts';
import type { ChatMessage } from '../../requests/types.ts';

export interface ChatTemplateOptions {
  readonly addGenerationPrompt: boolean;
  readonly bosToken: string;
  readonly eosToken: string;
}

function render(template: Template, messages: readonly ChatMessage[], o: ChatTemplateOptions): string {
  return template.render({
    messages: messages.map((m) => ({ role: m.role, content: m.content })),
    add_generation_prompt: o.addGenerationPrompt,
    bos_token: o.bosToken,
    eos_token: o.eosToken,
  });
}

/**
 * transformers' `continue_final_message`: cut the rendering right after the last message's text,
 * dropping the end-of-turn markup, so the model continues that message.
 */
function cutAfterFinalMessage(rendered: string, finalMessage: string): string {
  const stripped = finalMessage.trim();
  // An empty final message is found at the very end, as Python's rindex('') finds it: nothing to cut.
  if (stripped === '') return rendered;
  const at = rendered.lastIndexOf(stripped);
  if (at < 0)
    throw new UserError(
      'the chat template drops part of the final message, so it cannot be continued',
      {},
      'end the chat with a user message or use another template',
    );
  const keepsSpacing = rendered.slice(at, at + finalMessage.trimStart().length) === finalMessage;
  return rendered.slice(0, at + (keepsSpacing ? finalMessage.trimStart().length : stripped.length));
}

/**
 * Renders a chat as lm-eval's HFLM.apply_chat_template does: with a generation prompt, or else
 * continuing the final message (`continue_final_message=not add_generation_prompt`); a template
 * that rejects the system role is retried without system messages.
 */
export function renderChatTemplate(template: string, messages: readonly ChatMessage[], o: ChatTemplateOptions): string {
  const compiled = new Template(template);
  let used = messages;
  let rendered: string;
  try {
    rendered = render(compiled, used, o);
  } catch {
    used = messages.filter((m) => m.role !== 'system');
    rendered = render(compiled, used, o);
  }
  const last = used.at(-1);
  if (o.addGenerationPrompt || last === undefined) return rendered;
  return cutAfterFinalMessage(rendered, last.content);
}
