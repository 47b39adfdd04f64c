import { describe, expect, it } from 'vitest';
import { contextOverflowMessage, findContextOverflow } from './context-check.js';

const prompts = [
  { benchmark: 'b', id: 'short', text: 'x'.repeat(10) },
  { benchmark: 'b', id: 'long', text: 'x'.repeat(100) },
  { benchmark: 'b', id: 'mid', text: 'x'.repeat(60) },
];
const chars = (t: string) => t.length;

describe('context check', () => {
  it('issue 13 point 5: finds the longest prompt that does not fit with max new tokens, none when all fit', () => {
    expect(findContextOverflow(prompts, chars, 28, 128)).toBeUndefined();
    expect(findContextOverflow(prompts, chars, 29, 128)).toEqual({ benchmark: 'b', id: 'long', promptTokens: 100 });
    expect(findContextOverflow(prompts, chars, 1, 50)).toEqual({ benchmark: 'b', id: 'long', promptTokens: 100 });
  });

  it('says how many tokens would fit, or that the prompt alone is too long', () => {
    expect(contextOverflowMessage({ benchmark: 'b', id: 'long', promptTokens: 100 }, 64, 128, '/m')).toBe(
      "b problem long: prompt of 100 tokens + --max-tokens 64 exceeds the model's context of 128 positions (max_position_embeddings and rope_scaling in /m/config.json); use --max-tokens 28 or less, or a shorter --template",
    );
    expect(contextOverflowMessage({ benchmark: 'b', id: 'long', promptTokens: 128 }, 1, 128, '/m')).toMatch(/the prompt alone does not fit/);
  });
});
