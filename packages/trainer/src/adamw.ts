// AdamW (Loshchilov & Hutter, "Decoupled Weight Decay Regularization", arXiv 1711.05101), the
// update of torch.optim.AdamW that verl's FSDP actor uses:
//   m ← β1 m + (1-β1) g,   v ← β2 v + (1-β2) g²
//   θ ← θ (1 - lr·λ) - lr · (m / (1-β1^t)) / (sqrt(v / (1-β2^t)) + ε)
// Moments live in tf.Variables, saved as a JSON header plus one float32 blob. Memory (issue 19):
// one variable at a time through models' adamWUpdateVariable (fused in place on cpu/wasm,
// bit-identical to the ops, tested here), the clip inside the update, each gradient freed once used.
import * as tf from '@tensorflow/tfjs';
import { adamWUpdateVariable } from '@verl-ts/models';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface AdamWOptions {
  beta1?: number;
  beta2?: number;
  eps?: number;
  /** decoupled weight decay λ (verl actor default 0.01) */
  weightDecay?: number;
}

interface Slot { name: string; shape: number[]; m: tf.Variable; v: tf.Variable }

export interface AdamWApplyOptions {
  /** multiply each gradient by this first: the clip coefficient (gradients.ts clipCoefficient); default 1 */
  gradScale?: number;
  /** free each gradient as soon as its variable is updated (the caller hands them over) */
  disposeGrads?: boolean;
}

export interface AdamWStateHeader {
  format: 'verl-ts-adamw-v1';
  step: number;
  beta1: number; beta2: number; eps: number; weightDecay: number;
  tensors: Array<{ name: string; shape: number[]; size: number }>;
}

export class AdamW {
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly weightDecay: number;
  /** number of updates applied so far (the t of the bias correction) */
  step = 0;
  private readonly slots: Slot[];

  constructor(readonly variables: tf.Variable[], opts: AdamWOptions = {}) {
    this.beta1 = opts.beta1 ?? 0.9;
    this.beta2 = opts.beta2 ?? 0.999;
    this.eps = opts.eps ?? 1e-8;
    this.weightDecay = opts.weightDecay ?? 0.01;
    for (const [k, b] of [['beta1', this.beta1], ['beta2', this.beta2]] as const) {
      if (!(b >= 0 && b < 1)) throw new RangeError(`AdamW ${k} must be in [0, 1), got ${b}`);
    }
    if (!(this.eps > 0)) throw new RangeError(`AdamW eps must be > 0, got ${this.eps}`);
    if (!(this.weightDecay >= 0)) throw new RangeError(`AdamW weightDecay must be >= 0, got ${this.weightDecay}`);
    // tf.variable keeps its own reference to the initial value: the zeros are disposed here
    // (left alone they stayed alive after dispose(), 2 tensors per parameter per optimizer)
    const zeroVariable = (shape: number[]) => tf.tidy(() => tf.variable(tf.zeros(shape), false));
    this.slots = variables.map((v) => ({
      name: v.name,
      shape: v.shape.slice(),
      m: zeroVariable(v.shape),
      v: zeroVariable(v.shape),
    }));
  }

  /** One update with learning rate `lr`; grads[i] belongs to variables[i]. */
  apply(grads: tf.Tensor[], lr: number, opts: AdamWApplyOptions = {}): void {
    if (grads.length !== this.variables.length) throw new RangeError(`AdamW.apply: ${grads.length} gradients for ${this.variables.length} variables`);
    if (!Number.isFinite(lr) || lr < 0) throw new RangeError(`AdamW.apply: learning rate must be finite and >= 0, got ${lr}`);
    const gradScale = opts.gradScale ?? 1;
    if (!(Number.isFinite(gradScale) && gradScale >= 0)) throw new RangeError(`AdamW.apply: gradScale must be finite and >= 0, got ${gradScale}`);
    this.variables.forEach((p, i) => {
      const g = grads[i];
      if (g.shape.length !== p.shape.length || g.shape.some((d, j) => d !== p.shape[j])) {
        throw new RangeError(`AdamW.apply: gradient for '${p.name}' has shape [${g.shape}], expected [${p.shape}]`);
      }
    });
    this.step += 1;
    const hyper = { beta1: this.beta1, beta2: this.beta2, eps: this.eps, weightDecay: this.weightDecay, lr, t: this.step, gradScale };
    this.variables.forEach((p, i) => {
      const g = grads[i];
      adamWUpdateVariable(p, this.slots[i].m, this.slots[i].v, g, hyper);
      if (opts.disposeGrads) g.dispose();
    });
  }

  /**
   * Write optimizer.json (header) and optimizer.bin (all m then all v, float32 little-endian).
   * One `await data()` per tensor: webgpu in Node has no synchronous readback, and joining all
   * moments into one tensor first would double their memory.
   */
  async save(dir: string): Promise<void> {
    const header: AdamWStateHeader = {
      format: 'verl-ts-adamw-v1', step: this.step, beta1: this.beta1, beta2: this.beta2, eps: this.eps, weightDecay: this.weightDecay,
      tensors: this.slots.map((s) => ({ name: s.name, shape: s.shape, size: s.shape.reduce((a, b) => a * b, 1) })),
    };
    const total = header.tensors.reduce((a, t) => a + t.size, 0);
    const blob = new Float32Array(2 * total);
    let off = 0;
    for (const s of this.slots) { const d = (await s.m.data()) as Float32Array; blob.set(d, off); off += d.length; }
    for (const s of this.slots) { const d = (await s.v.data()) as Float32Array; blob.set(d, off); off += d.length; }
    await writeFile(join(dir, 'optimizer.json'), JSON.stringify(header, null, 1));
    await writeFile(join(dir, 'optimizer.bin'), Buffer.from(blob.buffer, blob.byteOffset, blob.byteLength));
  }

  /** Restore moments and step written by `save`; tensor names and shapes must match. */
  async load(dir: string): Promise<void> {
    const headerPath = join(dir, 'optimizer.json');
    const header = JSON.parse(await readFile(headerPath, 'utf8')) as AdamWStateHeader;
    if (header.format !== 'verl-ts-adamw-v1') throw new Error(`${headerPath}: unknown optimizer state format '${String(header.format)}'`);
    if (header.tensors.length !== this.slots.length) throw new Error(`${headerPath}: ${header.tensors.length} tensors, the model has ${this.slots.length}`);
    header.tensors.forEach((t, i) => {
      const s = this.slots[i];
      // shapes must agree; names may carry a per-process uniqueness suffix (tfjs variable
      // names are global), so they only serve the error message
      if (t.shape.join(',') !== s.shape.join(',')) {
        throw new Error(`${headerPath}: tensor ${i} is '${t.name}' [${t.shape}], the model has '${s.name}' [${s.shape}]`);
      }
    });
    const buf = await readFile(join(dir, 'optimizer.bin'));
    const total = header.tensors.reduce((a, t) => a + t.size, 0);
    if (buf.byteLength !== 8 * total) throw new Error(`${join(dir, 'optimizer.bin')}: ${buf.byteLength} bytes, expected ${8 * total}`);
    const all = new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
    let off = 0;
    for (const key of ['m', 'v'] as const) {
      for (const s of this.slots) {
        const n = s.shape.reduce((a, b) => a * b, 1);
        const t = tf.tensor(all.subarray(off, off + n), s.shape);
        s[key].assign(t);
        t.dispose();
        off += n;
      }
    }
    this.step = header.step;
  }

  dispose(): void {
    for (const s of this.slots) { s.m.dispose(); s.v.dispose(); }
  }
}
