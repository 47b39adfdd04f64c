// Pieces of bench.mjs that do not need a GPU, kept apart so that gpu-bench.test.ts can check
// them on the cpu backend: the readback-free gradient clip, the kernel-profile summary, stats.

export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
export const round = (x, d = 2) => (x == null || !Number.isFinite(x) ? x : Number(x.toFixed(d)));

/** Deterministic uniform [0, 1) stream (mulberry32), for token ids that do not depend on Math.random. */
export function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
export const randomIds = (rand, rows, cols, vocab) => Array.from({ length: rows }, () => Array.from({ length: cols }, () => Math.floor(rand() * vocab)));

/**
 * Global-norm clipping without a readback: torch.nn.utils.clip_grad_norm_'s
 * g ← g · min(1, maxNorm / (‖g‖₂ + 1e-6)) (also trainer's clipByGlobalNorm), with the coefficient
 * kept on the device as torch keeps it, and the squared norms summed pairwise: tfjs-backend-webgpu's
 * AddN binds every input as a storage buffer, so tf.addN of more than 7 tensors exceeds WebGPU's
 * default limit of 8 per shader stage.
 */
export function clipOnDevice(tf, grads, maxNorm) {
  if (!(maxNorm > 0)) throw new RangeError(`clipOnDevice: maxNorm must be > 0, got ${maxNorm}`);
  return tf.tidy(() => {
    const sq = grads.map((g) => tf.sum(tf.square(g)));
    const norm = tf.sqrt(sq.reduce((a, b) => tf.add(a, b)));
    const coef = tf.minimum(1, tf.div(maxNorm, tf.add(norm, 1e-6)));
    return grads.map((g) => tf.mul(g, coef));
  });
}

/**
 * Summary of tf.profile's kernel list: total time, time and count per phase (kernel indices
 * below bounds.forward are the forward pass, below bounds.backward the backward pass, the rest
 * the optimizer), and the top kernels by total time, by name and by name + input shapes.
 */
export function summarizeProfile(kernels, bounds, top = 15) {
  const phaseOf = (i) => (i < (bounds.forward ?? 0) ? 'forward' : i < (bounds.backward ?? 0) ? 'backward' : 'optimizer');
  const byName = new Map(), byShape = new Map();
  const msByPhase = { forward: 0, backward: 0, optimizer: 0 }, countByPhase = { forward: 0, backward: 0, optimizer: 0 };
  let total = 0, withoutTime = 0;
  kernels.forEach((k, i) => {
    const ms = typeof k.kernelTimeMs === 'number' && Number.isFinite(k.kernelTimeMs) ? k.kernelTimeMs : 0;
    total += ms;
    if (!(ms > 0)) withoutTime++;
    msByPhase[phaseOf(i)] += ms;
    countByPhase[phaseOf(i)]++;
    const a = byName.get(k.name) ?? { name: k.name, count: 0, ms: 0 };
    a.count++; a.ms += ms; byName.set(k.name, a);
    const key = `${k.name} ${JSON.stringify(k.inputShapes ?? [])}`;
    const b = byShape.get(key) ?? { kernel: key, count: 0, ms: 0 };
    b.count++; b.ms += ms; byShape.set(key, b);
  });
  const rank = (m, n) => [...m.values()].sort((a, b) => b.ms - a.ms || b.count - a.count).slice(0, n)
    .map((x) => ({ ...x, ms: round(x.ms, 3), share: total > 0 ? round(x.ms / total, 3) : null }));
  return {
    kernels: kernels.length, kernelMsTotal: round(total, 2), kernelsWithoutGpuTime: withoutTime,
    gpuMsByPhase: Object.fromEntries(Object.entries(msByPhase).map(([k, v]) => [k, round(v, 2)])), kernelsByPhase: countByPhase,
    topByName: rank(byName, top), topByNameAndShape: rank(byShape, 12),
  };
}
