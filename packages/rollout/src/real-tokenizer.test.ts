// The engines with the models package's real tokenizer (a character-level tokenizer.json loaded
// through `tokenizers`), over the HF reference qwen2-tiny (vocabulary 320 = 4 special + 316 chars).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend, loadCausalLM, loadTokenizer, writeCharTokenizer, type CausalLM, type LoadedTokenizer } from '@verl-ts/models';
import { createLocalEngine } from './local-engine.js';
import { createCompletionsServer } from './completions-server.js';
import { createRemoteEngine } from './remote-engine.js';
import { fixturePath } from '../../../tools/test-support/fixtures.js';

const dir = fixturePath('hf-reference', 'qwen2-tiny');
const ref = JSON.parse(readFileSync(`${dir}/reference.json`, 'utf8')) as { greedy_prompt: number[]; greedy_continuation: number[] };
// 95 printable ASCII characters, newline, then 220 characters from U+00C0 on: 316 in all
const ALPHABET = [
  ...Array.from({ length: 95 }, (_, i) => String.fromCharCode(0x20 + i)),
  '\n',
  ...Array.from({ length: 220 }, (_, i) => String.fromCharCode(0xc0 + i)),
].join('');

let model: CausalLM;
let tokenizer: LoadedTokenizer;
let tmp: string;
beforeAll(async () => {
  await initBackend();
  tmp = mkdtempSync(join(tmpdir(), 'rollout-tok-'));
  await writeCharTokenizer(tmp, ALPHABET);
  tokenizer = await loadTokenizer(tmp);
  model = await loadCausalLM(dir);
});
afterAll(() => {
  model?.dispose();
  tokenizer?.close();
  rmSync(tmp, { recursive: true, force: true });
});

describe('engines with a loaded tokenizer.json', () => {
  it('string prompts, default EOS from the tokenizer, stop strings cut the text', async () => {
    expect(tokenizer.vocabSize).toBe(320);
    const engine = createLocalEngine(model, tokenizer);
    const prompt = tokenizer.decode(ref.greedy_prompt);
    expect(tokenizer.encode(prompt)).toEqual(ref.greedy_prompt);
    const [g] = await engine.generate([prompt], { maxNewTokens: 16, temperature: 0 });
    expect(g.promptIds).toEqual(ref.greedy_prompt);
    expect(g.responseIds).toEqual(ref.greedy_continuation); // no <eos> (id 2) among them
    expect(g.text).toBe(tokenizer.decode(ref.greedy_continuation));
    const stop = g.text.slice(13, 15);
    const [s] = await engine.generate([prompt], { maxNewTokens: 16, temperature: 0, stop: [stop] });
    expect([s.text, s.finishReason]).toEqual([g.text.slice(0, g.text.indexOf(stop)), 'stop']);
    expect(s.responseIds).toEqual(ref.greedy_continuation.slice(0, g.text.indexOf(stop) + 2));
    // sampled responses that hit <eos> end with it in the ids and without it in the text
    const many = await engine.generate([prompt], { n: 24, maxNewTokens: 40, temperature: 1.5, seed: 1 });
    expect(many.some((r) => r.finishReason === 'stop')).toBe(true);
    for (const r of many) {
      if (r.finishReason === 'stop') expect(r.responseIds[r.responseIds.length - 1]).toBe(2);
      expect(r.text).toBe(tokenizer.decode(r.responseIds, { skipSpecialTokens: true }));
    }
  });

  it('the server reports per-token text in logprobs.tokens', async () => {
    const server = createCompletionsServer({ engine: createLocalEngine(model, tokenizer), tokenizer, modelName: 'qwen2-tiny' });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const res = await fetch(`${baseUrl}/v1/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ prompt: tokenizer.decode(ref.greedy_prompt), max_tokens: 16, temperature: 0, logprobs: 1 }),
      });
      const c = ((await res.json()) as any).choices[0];
      expect(c.logprobs.tokens.join('')).toBe(c.text);
      expect(c.logprobs.text_offset[3]).toBe(c.logprobs.tokens.slice(0, 3).join('').length);
      const [r] = await createRemoteEngine({ baseUrl, model: 'qwen2-tiny', vllmExtensions: false, tokenizer }).generate(
        [tokenizer.decode(ref.greedy_prompt)], { maxNewTokens: 16, temperature: 0 },
      );
      // without vLLM extensions the ids come from re-tokenizing the text
      expect(r.responseIds).toEqual(ref.greedy_continuation);
      expect(r.promptIds).toEqual(ref.greedy_prompt);
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });
});
