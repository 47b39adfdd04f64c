// Each package declares exactly what its shipped code imports: nothing missing (it would fail
// once installed alone) and nothing unused (a user would download it for nothing).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { workspacePackages } from './workspace.js';

/** Package names imported (statically, dynamically or through require.resolve) by the files. */
function importedPackages(files: string[]): Set<string> {
  const names = new Set<string>();
  const pattern = /(?:\bfrom\s+|\bimport\s*\(\s*|\bimport\s+|\brequire\s*\(\s*|\.resolve\(\s*)['"]([^'"]+)['"]/g;
  for (const f of files) {
    for (const m of readFileSync(f, 'utf8').matchAll(pattern)) {
      const spec = m[1];
      if (spec.startsWith('.') || spec.startsWith('/') || spec.startsWith('node:')) continue;
      names.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]);
    }
  }
  return names;
}

const isTestFile = (f: string) => /\.test\.ts$|(^|\/)test-utils\//.test(f);

describe('declared dependencies = imported packages', () => {
  for (const pkg of workspacePackages()) {
    it(pkg.name, () => {
      const src = join(pkg.dir, 'src');
      const files = (readdirSync(src, { recursive: true }) as string[]).filter((f) => /\.(ts|mts|js|mjs)$/.test(f));
      const shipped = importedPackages(files.filter((f) => !isTestFile(f)).map((f) => join(src, f)));
      shipped.delete(pkg.name);
      const m = pkg.manifest;
      const declared = new Set([...Object.keys(m.dependencies ?? {}), ...Object.keys(m.optionalDependencies ?? {}), ...Object.keys(m.peerDependencies ?? {})]);
      // Optional native backends are loaded by name at run time (a string in the source, not an import).
      const sources = files.filter((f) => !isTestFile(f)).map((f) => readFileSync(join(src, f), 'utf8')).join('\n');
      const optionalByName = [...declared].filter((d) => m.peerDependenciesMeta?.[d]?.optional && sources.includes(`'${d}'`));
      expect({ missing: [...shipped].filter((n) => !declared.has(n)).sort(), unused: [...declared].filter((n) => !shipped.has(n) && !optionalByName.includes(n)).sort() }).toEqual({ missing: [], unused: [] });
    });
  }
});
