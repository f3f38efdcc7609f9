// The deployable bundle as `npm run build` makes it, and the settings wrangler.toml gives it:
// what `npm run serve` runs, and what its test runs.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { unstable_readConfig } from 'wrangler';
import { PROJECT_ROOT } from './dev-vars';
import { StackError } from './stack-error';

export interface BundleSettings {
  compatibilityDate: string;
  compatibilityFlags: string[];
  /** wrangler.toml's `[vars]`, as the text bindings they become. */
  vars: Record<string, string>;
}

/** wrangler's own CLI, run by this Node: no dependence on PATH (tests run without npm's). */
function wranglerCli(): string {
  return path.join(path.dirname(createRequire(import.meta.url).resolve('wrangler/package.json')), 'bin', 'wrangler.js');
}

/** `wrangler deploy --dry-run --outdir <outDir>`, offline; resolves with the bundle's entry module. */
export async function buildBundle(outDir: string): Promise<string> {
  const args = [wranglerCli(), 'deploy', '--dry-run', '--outdir', outDir];
  await new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: PROJECT_ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolve() : reject(new StackError(`wrangler deploy --dry-run failed (exit ${code}).`)),
    );
  });
  return path.join(outDir, 'index.js');
}

export function readBundleSettings(): BundleSettings {
  const config = unstable_readConfig({ config: path.join(PROJECT_ROOT, 'wrangler.toml') });
  return {
    compatibilityDate: config.compatibility_date ?? '2026-11-01',
    compatibilityFlags: config.compatibility_flags,
    vars: Object.fromEntries(Object.entries(config.vars).map(([name, value]) => [name, String(value)])),
  };
}

/**
 * A budget no single load generator reaches. wrk and autocannon send every request from
 * one address, which production's budget (wrangler.toml) would turn into 429s: a benchmark of
 * refusals. The limiter still runs and counts, so its cost stays in the figures; writes and
 * forced reads keep production's budgets. `RATE_LIMIT_READS=...` in the environment overrides it.
 */
export const UNREACHABLE_BUDGET = '1000000 per 10s';

/**
 * The bindings `npm run serve` and the bench run the production bundle with: wrangler.toml's
 * vars, then `.dev.vars` (as wrangler dev does), then what measuring changes: no request log,
 * compression off as in production (where the edge compresses), reads unlimited in practice.
 */
export function measurementBindings(
  vars: Record<string, string>,
  devVars: Record<string, string>,
): Record<string, string> {
  return {
    ...vars,
    ...devVars,
    LOG_REQUESTS: 'off',
    COMPRESSION: 'off',
    RATE_LIMIT_READS: process.env.RATE_LIMIT_READS || UNREACHABLE_BUDGET,
  };
}
