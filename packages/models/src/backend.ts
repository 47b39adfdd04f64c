// Runtime selection: which TensorFlow.js backend runs the model.
// Order of choice: explicit option > VERL_BACKEND environment variable > 'wasm'.
// An unavailable choice fails with the reason and what to install; it never falls back silently.
import * as tf from '@tensorflow/tfjs';
import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { registerSegmentSumKernel } from './segment-sum-kernel.js';
import { registerWasmGapKernels } from './wasm-kernels.js';

export type Backend = 'webgpu' | 'tensorflow' | 'wasm' | 'cpu';
export const BACKENDS: readonly Backend[] = ['webgpu', 'tensorflow', 'wasm', 'cpu'];

let active: Backend | undefined;

/** The backend chosen by the last successful `initBackend`, or undefined before the first call. */
export function activeBackend(): Backend | undefined {
  return active;
}

function parseBackend(name: string, source: string): Backend {
  const b = name.trim().toLowerCase();
  if ((BACKENDS as readonly string[]).includes(b)) return b as Backend;
  throw new Error(`unknown backend '${name}' (from ${source}); choose one of ${BACKENDS.join(', ')}`);
}

/** Picks and initialises the TensorFlow.js backend; returns the one now active. */
export async function initBackend(backend?: Backend): Promise<Backend> {
  const choice =
    backend !== undefined
      ? parseBackend(backend, 'the backend option')
      : process.env.VERL_BACKEND
        ? parseBackend(process.env.VERL_BACKEND, 'VERL_BACKEND')
        : 'wasm';
  // TensorFlow.js names its backends like ours
  if (active === choice && tf.getBackend() === choice) return choice;
  switch (choice) {
    case 'wasm':
      await initWasm();
      break;
    case 'cpu':
      // tfjs's cpu UnsortedSegmentSum is O(vocab × tokens × hidden): replaced by a scatter-add
      registerSegmentSumKernel('cpu');
      await setBackendOrThrow('cpu', 'the cpu backend ships with @tensorflow/tfjs');
      break;
    case 'webgpu':
      await initWebGpu();
      break;
    case 'tensorflow':
      await initTensorflow();
      break;
  }
  active = choice;
  return choice;
}

async function setBackendOrThrow(name: string, hint: string): Promise<void> {
  let ok = false;
  let reason = '';
  try {
    ok = await tf.setBackend(name);
  } catch (e) {
    reason = (e as Error).message;
  }
  if (!ok || tf.getBackend() !== name) {
    throw new Error(`backend '${name}' failed to initialise${reason ? `: ${reason}` : ''} (${hint})`);
  }
  await tf.ready();
}

async function initWasm(): Promise<void> {
  try {
    await import('@tensorflow/tfjs-backend-wasm');
  } catch (e) {
    throw new Error(
      `backend 'wasm' unavailable: cannot load @tensorflow/tfjs-backend-wasm (${(e as Error).message}); ` +
        `install it with 'pnpm add @tensorflow/tfjs-backend-wasm@4.22.0'`,
    );
  }
  registerWasmGapKernels();
  await setBackendOrThrow('wasm', 'reinstall @tensorflow/tfjs-backend-wasm; its .wasm binaries must be in its dist folder');
}

type GpuAdapterLike = { limits?: Record<string, number>; requestDevice: (d?: { requiredLimits?: Record<string, number> }) => Promise<unknown> };

/**
 * Make the devices that tfjs-backend-webgpu requests ask for the adapter's
 * maxStorageBuffersPerShaderStage instead of WebGPU's default 8: tfjs binds every input of a
 * kernel such as AddN as its own storage buffer, and a shader over the limit is rejected with its
 * whole command buffer dropped (tfjs requests some limits itself, not this one).
 */
function requestHigherStorageBufferLimit(gpu: { requestAdapter: (o?: Record<string, unknown>) => Promise<unknown> }): void {
  const request = gpu.requestAdapter.bind(gpu);
  gpu.requestAdapter = async (o?: Record<string, unknown>) => {
    const adapter = (await request(o)) as GpuAdapterLike | null;
    const limit = adapter?.limits?.maxStorageBuffersPerShaderStage;
    if (adapter && typeof limit === 'number' && limit > 8) {
      const requestDevice = adapter.requestDevice.bind(adapter);
      adapter.requestDevice = (d = {}) =>
        requestDevice({ ...d, requiredLimits: { ...d.requiredLimits, maxStorageBuffersPerShaderStage: limit } });
    }
    return adapter;
  };
}

async function initWebGpu(): Promise<void> {
  const g = globalThis as unknown as { navigator?: { gpu?: unknown } };
  if (!g.navigator?.gpu) {
    // Node has no WebGPU; the `webgpu` package provides Dawn (Vulkan/Metal/D3D12) as a native addon.
    let dawn: { create: (flags: string[]) => unknown; globals: Record<string, unknown> };
    try {
      dawn = (await import('webgpu')) as unknown as typeof dawn;
    } catch (e) {
      throw new Error(
        `backend 'webgpu' unavailable: cannot load the 'webgpu' package (Dawn for Node): ${(e as Error).message}; ` +
          `install it with 'pnpm add webgpu@0.6.2' (needs a GPU with Vulkan, Metal or D3D12 drivers)`,
      );
    }
    Object.assign(globalThis, dawn.globals);
    // Dawn options, e.g. VERL_WEBGPU_FLAGS='backend=vulkan,adapter=NVIDIA H100' (see the webgpu package README)
    const flags = (process.env.VERL_WEBGPU_FLAGS ?? '').split(',').map((f) => f.trim()).filter(Boolean);
    const gpu = dawn.create(flags) as { requestAdapter: (o?: Record<string, unknown>) => Promise<unknown> };
    if (process.env.VERL_WEBGPU_COMPAT === '1') {
      // WebGPU compatibility mode (OpenGL ES adapters, e.g. Mesa's software llvmpipe): lets the
      // webgpu path run on machines without a Vulkan GPU, slowly; for testing
      const request = gpu.requestAdapter.bind(gpu);
      gpu.requestAdapter = (o?: Record<string, unknown>) => request({ ...o, featureLevel: 'compatibility' });
    }
    requestHigherStorageBufferLimit(gpu);
    if (g.navigator) {
      Object.defineProperty(g.navigator, 'gpu', { value: gpu, configurable: true });
    } else {
      Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true });
    }
  }
  const gpu = g.navigator!.gpu as { requestAdapter: () => Promise<unknown> };
  const adapter = await gpu.requestAdapter().catch(() => null);
  if (!adapter) {
    throw new Error(
      `backend 'webgpu' unavailable: no WebGPU adapter found (no GPU, or its Vulkan/Metal/D3D12 driver is missing); ` +
        `use VERL_BACKEND=wasm on machines without a GPU`,
    );
  }
  try {
    await import('@tensorflow/tfjs-backend-webgpu');
  } catch (e) {
    throw new Error(
      `backend 'webgpu' unavailable: cannot load @tensorflow/tfjs-backend-webgpu (${(e as Error).message}); ` +
        `install it with 'pnpm add @tensorflow/tfjs-backend-webgpu@4.22.0'`,
    );
  }
  await setBackendOrThrow('webgpu', 'check the GPU driver; the Dawn adapter was found but TensorFlow.js could not start on it');
}

/**
 * Why a tfjs-node package cannot work, checked before importing it: a failed import leaves half of
 * its kernels registered (and hundreds of warnings when the other package registers them again).
 */
function missingNativeBinding(pkg: string): string | undefined {
  let dir: string;
  try {
    dir = dirname(createRequire(import.meta.url).resolve(`${pkg}/package.json`));
  } catch {
    return 'not installed';
  }
  const lib = join(dir, 'lib');
  const found = existsSync(lib) && readdirSync(lib).some((d) => d.startsWith('napi-v') && existsSync(join(lib, d, 'tfjs_binding.node')));
  return found ? undefined : `installed but its native binding (lib/napi-v*/tfjs_binding.node) is missing; its install script did not download libtensorflow`;
}

async function initTensorflow(): Promise<void> {
  // Native TensorFlow is optional: its install downloads libtensorflow, so it is not a dependency.
  const errors: string[] = [];
  for (const pkg of ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node']) {
    const missing = missingNativeBinding(pkg);
    if (missing) {
      errors.push(`${pkg}: ${missing}`);
      continue;
    }
    try {
      await import(/* @vite-ignore */ pkg);
      await setBackendOrThrow('tensorflow', `${pkg} loaded but its backend did not start`);
      return;
    } catch (e) {
      errors.push(`${pkg}: ${(e as Error).message.split('\n')[0]}`);
    }
  }
  throw new Error(
    `backend 'tensorflow' unavailable: native TensorFlow could not be loaded (${errors.join('; ')}); ` +
      `install it with 'pnpm add @tensorflow/tfjs-node@4.22.0' (CPU) or '@tensorflow/tfjs-node-gpu@4.22.0' (CUDA), ` +
      `which downloads libtensorflow at install time, or use VERL_BACKEND=wasm`,
  );
}
