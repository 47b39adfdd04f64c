// Public API of @verl-ts/verl-advantage (work in progress).
export {};
