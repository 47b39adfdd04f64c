// engine.gradients of TensorFlow.js (tfjs-core 4.22 engine.ts / tape.ts), walking the same tape
// in the same order with the same gradient kernels, but freeing memory as the walk goes: a
// tensor's accumulated gradient is disposed once the node that produced the tensor has been
// processed (every consumer comes later on the tape, so it is complete and used up), and a
// node's saved forward tensors once its gradient has run. tfjs keeps both until the whole
// backward pass ends, so its peak is every saved activation plus every intermediate gradient;
// here it is the saved activations not yet reached plus a few gradients.
//
// Same numbers as engine.gradients: identical filtering, traversal and accumulation order; only
// the time of each dispose differs. Uses the engine's tape internals (startTape/endTape and
// state.activeTape), which is why @tensorflow/tfjs is pinned to an exact version.
import * as tf from '@tensorflow/tfjs';

interface TapeNode {
  id: number;
  kernelName: string;
  inputs: Record<string, tf.Tensor>;
  outputs: tf.Tensor[];
  saved?: tf.Tensor[];
  gradient?: (dys: (tf.Tensor | null)[]) => Record<string, () => tf.Tensor>;
}

interface EngineInternals {
  state: { activeTape: TapeNode[] | null; gradientDepth: number };
  startTape(): void;
  endTape(): void;
  tidy<T extends tf.TensorContainer>(nameOrFn: string | (() => T), fn?: () => T): T;
}

/** The nodes on a path from one of xs to y, with inputs not depending on xs pruned (tape.ts getFilteredNodesXToY). */
function nodesFromXsToY(tape: TapeNode[], xs: tf.Tensor[], y: tf.Tensor): TapeNode[] {
  const fromX = new Set<number>(xs.map((x) => x.id));
  const nodesFromX = new Set<number>();
  for (const node of tape) {
    if (Object.values(node.inputs).some((t) => fromX.has(t.id))) {
      for (const o of node.outputs) fromX.add(o.id);
      nodesFromX.add(node.id);
    }
  }
  const toY = new Set<number>([y.id]);
  const nodesToY = new Set<number>();
  for (let i = tape.length - 1; i >= 0; i--) {
    const node = tape[i];
    if (node.outputs.some((o) => toY.has(o.id))) {
      for (const t of Object.values(node.inputs)) toY.add(t.id);
      nodesToY.add(node.id);
    }
  }
  const out: TapeNode[] = [];
  for (const node of tape) {
    if (!nodesFromX.has(node.id) || !nodesToY.has(node.id)) continue;
    const inputs: Record<string, tf.Tensor> = {};
    for (const [name, t] of Object.entries(node.inputs)) if (fromX.has(t.id)) inputs[name] = t;
    out.push({ ...node, inputs });
  }
  return out;
}

/**
 * y = f() and dy/dxs, with `dy` the gradient flowing into y (ones when omitted). xs without a
 * path to y get null. Must not be called inside another gradient recording. `dy` is left to the caller.
 */
export function tapeGradients<T extends tf.Tensor>(f: () => T, xs: tf.Tensor[], dy?: T): { value: T; grads: (tf.Tensor | null)[] } {
  const engine = tf.engine() as unknown as EngineInternals;
  if (engine.state.gradientDepth !== 0) throw new Error('tapeGradients: called inside another gradient recording');
  if (dy && dy.dtype !== 'float32') throw new Error(`tapeGradients: dy must be float32, got ${dy.dtype}`);
  engine.startTape();
  let y: T;
  try {
    y = engine.tidy('forward', f);
  } catch (e) {
    engine.endTape();
    for (const node of engine.state.activeTape ?? []) tf.dispose(node.saved ?? []);
    engine.state.activeTape = null;
    throw e;
  }
  engine.endTape();
  const tape = engine.state.activeTape ?? [];
  try {
    if (!(y instanceof tf.Tensor)) throw new Error('tapeGradients: f() must return a tensor');
    const nodes = nodesFromXsToY(tape, xs, y);
    const keepIds = new Set(xs.map((x) => x.id));
    const grads = engine.tidy('backward', () => {
      const acc = new Map<number, tf.Tensor>();
      acc.set(y.id, dy ?? tf.onesLike(y));
      for (let i = nodes.length - 1; i >= 0; i--) {
        const node = nodes[i];
        if (!node.gradient) throw new Error(`tapeGradients: no gradient for ${node.kernelName}`);
        const inputGrads = node.gradient(node.outputs.map((o) => acc.get(o.id) ?? null));
        for (const [name, x] of Object.entries(node.inputs)) {
          if (!(name in inputGrads)) throw new Error(`tapeGradients: cannot backprop through input ${name} of ${node.kernelName}`);
          const dx = engine.tidy(() => inputGrads[name]());
          const prev = acc.get(x.id);
          if (prev === undefined) acc.set(x.id, dx);
          else {
            acc.set(x.id, tf.add(prev, dx));
            prev.dispose();
          }
        }
        // every consumer of this node's outputs came later on the tape: their gradients are used
        // up (unless a gradient function passed one through as an input's gradient)
        for (const o of node.outputs) {
          const g = acc.get(o.id);
          if (g === undefined || keepIds.has(o.id)) continue;
          acc.delete(o.id);
          if (g !== dy && ![...acc.values()].includes(g)) g.dispose();
        }
        tf.dispose(node.saved ?? []);
      }
      return xs.map((x) => acc.get(x.id) ?? null) as tf.Tensor[];
    });
    return { value: y, grads: grads as (tf.Tensor | null)[] };
  } catch (e) {
    y.dispose();
    throw e;
  } finally {
    for (const node of tape) tf.dispose(node.saved ?? []);
    engine.state.activeTape = null;
  }
}
