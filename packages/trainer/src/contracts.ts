// The parts of the other packages' APIs the trainer relies on. Model, tokenizer, problem and
// shaper are written structurally (the members the loop uses), so the loop can be tested with
// small stand-ins and a model from elsewhere fits as long as it has these members; rollout
// records and engines are @verl-ts/rollout's own types.
import type * as tf from '@tensorflow/tfjs';
import type { GenerateOptions, Rollout, RolloutEngine } from '@verl-ts/rollout';

export interface ForwardBatchLike { inputIds: number[][]; attentionMask: number[][]; positionIds?: number[][] }

export interface PolicyModel {
  config: { vocabSize: number; hiddenSize: number; eosTokenId?: number | number[] };
  /** differentiable; hidden = final-layer states after the final norm */
  forward(batch: ForwardBatchLike): { logits: tf.Tensor3D; hidden: tf.Tensor3D };
  /**
   * Optional: loss(forward(batch)) and its gradients by variable name, as
   * tf.variableGrads(() => loss(forward(batch))) gives them; @verl-ts/models computes them block by
   * block with a fraction of the memory. Without it the update uses tf.variableGrads.
   */
  valueAndGrads?(batch: ForwardBatchLike, loss: (out: { logits: tf.Tensor3D; hidden: tf.Tensor3D }) => tf.Scalar): { value: tf.Scalar; grads: tf.NamedTensorMap };
  trainableVariables(): tf.Variable[];
  save(dir: string): Promise<void>;
  dispose(): void;
}

export interface TokenizerLike {
  encode(text: string, opts?: { addSpecialTokens?: boolean }): number[];
  decode(ids: number[], opts?: { skipSpecialTokens?: boolean }): string;
  readonly vocabSize: number;
  readonly eosTokenIds: number[];
  readonly padTokenId: number;
}

export type RolloutLike = Rollout;
export type GenerateOptionsLike = GenerateOptions;
export type RolloutEngineLike = RolloutEngine;

export interface ProblemLike { id: string; question: string; answer: string; benchmark: string; meta?: Record<string, unknown> }

export interface ShaperLike {
  step(input: { advantages0: number[]; er: number[]; erv: number[]; era: number[]; scores?: number[] }): { advantages: number[]; aux: number[]; stats: Record<string, number> };
  readonly bonusTokens: 'all' | 'last';
  toJSON(): unknown;
}

export interface RankMetricsRow { er: number; erv: number; era: number }
