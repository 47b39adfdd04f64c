// Public API of @verl-ts/models (work in progress).
export {};
