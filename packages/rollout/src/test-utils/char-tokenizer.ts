// Tests only: a tokenizer with ids 0 <pad>, 1 <bos>, 2 <eos> and one character per other id
// (id 3 is '\n', id i >= 4 the character with code 0x20 + i - 4), so any vocabulary size decodes.
import type { Tokenizer } from '@verl-ts/models';

export function createCharTokenizer(vocabSize: number): Tokenizer {
  const special = new Set([0, 1, 2]);
  return {
    vocabSize,
    eosTokenIds: [2],
    padTokenId: 0,
    encode(text: string, opts?: { addSpecialTokens?: boolean }): number[] {
      const ids = opts?.addSpecialTokens ? [1] : [];
      for (const ch of text) {
        const id = ch === '\n' ? 3 : ch.charCodeAt(0) - 0x20 + 4;
        if (id < 3 || id >= vocabSize) throw new RangeError(`char tokenizer: ${JSON.stringify(ch)} is outside the vocabulary`);
        ids.push(id);
      }
      return ids;
    },
    decode(ids: number[], opts?: { skipSpecialTokens?: boolean }): string {
      let s = '';
      for (const id of ids) {
        if (special.has(id)) s += opts?.skipSpecialTokens ? '' : ['<pad>', '<bos>', '<eos>'][id];
        else s += id === 3 ? '\n' : String.fromCharCode(0x20 + id - 4);
      }
      return s;
    },
  };
}
