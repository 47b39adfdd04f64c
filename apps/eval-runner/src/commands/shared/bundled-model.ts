// The bundled tiny-arith policy has 128 positions and answers arithmetic in ≤ 24 tokens. The
// trainer's and eval's defaults are the paper's (qwen-math template, 1024-1536 new tokens, 512
// prompt tokens), which do not fit it; a run on it would give garbage answers without an error
// (issue 13 point 5). So its own settings fill what the user left out, and every run checks that
// prompt + new tokens fit the model's context.
import { existsSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../../cli/args.js';
import { tinyArithDir } from '../../demo/assets.js';
import { DEMO_DEFAULTS, demoRLConfig } from '../../demo/config.js';

/** Whether `dir` is the bundled tiny-arith policy (by real path, so any spelling of it counts). */
export function isBundledModel(dir: string): boolean {
  try {
    return realpathSync(dir) === realpathSync(tinyArithDir());
  } catch {
    return false;
  }
}

/** The bundled policy's data and generation settings, as the embedded demo trains it. */
export function bundledRLDefaults(): { data: Record<string, unknown>; rollout: Record<string, unknown> } {
  const demo = demoRLConfig('grpo', tinyArithDir(), 'runs', DEMO_DEFAULTS) as { data: { source: string; template: string; difficulty: number }; rollout: { maxNewTokens: number; maxPromptTokens: number } };
  return {
    data: { source: demo.data.source, template: demo.data.template, difficulty: demo.data.difficulty },
    rollout: { maxNewTokens: demo.rollout.maxNewTokens, maxPromptTokens: demo.rollout.maxPromptTokens },
  };
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * An RL config input with the bundled policy's settings filled in where the input has none
 * (only when model.path is the bundled policy; a field the user set is kept).
 */
export function withBundledDefaults(raw: unknown): unknown {
  if (!isObj(raw) || !isObj(raw.model) || typeof raw.model.path !== 'string' || !isBundledModel(raw.model.path)) return raw;
  const out: Obj = { ...raw };
  for (const [section, defaults] of Object.entries(bundledRLDefaults())) {
    const given = isObj(out[section]) ? (out[section] as Obj) : {};
    // a data source other than arithmetic brings its own template
    if (section === 'data' && given.source !== undefined && given.source !== 'arithmetic') continue;
    out[section] = { ...defaults, ...given };
  }
  return out;
}

/**
 * Throws a one-line UsageError when `promptTokens + newTokens` exceed the context of the model in
 * `modelDir` (nothing is checked when its config.json is not there: loading reports that).
 */
export async function checkGenerationFits(modelDir: string, promptTokens: number, newTokens: number, names = { prompt: 'rollout.maxPromptTokens', fresh: 'rollout.maxNewTokens' }): Promise<void> {
  if (!existsSync(join(modelDir, 'config.json'))) return;
  const { readHFConfig } = await import('@verl-ts/models');
  const { modelContextLength } = await import('@verl-ts/rollout');
  const context = modelContextLength((await readHFConfig(modelDir)).config);
  if (promptTokens + newTokens <= context) return;
  const room = context - promptTokens;
  throw new UsageError(
    `${names.prompt} ${promptTokens} + ${names.fresh} ${newTokens} exceed the model's context of ${context} positions ` +
      `(max_position_embeddings in ${join(modelDir, 'config.json')}); ` +
      (room >= 1 ? `set ${names.fresh} to ${room} or less, or lower ${names.prompt}` : `lower ${names.prompt}`),
  );
}
