// verl serve --engine llamacpp: the bundled tiny-arith policy served through llama.cpp answers
// completions as the TensorFlow.js server does (temperature 0, and with a seed).
import { describe, expect, it } from 'vitest';
import { main } from '../cli/main.js';
import { tinyArithDir } from '../demo/assets.js';

function capture(signal = new AbortController().signal) {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { stdout: { write: (s: string) => (out.push(s), true) }, stderr: { write: (s: string) => (err.push(s), true) }, signal } };
}

async function completions(engine: string, bodies: unknown[]): Promise<unknown[]> {
  const stop = new AbortController();
  const s = capture(stop.signal);
  const served = main(['serve', '--model', tinyArithDir(), '--port', '0', '--name', 'tiny', '--engine', engine], s.io);
  let url = '';
  for (let i = 0; i < 600 && !url; i++) {
    url = /serving tiny on (http:\/\/127\.0\.0\.1:\d+)\/v1/.exec(s.out.join(''))?.[1] ?? '';
    if (!url) await Promise.race([served, new Promise((r) => setTimeout(r, 50))]);
  }
  expect(url, s.err.join('')).not.toBe('');
  try {
    const answers = [];
    for (const body of bodies) {
      const res = await fetch(`${url}/v1/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      expect(res.status).toBe(200);
      const json = (await res.json()) as { choices: { text: string; finish_reason: string }[] };
      answers.push(json.choices.map((c) => [c.text, c.finish_reason]));
    }
    return answers;
  } finally {
    stop.abort();
    expect(await served).toBe(0);
  }
}

describe('verl serve --engine llamacpp', () => {
  it('answers completions as the TensorFlow.js server does', async () => {
    const bodies = [
      { model: 'tiny', prompt: '12+7=', max_tokens: 24, temperature: 0 },
      { model: 'tiny', prompt: '3*4-5=', max_tokens: 24, temperature: 1, n: 3, seed: 4 },
    ];
    const llama = await completions('llamacpp', bodies);
    const tfjs = await completions('tfjs', bodies);
    expect(llama).toEqual(tfjs);
    expect((llama[0] as string[][])[0][0]).toMatch(/\\boxed\{/);
  });
});
