// Gradients of loss(forward(batch)) block by block (gradient checkpointing at the residual
// blocks), the same numbers as tf.variableGrads over the whole forward with a fraction of its
// memory.
//
// Why: TensorFlow.js's backward pass (tfjs-core tape.ts) keeps the gradient of every
// intermediate tensor until the whole backward pass ends, on top of every tensor the forward
// saved for it. Over a full decoder that is all layers' activations plus all their gradients at
// once (2.1 GB for the 0.6M-parameter demo policy on a 256-sequence micro-batch), and the WASM
// heap never shrinks. Here the forward runs without a tape, keeping only each block's input
// [B*T, d] (a block is one half of a decoder layer, x + attn(norm(x)) or x + mlp(norm(x))); the
// backward then walks head → last block → … → first block → embedding, re-running one segment
// at a time on its own tape with the incoming gradient as dy, so one block's tape is alive at a
// time.
//
// Same numbers: every segment re-runs exactly the kernels of the full forward on the same
// inputs, and each tensor's gradient is summed from the same contributions in the same order as
// the whole-graph tape does (every use of a block's input is inside the block; a tied embedding
// gets the LM head's contribution first, then the lookup's, as the tape walks them). The cost is
// one more forward pass.
import * as tf from '@tensorflow/tfjs';
import { tapeGradients } from './tape-gradients.js';
import { dataIdOf, float32Storage } from './host-memory.js';
import { Decoder, recordingGradients, type ForwardBatch, type PassContext } from './decoder.js';

export interface ValueAndGrads {
  value: tf.Scalar;
  /** gradient of every variable that the loss depends on, by variable name (as tf.variableGrads) */
  grads: tf.NamedTensorMap;
}

/**
 * acc[ids[i]] += dy[i] in place, for a tied embedding whose LM-head gradient `acc` is already
 * there: what the lookup's gradient (a [vocab, d] scatter-add) plus tf.add would give, without
 * those two more [vocab, d] tensors (1.1 GB at Qwen2.5's vocabulary and d=896). Same numbers:
 * each row's contributions are summed in token order from 0, as the scatter-add does, then added
 * to the row once, as tf.add does, each step rounded to float32. Only on cpu/wasm, when nothing
 * else references acc's data; false (nothing done) otherwise.
 */
function addRowsInPlace(acc: tf.Tensor | undefined, dy: tf.Tensor2D, ids: tf.Tensor1D): boolean {
  const target = acc ? float32Storage(acc, { owned: true }) : null;
  if (!acc || !target) return false;
  const backend = tf.backend() as unknown as { readSync(dataId: object): ArrayLike<number> };
  const d = dy.shape[1];
  const rows = backend.readSync(dataIdOf(dy));
  const tokenIds = backend.readSync(dataIdOf(ids));
  const vocab = acc.shape[0];
  const sums = new Map<number, Float32Array>();
  for (let i = 0; i < tokenIds.length; i++) {
    const id = tokenIds[i];
    if (id < 0 || id >= vocab) continue;
    let s = sums.get(id);
    if (!s) sums.set(id, (s = new Float32Array(d)));
    for (let j = 0; j < d; j++) s[j] += rows[i * d + j];
  }
  for (const [id, s] of sums) for (let j = 0; j < d; j++) target[id * d + j] = Math.fround(target[id * d + j] + s[j]);
  return true;
}

/** Gradients of one segment (tape-gradients.ts: engine.gradients that frees as it walks the tape). */
function segmentGrads<T extends tf.Tensor>(f: () => T, xs: tf.Tensor[], dy?: T): { value: T; grads: (tf.Tensor | null)[] } {
  return tapeGradients(f, xs, dy);
}

/**
 * Value and gradients of `loss(last)` w.r.t. the decoder's variables, with `last` the last
 * layer's output [B*T, d] of a full pass over `batch`, computed segment by segment. `loss` applies
 * the head itself (Decoder.head and a loss of the logits, or head-scores.ts's chunked scores) and
 * may read only the head's variables (Decoder.headVariables); it runs once, on a gradient tape,
 * and may tf.keep tensors it wants to read later. Must not be called inside another gradient
 * recording.
 */
export function layerwiseValueAndGrads(dec: Decoder, batch: ForwardBatch, loss: (last: tf.Tensor2D, ctx: PassContext) => tf.Scalar): ValueAndGrads {
  if (recordingGradients()) throw new Error('layerwiseValueAndGrads: called inside another gradient recording (tf.grads / variableGrads)');
  const ctx = dec.fullContext(batch);
  const L = dec.config.numLayers;
  const inputs: tf.Tensor2D[] = [];
  const grads: tf.NamedTensorMap = {};
  let value: tf.Scalar | null = null;
  let dh: tf.Tensor2D | null = null;
  const put = (v: tf.Variable, g: tf.Tensor | null) => {
    if (!g) return;
    const prev = grads[v.name];
    if (prev) {
      // the LM head's contribution came first, as on the whole-graph tape
      grads[v.name] = tf.add(prev, g);
      tf.dispose([prev, g]);
    } else {
      grads[v.name] = g;
    }
  };
  // the decoder as blocks x -> x + f(norm(x)); every use of a block's input is inside the block
  const blocks: { run: (x: tf.Tensor2D) => tf.Tensor2D; vars: tf.Variable[] }[] = [];
  for (let i = 0; i < L; i++) {
    blocks.push({
      run: (x) => {
        const r = dec.attentionBlock(i, x, ctx);
        // the keys and values are not needed: freed here, or with a gradient segment's forward scope
        if (!recordingGradients()) tf.dispose([r.k, r.v]);
        return r.h;
      },
      vars: dec.blockVariables(i, 'attn'),
    });
    blocks.push({ run: (x) => dec.mlpBlock(i, x), vars: dec.blockVariables(i, 'mlp') });
  }
  try {
    // 1. forward without a tape, keeping each block's input
    let h = dec.embed(ctx);
    for (const b of blocks) {
      inputs.push(h);
      h = b.run(h);
    }
    // 2. head and loss
    const headVars = dec.headVariables();
    const last = h;
    const head = segmentGrads(() => loss(last, ctx), [last, ...headVars]);
    last.dispose();
    value = head.value;
    dh = head.grads[0] as tf.Tensor2D | null;
    headVars.forEach((v, j) => put(v, head.grads[j + 1]));
    // 3. blocks, last to first
    for (let i = blocks.length - 1; i >= 0 && dh; i--) {
      const x = inputs[i];
      const incoming: tf.Tensor2D = dh;
      const seg = segmentGrads(() => blocks[i].run(x), [x, ...blocks[i].vars], incoming);
      seg.value.dispose();
      incoming.dispose();
      dh = seg.grads[0] as tf.Tensor2D | null;
      blocks[i].vars.forEach((v, j) => put(v, seg.grads[j + 1]));
      x.dispose();
      inputs.pop();
    }
    // 4. embedding lookup
    if (dh && addRowsInPlace(grads[dec.embedVariable().name], dh, ctx.ids)) {
      // tied embedding: the lookup's rows added into the LM head's gradient (same numbers)
    } else if (dh) {
      const embed = dec.embedVariable();
      const incoming: tf.Tensor2D = dh;
      const seg = segmentGrads(() => dec.embed(ctx), [embed], incoming);
      seg.value.dispose();
      put(embed, seg.grads[0]);
    }
    const out = { value, grads };
    value = null;
    return out;
  } catch (e) {
    tf.dispose(Object.values(grads));
    if (value) value.dispose();
    throw e;
  } finally {
    tf.dispose(inputs);
    if (dh) dh.dispose();
    Decoder.disposeContext(ctx);
  }
}
