// Prints the README's agreement table: max errors against the HF transformers fixtures.
// Usage (after a build): node bench/agreement.mjs [fixtures dir, default fixtures/hf-reference of the repository]
import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { initBackend, loadCausalLM } from '../dist/index.js';
import { referenceAgreement } from './reference-agreement.mjs';
const root = process.argv[2] ?? fileURLToPath(new URL('../../../fixtures/hf-reference', import.meta.url));
console.log('| backend | model | logits | hidden | log-probs | NLL | grad sum|g| |');
for (const backend of ['wasm', 'cpu']) {
  await initBackend(backend);
  for (const name of ['qwen2-tiny', 'qwen2-tiny-bf16', 'llama-tiny']) {
    const ref = JSON.parse(readFileSync(`${root}/${name}/reference.json`, 'utf8'));
    const m = await loadCausalLM(`${root}/${name}`);
    const e = await referenceAgreement(tf, m, ref, name);
    const f = (x) => x.toExponential(1);
    console.log(`| ${backend} | ${name} | ${f(e.logits)} | ${f(e.hidden)} | ${f(e.logprobs)} | ${f(e.nll)} | ${f(e.gradSumRel)} |`);
    m.dispose();
  }
}
