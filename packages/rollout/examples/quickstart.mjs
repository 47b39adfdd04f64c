// Runnable without any files: a random-init model, 2 prompts × 4 samples, then the same through HTTP.
import { initBackend, createCausalLM } from '@verl-ts/models';
import { createLocalEngine, createRemoteEngine, createCompletionsServer } from '@verl-ts/rollout';

await initBackend();
const model = createCausalLM({ architecture: 'qwen2', vocabSize: 64, hiddenSize: 32, intermediateSize: 64, numLayers: 2, numHeads: 4,
  numKvHeads: 2, headDim: 8, rmsNormEps: 1e-6, ropeTheta: 1e6, tieWordEmbeddings: true, attentionBias: true, maxPositionEmbeddings: 256 });
// a toy tokenizer: token i is the character with code 64 + i
const tokenizer = { vocabSize: 64, eosTokenIds: [], padTokenId: 0,
  encode: (s) => [...s].map((c) => c.charCodeAt(0) - 64), decode: (ids) => ids.map((i) => String.fromCharCode(64 + i)).join('') };
const engine = createLocalEngine(model, tokenizer);
const rollouts = await engine.generate(['ABC', 'DE'], { n: 4, temperature: 1, topP: 0.9, maxNewTokens: 8, seed: 0 });
for (const r of rollouts) console.log(r.promptIndex, r.sampleIndex, r.text, r.finishReason, r.logprobs.map((x) => x.toFixed(2)).join(' '));

const server = createCompletionsServer({ engine, tokenizer, modelName: 'tiny' }).listen(0, '127.0.0.1');
await new Promise((resolve) => server.once('listening', resolve));
const remote = createRemoteEngine({ baseUrl: `http://127.0.0.1:${server.address().port}`, model: 'tiny' });
console.log((await remote.generate(['ABC'], { n: 2, temperature: 0, maxNewTokens: 8 })).map((r) => [r.text, r.responseIds]));
server.close();
