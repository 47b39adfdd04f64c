// tokenizer.json (+ tokenizer_config.json) -> the tokenizer keys llama.cpp reads from a GGUF:
// tokenizer.ggml.model 'gpt2' (byte-level BPE), .pre (the pre-tokenizer regex family), .tokens,
// .token_type, .merges, special token ids and tokenizer.chat_template.
//
// Two HF tokenizer kinds are written:
// - byte-level BPE (Qwen2, Llama 3, GPT-2): vocabulary and merges are already in the byte-level
//   alphabet and are copied;
// - WordLevel (e.g. the character tokenizer of the models package): each token's text is written in
//   the byte-level alphabet and merges are made that join its bytes back into it, so llama.cpp's
//   BPE produces exactly these tokens for text made of them.
// - SentencePiece-style BPE (byte_fallback, '▁' for spaces: Llama 2, Mistral v0.1-0.3): written as
//   llama.cpp's `llama` model with scores and token types (spm-vocab.ts).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ModelConfig } from '@verl-ts/models';
import type { GgufValue } from './gguf-writer.js';
import { toByteLevel } from './byte-level.js';
import { spmVocab, type SpmVocab } from './spm-vocab.js';

/** llama.cpp's token types. */
export const TOKEN_TYPE = { NORMAL: 1, UNKNOWN: 2, CONTROL: 3, USER_DEFINED: 4, UNUSED: 5, BYTE: 6 } as const;

type Json = Record<string, unknown>;

interface AddedToken {
  id: number;
  content: string;
  special?: boolean;
}

async function readJson(file: string, required: boolean): Promise<Json | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    if (!required && (e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Error(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  try {
    return JSON.parse(text) as Json;
  } catch (e) {
    throw new Error(`${file}: invalid JSON (${(e as Error).message})`);
  }
}

/**
 * llama.cpp picks its pre-tokenizer regex by name. The HF regex tells which family a tokenizer
 * belongs to: Llama 3 splits digits in groups of up to three, Qwen2 one digit at a time, GPT-2
 * uses its own contraction rules; anything else gets llama.cpp's default.
 */
export function preTokenizerName(tokenizerJson: Json): string {
  const text = JSON.stringify(tokenizerJson.pre_tokenizer ?? null);
  if (text.includes('\\\\p{N}{1,3}')) return 'llama-bpe';
  if (text.includes('[^\\\\r\\\\n\\\\p{L}\\\\p{N}]?\\\\p{L}+|\\\\p{N}|')) return 'qwen2';
  if (text.includes("'s|'t|'re|'ve|'m|'ll|'d| ?\\\\p{L}+| ?\\\\p{N}+")) return 'gpt-2';
  if (/"type":"ByteLevel"[^}]*"use_regex":true/.test(text)) return 'gpt-2';
  return 'default';
}

function tokenText(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (v && typeof v === 'object' && typeof (v as Json).content === 'string') return (v as Json).content as string;
  return undefined;
}

/** Merges for a WordLevel vocabulary: each multi-character byte-level token is built left to right. */
function wordLevelMerges(byteLevelTokens: string[]): string[] {
  const merges: string[] = [];
  const seen = new Set<string>();
  for (const t of byteLevelTokens) {
    const chars = Array.from(t);
    let left = chars[0];
    for (let i = 1; i < chars.length; i++) {
      const merge = `${left} ${chars[i]}`;
      if (!seen.has(merge)) {
        seen.add(merge);
        merges.push(merge);
      }
      left += chars[i];
    }
  }
  return merges;
}

export interface TokenizerMetadata {
  metadata: Map<string, GgufValue>;
  /** tokens in the file (= the model's vocab_size rows; ids the tokenizer lacks are padding) */
  tokenCount: number;
}

/** Reads `dir`'s tokenizer files and returns the GGUF tokenizer keys for a model with `config`. */
export async function tokenizerMetadata(dir: string, config: ModelConfig): Promise<TokenizerMetadata> {
  const tok = await readJson(join(dir, 'tokenizer.json'), true);
  const tc = (await readJson(join(dir, 'tokenizer_config.json'), false)) ?? {};
  const model = (tok!.model ?? {}) as Json;
  const vocab = (model.vocab ?? {}) as Record<string, number>;
  const added = (Array.isArray(tok!.added_tokens) ? tok!.added_tokens : []) as AddedToken[];
  const n = config.vocabSize;
  const tokens: string[] = new Array(n);
  const types = new Int32Array(n);
  const addedById = new Map(added.map((a) => [a.id, a]));
  let merges: string[];
  let spm: SpmVocab | undefined;
  if (model.type === 'BPE') {
    const raw = (model.merges ?? []) as Array<string | [string, string]>;
    merges = raw.map((m) => (Array.isArray(m) ? `${m[0]} ${m[1]}` : m));
    for (const [text, id] of Object.entries(vocab)) if (id < n) tokens[id] = text;
    if (model.byte_fallback === true) spm = spmVocab(vocab, merges, typeof model.unk_token === 'string' ? model.unk_token : undefined, tok!, n);
  } else if (model.type === 'WordLevel') {
    for (const [text, id] of Object.entries(vocab)) if (id < n) tokens[id] = addedById.has(id) ? text : toByteLevel(text);
    merges = wordLevelMerges(tokens.filter((t, id) => t !== undefined && !addedById.has(id)));
  } else {
    throw new Error(`${join(dir, 'tokenizer.json')}: tokenizer model '${String(model.type)}' is not supported by the GGUF export (BPE, WordLevel)`);
  }
  for (let id = 0; id < n; id++) if (tokens[id] !== undefined) types[id] = spm?.types.get(id) ?? TOKEN_TYPE.NORMAL;
  for (const a of added) {
    if (a.id >= n) throw new Error(`${join(dir, 'tokenizer.json')}: added token '${a.content}' has id ${a.id}, beyond the model's vocab_size ${n}`);
    tokens[a.id] = a.content;
    types[a.id] = a.special ? TOKEN_TYPE.CONTROL : TOKEN_TYPE.USER_DEFINED;
  }
  // embedding rows the tokenizer never produces (Qwen pads its vocabulary to a multiple of 128)
  for (let id = 0; id < n; id++) {
    if (tokens[id] === undefined) {
      tokens[id] = `[PAD${id}]`;
      types[id] = TOKEN_TYPE.UNUSED;
    }
  }

  const m = new Map<string, GgufValue>();
  if (spm) {
    // llama.cpp's SentencePiece tokenizer: scores decide the joins; no merges, no pre-tokenizer
    m.set('tokenizer.ggml.model', { type: 'string', value: 'llama' });
    m.set('tokenizer.ggml.tokens', { type: 'string[]', value: tokens });
    m.set('tokenizer.ggml.scores', { type: 'f32[]', value: spm.scores });
    m.set('tokenizer.ggml.token_type', { type: 'i32[]', value: types });
    m.set('tokenizer.ggml.add_space_prefix', { type: 'bool', value: spm.addSpacePrefix });
  } else {
    m.set('tokenizer.ggml.model', { type: 'string', value: 'gpt2' });
    m.set('tokenizer.ggml.pre', { type: 'string', value: preTokenizerName(tok!) });
    m.set('tokenizer.ggml.tokens', { type: 'string[]', value: tokens });
    m.set('tokenizer.ggml.token_type', { type: 'i32[]', value: types });
    m.set('tokenizer.ggml.merges', { type: 'string[]', value: merges });
  }

  const idOf = new Map<string, number>();
  tokens.forEach((t, i) => {
    if (types[i] === TOKEN_TYPE.CONTROL || types[i] === TOKEN_TYPE.USER_DEFINED || !idOf.has(t)) idOf.set(t, i);
  });
  const special = (key: string, text: string | undefined, fallback: number | undefined) => {
    const id = text !== undefined && idOf.has(text) ? idOf.get(text)! : fallback;
    if (id !== undefined && id >= 0 && id < n) m.set(`tokenizer.ggml.${key}_token_id`, { type: 'u32', value: id });
  };
  const eos = Array.isArray(config.eosTokenId) ? config.eosTokenId[0] : config.eosTokenId;
  special('bos', tokenText(tc.bos_token), config.bosTokenId);
  special('eos', tokenText(tc.eos_token), eos);
  special('padding', tokenText(tc.pad_token), config.padTokenId);
  special('unknown', tokenText(tc.unk_token), undefined);
  // whether encoding prepends BOS: tokenizer_config's flag, else the post-processor's template
  const post = JSON.stringify(tok!.post_processor ?? null);
  const bosText = tokenText(tc.bos_token);
  const addBos = typeof tc.add_bos_token === 'boolean' ? tc.add_bos_token : bosText !== undefined && post.includes('TemplateProcessing') && post.includes(JSON.stringify(bosText));
  m.set('tokenizer.ggml.add_bos_token', { type: 'bool', value: addBos });
  m.set('tokenizer.ggml.add_eos_token', { type: 'bool', value: tc.add_eos_token === true });
  // transformers >= 4.43 may keep the template in its own file
  const template = typeof tc.chat_template === 'string' ? tc.chat_template : await readFile(join(dir, 'chat_template.jinja'), 'utf8').catch(() => undefined);
  if (template !== undefined) m.set('tokenizer.chat_template', { type: 'string', value: template });
  return { metadata: m, tokenCount: n };
}
