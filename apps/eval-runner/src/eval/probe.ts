// Per-response exploration/exploitation probe for the paper's comparison (arXiv 2509.23808,
// Sec. 4, Fig. 1): one forward pass of the policy over prompt+response gives, per response,
// token-level metrics (mean next-token entropy, confidence = mean probability of the emitted
// tokens) and hidden-state metrics (ER, ERV, ERA of the final-layer states that predicted the
// response tokens). Written as probe.jsonl beside an eval's records; `report` plots them.
import { writeFileSync } from 'node:fs';
import type { ProblemRecord } from './records.js';

export interface ProbeRow {
  id: string;
  sample: number;
  correct: boolean;
  tokens: number;
  entropy: number;
  confidence: number;
  er: number;
  erv: number;
  era: number;
}

export interface ProbeModel {
  forward(batch: { inputIds: number[][]; attentionMask: number[][] }): { logits: { data(): Promise<Float32Array | Int32Array | Uint8Array>; shape: number[]; dispose(): void }; hidden: { data(): Promise<Float32Array | Int32Array | Uint8Array>; shape: number[]; dispose(): void } };
}

export interface ProbeTokenizer {
  encode(text: string, opts?: { addSpecialTokens?: boolean }): number[];
  eosTokenIds: number[];
  padTokenId: number;
}

export async function probeResponses(
  model: ProbeModel,
  tokenizer: ProbeTokenizer,
  records: ProblemRecord[],
  prompt: (question: string) => string,
  opts: { stride: number; maxTokens?: number; batchSize?: number; limit?: number },
): Promise<ProbeRow[]> {
  const rm = await import('@verl-ts/rank-metrics');
  const items: { id: string; sample: number; correct: boolean; promptIds: number[]; responseIds: number[] }[] = [];
  for (const r of records) {
    const promptIds = tokenizer.encode(prompt(r.question));
    r.responses.forEach((text, s) => {
      const responseIds = tokenizer.encode(text, { addSpecialTokens: false });
      if (r.finishReasons[s] === 'stop' && tokenizer.eosTokenIds.length > 0) responseIds.push(tokenizer.eosTokenIds[0]);
      if (responseIds.length >= 2) items.push({ id: r.id, sample: s, correct: r.correct[s], promptIds, responseIds });
    });
  }
  const chosen = opts.limit !== undefined ? items.slice(0, opts.limit) : items;
  const out: ProbeRow[] = [];
  const bs = opts.batchSize ?? 32;
  for (let start = 0; start < chosen.length; start += bs) {
    const chunk = chosen.slice(start, start + bs);
    const T = Math.max(...chunk.map((c) => c.promptIds.length + c.responseIds.length));
    const inputIds = chunk.map((c) => {
      const ids = [...c.promptIds, ...c.responseIds];
      return [...ids, ...new Array<number>(T - ids.length).fill(tokenizer.padTokenId)];
    });
    const attentionMask = chunk.map((c) => Array.from({ length: T }, (_, t) => (t < c.promptIds.length + c.responseIds.length ? 1 : 0)));
    // position t predicts token t+1: response token j (at P+j) comes from logits/hidden at P+j-1
    const respMask = chunk.map((c) => Array.from({ length: T }, (_, t) => (t >= c.promptIds.length - 1 && t < c.promptIds.length + c.responseIds.length - 1 ? 1 : 0)));
    const targets = inputIds.map((row) => Array.from({ length: T }, (_, t) => (t + 1 < T ? row[t + 1] : 0)));
    const { logits, hidden } = model.forward({ inputIds, attentionMask });
    const [B, , V] = logits.shape;
    const D = hidden.shape[2];
    const l = new Float32Array(await logits.data());
    const h = new Float32Array(await hidden.data());
    logits.dispose();
    hidden.dispose();
    const tok = rm.batchTokenMetrics(l, { batch: B, time: T, vocab: V }, targets, respMask);
    const rank = rm.batchRankMetrics(h, { batch: B, time: T, dim: D }, respMask, { stride: opts.stride, maxTokens: opts.maxTokens ?? 512 });
    chunk.forEach((c, i) => out.push({ id: c.id, sample: c.sample, correct: c.correct, tokens: tok[i].tokens, entropy: tok[i].entropy, confidence: tok[i].confidence, er: rank[i].er, erv: rank[i].erv, era: rank[i].era }));
  }
  return out;
}

export function writeProbe(path: string, rows: ProbeRow[]): void {
  writeFileSync(path, rows.map((r) => JSON.stringify(r)).join('\n') + (rows.length ? '\n' : ''));
}
