// Public API of @verl-ts/verifiers (work in progress).
export {};
