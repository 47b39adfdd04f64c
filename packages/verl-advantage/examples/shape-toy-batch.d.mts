import type { ShaperMode, ShaperStepResult } from '../src/index.js';
export function shapeToyBatch(mode: ShaperMode): ShaperStepResult & { advantages0: number[]; tokens: number[][] };
