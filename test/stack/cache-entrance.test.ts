import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');
const cacheDir = path.join(root, 'src/cache');
/** The cache's own unit tests may reach its files; nothing else may. */
const allowedToReachIn = [cacheDir, path.join(root, 'test/unit/cache')];

function typescriptFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : typescriptFiles(full);
    return /\.tsx?$/.test(entry.name) ? [full] : [];
  });
}

/** Relative module specifiers of `import … from`, `export … from` and `import(…)`. */
function relativeImports(source: string): string[] {
  return [...source.matchAll(/(?:from|import)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g)].map((match) => match[1]!);
}

describe('src/cache/index.ts is the only entrance to the cache', () => {
  it('no file outside src/cache/ (but its unit tests) imports another file of it', () => {
    const dirs = ['src', 'functions', 'stack', 'scripts', 'bench', 'k6', 'test'].map((dir) => path.join(root, dir));
    const reachingIn = dirs
      .flatMap(typescriptFiles)
      .filter((file) => !allowedToReachIn.some((dir) => file.startsWith(dir + path.sep)))
      .flatMap((file) =>
        relativeImports(readFileSync(file, 'utf8'))
          .map((specifier) => path.resolve(path.dirname(file), specifier))
          .filter((target) => target.startsWith(cacheDir + path.sep) && target !== path.join(cacheDir, 'index'))
          .map((target) => `${path.relative(root, file)} → ${path.relative(root, target)}`),
      );
    expect(reachingIn).toEqual([]);
  });

  it('sees an import that reaches in (the check itself works)', () => {
    expect(
      relativeImports("import { EdgeCache } from '../cache/edge-cache';\nconst m = await import('./cache');"),
    ).toEqual(['../cache/edge-cache', './cache']);
  });
});
