// verl export --format gguf: the bundled tiny policy as a GGUF that llama.cpp loads and decodes
// as the TensorFlow.js model does.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { initBackend, loadCausalLM, loadTokenizer } from '@verl-ts/models';
import { createLocalEngine } from '@verl-ts/rollout';
import { createLlamaCppEngine } from '@verl-ts/rollout-llamacpp';
import { main } from '../cli/main.js';
import { tinyArithDir } from '../demo/assets.js';

const tmp = mkdtempSync(join(tmpdir(), 'verl-export-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { stdout: { write: (s: string) => (out.push(s), true) }, stderr: { write: (s: string) => (err.push(s), true) }, signal: new AbortController().signal } };
}

describe('verl export', () => {
  it('writes the bundled policy as GGUF; llama.cpp decodes it as TensorFlow.js does', async () => {
    const dir = tinyArithDir();
    const out = join(tmp, 'tiny.gguf');
    const c = capture();
    expect(await main(['export', '--format', 'gguf', '--model', dir, '--out', out], c.io)).toBe(0);
    expect(c.out.join('')).toMatch(/^wrote .*tiny\.gguf \((qwen2|llama), \d+ tensors, [\d.]+ MiB, f32\) in [\d.]+ s\n$/);
    expect(statSync(out).size).toBeGreaterThan(1e5);
    await initBackend();
    const [model, tokenizer] = await Promise.all([loadCausalLM(dir), loadTokenizer(dir)]);
    const engine = await createLlamaCppEngine({ modelPath: out, gpu: false, threads: 1 });
    try {
      const prompts = ['12+7=', '3*4='];
      const opts = { maxNewTokens: 8, temperature: 0 };
      const tf = await createLocalEngine(model, tokenizer).generate(prompts, opts);
      const ll = await engine.generate(prompts.map((p) => tokenizer.encode(p)), opts);
      expect(ll.map((r) => r.responseIds)).toEqual(tf.map((r) => r.responseIds));
    } finally {
      await engine.close();
      model.dispose();
      tokenizer.close();
    }
  });

  it('--dtype q8_0 writes the smaller Q8_0 file', async () => {
    const dir = tinyArithDir();
    const c = capture();
    expect(await main(['export', '--model', dir, '--out', join(tmp, 'tiny-q8.gguf'), '--dtype', 'q8_0'], c.io)).toBe(0);
    expect(c.out.join('')).toMatch(/, q8_0\) in [\d.]+ s\n$/);
    // against the f32 export of the first test: an f32 value takes 4 bytes, a Q8_0 one 34/32 (vectors and header stay)
    expect(statSync(join(tmp, 'tiny-q8.gguf')).size).toBeLessThan(statSync(join(tmp, 'tiny.gguf')).size * 0.45);
  });

  it('refuses a bad format or dtype and a missing --out', async () => {
    const c = capture();
    expect(await main(['export', '--format', 'onnx', '--model', 'x', '--out', 'y'], c.io)).toBe(2);
    expect(await main(['export', '--model', 'x', '--out', 'y', '--dtype', 'q4'], c.io)).toBe(2);
    expect(await main(['export', '--model', 'x'], c.io)).toBe(2);
    expect(c.err.join('')).toMatch(/--format must be gguf, got 'onnx'[\s\S]*--dtype must be f32, f16, q8_0, got 'q4'[\s\S]*give --out FILE/);
  });
});
