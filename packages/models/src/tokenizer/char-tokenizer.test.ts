import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Tokenizer as HFTokenizer } from 'tokenizers';
import { afterAll, describe, expect, it } from 'vitest';
import { copyTokenizerFiles, loadTokenizer, writeCharTokenizer } from '../index.js';

const tmp = mkdtempSync(join(tmpdir(), 'verl-models-char-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const ALPHABET = '0123456789+-*/=()., \n\\{}boxedWhatisQ:A?';

describe('writeCharTokenizer', () => {
  it('writes a tokenizer that round-trips text with spaces and newlines, one id per character', async () => {
    const dir = join(tmp, 'arith');
    await writeCharTokenizer(dir, ALPHABET);
    const tok = await loadTokenizer(dir);
    const text = 'Q: What is 12+7*(3-1)?\nA: 12+14 = 26, so \\boxed{26}.  \n\n';
    const ids = tok.encode(text);
    expect(ids.length).toBe(Array.from(text).length);
    // ids follow the alphabet order after the 4 special tokens
    expect(tok.encode('0')).toEqual([4]);
    expect(tok.encode(' \n')).toEqual([4 + ALPHABET.indexOf(' '), 4 + ALPHABET.indexOf('\n')]);
    expect(tok.decode(ids)).toBe(text);
    expect(tok.vocabSize).toBe(4 + new Set(ALPHABET).size);
    expect(tok.eosTokenIds).toEqual([2]);
    expect(tok.padTokenId).toBe(0);
    expect(tok.bosTokenId).toBe(1);
    expect(tok.applyChatTemplate).toBeUndefined();
    // special tokens decode as text, or vanish with skipSpecialTokens; unknown characters map to <unk>
    expect(tok.decode([1, ...tok.encode('1+1'), 2])).toBe('<bos>1+1<eos>');
    expect(tok.decode([1, ...tok.encode('1+1'), 2], { skipSpecialTokens: true })).toBe('1+1');
    expect(tok.encode('1%1')).toEqual([tok.encode('1')[0], 3, tok.encode('1')[0]]);
    tok.close();
  });

  it('is readable by HF tokenizers directly, with the special tokens in the config', async () => {
    const dir = join(tmp, 'plain');
    await writeCharTokenizer(dir, 'ab c\n');
    const hf = HFTokenizer.fromFile(join(dir, 'tokenizer.json'));
    const enc = await hf.encode('ab c\nba');
    expect(enc.getTokens()).toEqual(['a', 'b', ' ', 'c', '\n', 'b', 'a']);
    expect(await hf.decode(enc.getIds(), false)).toBe('ab c\nba');
    const cfg = JSON.parse(readFileSync(join(dir, 'tokenizer_config.json'), 'utf8'));
    expect(cfg).toMatchObject({ bos_token: '<bos>', eos_token: '<eos>', pad_token: '<pad>' });
  });

  it('copyTokenizerFiles copies the files that exist and fails clearly without tokenizer.json', async () => {
    const dir = join(tmp, 'src');
    await writeCharTokenizer(dir, 'xyz');
    expect(await copyTokenizerFiles(dir, join(tmp, 'dst'))).toEqual(['tokenizer.json', 'tokenizer_config.json']);
    const tok = await loadTokenizer(join(tmp, 'dst'));
    expect(tok.decode(tok.encode('zyx'))).toBe('zyx');
    tok.close();
    await expect(copyTokenizerFiles(join(tmp, 'missing'), join(tmp, 'dst2'))).rejects.toThrow(/cannot copy .*missing\/tokenizer\.json: ENOENT/);
  });

  it('rejects an empty alphabet', async () => {
    await expect(writeCharTokenizer(join(tmp, 'empty'), '')).rejects.toThrow(RangeError);
  });
});
