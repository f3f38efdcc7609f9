// `npm run build:size`: what each package contributes to the deployable bundle.
import { beforeAll, describe, expect, it } from 'vitest';
import { runNpmScript, type ScriptRun } from './run-script';

let run: ScriptRun;

beforeAll(async () => {
  run = await runNpmScript('build:size', {});
}, 120_000);

const rows = () =>
  [...run.stdout.matchAll(/^\| (\S+) \| ([\d.]+) \| ([\d.]+) \|$/gm)].map(([, name, kib, gzipKib]) => ({
    name: name!,
    kib: Number(kib),
    gzipKib: Number(gzipKib),
  }));

describe('npm run build:size', () => {
  it('should list each package and project folder, the rows adding up to the bundle', () => {
    expect(run.status, run.stderr).toBe(0);
    const bundleKib = Number(/^Bundle: ([\d.]+) KiB \/ gzip: [\d.]+ KiB$/m.exec(run.stdout)?.[1]);
    const sum = rows().reduce((total, row) => total + row.kib, 0);
    // Each row is rounded to 0.1 KiB.
    expect(Math.abs(sum - bundleKib)).toBeLessThanOrEqual(rows().length * 0.05);
    expect(rows().map((row) => row.name)).toEqual(
      expect.arrayContaining(['@neondatabase/serverless', 'zod', 'hono', 'src/cache/', 'src/app.ts', '(esbuild)']),
    );
  });

  it('should show zod without the parts no schema uses (wrangler.toml aliases zod to src/schemas/zod.ts)', () => {
    // Without the alias, @hono/zod-openapi keeps zod's whole namespace: 440 KiB minified, 64 locales among it.
    expect(rows().find((row) => row.name === 'zod')?.kib).toBeLessThan(150);
  });
});
