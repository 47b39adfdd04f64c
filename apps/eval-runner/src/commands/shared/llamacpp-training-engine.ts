// rollout.engine 'llamacpp' for `verl train`: the CLI builds the llama.cpp engine (so the trainer
// never imports native binaries) from the run's policy: exported to an f32 GGUF in a temporary
// folder, reloaded after every update through the engine's syncWeights (issue 16).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CausalLM, Tokenizer } from '@verl-ts/models';

/** Sequences decoded together: the step's whole rollout batch, at most 32 (llama.cpp contexts). */
const MAX_PARALLEL = 32;

export interface LlamaCppTrainingEngineRun {
  policy: CausalLM;
  tokenizer: Tokenizer;
  config: { model: { path: string }; rollout: { n: number }; trainer: { promptsPerStep: number } };
}

/** trainRL's EngineSource for rollout.engine 'llamacpp'; `onSync` hears each weight sync's cost. */
export function llamaCppTrainingEngine(onSync?: (ms: { save: number; export: number; load: number; total: number }) => void) {
  return async ({ policy, tokenizer, config }: LlamaCppTrainingEngineRun) => {
    const { createLlamaCppEngine, exportGguf } = await import('@verl-ts/rollout-llamacpp');
    const tmp = await mkdtemp(join(tmpdir(), 'verl-train-gguf-'));
    try {
      // the policy as loaded (a resumed run's checkpoint is synced by the trainer before step 1)
      const { file } = await exportGguf({ modelDir: config.model.path, out: join(tmp, 'model.gguf') });
      const engine = await createLlamaCppEngine({
        modelPath: file,
        tokenizer,
        hfDir: config.model.path,
        parallel: Math.min(MAX_PARALLEL, config.trainer.promptsPerStep * config.rollout.n),
      });
      const sync = engine.syncWeights;
      const close = engine.close;
      return Object.assign(engine, {
        syncWeights: async (p: CausalLM) => {
          await sync(p);
          if (engine.lastSync) onSync?.(engine.lastSync);
        },
        close: async () => {
          await close();
          await rm(tmp, { recursive: true, force: true });
        },
      });
    } catch (e) {
      await rm(tmp, { recursive: true, force: true });
      throw e;
    }
  };
}

/** e.g. "llama.cpp weight sync: 12 syncs, 0.41 s each (save 0.05, export 0.12, load 0.24)" */
export function syncSummary(syncs: { save: number; export: number; load: number; total: number }[]): string {
  const mean = (k: 'save' | 'export' | 'load' | 'total') => (syncs.reduce((a, s) => a + s[k], 0) / syncs.length / 1000).toFixed(2);
  return `llama.cpp weight sync: ${syncs.length} syncs, ${mean('total')} s each (save ${mean('save')}, export ${mean('export')}, load ${mean('load')})`;
}
