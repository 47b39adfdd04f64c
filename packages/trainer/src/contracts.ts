// The parts of the other packages' APIs the trainer relies on, written structurally (as in
// /tmp/verl-contracts.md) so the loop can be tested with small stand-ins and so a model or
// engine from elsewhere fits as long as it has these members.
import type * as tf from '@tensorflow/tfjs';

export interface ForwardBatchLike { inputIds: number[][]; attentionMask: number[][]; positionIds?: number[][] }

export interface PolicyModel {
  config: { vocabSize: number; hiddenSize: number; eosTokenId?: number | number[] };
  /** differentiable; hidden = final-layer states after the final norm */
  forward(batch: ForwardBatchLike): { logits: tf.Tensor3D; hidden: tf.Tensor3D };
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

export interface RolloutLike {
  promptIndex: number;
  sampleIndex: number;
  promptIds: number[];
  responseIds: number[];
  text: string;
  logprobs: number[];
  finishReason: 'stop' | 'length';
}

export interface GenerateOptionsLike {
  n?: number; temperature?: number; topP?: number; topK?: number; maxNewTokens: number; seed?: number;
  stop?: string[]; eosTokenIds?: number[];
  onProgress?: (p: { done: number; total: number; tokens: number }) => void;
  signal?: AbortSignal;
}

export interface RolloutEngineLike {
  generate(prompts: number[][] | string[], opts: GenerateOptionsLike): Promise<RolloutLike[]>;
  close?(): Promise<void>;
}

export interface ProblemLike { id: string; question: string; answer: string; benchmark: string; meta?: Record<string, unknown> }

export interface ShaperLike {
  step(input: { advantages0: number[]; er: number[]; erv: number[]; era: number[]; scores?: number[] }): { advantages: number[]; aux: number[]; stats: Record<string, number> };
  readonly bonusTokens: 'all' | 'last';
  toJSON(): unknown;
}

export interface RankMetricsRow { er: number; erv: number; era: number }
