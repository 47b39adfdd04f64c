// Backend set-up shared by the commands that run a model: select the TensorFlow.js backend
// (option > VERL_BACKEND > wasm, by @verl-ts/models) and install the WASM matMul adapter.
import { installWasmMatMulAdapter } from './wasm-matmul.js';

export type BackendName = 'webgpu' | 'tensorflow' | 'wasm' | 'cpu';

export async function prepareBackend(backend?: BackendName): Promise<string> {
  const models = await import('@verl-ts/models');
  installWasmMatMulAdapter();
  return models.initBackend(backend);
}
