import { describe, expect, it } from 'vitest';
import { accumulateLowerProducts } from './window-spectrum.js';
import { gaussianArray } from './test-utils/random.js';

describe('accumulateLowerProducts (tiled lower-triangle product kernel)', () => {
  it('matches a plain dot-product loop for all row ranges, column ranges and strides', () => {
    const rows = 14;
    const stride = 9;
    const M = gaussianArray(rows * stride, 5);
    for (const [i0, i1] of [[0, 1], [0, 5], [0, 14], [3, 4], [4, 11], [7, 14], [13, 14], [2, 2]]) {
      for (const [c0, c1] of [[0, 9], [2, 7], [4, 5], [3, 3]]) {
        const outStride = 15;
        const base = gaussianArray(rows * outStride, 9); // accumulates onto existing values
        const got = base.slice();
        accumulateLowerProducts(M, stride, i0, i1, c0, c1, got, outStride);
        for (let i = 0; i < rows; i++) {
          for (let j = 0; j < outStride; j++) {
            let want = base[i * outStride + j];
            if (i >= i0 && i < i1 && j <= i) {
              for (let c = c0; c < c1; c++) want += M[i * stride + c] * M[j * stride + c];
            }
            // Sums of <= 9 products in a different order: equal to a few ulps.
            expect(Math.abs(got[i * outStride + j] - want)).toBeLessThanOrEqual(1e-13 * (1 + Math.abs(want)));
          }
        }
      }
    }
  });
});
