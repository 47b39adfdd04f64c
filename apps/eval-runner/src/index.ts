// Public API of @verl-ts/eval-runner (work in progress).
export {};
