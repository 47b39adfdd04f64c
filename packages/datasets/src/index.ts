// Public API of @verl-ts/datasets (work in progress).
export {};
