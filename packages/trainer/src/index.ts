// Public API of @verl-ts/trainer (work in progress).
export {};
