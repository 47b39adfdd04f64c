// Errors of a loaded model against one HF transformers fixture (hf-reference/<name>/reference.json):
// max abs error of logits, final hidden states and next-token log-probs over unmasked positions,
// abs error of the masked mean NLL, max relative error of the listed gradients' sum |g|.
// Shared by bench/agreement.mjs (the README table) and tools/gpu-bench/hf-check.mjs (webgpu).
// `tf` is passed in so callers that resolve TensorFlow.js themselves (the GPU bundle) share it.
export async function referenceAgreement(tf, model, ref, name = 'model') {
  const batch = { inputIds: ref.input_ids, attentionMask: ref.attention_mask, positionIds: ref.position_ids };
  const named = new Map(model.namedParameters());
  const vars = Object.keys(ref.grads).map((n) => {
    if (!named.has(n)) throw new Error(`${name}: reference gradient for '${n}', which the model does not have`);
    return named.get(n);
  });
  let logits, hidden;
  // masked mean next-token NLL over positions where t and t+1 are both unmasked (make_reference.py)
  const { value, grads } = tf.variableGrads(() => {
    const o = model.forward(batch);
    logits = tf.keep(o.logits); hidden = tf.keep(o.hidden);
    const [B, T, V] = o.logits.shape;
    const lp = tf.logSoftmax(tf.slice(o.logits, [0, 0, 0], [B, T - 1, V]));
    const tok = tf.sum(tf.mul(lp, tf.oneHot(tf.tensor2d(ref.input_ids.map((r) => r.slice(1)), [B, T - 1], 'int32'), V)), -1);
    const mask = tf.tensor2d(ref.attention_mask.map((r) => r.slice(1).map((v, t) => v * r[t])), [B, T - 1]);
    return tf.div(tf.neg(tf.sum(tf.mul(tok, mask))), tf.sum(mask));
  }, vars);
  const l = await logits.data(), h = await hidden.data();
  const [B, T, V] = ref.logits_shape; const D = ref.hidden_shape[2];
  let eL = 0, eH = 0, eLp = 0;
  for (let b = 0; b < B; b++) for (let t = 0; t < T; t++) {
    if (!ref.attention_mask[b][t]) continue;
    const o = (b * T + t) * V;
    for (let i = 0; i < V; i++) eL = Math.max(eL, Math.abs(l[o + i] - ref.logits[o + i]));
    for (let i = 0; i < D; i++) eH = Math.max(eH, Math.abs(h[(b * T + t) * D + i] - ref.last_hidden_state[(b * T + t) * D + i]));
    if (t < T - 1 && ref.attention_mask[b][t + 1]) {
      let mx = -Infinity; for (let i = 0; i < V; i++) mx = Math.max(mx, l[o + i]);
      let s = 0; for (let i = 0; i < V; i++) s += Math.exp(l[o + i] - mx);
      const lp = l[o + ref.input_ids[b][t + 1]] - mx - Math.log(s);
      eLp = Math.max(eLp, Math.abs(lp - ref.next_token_logprobs[b * (T - 1) + t]));
    }
  }
  const nll = Math.abs((await value.data())[0] - ref.loss_masked_mean_nll);
  let eG = 0;
  for (const [n, g] of Object.entries(ref.grads)) {
    const d = await grads[named.get(n).name].data();
    let sa = 0; for (const v of d) sa += Math.abs(v);
    eG = Math.max(eG, Math.abs(sa - g.sum_abs) / g.sum_abs);
  }
  tf.dispose([logits, hidden, value, ...Object.values(grads)]);
  return { logits: eL, hidden: eH, logprobs: eLp, nll, gradSumRel: eG };
}
