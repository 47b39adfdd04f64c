import * as tf from '@tensorflow/tfjs';
import { afterEach, describe, expect, it } from 'vitest';
import { initBackend } from './index.js';
import { unsortedSegmentSumValues } from './segment-sum-kernel.js';

describe('initBackend', () => {
  const saved = process.env.VERL_BACKEND;
  afterEach(() => {
    if (saved === undefined) delete process.env.VERL_BACKEND;
    else process.env.VERL_BACKEND = saved;
  });

  it('option beats VERL_BACKEND, which beats the wasm default', async () => {
    delete process.env.VERL_BACKEND;
    expect(await initBackend()).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    process.env.VERL_BACKEND = 'cpu';
    expect(await initBackend()).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
    expect(await initBackend('wasm')).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
  });

  it('rejects unknown names, naming where they came from', async () => {
    process.env.VERL_BACKEND = 'cuda';
    await expect(initBackend()).rejects.toThrow(/unknown backend 'cuda' \(from VERL_BACKEND\); choose one of webgpu, tensorflow, wasm, cpu/);
    await expect(initBackend('gpu' as never)).rejects.toThrow(/unknown backend 'gpu' \(from the backend option\)/);
  });

  it('an unavailable native TensorFlow says why and what to install, and leaves the backend as it was', async () => {
    await initBackend('wasm');
    // this test machine has neither libtensorflow nor a GPU; skip where one is present
    const native = await initBackend('tensorflow').then(
      () => undefined,
      (e: Error) => e.message,
    );
    if (native !== undefined) {
      expect(native).toMatch(/backend 'tensorflow' unavailable: .*install it with 'pnpm add @tensorflow\/tfjs-node@4\.22\.0'/);
      expect(tf.getBackend()).toBe('wasm');
    }
  });
});

describe('WASM gap kernels', () => {
  it('UnsortedSegmentSum sums rows by segment and drops out-of-range ids', () => {
    const out = new Float32Array(6);
    unsortedSegmentSumValues([1, 2, 3, 4, 5, 6, 7, 8], [2, 0, 2, 9], 2, 3, out);
    expect(Array.from(out)).toEqual([3, 4, 0, 0, 1 + 5, 2 + 6]);
  });

  it('the gradient of gather (embedding lookup) runs on wasm and equals the cpu result', async () => {
    const run = async (backend: 'wasm' | 'cpu') => {
      await initBackend(backend);
      const table = tf.variable(tf.tensor2d([[1, 2], [3, 4], [5, 6], [7, 8]]), true, `gather-table-${backend}`);
      const ids = tf.tensor1d([3, 1, 3, 0], 'int32');
      const w = tf.tensor2d([[1, 10], [2, 20], [3, 30], [4, 40]]);
      const { grads } = tf.variableGrads(() => tf.sum(tf.mul(tf.gather(table, ids), w)) as tf.Scalar, [table]);
      const g = (await grads[table.name].array()) as number[][];
      tf.dispose([table, ids, w, ...Object.values(grads)]);
      return g;
    };
    const wasm = await run('wasm');
    // row 3 is gathered twice (weights rows 0 and 2), row 1 once, row 0 once, row 2 never
    expect(wasm).toEqual([[4, 40], [2, 20], [0, 0], [4, 40]]);
    expect(await run('cpu')).toEqual(wasm);
  });

  it('BatchMatMul with transpose flags (re-registered to transpose first) gives the cpu results, rank 2 and 4', async () => {
    const run = async (backend: 'wasm' | 'cpu') => {
      await initBackend(backend);
      const dataIds = () => (tf.engine().backend as unknown as { numDataIds(): number }).numDataIds();
      const before = dataIds();
      const outs = tf.tidy(() => {
        const a = tf.tensor(Array.from({ length: 24 }, (_, i) => Math.sin(i)), [2, 1, 3, 4]);
        const b = tf.tensor(Array.from({ length: 40 }, (_, i) => Math.cos(i)), [2, 1, 5, 4]);
        return [
          tf.matMul(a, b, false, true),
          tf.matMul(tf.reshape(a, [6, 4]), tf.reshape(b, [10, 4]), false, true),
          tf.matMul(tf.reshape(a, [4, 6]), tf.reshape(b, [4, 10]), true, false),
          tf.matMul(tf.reshape(a, [4, 6]), tf.reshape(b, [10, 4]), true, true),
        ];
      });
      const out = await Promise.all(outs.map((t) => t.array()));
      tf.dispose(outs);
      // the temporary transposes inside the kernel are freed too
      expect(dataIds()).toBe(before);
      return out as number[][][];
    };
    const wasm = await run('wasm');
    const cpu = await run('cpu');
    for (let i = 0; i < cpu.length; i++) {
      const x = wasm[i].flat(3) as number[];
      const y = cpu[i].flat(3) as number[];
      expect(x.length).toBe(y.length);
      x.forEach((v, j) => expect(v).toBeCloseTo(y[j], 5));
    }
  });
});

// Needs a WebGPU adapter (run with VERL_TEST_WEBGPU=1, e.g. on Mesa's software OpenGL ES, see README).
describe.runIf(process.env.VERL_TEST_WEBGPU === '1')('webgpu device limits', () => {
  it("requests the adapter's maxStorageBuffersPerShaderStage, so tf.addN of 12 tensors runs", async () => {
    expect(await initBackend('webgpu')).toBe('webgpu');
    const device = (tf.backend() as unknown as { device: { limits: Record<string, number> } }).device;
    const gpu = (globalThis as unknown as { navigator: { gpu: { requestAdapter: () => Promise<{ limits: Record<string, number> }> } } }).navigator.gpu;
    const adapterLimit = (await gpu.requestAdapter()).limits.maxStorageBuffersPerShaderStage;
    expect(device.limits.maxStorageBuffersPerShaderStage).toBe(adapterLimit);
    // 12 inputs + the output = 13 storage buffers: over WebGPU's default 8, within Mesa's 16
    if (adapterLimit >= 13) {
      const xs = Array.from({ length: 12 }, (_, i) => tf.fill([4], i + 1));
      const sum = tf.addN(xs);
      expect(Array.from(await sum.data())).toEqual([78, 78, 78, 78]);
      tf.dispose([...xs, sum]);
    }
    await initBackend('wasm');
  });
});
