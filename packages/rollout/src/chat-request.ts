// Parsing and validation of an OpenAI /v1/chat/completions request: the messages are rendered
// with the model's chat template (add_generation_prompt on, as vLLM) and tokenized without
// adding special tokens (the template writes them), then it is an ordinary completion request.
// Field semantics: https://platform.openai.com/docs/api-reference/chat/create and vLLM's
// ChatCompletionRequest (vllm/entrypoints/openai/protocol.py).
import type { ChatMessage, Tokenizer } from '@verl-ts/models';
import { RequestError, type CompletionsLimits } from './request-error.js';
import { isInt, opt, optBool, parseSamplingFields, refuseUnsupported, requestObject, resolveMaxTokens } from './request-fields.js';
import type { CompletionRequest } from './completion-request.js';

/** Renders chat messages to the prompt text (models' ChatTemplate or a tokenizer's applyChatTemplate). */
export interface ChatRenderer {
  render(messages: ChatMessage[], opts: { addGenerationPrompt?: boolean }): string;
}

/** The renderer of a tokenizer's own chat template, if it has one. */
export function tokenizerChatRenderer(tokenizer: Tokenizer): ChatRenderer | undefined {
  const apply = tokenizer.applyChatTemplate;
  return apply ? { render: (messages, opts) => apply.call(tokenizer, messages, opts) } : undefined;
}

/** `content` is a string or a list of text parts (OpenAI's content-part form); null only for an assistant turn. */
function messageText(content: unknown, role: string, i: number): string {
  if (typeof content === 'string') return content;
  if (content === null || content === undefined) {
    if (role === 'assistant') return '';
    throw new RequestError(`messages[${i}] has no 'content'`, 400, 'messages');
  }
  if (!Array.isArray(content)) throw new RequestError(`messages[${i}].content must be a string or an array of content parts`, 400, 'messages');
  return content
    .map((part, j) => {
      const p = part as { type?: unknown; text?: unknown } | null;
      if (p?.type !== 'text' || typeof p.text !== 'string') {
        throw new RequestError(`messages[${i}].content[${j}] is not a text part; this server takes text only`, 400, 'messages');
      }
      return p.text;
    })
    .join('');
}

function parseMessages(raw: unknown, limits: CompletionsLimits): ChatMessage[] {
  if (!Array.isArray(raw) || raw.length === 0) throw new RequestError("'messages' must be a non-empty array of {role, content}", 400, 'messages');
  if (raw.length > limits.maxMessages) throw new RequestError(`'messages' has ${raw.length} messages, at most ${limits.maxMessages} allowed`, 400, 'messages');
  return raw.map((m, i) => {
    const msg = m as { role?: unknown; content?: unknown; tool_calls?: unknown } | null;
    if (!msg || typeof msg !== 'object' || typeof msg.role !== 'string') throw new RequestError(`messages[${i}] needs a string 'role'`, 400, 'messages');
    if (Array.isArray(msg.tool_calls) && msg.tool_calls.length > 0) throw new RequestError('tool calls are not supported by this server', 400, 'messages');
    return { role: msg.role, content: messageText(msg.content, msg.role, i) };
  });
}

/** Validates a chat body and renders its prompt; `renderer` undefined means the model has no chat template (400). */
export function parseChatRequest(
  body: unknown,
  tokenizer: Tokenizer,
  renderer: ChatRenderer | undefined,
  modelName: string,
  limits: CompletionsLimits,
  maxModelLen: number | null = null,
): CompletionRequest {
  const b = requestObject(body, modelName);
  refuseUnsupported(b);
  if (Array.isArray(b.tools) && b.tools.length > 0) throw new RequestError("'tools' are not supported by this server", 400, 'tools');
  const format = (b.response_format as { type?: unknown } | null | undefined)?.type;
  if (format !== undefined && format !== 'text') throw new RequestError(`'response_format' ${JSON.stringify(format)} is not supported by this server (text only)`, 400, 'response_format');
  const sampling = parseSamplingFields(b, tokenizer, limits);

  const wantLogprobs = optBool(b, 'logprobs') ?? false;
  const top = opt(b, 'top_logprobs', isInt, 'an integer');
  if (top !== undefined && !(top >= 0 && top <= 20)) throw new RequestError(`'top_logprobs' must be in [0, 20], got ${top}`, 400, 'top_logprobs');
  if (top !== undefined && top > 0 && !wantLogprobs) throw new RequestError("'top_logprobs' needs 'logprobs': true", 400, 'top_logprobs');

  const messages = parseMessages(b.messages, limits);
  if (!renderer) {
    throw new RequestError('this model has no chat template, so it cannot serve /v1/chat/completions (give one, e.g. verl serve --chat-template FILE, or use /v1/completions)', 400, 'messages');
  }
  const addGenerationPrompt = optBool(b, 'add_generation_prompt') ?? true;
  let text: string;
  try {
    text = renderer.render(messages, { addGenerationPrompt });
  } catch (e) {
    // templates raise on conversations they do not accept (e.g. roles out of order)
    throw new RequestError(`the chat template refused the messages: ${(e as Error).message}`, 400, 'messages');
  }
  const ids = tokenizer.encode(text, { addSpecialTokens: false });
  if (ids.length === 0) throw new RequestError('the rendered chat prompt is empty', 400, 'messages');
  if (ids.length > limits.maxPromptTokens) {
    throw new RequestError(`the rendered chat prompt has ${ids.length} tokens, at most ${limits.maxPromptTokens} allowed`, 400, 'messages');
  }
  // max_completion_tokens is the current name, max_tokens the deprecated one; without either the
  // completion may use the rest of the context (OpenAI and vLLM), within the server's limit
  const mct = opt(b, 'max_completion_tokens', isInt, 'an integer');
  const key = mct !== undefined ? 'max_completion_tokens' : 'max_tokens';
  const requested = mct ?? opt(b, 'max_tokens', isInt, 'an integer');
  const maxTokens = resolveMaxTokens(requested, key, limits.maxTokens, [ids], 'messages', maxModelLen, limits);
  return { ...sampling, prompts: [ids], maxTokens, logprobs: wantLogprobs ? (top ?? 0) : null };
}
