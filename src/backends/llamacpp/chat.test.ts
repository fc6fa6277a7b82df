import { describe, expect, it } from 'vitest';
import { renderChatTemplate } from './chat.ts';

/** Qwen2's tokenizer_config.json chat template (ChatML with a default system prompt). */
const CHATML =
  "{% for message in messages %}{% if loop.first and messages[0]['role'] != 'system' %}{{ '<|im_start|>system\\nYou are a helpful assistant.<|im_end|>\\n' }}{% endif %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

/** Gemma's template: no system role (it raises), BOS from the variable, content trimmed. */
const GEMMA =
  "{{ bos_token }}{% if messages[0]['role'] == 'system' %}{{ raise_exception('System role not supported') }}{% endif %}{% for message in messages %}{% if (message['role'] == 'assistant') %}{% set role = 'model' %}{% else %}{% set role = message['role'] %}{% endif %}{{ '<start_of_turn>' + role + '\\n' + message['content'] | trim + '<end_of_turn>\\n' }}{% endfor %}{% if add_generation_prompt %}{{'<start_of_turn>model\\n'}}{% endif %}";

const tokens = { bosToken: '<bos>', eosToken: '<eos>' };

describe('renderChatTemplate', () => {
  it('renders ChatML with a generation prompt', () => {
    const text = renderChatTemplate(CHATML, [{ role: 'user', content: 'What is 2+2?' }], {
      ...tokens,
      addGenerationPrompt: true,
    });
    expect(text).toBe(
      '<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n<|im_start|>user\nWhat is 2+2?<|im_end|>\n<|im_start|>assistant\n',
    );
  });

  it('continues the final message without a generation prompt (continue_final_message)', () => {
    const messages = [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'What is 2+2?' },
      { role: 'assistant', content: 'The answer is' },
    ] as const;
    const text = renderChatTemplate(CHATML, messages, { ...tokens, addGenerationPrompt: false });
    expect(text).toBe(
      '<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nWhat is 2+2?<|im_end|>\n<|im_start|>assistant\nThe answer is',
    );
  });

  it('keeps trailing spacing the template keeps, and drops what it trims', () => {
    const messages = [
      { role: 'user', content: 'Q' },
      { role: 'assistant', content: 'Answer: ' },
    ] as const;
    expect(renderChatTemplate(CHATML, messages, { ...tokens, addGenerationPrompt: false }).endsWith('Answer: ')).toBe(
      true,
    );
    expect(
      renderChatTemplate(GEMMA, messages, { ...tokens, addGenerationPrompt: false }).endsWith('model\nAnswer:'),
    ).toBe(true);
  });

  it('retries without system messages when the template rejects them, and passes bos_token', () => {
    const text = renderChatTemplate(
      GEMMA,
      [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Hi' },
      ],
      { ...tokens, addGenerationPrompt: true },
    );
    expect(text).toBe('<bos><start_of_turn>user\nHi<end_of_turn>\n<start_of_turn>model\n');
  });
});
