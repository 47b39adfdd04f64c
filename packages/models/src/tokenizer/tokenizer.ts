// Tokenizer from an HF folder: tokenizer.json (through the `tokenizers` package) plus the optional
// tokenizer_config.json (special tokens, chat template) and generation_config.json (EOS ids).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Tokenizer as HFTokenizer } from 'tokenizers';
import { ChatTemplate, pickChatTemplate, type ChatMessage } from './chat-template.js';
import { SyncTokenizerWorker } from './sync-worker.js';

export interface Tokenizer {
  encode(text: string, opts?: { addSpecialTokens?: boolean }): number[];
  decode(ids: number[], opts?: { skipSpecialTokens?: boolean }): string;
  readonly vocabSize: number;
  readonly eosTokenIds: number[];
  readonly padTokenId: number;
  applyChatTemplate?(messages: ChatMessage[], opts?: { addGenerationPrompt?: boolean }): string;
}

/** The loaded tokenizer: the contract's synchronous methods plus batch and async variants. */
export interface LoadedTokenizer extends Tokenizer {
  readonly bosTokenId?: number;
  /** ids of the special (added, special=true) tokens */
  readonly specialTokenIds: ReadonlySet<number>;
  encodeBatch(texts: string[], opts?: { addSpecialTokens?: boolean }): number[][];
  decodeBatch(ids: number[][], opts?: { skipSpecialTokens?: boolean }): string[];
  encodeAsync(text: string, opts?: { addSpecialTokens?: boolean }): Promise<number[]>;
  decodeAsync(ids: number[], opts?: { skipSpecialTokens?: boolean }): Promise<string>;
  tokenToId(token: string): number | undefined;
  idToToken(id: number): string | undefined;
  /** stops the worker thread behind the synchronous methods (a later call starts a new one; GC also stops it) */
  close(): void;
}

type Json = Record<string, unknown>;

async function readJsonIfExists(file: string): Promise<Json | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Error(`cannot read ${file}: ${(e as Error).message}`);
  }
  try {
    return JSON.parse(text) as Json;
  } catch (e) {
    throw new Error(`${file}: invalid JSON (${(e as Error).message})`);
  }
}

/** A special token in tokenizer_config.json is a string or an AddedToken object {content, ...}. */
function tokenContent(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (v && typeof v === 'object' && typeof (v as { content?: unknown }).content === 'string') return (v as { content: string }).content;
  return undefined;
}

// a tokenizer dropped without close() still stops its worker once it is garbage collected
const workers = new FinalizationRegistry<SyncTokenizerWorker>((w) => w.close());

class Loaded implements LoadedTokenizer {
  readonly vocabSize: number;
  readonly eosTokenIds: number[];
  readonly padTokenId: number;
  readonly bosTokenId?: number;
  readonly specialTokenIds: ReadonlySet<number>;
  private worker?: SyncTokenizerWorker;
  private chat?: ChatTemplate;

  constructor(
    private readonly tok: HFTokenizer,
    private readonly json: string,
    private readonly file: string,
    meta: { eos: number[]; pad: number; bos?: number; special: Set<number>; chat?: ChatTemplate },
  ) {
    this.vocabSize = tok.getVocabSize(true);
    this.eosTokenIds = meta.eos;
    this.padTokenId = meta.pad;
    if (meta.bos !== undefined) this.bosTokenId = meta.bos;
    this.specialTokenIds = meta.special;
    this.chat = meta.chat;
    // no template: leave applyChatTemplate undefined, as the contract's optional method says
    if (!this.chat) Object.defineProperty(this, 'applyChatTemplate', { value: undefined });
  }

  private sync(): SyncTokenizerWorker {
    if (!this.worker) {
      this.worker = new SyncTokenizerWorker(this.json);
      workers.register(this, this.worker, this);
    }
    return this.worker;
  }

  // Ids at or past vocabSize decode to nothing, as in HF tokenizers: a checkpoint's embedding is
  // often padded past its tokenizer (Qwen2.5: 151,936 rows, 151,669 tokens), and a model with random
  // or undertrained rows can sample one; failing there would lose a whole eval. Malformed ids throw.
  private decodableIds(ids: number[]): number[] {
    if (!Array.isArray(ids)) throw new TypeError('decode expects an array of token ids');
    for (const [i, id] of ids.entries()) {
      if (!Number.isInteger(id) || id < 0) throw new RangeError(`token id ${id} at position ${i} is not a non-negative integer`);
    }
    return ids.some((id) => id >= this.vocabSize) ? ids.filter((id) => id < this.vocabSize) : ids;
  }

  encode(text: string, opts: { addSpecialTokens?: boolean } = {}): number[] {
    return this.encodeBatch([text], opts)[0];
  }

  encodeBatch(texts: string[], opts: { addSpecialTokens?: boolean } = {}): number[][] {
    for (const t of texts) if (typeof t !== 'string') throw new TypeError(`encode expects a string, got ${typeof t}`);
    return this.sync().call({ op: 'encode', texts, addSpecialTokens: opts.addSpecialTokens ?? true }) as number[][];
  }

  decode(ids: number[], opts: { skipSpecialTokens?: boolean } = {}): string {
    return this.decodeBatch([ids], opts)[0];
  }

  decodeBatch(ids: number[][], opts: { skipSpecialTokens?: boolean } = {}): string[] {
    const decodable = ids.map((r) => this.decodableIds(r));
    return this.sync().call({ op: 'decode', ids: decodable, skipSpecialTokens: opts.skipSpecialTokens ?? false }) as string[];
  }

  async encodeAsync(text: string, opts: { addSpecialTokens?: boolean } = {}): Promise<number[]> {
    if (typeof text !== 'string') throw new TypeError(`encode expects a string, got ${typeof text}`);
    return (await this.tok.encode(text, null, { addSpecialTokens: opts.addSpecialTokens ?? true })).getIds();
  }

  async decodeAsync(ids: number[], opts: { skipSpecialTokens?: boolean } = {}): Promise<string> {
    return this.tok.decode(this.decodableIds(ids), opts.skipSpecialTokens ?? false);
  }

  tokenToId(token: string): number | undefined {
    return this.tok.tokenToId(token) ?? undefined;
  }

  idToToken(id: number): string | undefined {
    return this.tok.idToToken(id) ?? undefined;
  }

  applyChatTemplate(messages: ChatMessage[], opts: { addGenerationPrompt?: boolean } = {}): string {
    if (!this.chat) throw new Error(`${this.file}: this tokenizer has no chat template`);
    return this.chat.render(messages, opts);
  }

  close(): void {
    if (this.worker) workers.unregister(this);
    this.worker?.close();
    this.worker = undefined;
  }
}

/**
 * Loads `<dir>/tokenizer.json` (+ tokenizer_config.json, generation_config.json when present).
 * EOS ids: tokenizer_config's eos_token, then generation_config's eos_token_id(s); pad: pad_token,
 * else the first EOS id (the usual choice for decoder-only models), else 0.
 */
export async function loadTokenizer(dir: string): Promise<LoadedTokenizer> {
  const file = join(dir, 'tokenizer.json');
  let json: string;
  try {
    json = await readFile(file, 'utf8');
  } catch (e) {
    throw new Error(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  let tok: HFTokenizer;
  try {
    JSON.parse(json);
    tok = HFTokenizer.fromString(json);
  } catch (e) {
    throw new Error(`${file}: not a valid tokenizer.json (${(e as Error).message.split('\n')[0]})`);
  }
  const parsed = JSON.parse(json) as { added_tokens?: { id: number; content: string; special?: boolean }[] };
  const special = new Set<number>((parsed.added_tokens ?? []).filter((t) => t.special).map((t) => t.id));
  const cfgFile = join(dir, 'tokenizer_config.json');
  const cfg = (await readJsonIfExists(cfgFile)) ?? {};
  const gen = (await readJsonIfExists(join(dir, 'generation_config.json'))) ?? {};
  const idOf = (key: string): number | undefined => {
    const content = tokenContent(cfg[key]);
    if (content === undefined) return undefined;
    const id = tok.tokenToId(content);
    if (id === null || id === undefined) throw new Error(`${cfgFile}: ${key} '${content}' is not in the vocabulary of ${file}`);
    return id;
  };
  const eos: number[] = [];
  const eosId = idOf('eos_token');
  if (eosId !== undefined) eos.push(eosId);
  const genEos = gen.eos_token_id;
  for (const id of Array.isArray(genEos) ? genEos : genEos === undefined || genEos === null ? [] : [genEos]) {
    if (typeof id === 'number' && !eos.includes(id)) eos.push(id);
  }
  const bos = idOf('bos_token');
  const pad = idOf('pad_token') ?? eos[0] ?? 0;
  let chatSource = pickChatTemplate(cfg.chat_template, cfgFile);
  if (chatSource === undefined) chatSource = await readFile(join(dir, 'chat_template.jinja'), 'utf8').catch(() => undefined);
  const specialTokens: Record<string, string | undefined> = {};
  for (const k of ['bos_token', 'eos_token', 'pad_token', 'unk_token']) specialTokens[k] = tokenContent(cfg[k]);
  const chat = chatSource !== undefined ? new ChatTemplate(chatSource, specialTokens, cfgFile) : undefined;
  return new Loaded(tok, json, file, { eos, pad, bos, special, chat });
}

/** The files that make up an HF tokenizer folder (those present are copied by copyTokenizerFiles). */
export const TOKENIZER_FILES = [
  'tokenizer.json',
  'tokenizer_config.json',
  'special_tokens_map.json',
  'chat_template.jinja',
  'generation_config.json',
] as const;

/** Copies the tokenizer files present in `from` into `to` (e.g. next to a saved checkpoint); returns their names. */
export async function copyTokenizerFiles(from: string, to: string): Promise<string[]> {
  const { copyFile, mkdir, rename } = await import('node:fs/promises');
  await mkdir(to, { recursive: true });
  const copied: string[] = [];
  for (const f of TOKENIZER_FILES) {
    const tmp = join(to, `.${f}.tmp-${process.pid}`);
    try {
      await copyFile(join(from, f), tmp);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT' && !(f === 'tokenizer.json')) continue;
      throw new Error(`cannot copy ${join(from, f)}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    await rename(tmp, join(to, f));
    copied.push(f);
  }
  return copied;
}
