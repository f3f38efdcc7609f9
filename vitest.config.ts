import path from 'node:path';
import { cloudflareTest } from '@cloudflare/vitest-plugin';
import { defineConfig } from 'vitest/config';
import { unstable_readConfig } from 'wrangler';
import { type StackInfo, workerVarsOf } from './stack/stack-info';

// wrangler announces "Using secrets defined in .dev.vars" for every test file; the bindings
// below replace those secrets anyway. Warnings and errors still print.
process.env.WRANGLER_LOG ??= 'warn';

const wranglerConfig = unstable_readConfig({ config: './wrangler.toml' });

// wrangler.toml's vars, stated again so a developer's .dev.vars (written by npm run dev) cannot leak into tests.
const wranglerVars = Object.fromEntries(
  Object.entries(wranglerConfig.vars).map(([name, value]) => [name, String(value)]),
);

// wrangler.toml's module aliases, which the Workers plugin does not apply: the tests then import what the bundle does.
// Exact names only (wrangler's rule): `zod` is aliased, `zod/v4` is not.
const wranglerAliases = Object.entries(wranglerConfig.alias ?? {}).map(([name, target]) => ({
  find: new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}$`),
  replacement: path.resolve(String(target)),
}));

export default defineConfig({
  test: {
    globalSetup: ['./test/global-setup.ts'],
    // Request logs only for failing tests.
    silent: 'passed-only',
    // Under CI, also a JSON report: .ci/run turns it into a plain "N passed, N failed" line.
    reporters: process.env.CI ? ['default', ['json', { outputFile: '.ci/vitest-report.json' }]] : ['default'],
    projects: [
      {
        // Pure logic, in Node.
        extends: true,
        test: { name: 'unit', include: ['test/unit/**/*.test.ts'], environment: 'node' },
      },
      {
        // The local Neon and Upstash endpoints, driven by the real clients from Node.
        extends: true,
        test: { name: 'stack', include: ['test/stack/**/*.test.ts'], environment: 'node' },
      },
      {
        // The Worker inside workerd, against the local stack.
        extends: true,
        resolve: { alias: wranglerAliases },
        plugins: [
          cloudflareTest(({ inject }) => {
            const stack = inject<StackInfo>('stack');
            return {
              wrangler: { configPath: './wrangler.toml' },
              // workerd's verbose mode prints a stack trace for every failed subrequest, even one the
              // Worker handles (the fail-open tests make them on purpose). What the Worker logs, and
              // every failure, still reach the test output.
              verbose: false,
              miniflare: {
                bindings: {
                  ...wranglerVars,
                  ...workerVarsOf(stack),
                  CACHE_NAMESPACE: inject<string>('cacheNamespace'),
                },
              },
            };
          }),
        ],
        // One file at a time: some tests switch the shared endpoints into fault modes. After the
        // other projects (groupOrder), so the load test has the machine's cores to itself: it asserts
        // that no cache call fails, and a 2-core machine busy with other test files can miss a budget.
        test: {
          name: 'worker',
          include: ['test/worker/**/*.test.ts'],
          setupFiles: ['./test/worker/preload-lazy-modules.ts'],
          fileParallelism: false,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
