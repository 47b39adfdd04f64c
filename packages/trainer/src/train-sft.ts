// trainSFT: supervised warm start. Cross-entropy on the response tokens of (prompt, target)
// pairs, token-mean over the whole batch (micro-batches are weighted by their share of the
// batch's loss tokens, so accumulation gives exactly the full-batch gradient), AdamW, global
// gradient clipping, warmup + cosine/constant lr, atomic checkpoints and exact resume.
// Targets: the arithmetic task's worked solutions (datasets.arithmeticSolution), else a
// problem's `meta.solution`, else `\boxed{answer}`.
import * as tf from '@tensorflow/tfjs';
import { mkdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseSFTConfig, type SFTConfig } from './config.js';
import type { PolicyModel, ProblemLike, TokenizerLike } from './contracts.js';
import type { SFTStepMetrics, TrainerHooks } from './metrics.js';
import { AdamW } from './adamw.js';
import { buildTokenBatch, sliceTokenBatch, type SequencePair } from './batch.js';
import { DataCursor, type DataCursorState } from './data-cursor.js';
import { writeCheckpoint } from './checkpoint.js';
import { clipWithNorm, globalNormTensor, GradAccumulator } from './gradients.js';
import { logProbsFromLogits } from './losses.js';
import { learningRateAt } from './schedule.js';
import { appendJsonl, copyTokenizerFiles, truncateJsonlToStep, writeJson } from './run-files.js';
import { SFT_FREE_FIELDS } from './run-config.js';
import { inRunFolder, openRun, type RunStart } from './run-start.js';
import { encodePrompt } from './rl-step.js';
import { NonFiniteTrainingError, type TrainOptions } from './train-rl.js';

export interface SFTDeps {
  initBackend(backend?: string): Promise<unknown>;
  loadModel(dir: string): Promise<PolicyModel>;
  createModel(config: Record<string, unknown>, seed: number): PolicyModel;
  loadTokenizer(dir: string): Promise<TokenizerLike>;
  writeCharTokenizer(dir: string, alphabet: string): Promise<void>;
  defaultAlphabet: string;
  loadProblems(data: SFTConfig['data']): Promise<ProblemLike[]>;
  formatPrompt(template: string, question: string): string;
  /** the text the model should produce for a problem */
  target(problem: ProblemLike, source: SFTConfig['data']['source']): string;
}

export interface SFTTrainerState { format: 'verl-ts-sft-state-v1'; step: number; cursor: DataCursorState; nonFiniteInRow: number }

export interface TrainSFTResult {
  runDir: string;
  /** newest complete checkpoint ('' when there is none) */
  modelDir: string;
  steps: number;
  /** the step of `modelDir` (null when there is none) */
  checkpointStep: number | null;
  aborted: boolean;
  /** the run folder was removed: this call created it and stopped or failed before step 1 finished */
  discarded: boolean;
}

/** A small Qwen2-style decoder for from-scratch SFT; `create` fields override these. */
export const TINY_MODEL_DEFAULTS = {
  architecture: 'qwen2', hiddenSize: 64, intermediateSize: 192, numLayers: 2, numHeads: 4, numKvHeads: 2, headDim: 16,
  rmsNormEps: 1e-6, ropeTheta: 10000, tieWordEmbeddings: true, attentionBias: true, maxPositionEmbeddings: 512,
} as const;

/** token-mean NLL of one micro-batch, scaled to its share of the batch's loss tokens */
function sftLoss(model: PolicyModel, mb: ReturnType<typeof sliceTokenBatch>, batchTokens: number) {
  const rows = mb.inputIds.length;
  const T = mb.length - 1;
  const { logits } = model.forward({ inputIds: mb.inputIds, attentionMask: mb.attentionMask });
  const V = logits.shape[2];
  const shifted = tf.slice(logits, [0, 0, 0], [rows, T, V]) as tf.Tensor3D;
  const lp = logProbsFromLogits(shifted, mb.labels);
  const mask = tf.tensor2d(mb.lossMask.flat(), [rows, T]);
  const nllSum = tf.neg(tf.sum(tf.mul(lp, mask)));
  const correct = tf.sum(tf.mul(tf.cast(tf.equal(tf.argMax(shifted, -1), tf.tensor2d(mb.labels.flat(), [rows, T], 'int32')), 'float32'), mask));
  return { loss: tf.div(nllSum, batchTokens) as tf.Scalar, nllSum, correct };
}

async function resolveSFTDeps(overrides?: Partial<SFTDeps>): Promise<SFTDeps> {
  const { defaultSFTDeps } = await import('./default-sft-deps.js');
  return { ...(await defaultSFTDeps()), ...overrides };
}

export async function trainSFT(
  configInput: SFTConfig, hooks: TrainerHooks<SFTStepMetrics> = {}, overrides?: Partial<SFTDeps>, options: TrainOptions = {},
): Promise<TrainSFTResult> {
  const config = parseSFTConfig(configInput);
  const deps = await resolveSFTDeps(overrides);
  const runDir = resolve(config.outputDir, config.name);
  const start = await openRun({
    runDir, resume: config.resume, resumeKey: 'resume', config, freeFields: SFT_FREE_FIELDS,
    stepsField: config.schedule === 'constant' ? 'steps' : undefined, allowConfigChange: options.allowConfigChange,
  });
  return inRunFolder(start, (onRecordsWritten) => runSFT(config, deps, hooks, start, onRecordsWritten));
}

async function runSFT(
  config: SFTConfig, deps: SFTDeps, hooks: TrainerHooks<SFTStepMetrics>, start: RunStart, onRecordsWritten: () => void,
): Promise<TrainSFTResult> {
  const { runDir, resumeDir } = start;
  const metricsPath = join(runDir, 'metrics.jsonl');
  await deps.initBackend(config.model.backend);

  // tokenizer and model
  let tokenizerDir: string;
  if ('create' in config.model) {
    tokenizerDir = join(runDir, 'tokenizer');
    await deps.writeCharTokenizer(tokenizerDir, config.model.charAlphabet ?? deps.defaultAlphabet);
  } else {
    tokenizerDir = config.model.tokenizer ?? config.model.path;
  }
  const tokenizer = await deps.loadTokenizer(tokenizerDir);
  let model: PolicyModel;
  if (resumeDir) model = await deps.loadModel(resumeDir);
  else if ('create' in config.model) {
    model = deps.createModel({
      ...TINY_MODEL_DEFAULTS, vocabSize: tokenizer.vocabSize, eosTokenId: tokenizer.eosTokenIds[0], padTokenId: tokenizer.padTokenId,
      ...config.model.create,
    }, config.seed);
  } else model = await deps.loadModel(config.model.path);

  const optimizer = new AdamW(model.trainableVariables(), { beta1: config.beta1, beta2: config.beta2, eps: config.eps, weightDecay: config.weightDecay });
  let state: SFTTrainerState = { format: 'verl-ts-sft-state-v1', step: 0, cursor: { epoch: 0, offset: 0 }, nonFiniteInRow: 0 };
  if (resumeDir) {
    await optimizer.load(resumeDir);
    state = JSON.parse(await readFile(join(resumeDir, 'trainer_state.json'), 'utf8')) as SFTTrainerState;
    if (state.format !== 'verl-ts-sft-state-v1') throw new Error(`${join(resumeDir, 'trainer_state.json')}: not an SFT trainer state`);
  }
  await truncateJsonlToStep(metricsPath, state.step);

  const problems = await deps.loadProblems(config.data);
  if (problems.length === 0) throw new Error('the SFT data is empty');
  const eos = tokenizer.eosTokenIds[0];
  const pairs: SequencePair[] = problems.map((p) => {
    const promptIds = encodePrompt(tokenizer, deps.formatPrompt(config.data.template, p.question), config.maxSeqLen - 1);
    let responseIds = [...tokenizer.encode(deps.target(p, config.data.source), { addSpecialTokens: false }), ...(eos !== undefined ? [eos] : [])];
    responseIds = responseIds.slice(0, Math.max(1, config.maxSeqLen - promptIds.length));
    return { promptIds, responseIds };
  });
  const cursor = new DataCursor(pairs.length, config.seed, state.cursor);
  let step = state.step;
  let nonFiniteInRow = state.nonFiniteInRow;
  let savedStep = resumeDir ? step : -1;
  let lastCheckpoint: string | null = resumeDir;
  let snapCursor = cursor.toJSON();
  const vars = model.trainableVariables();

  const save = async () => {
    if (savedStep === step) return;
    hooks.onPhase?.('checkpoint', 0, 1);
    const st: SFTTrainerState = { format: 'verl-ts-sft-state-v1', step, cursor: snapCursor, nonFiniteInRow };
    lastCheckpoint = await writeCheckpoint(runDir, step, 'sft', async (dir) => {
      await mkdir(dir, { recursive: true });
      await model.save(dir);
      await copyTokenizerFiles(tokenizerDir, dir);
      await optimizer.save(dir);
      await writeJson(join(dir, 'trainer_state.json'), st);
    }, config.keepLast);
    savedStep = step;
    hooks.onPhase?.('checkpoint', 1, 1);
    await hooks.onCheckpoint?.(lastCheckpoint!, step);
  };

  hooks.onStart?.({ startStep: step, totalSteps: config.steps, resumedFrom: resumeDir });
  let aborted = false;
  try {
    while (step < config.steps) {
      if (hooks.signal?.aborted) { aborted = true; break; }
      const t0 = performance.now();
      const epoch = cursor.toJSON().epoch;
      const batch = buildTokenBatch(cursor.take(config.batchSize).map((i) => pairs[i]), tokenizer.padTokenId, { includePrompt: config.trainOnPrompt });
      const batchTokens = Math.max(1, batch.lossTokens.reduce((a, b) => a + b, 0));
      const acc = new GradAccumulator();
      // the loss parts of each micro-batch stay on the device and are read once per step,
      // with the gradient norm (await data(): webgpu in Node has no synchronous readback)
      const partsPerMicro: tf.Tensor1D[] = [];
      let g: tf.Tensor[];
      let values: Float32Array;
      try {
        for (let s = 0; s < batch.inputIds.length; s += config.microBatchSize) {
          const mb = sliceTokenBatch(batch, s, Math.min(batch.inputIds.length, s + config.microBatchSize));
          const { value, grads } = tf.variableGrads(() => {
            const r = sftLoss(model, mb, batchTokens);
            partsPerMicro.push(tf.keep(tf.stack([tf.cast(r.nllSum, 'float32'), tf.cast(r.correct, 'float32')]) as tf.Tensor1D));
            return r.loss;
          }, vars);
          const list = vars.map((v) => grads[v.name] ?? tf.zerosLike(v));
          acc.add(list);
          tf.dispose([value, ...list]);
          hooks.onPhase?.('update', s + mb.inputIds.length, batch.inputIds.length);
        }
        g = acc.take()!;
        const gg = g;
        const readback = tf.tidy(() => tf.concat([...partsPerMicro, tf.reshape(globalNormTensor(gg), [1])]));
        try { values = (await readback.data()) as Float32Array; } catch (e) { tf.dispose(gg); throw e; } finally { readback.dispose(); }
      } finally {
        acc.dispose();
        tf.dispose(partsPerMicro);
      }
      let nll = 0; let correct = 0;
      for (let i = 0; i < partsPerMicro.length; i++) { nll += values[2 * i]; correct += values[2 * i + 1]; }
      const norm = values[2 * partsPerMicro.length];
      const clipped = clipWithNorm(g, norm, config.gradClip);
      tf.dispose(g);
      const lr = learningRateAt(step, { lr: config.lr, warmupSteps: config.warmupSteps, kind: config.schedule, totalSteps: config.steps, minLrRatio: config.minLrRatio });
      const loss = nll / batchTokens;
      const finite = Number.isFinite(loss) && Number.isFinite(norm);
      if (finite) optimizer.apply(clipped, lr);
      tf.dispose(clipped);
      step += 1;
      snapCursor = cursor.toJSON();
      nonFiniteInRow = finite ? 0 : nonFiniteInRow + 1;
      const secs = (performance.now() - t0) / 1000;
      const processed = batch.attentionMask.reduce((a, r) => a + r.reduce((x, y) => x + y, 0), 0);
      const m: SFTStepMetrics = {
        step, epoch, loss: Number.isFinite(loss) ? loss : null, tokenAccuracy: correct / batchTokens,
        gradNorm: Number.isFinite(norm) ? norm : null, lr, tokens: batchTokens, skipped: !finite,
        time: { step: secs }, tokensPerSec: processed / Math.max(secs, 1e-9),
      };
      // records first, then the checkpoint (see run-files.ts)
      await appendJsonl(metricsPath, [m]);
      onRecordsWritten();
      if ((config.saveEvery > 0 && step % config.saveEvery === 0) || step >= config.steps) await save();
      hooks.onStep?.(m);
      if (nonFiniteInRow >= config.maxNonFiniteInRow) {
        throw new NonFiniteTrainingError(step, nonFiniteInRow, [`loss ${loss}, gradient norm ${norm}`]);
      }
    }
    if (aborted && step > 0) await save();
  } finally {
    model.dispose();
    optimizer.dispose();
  }
  return { runDir, modelDir: lastCheckpoint ?? '', steps: step, checkpointStep: lastCheckpoint ? savedStep : null, aborted, discarded: false };
}
