// Chat templates are Jinja programs stored in tokenizer_config.json (`chat_template`, a string or a
// list of {name, template}) or in chat_template.jinja; transformers renders them with
// messages, add_generation_prompt and the special tokens. @huggingface/jinja is the same engine
// transformers.js uses.
import { Template } from '@huggingface/jinja';

export interface ChatMessage {
  role: string;
  content: string;
}

export function pickChatTemplate(raw: unknown, file: string): string | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw === 'string') return raw;
  if (Array.isArray(raw)) {
    const list = raw as { name?: string; template?: string }[];
    const t = list.find((x) => x.name === 'default') ?? list[0];
    if (t && typeof t.template === 'string') return t.template;
  }
  throw new Error(`${file}: chat_template must be a string or a list of {name, template}`);
}

export class ChatTemplate {
  private template: Template;

  constructor(
    source: string,
    private specialTokens: Record<string, string | undefined>,
    file = 'chat template',
  ) {
    try {
      this.template = new Template(source);
    } catch (e) {
      throw new Error(`${file}: cannot parse the chat template: ${(e as Error).message}`);
    }
  }

  render(messages: ChatMessage[], opts: { addGenerationPrompt?: boolean; extra?: Record<string, unknown> } = {}): string {
    for (const [i, m] of messages.entries()) {
      if (typeof m?.role !== 'string' || typeof m?.content !== 'string') throw new TypeError(`chat message ${i} needs string 'role' and 'content'`);
    }
    return this.template.render({
      ...this.specialTokens,
      ...opts.extra,
      messages,
      add_generation_prompt: opts.addGenerationPrompt ?? false,
    });
  }
}
