// Tests only: a small ChatML-like template (rendered by models' ChatTemplate, the same Jinja
// engine a real tokenizer_config.json template runs on) and a char tokenizer that has it.
import { ChatTemplate } from '@verl-ts/models';
import type { Tokenizer } from '@verl-ts/models';

export const TEST_CHAT_TEMPLATE =
  '{% for m in messages %}<|{{ m.role }}|>{{ m.content }}\n{% endfor %}{% if add_generation_prompt %}<|assistant|>{% endif %}';

export function testChatTemplate(): ChatTemplate {
  return new ChatTemplate(TEST_CHAT_TEMPLATE, {}, 'test chat template');
}

/** The tokenizer with `applyChatTemplate` from TEST_CHAT_TEMPLATE. */
export function withChatTemplate(tokenizer: Tokenizer): Tokenizer {
  const t = testChatTemplate();
  return { ...tokenizer, applyChatTemplate: (m, o) => t.render(m, o ?? {}) };
}
