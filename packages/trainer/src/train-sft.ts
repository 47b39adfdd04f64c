// trainSFT: supervised warm start. Cross-entropy on the response tokens of (prompt, target)
// pairs, token-mean over the whole batch (micro-batches are weighted by their share of the
// batch's loss tokens, so accumulation gives exactly the full-batch gradient), AdamW, global
// gradient clipping, warmup + cosine/constant lr. The run around the steps (folder, resume,
// checkpoints, signals) is run-loop.ts, shared with trainRL. Targets: problems.ts sftTarget.
import * as tf from '@tensorflow/tfjs';
import { join } from 'node:path';
import { ARITHMETIC_ALPHABET, formatPrompt, type Problem } from '@verl-ts/datasets';
import { createCausalLM, initBackend, loadCausalLM, loadTokenizer, writeCharTokenizer, type CausalLM } from '@verl-ts/models';
import { parseSFTConfig, type SFTConfig, type SFTConfigInput } from './config.js';
import type { SFTStepMetrics, TrainerHooks } from './metrics.js';
import { buildTokenBatch, sliceTokenBatch, type SequencePair } from './batch.js';
import { DataCursor, type DataCursorState } from './data-cursor.js';
import { accumulateGradients, clipCoefficient, type MicroBatchPass } from './gradients.js';
import { logProbsFromLogits } from './losses.js';
import { learningRateAt } from './schedule.js';
import { loadSFTProblems, sftTarget } from './problems.js';
import { SFT_FREE_FIELDS } from './run-config.js';
import { createOptimizer, runTraining, type TrainOptions, type TrainResult } from './run-loop.js';
import { encodePrompt } from './rl-step.js';

export interface TrainSFTOptions extends TrainOptions {
  hooks?: TrainerHooks<SFTStepMetrics>;
  /** the examples (default: loaded from `data`); each is taught its problems.ts sftTarget */
  problems?: Problem[];
}

export interface SFTTrainerState { cursor: DataCursorState }

export interface TrainSFTResult extends TrainResult {
  /** newest complete checkpoint ('' when there is none) */
  modelDir: string;
}

/** A small Qwen2-style decoder for from-scratch SFT; `create` fields override these. */
export const TINY_MODEL_DEFAULTS = {
  architecture: 'qwen2', hiddenSize: 64, intermediateSize: 192, numLayers: 2, numHeads: 4, numKvHeads: 2, headDim: 16,
  rmsNormEps: 1e-6, ropeTheta: 10000, tieWordEmbeddings: true, attentionBias: true, maxPositionEmbeddings: 512,
} as const;

/** token-mean NLL of one micro-batch from its logits, scaled to its share of the batch's loss tokens; stats: NLL sum, correct tokens */
function sftLoss(logits: tf.Tensor3D, mb: ReturnType<typeof sliceTokenBatch>, batchTokens: number) {
  const rows = mb.inputIds.length;
  const T = mb.length - 1;
  const V = logits.shape[2];
  const shifted = tf.slice(logits, [0, 0, 0], [rows, T, V]) as tf.Tensor3D;
  const lp = logProbsFromLogits(shifted, mb.labels);
  const mask = tf.tensor2d(mb.lossMask.flat(), [rows, T]);
  const nllSum = tf.neg(tf.sum(tf.mul(lp, mask))) as tf.Scalar;
  const correct = tf.sum(tf.mul(tf.cast(tf.equal(tf.argMax(shifted, -1), tf.tensor2d(mb.labels.flat(), [rows, T], 'int32')), 'float32'), mask)) as tf.Scalar;
  return { loss: tf.div(nllSum, batchTokens) as tf.Scalar, stats: [nllSum, correct] };
}

export async function trainSFT(configInput: SFTConfigInput, opts: TrainSFTOptions = {}): Promise<TrainSFTResult> {
  const config = parseSFTConfig(configInput);
  const hooks = opts.hooks ?? {};
  const r = await runTraining<SFTTrainerState, SFTStepMetrics>({
    kind: 'sft', config, resume: config.resume, resumeKey: 'resume', freeFields: SFT_FREE_FIELDS,
    stepsField: config.schedule === 'constant' ? 'steps' : undefined,
    steps: config.steps, saveEvery: config.saveEvery, keepLast: config.keepLast, maxNonFiniteInRow: config.maxNonFiniteInRow,
  }, hooks, opts, config, async ({ runDir, resumeDir }) => {
    await initBackend(config.model.backend);
    const tokenizerDir = 'create' in config.model ? join(runDir, 'tokenizer') : config.model.tokenizer ?? config.model.path;
    if ('create' in config.model) await writeCharTokenizer(tokenizerDir, config.model.charAlphabet ?? ARITHMETIC_ALPHABET);
    const tokenizer = await loadTokenizer(tokenizerDir);
    let model: CausalLM;
    if (resumeDir) model = await loadCausalLM(resumeDir);
    else if ('create' in config.model) {
      model = createCausalLM({
        ...TINY_MODEL_DEFAULTS, vocabSize: tokenizer.vocabSize, eosTokenId: tokenizer.eosTokenIds[0], padTokenId: tokenizer.padTokenId,
        ...config.model.create,
      }, { seed: config.seed });
    } else model = await loadCausalLM(config.model.path);
    const optimizer = createOptimizer(model, config);
    const close = async () => { model.dispose(); optimizer.dispose(); };
    let pairs: SequencePair[];
    try {
      const problems = opts.problems ?? await loadSFTProblems(config.data);
      if (problems.length === 0) throw new Error('the SFT data is empty');
      const eos = tokenizer.eosTokenIds[0];
      pairs = problems.map((p) => {
        const promptIds = encodePrompt(tokenizer, formatPrompt(config.data.template, p.question), config.maxSeqLen - 1);
        let responseIds = [...tokenizer.encode(sftTarget(p, config.data.source), { addSpecialTokens: false }), ...(eos !== undefined ? [eos] : [])];
        responseIds = responseIds.slice(0, Math.max(1, config.maxSeqLen - promptIds.length));
        return { promptIds, responseIds };
      });
    } catch (e) {
      await close();
      throw e;
    }
    let cursor = new DataCursor(pairs.length, config.seed);
    return {
      policy: model, optimizer, tokenizerDir, close,
      initialState: { cursor: { epoch: 0, offset: 0 } },
      restore: (state) => { cursor = new DataCursor(pairs.length, config.seed, state.cursor); },
      snapshot: () => ({ cursor: cursor.toJSON() }),
      runStep: async (step) => {
        const epoch = cursor.toJSON().epoch;
        const batch = buildTokenBatch(cursor.take(config.batchSize).map((i) => pairs[i]), tokenizer.padTokenId, { includePrompt: config.trainOnPrompt });
        return sftStep(model, optimizer, config, hooks, batch, step, epoch);
      },
    };
  });
  return { ...r, modelDir: r.checkpointDir ?? '' };
}

async function sftStep(
  model: CausalLM, optimizer: ReturnType<typeof createOptimizer>, config: SFTConfig, hooks: TrainerHooks<SFTStepMetrics>,
  batch: ReturnType<typeof buildTokenBatch>, step: number, epochBefore: number,
) {
  const t0 = performance.now();
  const batchTokens = Math.max(1, batch.lossTokens.reduce((a, b) => a + b, 0));
  const rows = batch.inputIds.length;
  const passes = Array.from({ length: Math.ceil(rows / config.microBatchSize) }, (_, k): MicroBatchPass => {
    const mb = sliceTokenBatch(batch, k * config.microBatchSize, Math.min(rows, (k + 1) * config.microBatchSize));
    return { batch: { inputIds: mb.inputIds, attentionMask: mb.attentionMask }, loss: ({ logits }) => sftLoss(logits!, mb, batchTokens) };
  });
  let done = 0;
  const { grads: g, stats, norm } = await accumulateGradients(model, passes, () => {
    done = Math.min(rows, done + config.microBatchSize);
    hooks.onPhase?.('update', done, rows);
  });
  const nll = stats.reduce((a, x) => a + x[0], 0);
  const correct = stats.reduce((a, x) => a + x[1], 0);
  const lr = learningRateAt(step, { ...config, totalSteps: config.steps });
  const loss = nll / batchTokens;
  const finite = Number.isFinite(loss) && Number.isFinite(norm);
  if (finite) optimizer.apply(g, lr, { gradScale: clipCoefficient(norm, config.gradClip), disposeGrads: true });
  else tf.dispose(g);
  const secs = (performance.now() - t0) / 1000;
  const processed = batch.attentionMask.reduce((a, r) => a + r.reduce((x, y) => x + y, 0), 0);
  const metrics: SFTStepMetrics = {
    step: step + 1, epoch: epochBefore, loss: Number.isFinite(loss) ? loss : null, tokenAccuracy: correct / batchTokens,
    gradNorm: Number.isFinite(norm) ? norm : null, lr, tokens: batchTokens, skipped: !finite,
    time: { step: secs }, tokensPerSec: processed / Math.max(secs, 1e-9),
  };
  return { metrics, skipped: !finite, events: [`loss ${loss}, gradient norm ${norm}`] };
}
