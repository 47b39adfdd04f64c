// SentencePiece-style BPE vocabularies (Llama 1/2, Mistral v0.1-0.3: tokenizer.json with
// `byte_fallback`, '▁' for spaces, <0xXX> byte tokens) -> llama.cpp's `llama` tokenizer model.
//
// llama.cpp's SPM tokenizer (src/llama-vocab.cpp, llm_tokenizer_spm) starts from UTF-8 characters
// and repeatedly joins the adjacent pair whose joined text is a token with the highest score (the
// leftmost on ties); characters no token covers become their <0xXX> byte tokens. HF's BPE joins
// the pair with the lowest merge rank. A token's score is therefore minus the rank of the first
// merge that makes it, so both pick the same pair at every step (as llama.cpp's convert script
// gets from the SentencePiece model's own scores, which HF's merges were ordered by).
// Token types as in convert_hf_to_gguf.py's LlamaHfVocab: <0xXX> BYTE, the unknown token UNKNOWN;
// added tokens CONTROL (special) or USER_DEFINED, as for the other vocabularies.

/** llama.cpp's token types (tokenizer.ggml.token_type). */
export const SPM_TOKEN_TYPE = { NORMAL: 1, UNKNOWN: 2, BYTE: 6 } as const;

/** Scores of tokens no merge makes (single characters, bytes, specials): below every merged token. */
const UNMERGED_SCORE = -1e9;

export interface SpmVocab {
  scores: Float32Array;
  /** type of each token the BPE vocabulary holds (added tokens are typed by the caller) */
  types: Map<number, number>;
  /** whether llama.cpp should put '▁' before the text, as the HF normalizer's Prepend('▁') does */
  addSpacePrefix: boolean;
}

export function spmVocab(
  vocab: Record<string, number>,
  merges: string[],
  unkToken: string | undefined,
  tokenizerJson: { normalizer?: unknown; pre_tokenizer?: unknown },
  n: number,
): SpmVocab {
  const scores = new Float32Array(n).fill(UNMERGED_SCORE);
  const types = new Map<number, number>();
  for (const [text, id] of Object.entries(vocab)) {
    if (id >= n) continue;
    types.set(id, /^<0x[0-9A-Fa-f]{2}>$/.test(text) ? SPM_TOKEN_TYPE.BYTE : text === unkToken ? SPM_TOKEN_TYPE.UNKNOWN : SPM_TOKEN_TYPE.NORMAL);
  }
  merges.forEach((m, rank) => {
    const space = m.indexOf(' ');
    const id = vocab[m.slice(0, space) + m.slice(space + 1)];
    if (id !== undefined && id < n && scores[id] === UNMERGED_SCORE) scores[id] = -rank;
  });
  return { scores, types, addSpacePrefix: prependsSpaceMarker(tokenizerJson.normalizer) || prependsSpaceMarker(tokenizerJson.pre_tokenizer) };
}

/**
 * True when the HF tokenizer puts '▁' before the text: a normalizer Prepend('▁') (Llama 2's
 * Sequence[Prepend('▁'), Replace(' ', '▁')]) or a Metaspace pre-tokenizer that prepends.
 */
function prependsSpaceMarker(step: unknown): boolean {
  if (!step || typeof step !== 'object') return false;
  const n = step as { type?: string; prepend?: string; normalizers?: unknown[]; pretokenizers?: unknown[]; prepend_scheme?: string; add_prefix_space?: boolean };
  if (n.type === 'Prepend') return n.prepend === '▁';
  if (n.type === 'Metaspace') return n.prepend_scheme !== undefined ? n.prepend_scheme !== 'never' : n.add_prefix_space !== false;
  if (n.type === 'Sequence') return [...(n.normalizers ?? []), ...(n.pretokenizers ?? [])].some(prependsSpaceMarker);
  return false;
}
