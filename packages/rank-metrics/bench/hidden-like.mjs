// Benchmark input shared by run.mjs and workers.mjs: hidden-state-like rows (64 latent
// directions with decaying weights plus noise), float32, seeded.
export function hiddenLike(rows, dim, seed) {
  let a = seed >>> 0;
  const uniform = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296 - 0.5;
  };
  const R = 64;
  const basis = Float64Array.from({ length: R * dim }, uniform);
  const out = new Float32Array(rows * dim);
  for (let t = 0; t < rows; t++) {
    for (let r = 0; r < R; r++) {
      const c = (uniform() * 4) / (1 + r / 8);
      for (let j = 0; j < dim; j++) out[t * dim + j] += c * basis[r * dim + j];
    }
    for (let j = 0; j < dim; j++) out[t * dim + j] += 0.05 * uniform();
  }
  return out;
}
