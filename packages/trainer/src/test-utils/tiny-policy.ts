// Tests only: write a tiny random Qwen2-style policy with a character tokenizer to a folder.
import { createCausalLM, writeCharTokenizer, loadTokenizer, initBackend } from '@verl-ts/models';
import { ARITHMETIC_ALPHABET } from '@verl-ts/datasets';
import { TINY_MODEL_DEFAULTS } from '../train-sft.js';

export async function writeTinyPolicy(dir: string, opts: { seed?: number; hiddenSize?: number; backend?: 'cpu' | 'wasm' } = {}): Promise<string> {
  await initBackend(opts.backend ?? 'wasm');
  await writeCharTokenizer(dir, ARITHMETIC_ALPHABET);
  const tok = await loadTokenizer(dir);
  const hidden = opts.hiddenSize ?? 32;
  const model = createCausalLM({
    ...TINY_MODEL_DEFAULTS, hiddenSize: hidden, intermediateSize: 2 * hidden, numHeads: 2, numKvHeads: 1, headDim: hidden / 2,
    numLayers: 1, vocabSize: tok.vocabSize, eosTokenId: tok.eosTokenIds[0], padTokenId: tok.padTokenId, maxPositionEmbeddings: 128,
  }, { seed: opts.seed ?? 1, initializerRange: 0.2 });
  await model.save(dir);
  model.dispose();
  return dir;
}
