// A [rows, cols] tensor made from consecutive blocks of its rows, each block freed as soon as it
// is copied in. tf.concat would hold every block and the result at once: for the LM head's
// gradient at Qwen2.5's vocabulary (544 MB) that is twice the gradient (issue 19). On cpu and
// wasm the blocks are copied into one zero-filled tensor through the backend's own memory (as
// layerwise-grads.ts's addRowsInPlace writes into a gradient; host-memory.ts); other backends get tf.concat.
import * as tf from '@tensorflow/tfjs';
import { float32Storage } from './host-memory.js';

/**
 * Stacks `blocks` (float32 [n_i, cols], Σ n_i = rows, in row order) into one [rows, cols] tensor,
 * disposing each block once it is in. The same numbers as tf.concat(blocks) (a copy).
 */
export function assembleRows(rows: number, cols: number, blocks: Iterable<tf.Tensor2D>): tf.Tensor2D {
  const name = tf.getBackend();
  if (name !== 'cpu' && name !== 'wasm') {
    const all = [...blocks];
    const out = all.length === 1 ? all[0] : (tf.concat(all, 0) as tf.Tensor2D);
    if (all.length > 1) tf.dispose(all);
    return out;
  }
  const out = tf.fill([rows, cols], 0, 'float32') as tf.Tensor2D;
  let r0 = 0;
  try {
    for (const b of blocks) {
      try {
        if (b.shape[1] !== cols || r0 + b.shape[0] > rows) throw new RangeError(`assembleRows: block [${b.shape}] does not fit at row ${r0} of [${rows}, ${cols}]`);
        // re-read for each block: the wasm heap may have grown (and moved its buffer) since the last
        const src = float32Storage(b);
        const target = float32Storage(out);
        if (!src || !target) throw new Error(`assembleRows: no direct access to ${name} tensor memory`);
        if (src.buffer === target.buffer) {
          // one wasm heap: copyWithin moves the bytes inside it; set() (or readSync) would first
          // copy the block into a fresh JS buffer (ECMAScript's TypedArray set from the same
          // buffer), 17 × 34 MB of garbage for Qwen2.5's LM head
          const at = target.byteOffset + r0 * cols * 4;
          new Uint8Array(target.buffer).copyWithin(at, src.byteOffset, src.byteOffset + b.size * 4);
        } else {
          target.set(src.subarray(0, b.size), r0 * cols);
        }
        r0 += b.shape[0];
      } finally {
        b.dispose();
      }
    }
    if (r0 !== rows) throw new RangeError(`assembleRows: blocks cover ${r0} of ${rows} rows`);
    return out;
  } catch (e) {
    out.dispose();
    throw e;
  }
}
