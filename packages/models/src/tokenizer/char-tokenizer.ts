// A character-level tokenizer.json for small demo models: ids 0..3 are <pad>, <bos>, <eos>, <unk>,
// then one token per distinct character of the alphabet (in order of first appearance).
// A Split pre-tokenizer isolates every character (newlines included), a WordLevel model maps it to
// its id, and the Fuse decoder joins tokens without separators, so decode(encode(s)) == s for any
// string over the alphabet. Loadable by `tokenizers` (Rust, Python and Node) and by loadTokenizer.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { writeTextAtomic } from '../atomic-write.js';

export const CHAR_SPECIAL_TOKENS = ['<pad>', '<bos>', '<eos>', '<unk>'] as const;

/** The tokenizer.json object for an alphabet. */
export function charTokenizerJson(alphabet: string): Record<string, unknown> {
  if (typeof alphabet !== 'string' || alphabet.length === 0) throw new RangeError('writeCharTokenizer: the alphabet must be a non-empty string');
  const vocab: Record<string, number> = {};
  CHAR_SPECIAL_TOKENS.forEach((t, i) => (vocab[t] = i));
  for (const ch of Array.from(alphabet)) if (!(ch in vocab)) vocab[ch] = Object.keys(vocab).length;
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: CHAR_SPECIAL_TOKENS.map((content, id) => ({
      id,
      content,
      single_word: false,
      lstrip: false,
      rstrip: false,
      normalized: false,
      special: true,
    })),
    normalizer: null,
    // [\s\S] matches any one character (the regex engine's `.` skips newlines)
    pre_tokenizer: { type: 'Split', pattern: { Regex: '[\\s\\S]' }, behavior: 'Isolated', invert: false },
    post_processor: null,
    decoder: { type: 'Fuse' },
    model: { type: 'WordLevel', vocab, unk_token: '<unk>' },
  };
}

/** Writes tokenizer.json and tokenizer_config.json for a character-level tokenizer into `dir`. */
export async function writeCharTokenizer(dir: string, alphabet: string): Promise<void> {
  const json = charTokenizerJson(alphabet);
  await mkdir(dir, { recursive: true });
  await writeTextAtomic(join(dir, 'tokenizer.json'), JSON.stringify(json, null, 2) + '\n');
  const config = {
    tokenizer_class: 'PreTrainedTokenizerFast',
    bos_token: '<bos>',
    eos_token: '<eos>',
    pad_token: '<pad>',
    unk_token: '<unk>',
    clean_up_tokenization_spaces: false,
    model_max_length: 4096,
  };
  await writeTextAtomic(join(dir, 'tokenizer_config.json'), JSON.stringify(config, null, 2) + '\n');
}
