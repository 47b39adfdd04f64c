// Tests only: writes a tiny random Qwen2-style model with a character tokenizer (HF layout).
import { prepareBackend } from '../runtime/prepare.js';

/** Printable ASCII plus the arithmetic task's characters; anything else maps to <unk>. */
export const TEST_ALPHABET = Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i)).join('') + '\n';

export async function writeTinyTestModel(dir: string, opts: { seed?: number } = {}): Promise<void> {
  await prepareBackend('wasm');
  const models = await import('@verl-ts/models');
  await models.writeCharTokenizer(dir, TEST_ALPHABET);
  const tok = await models.loadTokenizer(dir);
  const model = models.createCausalLM(
    {
      architecture: 'qwen2', vocabSize: tok.vocabSize, hiddenSize: 32, intermediateSize: 64, numLayers: 1, numHeads: 2, numKvHeads: 1, headDim: 16,
      rmsNormEps: 1e-6, ropeTheta: 10000, tieWordEmbeddings: true, attentionBias: true, maxPositionEmbeddings: 4096,
      eosTokenId: tok.eosTokenIds[0], bosTokenId: 1, padTokenId: tok.padTokenId,
    },
    { seed: opts.seed ?? 7 },
  );
  await model.save(dir);
  model.dispose();
}
