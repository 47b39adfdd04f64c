// Public API of @verl-ts/rank-metrics (work in progress).
export {};
