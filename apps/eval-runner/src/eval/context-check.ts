// Prompt + max new tokens must fit the model's positions (max_position_embeddings): past them a
// RoPE model produces garbage without any error. Checked before anything is generated, so a wrong
// template or --max-tokens costs one line instead of a run of meaningless answers (issue 13 point 5).

export interface ContextOverflow {
  benchmark: string;
  id: string;
  promptTokens: number;
}

/** The longest prompt whose tokens plus `maxTokens` exceed `context`, if any. */
export function findContextOverflow(
  prompts: { benchmark: string; id: string; text: string }[],
  countTokens: (text: string) => number,
  maxTokens: number,
  context: number,
): ContextOverflow | undefined {
  let worst: ContextOverflow | undefined;
  for (const p of prompts) {
    const promptTokens = countTokens(p.text);
    if (promptTokens + maxTokens > context && (!worst || promptTokens > worst.promptTokens)) worst = { benchmark: p.benchmark, id: p.id, promptTokens };
  }
  return worst;
}

/** One line saying what does not fit and what to change. */
export function contextOverflowMessage(o: ContextOverflow, maxTokens: number, context: number, modelDir: string): string {
  const where = `the model's context of ${context} positions (max_position_embeddings and rope_scaling in ${modelDir}/config.json)`;
  const head = `${o.benchmark} problem ${o.id}: prompt of ${o.promptTokens} tokens + --max-tokens ${maxTokens} exceeds ${where}`;
  const room = context - o.promptTokens;
  return room >= 1 ? `${head}; use --max-tokens ${room} or less, or a shorter --template` : `${head}; the prompt alone does not fit: use a shorter --template or another --bench`;
}
