import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ChatMessage } from '../requests/types.ts';

/** The published judge prompts shipped in prompts/ (their sources: prompts/SOURCE.md). */
export function promptFile(name: string): string {
  return readFileSync(fileURLToPath(new URL(`./prompts/${name}`, import.meta.url)), 'utf8');
}

/** Replaces `{name}` placeholders once each, left to right, so an answer containing braces stays as written. */
export function fillTemplate(template: string, values: Readonly<Record<string, string>>): string {
  return template.replace(/\{([A-Za-z0-9_]+)\}/g, (whole, key: string) => values[key] ?? whole);
}

/** `<|im_start|>role\ncontent<|im_end|>` blocks (AlpacaEval's prompt markup) as chat messages. */
export function imStartMessages(text: string): ChatMessage[] {
  const messages: ChatMessage[] = [];
  for (const match of text.matchAll(/<\|im_start\|>(system|user|assistant)\n([\s\S]*?)<\|im_end\|>/g))
    messages.push({ role: match[1] as ChatMessage['role'], content: match[2]!.replace(/\n$/, '') });
  return messages;
}
