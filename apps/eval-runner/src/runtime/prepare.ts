// Backend set-up shared by the commands that run a model: select the TensorFlow.js backend
// (option > VERL_BACKEND > wasm, by @verl-ts/models, which also installs its WASM kernel fixes).

import type { Backend } from '@verl-ts/models';

/** models' list of backends (BACKENDS), not a copy */
export type BackendName = Backend;

export async function prepareBackend(backend?: BackendName): Promise<string> {
  const models = await import('@verl-ts/models');
  return models.initBackend(backend);
}
