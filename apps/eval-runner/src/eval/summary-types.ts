// The eval command's summary file (summary.json), read back by `report`.

export interface BenchmarkScores {
  benchmark: string;
  problems: number;
  /** Responses sampled per problem (n). */
  samples: number;
  /** Correctness of the first sample of each problem. */
  pass1: number;
  /** Mean correctness over all n samples (= unbiased pass@1). */
  avgN: number;
  /** Unbiased pass@k by k (Chen et al. 2021). */
  passAtK: Record<string, number>;
  /** Majority vote over the first k samples, by k. */
  majAtK: Record<string, number>;
  /** Fraction of responses with an extractable final answer. */
  extractedRate: number;
  /** Fraction of responses cut at max tokens. */
  truncatedRate: number;
  /** Mean response length in tokens (or characters for remote engines without token counts). */
  meanResponseTokens: number;
}

export interface EvalSummary {
  model: string;
  createdAt: string;
  settings: {
    n: number;
    k: number[];
    temperature: number;
    topP: number;
    maxTokens: number;
    template: string;
    seed: number;
    limit?: number;
  };
  /** settingsHash() of the settings that drew the responses, as in every record line (absent in older summaries). */
  settingsHash?: string;
  benchmarks: BenchmarkScores[];
}
