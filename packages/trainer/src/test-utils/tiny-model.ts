// Tests only: a tiny causal language model in plain tfjs with the PolicyModel shape
// (embedding via one-hot matmul, a state that mixes the current and previous token, tanh,
// output projection). Deterministic from a seed; save/load as JSON.
import * as tf from '@tensorflow/tfjs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ForwardBatchLike, PolicyModel } from '../contracts.js';

let counter = 0;

export interface TinyConfig { vocabSize: number; hiddenSize: number; eosTokenId?: number }

export class TinyLM implements PolicyModel {
  readonly vars: tf.Variable[];
  constructor(readonly config: TinyConfig, init: Float32Array[] | number) {
    const { vocabSize: V, hiddenSize: D } = config;
    const shapes = [[V, D], [D, D], [D, D], [D, V]];
    const names = ['embed', 'w_cur', 'w_prev', 'lm_head'];
    const id = counter++;
    this.vars = shapes.map((s, i) => {
      const t = typeof init === 'number'
        ? tf.randomNormal(s, 0, i === 0 ? 1 : 1 / Math.sqrt(s[0]), 'float32', init + i)
        : tf.tensor(init[i], s);
      return tf.variable(t, true, `tiny${id}.${names[i]}`);
    });
  }
  forward(batch: ForwardBatchLike): { logits: tf.Tensor3D; hidden: tf.Tensor3D } {
    return tf.tidy(() => {
      const [E, Wc, Wp, Wo] = this.vars;
      const B = batch.inputIds.length; const L = batch.inputIds[0].length;
      const V = this.config.vocabSize; const D = this.config.hiddenSize;
      const ids = tf.tensor2d(batch.inputIds.flat(), [B, L], 'int32');
      const emb = tf.matMul(tf.reshape(tf.oneHot(ids, V), [B * L, V]), E); // [B*L, D]
      const emb3 = tf.reshape(emb, [B, L, D]);
      const prev = tf.concat([tf.zeros([B, 1, D]), tf.slice(emb3, [0, 0, 0], [B, L - 1, D])], 1);
      const h = tf.tanh(tf.add(tf.matMul(emb, Wc), tf.matMul(tf.reshape(prev, [B * L, D]), Wp)));
      const logits = tf.reshape(tf.matMul(h, Wo), [B, L, V]) as tf.Tensor3D;
      return { logits, hidden: tf.reshape(h, [B, L, D]) as tf.Tensor3D };
    });
  }
  trainableVariables(): tf.Variable[] { return this.vars; }
  async save(dir: string): Promise<void> {
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'tiny.json'), JSON.stringify({ config: this.config, weights: await Promise.all(this.vars.map(async (v) => Array.from(await v.data()))) }));
  }
  static async load(dir: string): Promise<TinyLM> {
    const j = JSON.parse(await readFile(join(dir, 'tiny.json'), 'utf8'));
    return new TinyLM(j.config, (j.weights as number[][]).map((w) => Float32Array.from(w)));
  }
  dispose(): void { tf.dispose(this.vars); }
}
