// Public API of @verl-ts/rollout (work in progress).
export {};
