// Prints the README's agreement table: max errors against the HF transformers fixtures.
// Usage (after a build): node bench/agreement.mjs [fixtures dir, default ../shared/fixtures/hf-reference beside the repo]
import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { initBackend, loadCausalLM } from '../dist/index.js';
const root = process.argv[2] ?? fileURLToPath(new URL('../../../../shared/fixtures/hf-reference', import.meta.url));
console.log('| backend | model | logits | hidden | log-probs | NLL | grad sum|g| |');
for (const backend of ['wasm', 'cpu']) {
  await initBackend(backend);
  for (const name of ['qwen2-tiny', 'qwen2-tiny-bf16', 'llama-tiny']) {
    const ref = JSON.parse(readFileSync(`${root}/${name}/reference.json`, 'utf8'));
    const m = await loadCausalLM(`${root}/${name}`);
    const x = { inputIds: ref.input_ids, attentionMask: ref.attention_mask, positionIds: ref.position_ids };
    const named = new Map(m.namedParameters());
    const vars = Object.keys(ref.grads).map((n) => named.get(n));
    let logits, hidden;
    const { value, grads } = tf.variableGrads(() => {
      const o = m.forward(x);
      logits = tf.keep(o.logits); hidden = tf.keep(o.hidden);
      const [B, T, V] = o.logits.shape;
      const lp = tf.logSoftmax(tf.slice(o.logits, [0, 0, 0], [B, T - 1, V]));
      const tok = tf.sum(tf.mul(lp, tf.oneHot(tf.tensor2d(ref.input_ids.map((r) => r.slice(1)), [B, T - 1], 'int32'), V)), -1);
      const mk = tf.tensor2d(ref.attention_mask.map((r) => r.slice(1).map((v, t) => v * r[t])), [B, T - 1]);
      return tf.div(tf.neg(tf.sum(tf.mul(tok, mk))), tf.sum(mk));
    }, vars);
    const l = await logits.data(), h = await hidden.data();
    const [B, T, V] = ref.logits_shape; const D = ref.hidden_shape[2];
    let eL = 0, eH = 0, eLp = 0;
    for (let b = 0; b < B; b++) for (let t = 0; t < T; t++) {
      if (!ref.attention_mask[b][t]) continue;
      for (let i = 0; i < V; i++) eL = Math.max(eL, Math.abs(l[(b*T+t)*V+i] - ref.logits[(b*T+t)*V+i]));
      for (let i = 0; i < D; i++) eH = Math.max(eH, Math.abs(h[(b*T+t)*D+i] - ref.last_hidden_state[(b*T+t)*D+i]));
      if (t < T - 1 && ref.attention_mask[b][t+1]) {
        let mx = -Infinity; for (let i = 0; i < V; i++) mx = Math.max(mx, l[(b*T+t)*V+i]);
        let s = 0; for (let i = 0; i < V; i++) s += Math.exp(l[(b*T+t)*V+i] - mx);
        const lp = l[(b*T+t)*V + ref.input_ids[b][t+1]] - mx - Math.log(s);
        eLp = Math.max(eLp, Math.abs(lp - ref.next_token_logprobs[b*(T-1)+t]));
      }
    }
    const eLoss = Math.abs((await value.data())[0] - ref.loss_masked_mean_nll);
    let eG = 0;
    for (const [n, g] of Object.entries(ref.grads)) {
      const d = await grads[named.get(n).name].data();
      let sa = 0; for (const v of d) sa += Math.abs(v);
      eG = Math.max(eG, Math.abs(sa - g.sum_abs) / g.sum_abs);
    }
    console.log(`| ${backend} | ${name} | ${eL.toExponential(1)} | ${eH.toExponential(1)} | ${eLp.toExponential(1)} | ${eLoss.toExponential(1)} | ${eG.toExponential(1)} |`);
    m.dispose();
  }
}
