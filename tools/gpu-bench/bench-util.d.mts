// Types of bench-util.mjs for the TypeScript test beside it.
import type * as tfjs from '@tensorflow/tfjs';

export function median(xs: number[]): number;
export function round(x: number, d?: number): number;
export function mulberry32(seed: number): () => number;
export function randomIds(rand: () => number, rows: number, cols: number, vocab: number): number[][];
export function clipOnDevice(tf: typeof tfjs, grads: tfjs.Tensor[], maxNorm: number): tfjs.Tensor[];
export interface ProfileKernel { name: string; kernelTimeMs?: number | unknown; inputShapes?: number[][] }
export interface ProfileSummary {
  kernels: number; kernelMsTotal: number; kernelsWithoutGpuTime: number;
  gpuMsByPhase: Record<'forward' | 'backward' | 'optimizer', number>;
  kernelsByPhase: Record<'forward' | 'backward' | 'optimizer', number>;
  topByName: Array<{ name: string; count: number; ms: number; share: number | null }>;
  topByNameAndShape: Array<{ kernel: string; count: number; ms: number; share: number | null }>;
}
export function summarizeProfile(kernels: ProfileKernel[], bounds: { forward?: number; backward?: number }, top?: number): ProfileSummary;
