import { defineConfig } from 'vitest/config';
import { fileURLToPath } from 'node:url';
import { readdirSync, existsSync } from 'node:fs';

// Resolve every workspace package to its TypeScript source, so tests run without a build.
const root = fileURLToPath(new URL('.', import.meta.url));
const alias: Record<string, string> = {};
for (const dir of ['packages', 'apps']) {
  for (const name of readdirSync(`${root}/${dir}`)) {
    const entry = `${root}/${dir}/${name}/src/index.ts`;
    if (existsSync(entry)) alias[`@verl-ts/${name}`] = entry;
  }
}

export default defineConfig({
  resolve: { alias },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'apps/*/src/**/*.test.ts', 'tools/**/*.test.ts'],
    // TensorFlow.js is large CommonJS: leave it to Node instead of transforming it (~9 s per run).
    server: { deps: { external: [/@tensorflow\//, /node_modules/] } },
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // CI reads a JSON report to print its closing line (tools/test-summary.mjs).
    reporters: process.env.CI ? ['default', ['json', { outputFile: '.vitest-results.json' }]] : ['default'],
  },
});
