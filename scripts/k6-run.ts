// `npm run k6 -- <script> [k6 run flags]`: runs one of k6/*.ts with a real k6 and leaves a
// picture of the run: k6's web-dashboard HTML report beside the JSON summary, both under
// k6/results/ with the same name. Against the local stack it reads API_TOKEN from .dev.vars, and
// the Neon and Upstash endpoints whose faults k6/faults.ts switches.
//   npm run k6 -- smoke
//   npm run k6 -- load -e RATE=1000
//   npm run k6 -- spike -e BASE_URL=https://<preview-url>
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { DEV_VARS_FILE, PROJECT_ROOT, readDevVars } from '../stack/dev-vars';

const [script, ...k6Args] = process.argv.slice(2);
const scriptPath = script && (existsSync(script) ? script : path.join('k6', `${script}.ts`));
if (!scriptPath || !existsSync(path.join(PROJECT_ROOT, scriptPath))) {
  console.error(
    `usage: npm run k6 -- <smoke|load|spike|stress|soak|breakpoint|stampede|faults> [k6 run flags]${script ? ` (no script ${script})` : ''}`,
  );
  process.exit(2);
}

const name = path.basename(scriptPath, '.ts');
const stamp = new Date().toISOString().replace(/[:.]/g, '-');
const resultsDir = path.join('k6', 'results');
mkdirSync(path.join(PROJECT_ROOT, resultsDir), { recursive: true });
const given = (flag: string) => k6Args.some((arg, i) => arg.startsWith(`${flag}=`) && k6Args[i - 1] === '-e');
const baseUrl = k6Args
  .find((arg, i) => k6Args[i - 1] === '-e' && arg.startsWith('BASE_URL='))
  ?.slice('BASE_URL='.length);
const local = !baseUrl || /^https?:\/\/(127\.|localhost|\[::1\])/.test(baseUrl);
const devVars = local ? readDevVars(DEV_VARS_FILE) : {};
/** Settings from .dev.vars for a local run, unless given on the command line. */
const fromDevVars = Object.entries({
  API_TOKEN: devVars.API_TOKEN,
  NEON_ENDPOINT: devVars.NEON_LOCAL_ENDPOINT,
  UPSTASH_ENDPOINT: devVars.UPSTASH_REDIS_REST_URL,
}).flatMap(([name, value]) => (value && !given(name) ? ['-e', `${name}=${value}`] : []));

/**
 * The dashboard aggregates per period (k6's default 10 s) and skips the report of a run with too
 * few periods ("not enough data"): the stampede lasts ~10 s, the smoke 30 s.
 */
const DASHBOARD_PERIODS: Record<string, string> = { stampede: '1s', smoke: '2s', faults: '2s' };

const args = ['run', '-e', `RUN_STAMP=${stamp}`, ...fromDevVars, ...k6Args, scriptPath];
const k6 = spawn('k6', args, {
  cwd: PROJECT_ROOT,
  stdio: 'inherit',
  env: {
    K6_NO_USAGE_REPORT: 'true',
    K6_WEB_DASHBOARD: 'true',
    // No live dashboard server (port -1): only the exported report.
    K6_WEB_DASHBOARD_PORT: '-1',
    K6_WEB_DASHBOARD_PERIOD: DASHBOARD_PERIODS[name] ?? '10s',
    K6_WEB_DASHBOARD_EXPORT: path.join(resultsDir, `${name}-${stamp}.html`),
    ...process.env,
  },
});
k6.once('error', (error) => {
  const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
  console.error(
    missing
      ? 'k6 is not installed: build it with ../shared/tools/build-k6.sh (README: "Load tests and benchmarks").'
      : `Could not run k6: ${error.message}`,
  );
  process.exit(1);
});
k6.once('exit', (code, signal) => {
  console.log(`Report: ${path.join(resultsDir, `${name}-${stamp}.html`)} (summary JSON beside it)`);
  process.exit(code ?? (signal ? 1 : 0));
});
