import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { main } from '../../cli/main.js';
import { tinyArithDir } from '../../demo/assets.js';
import { isBundledModel, withBundledDefaults } from './bundled-model.js';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { stdout: { write: (s: string) => (out.push(s), true) }, stderr: { write: (s: string) => (err.push(s), true) }, signal: new AbortController().signal } };
}

describe('the bundled policy in verl train', () => {
  it('is recognised by its real path, however it is spelled', () => {
    expect(isBundledModel(tinyArithDir())).toBe(true);
    expect(isBundledModel(join(tinyArithDir(), '..', 'tiny-arith', '.'))).toBe(true);
    expect(isBundledModel(tmpdir())).toBe(false);
    expect(isBundledModel(join(tmpdir(), 'no-such-model'))).toBe(false);
  });

  it('issue 13 point 5: --print-config with the bundled policy prints its task and lengths, which fit its 128 positions', async () => {
    const c = capture();
    expect(await main(['train', '--print-config', '--set', `model.path=${tinyArithDir()}`, '--set', 'rollout.maxNewTokens=40'], c.io), c.err.join('')).toBe(0);
    const printed = parse(c.out.join('')) as { data: { source: string; template: string; difficulty: number }; rollout: { maxNewTokens: number; maxPromptTokens: number } };
    expect(printed.data).toMatchObject({ source: 'arithmetic', template: 'arithmetic', difficulty: 2 });
    expect(printed.rollout).toMatchObject({ maxNewTokens: 40, maxPromptTokens: 32 }); // the user's value is kept
    // the printed config is accepted as it is
    const file = join(mkdtempSync(join(tmpdir(), 'verl-bundled-cfg-')), 'run.yaml');
    writeFileSync(file, c.out.join(''));
    const again = capture();
    expect(await main(['train', '--config', file, '--print-config'], again.io), again.err.join('')).toBe(0);
    // other models keep the trainer's defaults
    expect(withBundledDefaults({ model: { path: 'path/to/model' } })).toEqual({ model: { path: 'path/to/model' } });
  });

  it('issue 13 point 5: prompt + new tokens beyond the model context is a one-line error before training starts', async () => {
    const out = mkdtempSync(join(tmpdir(), 'verl-bundled-run-'));
    const c = capture();
    const argv = ['train', '--print-config', '--set', `model.path=${tinyArithDir()}`, '--set', 'rollout.maxNewTokens=1024', '--set', `outputDir=${out}`];
    expect(await main(argv, c.io)).toBe(2);
    expect(c.err.join('')).toBe(
      `verl train: rollout.maxPromptTokens 32 + rollout.maxNewTokens 1024 exceed the model's context of 128 positions (max_position_embeddings in ${join(tinyArithDir(), 'config.json')}); set rollout.maxNewTokens to 96 or less, or lower rollout.maxPromptTokens (see 'verl train --help')\n`,
    );
    const file = join(out, 'run.yaml');
    writeFileSync(file, JSON.stringify({ name: 'too-long', outputDir: out, model: { path: tinyArithDir() }, data: { template: 'qwen-math' }, rollout: { maxNewTokens: 1024 } }));
    const t = capture();
    expect(await main(['train', '--config', file], t.io)).toBe(2);
    expect(t.err.join('')).toContain('rollout.maxNewTokens 1024 exceed the model');
    expect(existsSync(join(out, 'too-long'))).toBe(false);
  });
});
